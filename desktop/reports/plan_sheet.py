"""学習計画書: one learner's plan for a 年度, printed to be approved on paper.

The sheet is what the learner, the ラーニングパートナー and the 所属長 sign, so
it carries everything they sign for: who, the period and the hour limit, the
goal, the diagnosis the plan answers, every course with the reason it was
chosen, and a box for each seal. A long plan runs onto more pages with the
table header repeated; page numbers count within the learner, so a batch can
be cut into per-learner bundles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Line, Rect, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer  # type: ignore[import-untyped]

from desktop.domain.dates import fiscal_year_wareki, to_wareki, wareki_year
from desktop.domain.diagnosis import CategoryScore, DiagnosisScore
from desktop.domain.framework import ScaleLevel
from desktop.reports.pdf_common import (
    FONT,
    FONT_BOLD,
    FRAME_WIDTH,
    INK,
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
    write_pdf,
)
from desktop.reports.pdf_folder import safe_name_part, unique_names, write_pdf_folder
from desktop.reports.radar import CURRENT_COLOR, TARGET_COLOR, radar_chart

TITLE = "学習計画書"
NO_DIAGNOSIS = "スキル診断の結果はありません"
DEFAULT_APPROVALS = ("本人", "ラーニングパートナー", "所属長")
DRAFT_LABEL = "下書き"
CANCELLED_LABEL = "中止"
APPROVAL_DATE = "承認日　　　　年　　月　　日"
STOP_COLOR = colors.HexColor("#c92a2a")  # 下書き and 中止: a sheet nobody should act on as it is
DASH = "—"


@dataclass(frozen=True)
class PlanSheetLine:
    month: date  # first of the month
    course_code: str
    course_title: str
    method: str  # 実施方法 label, e.g. "eラーニング", "通学"
    provider: str  # 提供元 label, e.g. "Udemy Business"
    hours: Decimal  # standard hours
    reason: str  # short label: "必修" / "差を埋める" / "推奨" / "追加"
    why: str  # one sentence, may be long: wrapped


@dataclass(frozen=True)
class PlanDiagnosis:
    diagnosed_on: date
    kind_label: str  # 事前 / 事後 / 定期
    framework_name: str
    score: DiagnosisScore
    scale: tuple[ScaleLevel, ...] = ()


@dataclass(frozen=True)
class PlanSheet:
    organization: str  # 団体名
    fiscal_year: int  # 年度, western: 2026 prints as 令和8年度
    learner_number: str
    learner_name: str
    learner_kana: str  # may be ""
    department: str  # may be ""
    job_title: str  # 職名, may be ""
    role_name: str  # 育成区分, may be ""
    status_label: str  # 下書き / 承認済 / 実施中 / 完了 / 中止
    revision: int  # 第N版
    period_start: date
    period_end: date
    hours_budget: Decimal
    goal: str  # 到達目標, may be "": the box is left blank to write in by hand
    mentor: str  # ラーニングパートナー, may be ""
    diagnosis: PlanDiagnosis | None
    lines: tuple[PlanSheetLine, ...]
    approvals: tuple[str, ...] = DEFAULT_APPROVALS  # 押印欄 titles, 1–6, as the office signs


# --- writing ------------------------------------------------------------------------------------


def write_plan_sheets(
    path: Path,
    sheets: Sequence[PlanSheet],
    made_on: date,
    progress: Callable[[int], None] | None = None,
) -> None:
    """All sheets in one PDF, each learner from a new page. `progress(n)` may raise to cancel."""
    if not sheets:
        raise ValueError("印刷する学習計画がありません。")

    def build(file: IO[bytes]) -> None:
        story: list[Flowable] = []
        for number, sheet in enumerate(sheets, 1):
            if number > 1:
                story.append(PageBreak())
            story += _sheet_story(sheet, _checkpoint(progress, number))
        _build(story, made_on, file)

    write_pdf(path, build)


def write_plan_sheet_folder(
    folder: Path,
    sheets: Sequence[PlanSheet],
    made_on: date,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """One PDF per sheet in `folder`, named by plan_file_name; the paths in the order of `sheets`.

    All or nothing: a cancel (`progress` raising) or a failure leaves `folder`
    as it was. Two sheets that would share a name get （2）, （3）… added.
    """
    if not sheets:
        raise ValueError("印刷する学習計画がありません。")

    def build(index: int, file: IO[bytes]) -> None:
        _build(_sheet_story(sheets[index], _checkpoint(progress, index + 1)), made_on, file)

    return write_pdf_folder(folder, unique_names([plan_file_name(sheet) for sheet in sheets]), build)


def plan_file_name(sheet: PlanSheet) -> str:
    """「A0001_髙橋 花子_2026年度学習計画書.pdf」, with characters Windows forbids replaced by _."""
    return learner_plan_file_name(sheet.learner_number, sheet.learner_name, sheet.fiscal_year)


def learner_plan_file_name(number: str, name: str, fiscal_year: int) -> str:
    """The file name of a learner's sheet, for a screen that has the learner but not the sheet."""
    parts = [safe_name_part(number), safe_name_part(name)]
    return "_".join([*(p for p in parts if p), f"{fiscal_year}年度{TITLE}"]) + ".pdf"


