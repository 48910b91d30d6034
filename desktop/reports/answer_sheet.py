"""回答用紙: the diagnosis on paper, for learners without a PC at hand.

Learners circle numbers; staff type them back into the entry grid by item id,
so every item shows its id. Loose pages get shuffled on a desk, so each page's
footer names the learner (or leaves a line to write the name on) and counts
that learner's pages. The correct answers are never printed: the sheet goes
to the person being diagnosed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer  # type: ignore[import-untyped]

from desktop.domain.framework import Category, Framework, Item, ItemKind
from desktop.reports.pdf_common import (
    FONT_BOLD,
    FRAME_WIDTH,
    MUTED,
    RULE,
    SHADE,
    Checkpoint,
    Furniture,
    PageGroup,
    build_document,
    style,
    table,
    write_pdf,
)

TITLE = "DXスキル診断 回答用紙"
INSTRUCTIONS = (
    "自己評価の設問は、あてはまる番号を1つ〇で囲んでください。"
    "知識問題は、正しいと思う選択肢の番号を1つ〇で囲んでください。"
)
ID_NOTE = "各設問の左端の記号（設問番号）は、回答を入力する職員が使います。"
_BLANK_DATE = "令和　　　年　　　月　　　日"
CLOSING = "設問は以上です。記入もれがないか確かめてください。"
_WRITE_HERE = "＿" * 8

_ID_WIDTH = 58.0
_ANSWER_WIDTH = 124.0
_TEXT_WIDTH = FRAME_WIDTH - _ID_WIDTH - _ANSWER_WIDTH
_NUMBERS_PER_LINE = 5


@dataclass(frozen=True)
class AnswerSheetLearner:
    learner_number: str
    learner_name: str
    organization: str
    department: str


def write_answer_sheets(
    path: Path,
    framework: Framework,
    learners: Sequence[AnswerSheetLearner],
    kind_label: str,
    made_on: date,
    progress: Callable[[int], None] | None = None,
) -> None:
    """A sheet (one or more pages) per learner; none given → one sheet with blanks to fill in by hand.

    `progress(n)` follows each finished learner and may raise to cancel; then no file is left.
    """
    people: Sequence[AnswerSheetLearner | None] = learners or [None]

    def build(file: IO[bytes]) -> None:
        story: list[Flowable] = []
        for number, learner in enumerate(people, 1):
            if number > 1:
                story.append(PageBreak())
            story += _sheet(framework, learner, kind_label)
            if progress is not None:
                story.append(Checkpoint(partial(progress, number)))
        build_document(file, story, title=f"{TITLE}（{kind_label}）", furniture=Furniture(made_on, True))

    write_pdf(path, build)


def _sheet(framework: Framework, learner: AnswerSheetLearner | None, kind_label: str) -> list[Flowable]:
    if learner is None:
        label = f"受講者番号 {_WRITE_HERE}　氏名 {_WRITE_HERE}{_WRITE_HERE}"
    else:
        label = f"受講者番号 {learner.learner_number}　氏名 {learner.learner_name}"
    story: list[Flowable] = [
        PageGroup(label),
        Paragraph(escape(f"{TITLE}（{kind_label}）"), style("title", 15, bold=True, spaceAfter=6)),
        Paragraph(
            escape(f"診断フレームワーク: {framework.name} 第{framework.version}版"),
            style("framework", 9.5, bold=True, spaceAfter=4),
        ),
        _header(learner, kind_label),
        Spacer(0, 6),
        Paragraph(INSTRUCTIONS, style("instructions", 9.5, bold=True, spaceAfter=1)),
        Paragraph(ID_NOTE, style("id-note", 8, textColor=MUTED, spaceAfter=4)),
        _scale_legend(framework),
    ]
    for number, category in enumerate(framework.categories, 1):
        items = framework.items_of(category.id)
        rows = [_item_row(framework, item) for item in items]
        # A heading never ends a page on its own: it goes over with its first item.
        story.append(Spacer(0, 8))
        story.append(KeepTogether([_category_heading(framework, category, number), rows[0]]))
        story += rows[1:]
    story.append(Spacer(0, 10))
    story.append(Paragraph(CLOSING, style("closing", 9.5, bold=True)))
    return story


def _header(learner: AnswerSheetLearner | None, kind_label: str) -> Flowable:
    value = style("value", 9.5)
    if learner is None:
        cells = ["", "", "", ""]
    else:
        cells = [learner.learner_number, learner.learner_name, learner.organization, learner.department]
    rows = [
        ["受講者番号", cells[0], "氏名", cells[1]],
        ["団体", cells[2], "所属", cells[3]],
        ["記入日", _BLANK_DATE, "種類", kind_label],
    ]
    data = [[a, Paragraph(escape(b), value), c, Paragraph(escape(d), value)] for a, b, c, d in rows]
    data[2][1] = _BLANK_DATE  # a plain cell: a paragraph would squeeze the spaces left for writing
    return table(
        data,
        [62, 193, 62, 193],
        [
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("BACKGROUND", (0, 0), (0, -1), SHADE),
            ("BACKGROUND", (2, 0), (2, -1), SHADE),
            ("GRID", (0, 0), (-1, -1), 0.6, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ],
        # Room to write a name by hand, whether or not one is printed.
        rowHeights=[24] * len(rows),
    )


def _scale_legend(framework: Framework) -> Flowable:
    label = style("scale-label", 8.5, bold=True, leading=11)
    description = style("scale-description", 7.5, leading=10, textColor=MUTED)
    data: list[list[Any]] = [
        [str(s.level), Paragraph(escape(s.label), label), Paragraph(escape(s.description), description)]
        for s in framework.scale
    ]
    return KeepTogether(
        [
            Paragraph("自己評価の番号の意味", style("scale-heading", 8.5, bold=True, spaceAfter=2)),
            table(
                data,
                [22, 150, FRAME_WIDTH - 172],
                [
                    ("FONTNAME", (0, 0), (0, -1), FONT_BOLD),
                    ("FONTSIZE", (0, 0), (0, -1), 10),
                    ("ALIGN", (0, 0), (0, -1), "CENTER"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("GRID", (0, 0), (-1, -1), 0.4, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ],
            ),
        ]
    )


def _category_heading(framework: Framework, category: Category, number: int) -> Flowable:
    group = framework.group(category.group).name
    text = f"{number}. {escape(category.name)}　<font size=8 color='#5a5a5a'>大分類: {escape(group)}</font>"
    return table(
        [[Paragraph(text, style("category", 10.5, bold=True, leading=14))]],
        [FRAME_WIDTH],
        [
            ("BACKGROUND", (0, 0), (-1, -1), SHADE),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, MUTED),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ],
    )


def _item_row(framework: Framework, item: Item) -> Flowable:
    """One item as one table row, which ReportLab never splits across pages."""
    text: list[Flowable] = [Paragraph(escape(item.text), style("item", 9.5, leading=13.5))]
    if item.kind is ItemKind.KNOWLEDGE:
        choice = style("choice", 9, leading=12.5, leftIndent=24, firstLineIndent=-12, spaceBefore=1)
        text += [Paragraph(escape(f"{n}　{c}"), choice) for n, c in enumerate(item.choices, 1)]
    identity = [
        Paragraph(escape(item.id), style("item-id", 8, bold=True, leading=10)),
        Paragraph(item.kind.label, style("item-kind", 6.5, leading=9, textColor=MUTED)),
    ]
    return table(
        [[identity, text, _numbers(list(framework.valid_answers(item)))]],
        [_ID_WIDTH, _TEXT_WIDTH, _ANSWER_WIDTH],
        [
            ("VALIGN", (0, 0), (1, 0), "TOP"),
            ("VALIGN", (2, 0), (2, 0), "MIDDLE"),
            ("ALIGN", (2, 0), (2, 0), "CENTER"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ],
    )


def _numbers(numbers: list[int]) -> Flowable:
    """The numbers to circle, spaced wide enough that a hand-drawn circle takes only one."""
    lines = [numbers[i : i + _NUMBERS_PER_LINE] for i in range(0, len(numbers), _NUMBERS_PER_LINE)]
    width = _ANSWER_WIDTH / _NUMBERS_PER_LINE
    number_style = style("number", 12, bold=True, leading=15, alignment=TA_CENTER)
    columns = len(lines[0])
    data = [[Paragraph(str(n), number_style) for n in line] + [""] * (columns - len(line)) for line in lines]
    return table(
        data,
        [width] * columns,
        [("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)],
        hAlign="CENTER",
    )
