"""The parts every 助成金 記入シート is built of: the title with the notice, labelled fields, lists.

The sheets are not the official forms and their amounts are estimates, so each
page says so: under the sheet's title, and at the top of every further page a
sheet runs onto (a PTOContainer repeats it there with 「（続き）」).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, Paragraph, PTOContainer, Spacer  # type: ignore[import-untyped]

from desktop.reports.grant_sheet_data import WORKSHEET_NOTICE, GrantSheetData, SheetKind
from desktop.reports.pdf_common import (
    FONT,
    FONT_BOLD,
    FRAME_WIDTH,
    INK,
    MUTED,
    RULE,
    SHADE,
    PageGroup,
    style,
    table,
)

TITLE = "人材開発支援助成金 記入シート"
NOT_ENTERED = "未入力"
NOTICE_COLOR = colors.HexColor("#c92a2a")
NOTICE_BACK = colors.HexColor("#fdf3f3")

# CJK wrapping lets a 。 or ） that cannot start a line hang past the right edge: keep room for it.
_HANG = 10
_TITLE_STYLE = style("grant-title", 14, bold=True, leading=18)
_SUBTITLE = style("grant-subtitle", 9, leading=12, textColor=MUTED, rightIndent=_HANG)
_CONTINUED = style("grant-continued", 8.5, bold=True, leading=11, textColor=MUTED)
_NOTICE = style("grant-notice", 8, bold=True, leading=11)
_HEADING = style("grant-heading", 10.5, bold=True, leading=14, spaceBefore=9, spaceAfter=3, keepWithNext=1)
_LABEL = style("grant-label", 8.5, leading=11)
GROUP = style(
    "grant-group", 8.5, leading=11.5, spaceBefore=6, spaceAfter=2, keepWithNext=1, rightIndent=_HANG
)
VALUE = style("grant-value", 9, leading=12)
BIG = style("grant-big", 13, bold=True, leading=16)
CELL = style("grant-cell", 8, leading=10)
SMALL = style("grant-small", 7.5, leading=9.5)
AMOUNT = style("grant-amount", 8, leading=10, alignment=TA_RIGHT)
NOTE = style(
    "grant-note", 8.5, leading=12, leftIndent=10, bulletIndent=0, bulletFontName=FONT, rightIndent=_HANG
)
MUTED_NOTE = style("grant-muted-note", 8, leading=11, textColor=MUTED, spaceBefore=3, rightIndent=_HANG)
UNSET = f'<font color="#5a5a5a">{NOT_ENTERED}</font>'
# A list's total row takes two rows with it to a new page rather than stand there alone.
KEEP_WITH_TOTAL = ("NOSPLIT", (0, -3), (-1, -1))


def sheet(data: GrantSheetData, kind: SheetKind, body: list[Flowable]) -> list[Flowable]:
    """The sheet's title, what it is for, the notice, then `body` with the notice on each further page."""
    title = f"{TITLE}（{kind.label}）"
    about = [data.establishment.name, data.title, f"計画番号 {data.plan_id}", f"状況: {data.status.label}"]
    if data.made_by:
        about.append(f"作成: {data.made_by}")
    continued = [Paragraph(escape(f"{title}（続き）"), _CONTINUED), Spacer(0, 2), notice_box(), Spacer(0, 4)]
    return [
        PageGroup(f"{data.establishment.name}　{data.title}"),
        Paragraph(escape(title), _TITLE_STYLE),
        Paragraph(escape("　／　".join(about)), _SUBTITLE),
        Spacer(0, 4),
        notice_box(),
        PTOContainer(body, [], continued),
    ]


def notice_box() -> Flowable:
    return table(
        [[Paragraph(escape(WORKSHEET_NOTICE), _NOTICE)]],
        [FRAME_WIDTH],
        [
            ("BOX", (0, 0), (-1, -1), 1, NOTICE_COLOR),
            ("BACKGROUND", (0, 0), (-1, -1), NOTICE_BACK),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ],
    )


def heading(text: str) -> Paragraph:
    return Paragraph(escape(text), _HEADING)


def fields(rows: Sequence[tuple[str, Flowable | str]], label_width: float = 128) -> Flowable:
    """Label and value, a row each, kept on one page; a blank value reads 未入力."""
    data = [
        [
            Paragraph(escape(label), _LABEL),
            value if isinstance(value, Flowable) else Paragraph(escape(value) if value else UNSET, VALUE),
        ]
        for label, value in rows
    ]
    return table(
        data,
        [label_width, FRAME_WIDTH - label_width],
        [
            ("BACKGROUND", (0, 0), (0, -1), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("BOX", (0, 0), (-1, -1), 0.9, INK),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("NOSPLIT", (0, 0), (-1, -1)),
        ],
    )


def grid(data: list[list[Any]], widths: Sequence[float], extra: Sequence[tuple[Any, ...]] = ()) -> Flowable:
    """A list with a shaded header row that repeats on each page it runs onto."""
    return table(
        data,
        widths,
        [
            ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("LEADING", (0, 0), (-1, -1), 10),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("BOX", (0, 0), (-1, -1), 0.9, INK),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            *extra,
        ],
        repeatRows=1,
    )


def total_row(label_to: int) -> list[tuple[Any, ...]]:
    """The style of a list's last row, the total: its label spans columns 0..`label_to`."""
    return [
        ("SPAN", (0, -1), (label_to, -1)),
        ("ALIGN", (0, -1), (label_to, -1), "RIGHT"),
        ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
        ("LINEABOVE", (0, -1), (-1, -1), 0.9, INK),
        KEEP_WITH_TOTAL,
    ]
