"""What every printed report shares: the embedded font, the A4 page, the footer, the safe write.

Reports are handed to other offices and printed years later, so the font is
embedded (BIZ UD Gothic, a TrueType subset, never a viewer's substitute) and
every page says which app made it, on which day, and which page it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from reportlab.graphics.shapes import Drawing  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_LEFT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table, TableStyle  # type: ignore[import-untyped]

from desktop.domain.dates import to_wareki
from desktop.resources import resource_path
from desktop.safe_write import replacing

APP_NAME = "まなび台帳"
FONT = "BIZUDGothic"
FONT_BOLD = "BIZUDGothic-Bold"
_FONT_FILES = {FONT: "BIZUDGothic-Regular.ttf", FONT_BOLD: "BIZUDGothic-Bold.ttf"}

PAGE_SIZE = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 13 * mm
MARGIN_BOTTOM = 16 * mm  # the footer sits inside it
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#5a5a5a")
RULE = colors.HexColor("#9a9a9a")
SHADE = colors.HexColor("#eef1f5")

_fonts_ready = False


class PdfError(Exception):
    """str(exc) is a Japanese message fit to show the clerk as it is."""


def register_fonts() -> None:
    """Register BIZ UD Gothic (regular and bold) once; PdfError if the font files are missing."""
    global _fonts_ready
    if _fonts_ready:
        return
    for name, file_name in _FONT_FILES.items():
        path = resource_path("fonts", file_name)
        if not path.is_file():
            raise PdfError(
                f"PDFに使うフォント {file_name} が見つかりません（{path}）。"
                "アプリのファイルが欠けている可能性があります。アプリを入れ直してください。"
            )
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception as exc:  # ReportLab raises TTFError or plain errors for damaged files
            raise PdfError(
                f"PDFに使うフォント {file_name} を読み込めません（{exc}）。アプリを入れ直してください。"
            ) from exc
    # Without the family, <b> in a Paragraph would fall back to Helvetica-Bold, which is not embedded.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_ready = True


def style(
    name: str, size: float = 9, *, bold: bool = False, leading: float | None = None, **extra: Any
) -> ParagraphStyle:
    """A paragraph style in the report font; CJK wrapping breaks Japanese lines between any two characters."""
    return ParagraphStyle(
        name,
        fontName=FONT_BOLD if bold else FONT,
        fontSize=size,
        leading=leading if leading is not None else size * 1.45,
        textColor=extra.pop("textColor", INK),
        alignment=extra.pop("alignment", TA_LEFT),
        wordWrap="CJK",
        **extra,
    )


def new_drawing(width: float, height: float) -> Drawing:
    """A graphics drawing whose default font is ours (ReportLab's default, Helvetica, would not be embedded)."""
    return Drawing(width, height, initialFontName=FONT, initialFontSize=8)


def table(
    data: Sequence[Sequence[Any]],
    widths: Sequence[float],
    commands: Sequence[tuple[Any, ...]] = (),
    **options: Any,
) -> Table:
    """A table in our font: ReportLab sets each cell's font, Helvetica unless told, even for cells
    that hold only paragraphs or drawings, and that font would end up in the file unembedded."""
    result = Table(data, colWidths=list(widths), **options)
    result.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("TEXTCOLOR", (0, 0), (-1, -1), INK), *commands])
    )
    return result


def wareki_with_iso(day: date) -> str:
    """令和7年4月10日（2025-04-10）: the era for the reader, the Western date for the files it is matched with."""
    return f"{to_wareki(day)}（{day.isoformat()}）"


# --- the safe write ---------------------------------------------------------------------------


def write_pdf(path: Path, build: Callable[[IO[bytes]], None]) -> None:
    """Run `build` on a file that becomes `path` only if it completes.

    The PDF goes to ``name.part`` first and replaces `path` once flushed to
    disk, so a cancelled or failed run never leaves half a PDF (or a stale
    .part) where the clerk expects the old one. The fonts are registered
    first: paragraphs need them as soon as they are made, and a missing font
    should fail before any file is touched.
    """
    register_fonts()
    with _replacing(path) as file:
        build(file)