def _build(story: list[Flowable], made_on: date, file: IO[bytes]) -> None:
    build_document(file, story, title=TITLE, furniture=Furniture(made_on, number_within_group=True))


def _checkpoint(progress: Callable[[int], None] | None, number: int) -> Checkpoint | None:
    return None if progress is None else Checkpoint(partial(progress, number))


# --- the sheet ----------------------------------------------------------------------------------

# Made once: thousands of sheets share them.
_TITLE_STYLE = style("plan-title", 20, bold=True, leading=24)
_SUBTITLE = style("plan-subtitle", 10.5, leading=14)
_REVISION = style("plan-revision", 8, leading=10, alignment=TA_RIGHT, textColor=MUTED)
_LABEL = style("plan-label", 8, leading=10)
_VALUE = style("plan-value", 9, leading=11.5)
_NAME = style("plan-name", 11.5, leading=14)
_GOAL = style("plan-goal", 9.5, leading=13.5)
_HEADING = style("plan-heading", 10, bold=True, leading=13)
_CATEGORY = style("plan-category", 7.5, leading=9)
_MONTH = style("plan-month", 8.5, leading=9, alignment=TA_CENTER)
_COURSE = style("plan-course", 8.5, leading=9.8)
_METHOD = style("plan-method", 8, leading=9)
_WHY = style("plan-why", 7.5, leading=9)
_TOTAL = style("plan-total", 8.5, leading=10.5)
_BOX_TITLE = style("plan-box-title", 7.5, leading=9, alignment=TA_CENTER)
_SMALL = '<font size="6.5" color="#5a5a5a">'


def _sheet_story(sheet: PlanSheet, checkpoint: Checkpoint | None) -> list[Flowable]:
    story: list[Flowable] = [
        PageGroup(f"受講者番号 {sheet.learner_number}　{sheet.learner_name}"),
        _header(sheet),
        Spacer(0, 6),
        _learner_block(sheet),
        Spacer(0, 6),
        _goal_box(sheet),
        Spacer(0, 8),
        *_diagnosis_block(sheet.diagnosis),
        Spacer(0, 8),
        _plan_table(sheet),
    ]
    if checkpoint is not None:
        story.append(checkpoint)
    return story


def _header(sheet: PlanSheet) -> Flowable:
    stop = sheet.status_label in (DRAFT_LABEL, CANCELLED_LABEL)
    color = STOP_COLOR if stop else INK
    box = max(70.0, stringWidth(sheet.status_label, FONT_BOLD, 11) + 12)
    status = table(
        [[sheet.status_label]],
        [box],
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT_BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 11),
            ("TEXTCOLOR", (0, 0), (-1, -1), color),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("BOX", (0, 0), (-1, -1), 1.2 if stop else 0.6, color),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ],
        hAlign="RIGHT",
    )
    revision = Paragraph(f"第{sheet.revision}版", _REVISION)
    left = [
        Paragraph(TITLE, _TITLE_STYLE),
        Paragraph(escape(f"{fiscal_year_wareki(sheet.fiscal_year)}　{sheet.organization}"), _SUBTITLE),
    ]
    return table(
        [[left, [status, Spacer(0, 3), revision]]],
        [FRAME_WIDTH - box - 20, box + 20],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (0, 0), 0),
            ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
        ],
    )


def _learner_block(sheet: PlanSheet) -> Flowable:
    name = escape(sheet.learner_name)
    if sheet.learner_kana:
        name = f"{_SMALL}{escape(sheet.learner_kana)}</font><br/>{name}"
    period = f"{to_wareki(sheet.period_start)}～{to_wareki(sheet.period_end)}"
    rows = [
        ("受講者番号", Paragraph(escape(sheet.learner_number), _VALUE), "育成区分", sheet.role_name),
        (
            Paragraph(f"{_SMALL}フリガナ</font><br/>氏名", _LABEL),
            Paragraph(name, _NAME),
            "計画期間",
            period,
        ),
        ("所属", sheet.department, "時間の上限", f"{_hours(sheet.hours_budget)}時間"),
        ("職名", sheet.job_title, "ラーニングパートナー", sheet.mentor),
    ]
    data = [
        [a, b if isinstance(b, Flowable) else Paragraph(escape(b), _VALUE), c, Paragraph(escape(d), _VALUE)]
        for a, b, c, d in rows
    ]
    return table(
        data,
        [62, 180, 94, FRAME_WIDTH - 336],
        [
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (0, -1), SHADE),
            ("BACKGROUND", (2, 0), (2, -1), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("BOX", (0, 0), (-1, -1), 0.9, INK),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ],
    )


