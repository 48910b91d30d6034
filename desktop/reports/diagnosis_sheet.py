"""診断結果票: one A4 page per learner with levels, targets, a radar chart and the result in words.

A department prints its sheets in one go, so a batch is one PDF with a page
per learner. Each page names the framework version that made its figures:
levels from different versions of a framework are not comparable, and a sheet
read a year later must say which one it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Polygon  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Flowable,
    KeepInFrame,
    PageBreak,
    Paragraph,
    Spacer,
)

from desktop.domain.dates import to_wareki
from desktop.domain.diagnosis import CategoryScore, DiagnosisScore, compare, summary_sentences
from desktop.domain.framework import ScaleLevel
from desktop.reports.pdf_common import (
    FONT_BOLD,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MUTED,
    RULE,
    SHADE,
    Checkpoint,
    Furniture,
    PageGroup,
    build_document,
    new_drawing,
    style,
    table,
    wareki_with_iso,
    write_pdf,
)
from desktop.reports.radar import BEFORE_COLOR, CURRENT_COLOR, TARGET_COLOR, radar_chart, wrap_label

TITLE = "DXスキル診断 結果票"
CLOSING = "この結果票は自己評価と知識問題による目安です。"
# The rule of desktop.domain.diagnosis, in the words a learner reads.
METHOD_NOTE = (
    "レベルの求め方: 自己評価の設問は回答の平均、知識問題は正答率をフレームワークの基準でレベルに換算し、"
    "両方ある分類はその2つの平均としています。未回答の設問は集計に含めず、小数第1位まで表示しています。"
)

MINUS = "\u2212"  # a real minus sign: the hyphen is too short to read as one in print
DASH = "—"


@dataclass(frozen=True)
class ResultSheet:
    learner_number: str
    learner_name: str
    organization: str
    department: str  # may be ""
    diagnosed_on: date
    kind_label: str  # 事前 / 事後 / 定期
    framework_name: str
    framework_version: int
    role_name: str
    score: DiagnosisScore
    before: DiagnosisScore | None = None  # an earlier diagnosis to compare (e.g. 事前 when this is 事後)
    before_label: str = ""  # e.g. "事前（令和7年4月10日）"
    # The framework's scale: the chart's axis runs from its bottom to its top level and the sheet
    # prints its labels. Without it the axis is guessed from the levels and targets on the sheet.
    scale: tuple[ScaleLevel, ...] = ()


def write_result_sheets(
    path: Path,
    sheets: Sequence[ResultSheet],
    made_on: date,
    progress: Callable[[int], None] | None = None,
) -> None:
    """One page per sheet in one PDF. `progress(n)` follows each finished sheet and may raise to cancel."""
    if not sheets:
        raise ValueError("結果票にする診断がありません。")

    def build(file: IO[bytes]) -> None:
        story: list[Flowable] = []
        for number, sheet in enumerate(sheets, 1):
            if number > 1:
                story.append(PageBreak())
            story.append(_sheet_page(sheet, number, progress))
        build_document(file, story, title=TITLE, furniture=Furniture(made_on))

    write_pdf(path, build)


def _sheet_page(sheet: ResultSheet, number: int, progress: Callable[[int], None] | None) -> Flowable:
    content: list[Flowable] = [
        PageGroup(f"受講者番号 {sheet.learner_number}　{sheet.learner_name}"),
        Paragraph(TITLE, style("title", 15, bold=True, spaceAfter=6)),
        _learner_block(sheet),
        Spacer(0, 5),
        Paragraph(
            escape(f"診断フレームワーク: {sheet.framework_name} 第{sheet.framework_version}版"),
            style("framework", 9.5, bold=True, spaceAfter=2),
        ),
        _chart_row(sheet),
        Spacer(0, 4),
        _category_table(sheet),
        Spacer(0, 8),
        Paragraph("結果のまとめ", style("heading", 10.5, bold=True, spaceAfter=2)),
    ]
    bullet = style("bullet", 9, leftIndent=10, firstLineIndent=-10, spaceAfter=1)
    content += [Paragraph(escape(f"・{line}"), bullet) for line in _summary(sheet)]
    content += [
        Spacer(0, 6),
        Paragraph(escape(METHOD_NOTE), style("note", 7.5, textColor=MUTED)),
        Spacer(0, 4),
        Paragraph(CLOSING, style("closing", 9, bold=True)),
    ]
    if progress is not None:
        content.append(Checkpoint(partial(progress, number)))
    # A framework with many categories shrinks to fit rather than spill onto a second page:
    # a sheet per page is what lets a department's batch be handed out page by page.
    return KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT, content, mode="shrink")


def _learner_block(sheet: ResultSheet) -> Flowable:
    value = style("value", 9)
    rows = [
        ("受講者番号", sheet.learner_number, "氏名", sheet.learner_name),
        ("団体", sheet.organization, "所属", sheet.department or DASH),
        ("実施日", wareki_with_iso(sheet.diagnosed_on), "種類", sheet.kind_label),
        ("育成区分", sheet.role_name, "回答数", f"{sheet.score.answered} / {sheet.score.total}問"),
    ]
    data = [[a, Paragraph(escape(b), value), c, Paragraph(escape(d), value)] for a, b, c, d in rows]
    return table(
        data,
        [58, 197, 58, 197],
        [
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("BACKGROUND", (0, 0), (0, -1), SHADE),
            ("BACKGROUND", (2, 0), (2, -1), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
    )


# --- the table ----------------------------------------------------------------------------------


def _level_text(level: float | None) -> str:
    return "未回答" if level is None else f"{level:.1f}"


def _gap_text(category: CategoryScore) -> str:
    if category.gap is None:
        return DASH
    return "達成" if category.gap == 0 else f"{category.gap:.1f}"


def _change_text(change: float | None) -> str:
    if change is None:
        return DASH
    if change == 0:
        return "±0.0"
    return f"+{change:.1f}" if change > 0 else f"{MINUS}{abs(change):.1f}"


def _category_table(sheet: ResultSheet) -> Flowable:
    changes = compare(sheet.before, sheet.score) if sheet.before is not None else None
    cell = style("cell", 8.5, leading=10.5)
    header = ["大分類", "分類", "レベル", "到達目標", "差"]
    widths = [120.0, 246.0, 48.0, 48.0, 48.0]
    if changes is not None:
        header += ["前回", "変化"]
        widths = [100.0, 170.0, 48.0, 48.0, 48.0, 48.0, 48.0]
    data: list[list[Any]] = [header]
    for index, category in enumerate(sheet.score.categories):
        row: list[Any] = [
            Paragraph(escape(category.group_name), cell),
            Paragraph(escape(category.name), cell),
            _level_text(category.level),
            str(category.target),
            _gap_text(category),
        ]
        if changes is not None:
            row += [_level_text(changes[index].before), _change_text(changes[index].change)]
        data.append(row)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("ALIGN", (2, 0), (-1, -1), "CENTER"),
        ("ALIGN", (0, 0), (1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for row_index, category in enumerate(sheet.score.categories, 1):
        if category.gap:  # short of the target: the cell a learner should look at first
            commands.append(("FONTNAME", (4, row_index), (4, row_index), FONT_BOLD))
    commands += _group_spans([c.group_name for c in sheet.score.categories])
    return table(data, widths, commands, repeatRows=1)


def _group_spans(groups: list[str]) -> list[tuple[Any, ...]]:
    """One 大分類 cell over the rows of consecutive categories in the same group."""
    spans: list[tuple[Any, ...]] = []
    start = 0
    for index in range(1, len(groups) + 1):
        if index == len(groups) or groups[index] != groups[start]:
            if index - 1 > start:
                spans.append(("SPAN", (0, start + 1), (0, index)))
            start = index
    return spans


def _summary(sheet: ResultSheet) -> list[str]:
    lines = summary_sentences(sheet.score)
    if sheet.before is not None:
        ups = [c for c in compare(sheet.before, sheet.score) if c.change is not None and c.change > 0]
        ups.sort(key=lambda c: -(c.change or 0))
        if ups:
            names = "、".join(f"「{c.name}」（{_change_text(c.change)}）" for c in ups[:3])
            lines.append(f"前回から伸びたのは {names} です。")
    return lines


# --- the chart ----------------------------------------------------------------------------------


def _chart_row(sheet: ResultSheet) -> Flowable:
    before = None
    if sheet.before is not None:
        before = [change.before for change in compare(sheet.before, sheet.score)]
    chart = radar_chart(sheet.score.categories, sheet.scale, before)
    legend_width = FRAME_WIDTH - chart.width
    return table(
        [[chart, _legend(sheet, legend_width)]],
        [chart.width, legend_width],
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ],
    )


def _wrap_label(name: str, size: float, width: float) -> list[str]:
    """The chart's label lines (kept here for the tests that pin how labels break)."""
    return list(wrap_label(name, size, width))


