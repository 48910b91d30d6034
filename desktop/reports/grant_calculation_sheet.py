"""助成額の計算: every step of the estimate, with the rule it applied, for a clerk to check by hand.

Trainees on the same terms have the same steps: each distinct list is printed
once, naming the trainees it applies to, so that a plan of fifty trainees stays
a few pages. Then each trainee's figures, the plan against the establishment's
annual cap, and the notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Paragraph, Spacer  # type: ignore[import-untyped]

from desktop.domain.grant import ESTIMATE_NOTICE, CalcStep, PlanEstimate, yen
from desktop.reports.grant_sheet_data import GrantSheetData
from desktop.reports.grant_sheet_layout import (
    AMOUNT,
    CELL,
    GROUP,
    NOTE,
    SMALL,
    VALUE,
    fields,
    grid,
    heading,
    total_row,
)
from desktop.reports.pdf_common import FONT_BOLD, FRAME_WIDTH

_STEP_WIDTHS = [96.0, 196.0, 72.0, FRAME_WIDTH - 364.0]
_SHARE_WIDTHS = [22.0, 104.0, 34.0, 62.0, 62.0, 64.0, 86.0, FRAME_WIDTH - 434.0]
NO_ESTIMATE = "助成額を計算できません。"


def calculation_sheet(data: GrantSheetData) -> list[Flowable]:
    estimate = data.estimate
    if estimate is None:
        return [heading("助成額を計算できません"), fields([("理由", data.no_rule_reason or NO_ESTIMATE)])]
    rule = estimate.rule_set
    story: list[Flowable] = [
        heading("1. 適用したルールセット"),
        fields(
            [("名称", rule.name), ("ID", rule.id), ("出典", rule.source), ("適用の範囲", rule.period_text)]
        ),
        heading("2. 受講者ごとの計算"),
    ]
    groups = step_groups(estimate)
    for letter, (steps, members) in enumerate(groups.items(), 1):
        if len(groups) == 1:
            whom = f"受講者全員（{len(members)}人）に同じ計算が当てはまります。"
        else:
            names = "、".join(f"No.{n} {estimate.shares[n - 1].trainee.label}" for n in members)
            whom = f"対象: {names}（{len(members)}人）"
        story += [Paragraph(f"<b>計算{letter}</b>　{escape(whom)}", GROUP), _steps(steps)]
    if not groups:
        story.append(fields([("受講者", "受講者がいないため、計算はありません。")]))
    letters = {number: letter for letter, members in enumerate(groups.values(), 1) for number in members}
    story += [
        heading("3. 受講者ごとの助成見込額"),
        _shares(estimate, letters),
        heading("4. 計画全体と事業所の年度上限"),
        _steps(estimate.steps),
        Spacer(0, 6),
        fields(
            [
                ("同じ年度の他の計画の見込額", yen(estimate.used_before)),
                ("この計画の助成見込額", Paragraph(f"<b>{yen(estimate.total)}</b>", VALUE)),
                ("年度内の合計（この計画を含む）", yen(estimate.running_total)),
                ("事業所の年度上限", yen(estimate.annual_cap)),
                ("年度上限の残り", yen(max(estimate.annual_cap - estimate.running_total, 0))),
            ],
            label_width=170,
        ),
        heading("5. 注意事項"),
    ]
    story += [Paragraph(escape(note), NOTE, bulletText="・") for note in notes(estimate)]
    return story


def step_groups(estimate: PlanEstimate) -> dict[tuple[CalcStep, ...], list[int]]:
    """Trainee numbers (from 1) by their list of steps, in the order the lists first appear."""
    groups: dict[tuple[CalcStep, ...], list[int]] = {}
    for number, share in enumerate(estimate.shares, 1):
        groups.setdefault(share.estimate.steps, []).append(number)
    return groups


def notes(estimate: PlanEstimate) -> list[str]:
    """The plan's notes, then each trainee's, each once, and last that the figures are estimates."""
    found = [*estimate.notes, *(note for share in estimate.shares for note in share.estimate.notes)]
    return list(dict.fromkeys([*found, ESTIMATE_NOTICE]))


def _steps(steps: Sequence[CalcStep]) -> Flowable:
    rows: list[list[Any]] = [["項目", "計算", "金額", "根拠（ルール）"]]
    for step in steps:
        rows.append(
            [
                Paragraph(escape(step.label), CELL),
                Paragraph(escape(step.expression), CELL),
                Paragraph("" if step.amount is None else yen(step.amount), AMOUNT),
                Paragraph(escape(step.rule), SMALL),
            ]
        )
    # A few rows, kept whole: no calculation is read half on one page and half on the next.
    return grid(rows, _STEP_WIDTHS, [("VALIGN", (0, 1), (-1, -1), "TOP"), ("NOSPLIT", (0, 0), (-1, -1))])


def _shares(estimate: PlanEstimate, letters: dict[int, int]) -> Flowable:
    rows: list[list[Any]] = [
        ["No", "氏名", "計算", "経費助成", "賃金助成", "小計", "年度上限による減額", "見込額"]
    ]
    for number, share in enumerate(estimate.shares, 1):
        trainee = share.estimate
        rows.append(
            [
                str(number),
                Paragraph(escape(share.trainee.label), CELL),
                f"計算{letters[number]}",
                *(yen(amount) for amount in (trainee.expense, trainee.wage, trainee.total, share.cut_by_cap)),
                yen(share.payable),
            ]
        )
    shares = estimate.shares
    totals = [
        sum(share.estimate.expense for share in shares),
        sum(share.estimate.wage for share in shares),
        estimate.subtotal,
        sum(share.cut_by_cap for share in shares),
        estimate.total,
    ]
    rows.append([f"合計　{len(shares)}人", "", "", *(yen(amount) for amount in totals)])
    return grid(
        rows,
        _SHARE_WIDTHS,
        [
            ("FONTSIZE", (0, 1), (-1, -1), 7.5),
            ("ALIGN", (0, 1), (0, -1), "RIGHT"),
            ("ALIGN", (2, 1), (2, -1), "CENTER"),
            ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
            ("FONTNAME", (-1, 1), (-1, -1), FONT_BOLD),
            *total_row(2),
        ],
    )