def _goal_box(sheet: PlanSheet) -> Flowable:
    # An empty goal leaves room for about two handwritten lines.
    goal: Flowable = Paragraph(escape(sheet.goal), _GOAL) if sheet.goal else Spacer(0, 36)
    return table(
        [["到達目標", goal]],
        [62, FRAME_WIDTH - 62],
        [
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (0, -1), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("BOX", (0, 0), (-1, -1), 0.9, INK),
            ("VALIGN", (0, 0), (0, -1), "MIDDLE"),
            ("VALIGN", (1, 0), (1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ],
    )


# --- the diagnosis ------------------------------------------------------------------------------

_CHART_WIDTH = 236.0
_CHART_HEIGHT = 156.0


def _diagnosis_block(diagnosis: PlanDiagnosis | None) -> list[Flowable]:
    if diagnosis is None:
        return [
            Paragraph("スキル診断の結果", _HEADING),
            Spacer(0, 2),
            table(
                [[NO_DIAGNOSIS]],
                [FRAME_WIDTH],
                [
                    ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                    ("TEXTCOLOR", (0, 0), (-1, -1), MUTED),
                    ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ],
            ),
        ]
    score = diagnosis.score
    about = (
        f"{diagnosis.kind_label}（{to_wareki(diagnosis.diagnosed_on)}）・{diagnosis.framework_name}"
        f"・到達目標は{score.role_name}"
    )
    heading = Paragraph(f"スキル診断の結果　<font size='8' color='#5a5a5a'>{escape(about)}</font>", _HEADING)
    if len(score.categories) < 3:  # a radar needs three axes to enclose anything: the table alone says it
        return [heading, Spacer(0, 2), _category_table(score.categories, FRAME_WIDTH)]
    chart = radar_chart(
        score.categories,
        diagnosis.scale,
        width=_CHART_WIDTH,
        height=_CHART_HEIGHT,
        label_size=6,
        label_width=54,
    )
    return [
        heading,
        Spacer(0, 2),
        table(
            [[[chart, _legend()], _category_table(score.categories, FRAME_WIDTH - _CHART_WIDTH - 6)]],
            [_CHART_WIDTH + 6, FRAME_WIDTH - _CHART_WIDTH - 6],
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ],
        ),
    ]


def _legend() -> Flowable:
    drawing = new_drawing(_CHART_WIDTH, 12)
    x = _CHART_WIDTH / 2 - 70
    drawing.add(Rect(x, 2, 14, 6, fillColor=CURRENT_COLOR, fillOpacity=0.18, strokeColor=CURRENT_COLOR))
    drawing.add(String(x + 18, 2.5, "現在のレベル", fontName=FONT, fontSize=7, fillColor=INK))
    x += 80
    drawing.add(Line(x, 5, x + 14, 5, strokeColor=TARGET_COLOR, strokeWidth=1.2, strokeDashArray=[3, 2]))
    drawing.add(String(x + 18, 2.5, "到達目標", fontName=FONT, fontSize=7, fillColor=INK))
    return drawing


def _category_table(categories: Sequence[CategoryScore], width: float) -> Flowable:
    data: list[list[Any]] = [["分類", "レベル", "目標", "差"]]
    bold_rows: list[tuple[Any, ...]] = []
    for row, category in enumerate(categories, 1):
        level = "未回答" if category.level is None else f"{category.level:.1f}"
        if category.gap is None:
            gap = DASH
        elif category.gap == 0:
            gap = "達成"
        else:
            gap = f"{category.gap:.1f}"
            bold_rows.append(("FONTNAME", (3, row), (3, row), FONT_BOLD))
        data.append([Paragraph(escape(category.name), _CATEGORY), level, str(category.target), gap])
    return table(
        data,
        [width - 3 * 36, 36, 36, 36],
        [
            ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), 7.5),
            ("LEADING", (0, 0), (-1, -1), 9),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            ("ALIGN", (0, 0), (0, 0), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("GRID", (0, 0), (-1, -1), 0.5, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            *bold_rows,
        ],
    )


# --- the plan -----------------------------------------------------------------------------------

_PLAN_WIDTHS = [42.0, 164.0, 68.0, 34.0, FRAME_WIDTH - 308.0]


def _hours(value: Decimal) -> str:
    """12, 2.5, 0.75: no trailing zeros, never an exponent (Decimal('1E+1') prints as 10)."""
    return format(value.normalize(), "f")


def _month(day: date) -> str:
    # The year on every row: a 年度 runs into January to March of the next year.
    era, year = wareki_year(day)
    return f"{_SMALL}{era}{year}年</font><br/>{day.month}月"


def _plan_table(sheet: PlanSheet) -> Flowable:
    data: list[list[Any]] = [["月", "講座", "実施方法", "時間", "選定理由"]]
    for line in sheet.lines:
        method = escape(line.method)
        if line.provider:
            method += f"<br/>{_SMALL}{escape(line.provider)}</font>"
        data.append(
            [
                Paragraph(_month(line.month), _MONTH),
                Paragraph(
                    f"{_SMALL}{escape(line.course_code)}</font><br/>{escape(line.course_title)}", _COURSE
                ),
                Paragraph(method, _METHOD),
                _hours(line.hours),
                Paragraph(f"<b>{escape(line.reason)}</b>　{escape(line.why)}", _WHY),
            ]
        )
    if not sheet.lines:
        data.append(["", "（講座はまだありません）", "", "", ""])
    total = sum((line.hours for line in sheet.lines), Decimal(0))
    over = total - sheet.hours_budget
    budget = f"上限 {_hours(sheet.hours_budget)}時間"
    if over > 0:
        budget = f"<b>{budget}を {_hours(over)}時間 超えています</b>"
    else:
        budget += f"（残り {_hours(-over)}時間）"
    data.append([f"合計　{len(sheet.lines)}講座", "", "", _hours(total), Paragraph(budget, _TOTAL)])
    last = len(data) - 1
    # The seals ride in the table's last row so that NOSPLIT can hold them to the last courses:
    # a page holding nothing but the boxes would be signed apart from the plan it approves.
    data.append([_approvals(sheet.approvals), "", "", "", ""])
    seals = last + 1
    kept = max(1, last - _KEPT_WITH_SEALS)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("ALIGN", (3, 1), (3, -1), "RIGHT"),
        ("LEFTPADDING", (3, 0), (3, -1), 3),
        ("RIGHTPADDING", (3, 0), (3, -1), 4),
        ("GRID", (0, 0), (-1, last), 0.5, RULE),
        ("BOX", (0, 0), (-1, last), 0.9, INK),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("SPAN", (0, last), (2, last)),
        ("ALIGN", (0, last), (2, last), "RIGHT"),
        ("FONTNAME", (0, last), (3, last), FONT_BOLD),
        ("VALIGN", (0, last), (-1, last), "MIDDLE"),
        ("LINEABOVE", (0, last), (-1, last), 0.9, INK),
        ("SPAN", (0, seals), (-1, seals)),
        ("ALIGN", (0, seals), (-1, seals), "RIGHT"),
        ("TOPPADDING", (0, seals), (-1, seals), 8),
        ("RIGHTPADDING", (0, seals), (-1, seals), 0),
        ("BOTTOMPADDING", (0, seals), (-1, seals), 0),
        ("NOSPLIT", (0, kept), (-1, seals)),
    ]
    if over > 0:
        commands.append(("TEXTCOLOR", (3, last), (3, last), STOP_COLOR))
    return table(data, _PLAN_WIDTHS, commands, repeatRows=1)


# --- the seals ----------------------------------------------------------------------------------

_SEAL = 22 * mm
_KEPT_WITH_SEALS = 2  # course rows that move to the next page with the seals rather than leave them alone


def _approvals(titles: Sequence[str]) -> list[Flowable]:
    titles = list(titles) or list(DEFAULT_APPROVALS)
    widest = max(stringWidth(title, FONT, 7.5) for title in titles) + 8
    width = min(max(_SEAL, widest), FRAME_WIDTH / len(titles))
    boxes = table(
        [[Paragraph(escape(title), _BOX_TITLE) for title in titles], [""] * len(titles)],
        [width] * len(titles),
        [
            ("GRID", (0, 0), (-1, -1), 0.6, INK),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, 0), 2),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 3),
        ],
        rowHeights=[None, _SEAL],
        hAlign="RIGHT",
    )
    # A plain table cell, not a Paragraph: a Paragraph would squeeze the blanks left to write in.
    date_line = table(
        [[APPROVAL_DATE]],
        [stringWidth(APPROVAL_DATE, FONT, 9)],
        [
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ],
        hAlign="RIGHT",
    )
    return [date_line, boxes]