@contextmanager
def _replacing(path: Path) -> Iterator[IO[bytes]]:
    try:
        with replacing(path) as file:
            yield file
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise PdfError(
            f"{path.name} に書き込めません（{reason}）。"
            "PDFビューアで開いている場合は閉じてから、もう一度やり直してください。"
        ) from exc


# --- pages and their furniture ------------------------------------------------------------------


@dataclass(frozen=True)
class Furniture:
    """What the footer of every page shows."""

    made_on: date
    number_within_group: bool = False  # 「2 / 4」 counts the pages of one learner, not of the file


class PageGroup(Flowable):  # type: ignore[misc]  # ReportLab ships no type hints
    """Starts a group of pages (one learner's); the footer names it on each of its pages.

    Place it first on the group's first page: it takes no room.
    """

    _ZEROSIZE = True  # fits even on a full page, so it never pushes a blank page out

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.begin_group(self.label)


class Checkpoint(Flowable):  # type: ignore[misc]
    """Calls back when layout reaches it: progress that follows the real work and can cancel it."""

    _ZEROSIZE = True

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self.callback = callback
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.callback()


class _FurnishedCanvas(Canvas):  # type: ignore[misc]
    """Holds the pages back until the end so that footers can say 「2 / 4」."""

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._group = (0, "")
        self._group_count = 0
        self._held: list[dict[str, Any]] = []

    def begin_group(self, label: str) -> None:
        self._group_count += 1
        self._group = (self._group_count, label)

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        if self._code:
            self._held.append(dict(self.__dict__))
        counts: dict[int, int] = {}
        for state in self._held:
            counts[state["_group"][0]] = counts.get(state["_group"][0], 0) + 1
        within: dict[int, int] = {}
        for number, state in enumerate(self._held, 1):
            self.__dict__.update(state)
            key, label = state["_group"]
            within[key] = within.get(key, 0) + 1
            if self._furniture.number_within_group:
                page, pages = within[key], counts[key]
            else:
                page, pages = number, len(self._held)
            self._draw_footer(label, page, pages)
            super().showPage()
        super().save()

    def _draw_footer(self, label: str, page: int, pages: int) -> None:
        self.saveState()
        y = MARGIN_BOTTOM / 2
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN_X, y + 10, PAGE_SIZE[0] - MARGIN_X, y + 10)
        self.setFillColor(MUTED)
        self.setFont(FONT, 7.5)
        left = f"{APP_NAME}　作成日 {to_wareki(self._furniture.made_on)}"
        number = f"{page} / {pages}"
        self.drawString(MARGIN_X, y, left)
        self.drawRightString(PAGE_SIZE[0] - MARGIN_X, y, number)
        if label:
            # After the date rather than centred, so that a long name cannot run into it.
            start = MARGIN_X + pdfmetrics.stringWidth(left, FONT, 7.5) + 18
            room = PAGE_SIZE[0] - MARGIN_X - pdfmetrics.stringWidth(number, FONT, 7.5) - 18 - start
            while label and pdfmetrics.stringWidth(label, FONT, 7.5) > room:
                label = label[:-2] + "…"
            self.drawString(start, y, label)
        self.restoreState()


def build_document(file: IO[bytes], story: list[Flowable], *, title: str, furniture: Furniture) -> None:
    """Lay out `story` on A4 portrait pages with the footer and write the PDF to `file`."""
    register_fonts()
    doc = BaseDocTemplate(
        file,
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=APP_NAME,
        creator=APP_NAME,
        # The canvas's own default is Helvetica, which would appear in the file unembedded.
        initialFontName=FONT,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, 0, 0, 0, 0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def make_canvas(*args: Any, **kwargs: Any) -> _FurnishedCanvas:
        return _FurnishedCanvas(*args, furniture=furniture, **kwargs)

    doc.build(story, canvasmaker=make_canvas)