def _legend(sheet: ResultSheet, width: float) -> list[Flowable]:
    small = style("legend", 8, leading=10.5)
    entries: list[tuple[Drawing, str]] = [
        (
            _swatch(CURRENT_COLOR, None, filled=True),
            f"今回: {sheet.kind_label}（{to_wareki(sheet.diagnosed_on)}）",
        ),
        (_swatch(TARGET_COLOR, (3, 2)), f"到達目標（{sheet.role_name}）"),
    ]
    if sheet.before is not None:
        label = sheet.before_label or "前回"
        if sheet.before.framework_version != sheet.framework_version:
            label += f"・第{sheet.before.framework_version}版"
        entries.append((_swatch(BEFORE_COLOR, (1.2, 1.6)), f"前回: {label}"))
    rows = [[swatch, Paragraph(escape(text), small)] for swatch, text in entries]
    entry_table = table(
        rows,
        [24, width - 24],
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ],
    )
    flowables: list[Flowable] = [entry_table]
    if sheet.scale:
        flowables.append(Spacer(0, 6))
        flowables.append(Paragraph("レベルの目安", style("scale-heading", 8, bold=True, leading=11)))
        hang = style("scale", 7.5, leading=10, leftIndent=9, firstLineIndent=-9)
        flowables += [Paragraph(escape(f"{s.level} {s.label}"), hang) for s in sheet.scale]
    flowables.append(Spacer(0, 6))
    flowables.append(
        Paragraph(
            escape(f"{sheet.framework_name} 第{sheet.framework_version}版で算出"),
            style("made-by", 7, textColor=MUTED, alignment=TA_CENTER),
        )
    )
    return flowables


def _swatch(color: colors.Color, dash: tuple[float, float] | None, *, filled: bool = False) -> Drawing:
    drawing = new_drawing(20, 8)
    if filled:
        drawing.add(Polygon([0, 0, 20, 0, 20, 8, 0, 8], fillColor=color, fillOpacity=0.18, strokeColor=color))
    else:
        drawing.add(
            Line(
                0, 4, 20, 4, strokeColor=color, strokeWidth=1.3, strokeDashArray=list(dash) if dash else None
            )
        )
    return drawing
