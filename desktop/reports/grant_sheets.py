"""人材開発支援助成金 記入シート: what a firm copies onto the official forms, and how each yen was found.

Three sheets, each from a new page, in the order asked for: the plan in the
order of the 計画届 (訓練計画の概要), the trainees (受講者一覧), and the
calculation step by step (助成額の計算, in grant_calculation_sheet). Every page
carries the notice that this is a worksheet and the amounts are estimates
(grant_sheet_layout), and the footer names the establishment and the plan.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer  # type: ignore[import-untyped]

from desktop.domain.grant import ESTIMATE_NOTICE, hours_text, months_text, subscription_months, yen
from desktop.domain.grant_plan import CLAIM_MONTHS, NOTICE_CLOSES_MONTHS, NOTICE_OPENS_MONTHS, EmploymentType
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.registration_numbers import format_insured_number
from desktop.reports.grant_calculation_sheet import NO_ESTIMATE, calculation_sheet
from desktop.reports.grant_sheet_data import GrantSheetData, SheetKind
from desktop.reports.grant_sheet_layout import (
    BIG,
    CELL,
    MUTED_NOTE,
    TITLE,
    UNSET,
    fields,
    grid,
    heading,
    sheet,
    total_row,
)
from desktop.reports.pdf_common import (
    FRAME_WIDTH,
    Checkpoint,
    Furniture,
    build_document,
    register_fonts,
    wareki_with_iso,
    write_pdf,
)


def write_grant_sheets(
    path: Path,
    data: GrantSheetData,
    kinds: Sequence[SheetKind],
    progress: Callable[[int], None] | None = None,
) -> None:
    """The sheets of `kinds`, in that order, in one PDF at `path` (all or nothing).

    `progress(n)` is called once the n-th sheet is laid out; it may raise to cancel.
    PdfError when the file cannot be written; ValueError when `kinds` is empty.
    """
    story = _story(data, kinds, progress)
    write_pdf(path, partial(_build, data, story))


def grant_sheets_pdf(data: GrantSheetData, kinds: Sequence[SheetKind]) -> bytes:
    """The same PDF as bytes, for a preview that needs no file."""
    story = _story(data, kinds, None)
    buffer = io.BytesIO()
    _build(data, story, buffer)
    return buffer.getvalue()


def _build(data: GrantSheetData, story: list[Flowable], file: IO[bytes]) -> None:
    build_document(file, story, title=f"{TITLE}　{data.title}", furniture=Furniture(data.made_on))


def _story(
    data: GrantSheetData, kinds: Sequence[SheetKind], progress: Callable[[int], None] | None
) -> list[Flowable]:
    wanted = list(dict.fromkeys(kinds))
    if not wanted:
        raise ValueError("印刷するシートがありません。")
    register_fonts()  # paragraphs need the fonts as soon as they are made
    makers = {
        SheetKind.SUMMARY: _summary,
        SheetKind.TRAINEES: _trainees,
        SheetKind.CALCULATION: calculation_sheet,
    }
    story: list[Flowable] = []
    for number, kind in enumerate(wanted, 1):
        if number > 1:
            story.append(PageBreak())
        story += sheet(data, kind, makers[kind](data))
        if progress is not None:
            story.append(Checkpoint(partial(progress, number)))
    return story


def _headcount(data: GrantSheetData) -> str:
    counts = {kind: sum(t.employment is kind for t in data.trainees) for kind in EmploymentType}
    split = "・".join(f"{kind.label} {count}人" for kind, count in counts.items() if count)
    return f"{len(data.trainees)}人" + (f"（{split}）" if split else "")


# --- 訓練計画の概要 ---------------------------------------------------------------------------------


def _summary(data: GrantSheetData) -> list[Flowable]:
    office = data.establishment
    if data.method is TrainingMethod.SUBSCRIPTION:
        months = data.estimate.terms.months if data.estimate else subscription_months(data.start, data.end)
        fee = f"月額 {yen(data.fee)}（{data.method.label}・利用 {months_text(months)}）"
    else:
        fee = yen(data.fee)
    return [
        heading("1. 事業所"),
        fields(
            [
                ("事業所の名称", office.name),
                ("雇用保険適用事業所番号", office.office_number),
                ("法人番号", office.corporate_number),
                ("企業規模", office.size.label),
                ("主たる事業", office.main_business),
                ("管轄労働局", office.labour_bureau),
                ("担当者", office.contact_name),
                ("電話番号", office.contact_phone),
            ]
        ),
        heading("2. 訓練の内容"),
        fields(
            [
                ("訓練コース名", data.title),
                ("実施機関", data.provider),
                ("訓練の方法", data.method.label),
                ("訓練の期間", f"{wareki_with_iso(data.start)} 〜 {wareki_with_iso(data.end)}"),
                ("訓練時間", hours_text(data.hours)),
                ("受講料（1人あたり）", fee),
                ("受講者数", _headcount(data)),
            ]
        ),
        heading("3. 提出の期間と状況"),
        fields(
            [
                (
                    "計画届の提出期間",
                    f"{data.notice.text}（訓練開始日の{NOTICE_OPENS_MONTHS}か月前から{NOTICE_CLOSES_MONTHS}か月前まで）",
                ),
                ("支給申請の期間", f"{data.claim.text}（訓練終了日の翌日から{CLAIM_MONTHS}か月以内）"),
                ("計画の状況", data.status.label),
            ]
        ),
        heading("4. 助成額の見込み"),
        *_summary_estimate(data),
    ]


def _summary_estimate(data: GrantSheetData) -> list[Flowable]:
    estimate = data.estimate
    if estimate is None:
        return [
            fields(
                [
                    ("助成見込額", Paragraph("計算できません", BIG)),
                    ("理由", data.no_rule_reason or NO_ESTIMATE),
                ]
            )
        ]
    amount = yen(estimate.total)
    if estimate.cap_reached:
        amount += f'　<font size="8.5">（年度上限の適用前 {yen(estimate.subtotal)}）</font>'
    expense = sum(share.estimate.expense for share in estimate.shares)
    wage = sum(share.estimate.wage for share in estimate.shares)
    rule = estimate.rule_set
    rows: list[tuple[str, Flowable | str]] = [
        ("助成見込額", Paragraph(amount, BIG)),
        ("内訳（年度上限の適用前）", f"経費助成 {yen(expense)}・賃金助成 {yen(wage)}"),
    ]
    reasons = dict.fromkeys(share.estimate.reason for share in estimate.shares if share.estimate.reason)
    rows += [("対象外の理由", reason) for reason in reasons]
    return [
        fields([*rows, ("適用したルールセット", f"{rule.name}（{rule.id}）")]),
        Paragraph(
            escape(f"{ESTIMATE_NOTICE}計算の過程は「{SheetKind.CALCULATION.label}」にあります。"), MUTED_NOTE
        ),
    ]


# --- 受講者一覧 -----------------------------------------------------------------------------------

_TRAINEE_WIDTHS = [26.0, 118.0, 118.0, 100.0, 54.0, FRAME_WIDTH - 416.0]


def _trainees(data: GrantSheetData) -> list[Flowable]:
    rows: list[list[Any]] = [
        ["No", "氏名", "フリガナ", "雇用保険被保険者番号", "雇用形態", "賃金助成の対象時間"]
    ]
    for number, trainee in enumerate(data.trainees, 1):
        insured = format_insured_number(trainee.insured_number)
        rows.append(
            [
                str(number),
                Paragraph(escape(trainee.name), CELL),
                Paragraph(escape(trainee.furigana), CELL),
                Paragraph(escape(insured) if insured else UNSET, CELL),
                trainee.employment.label,
                hours_text(trainee.wage_hours),
            ]
        )
    if not data.trainees:
        rows.append(["", "（受講者はまだいません）", "", "", "", ""])
    hours = sum((trainee.wage_hours for trainee in data.trainees), start=Decimal(0))
    rows.append([f"合計　{_headcount(data)}", "", "", "", "", hours_text(hours) if data.trainees else ""])
    return [
        Spacer(0, 8),
        grid(
            rows,
            _TRAINEE_WIDTHS,
            [
                ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                ("ALIGN", (4, 1), (4, -1), "CENTER"),
                ("ALIGN", (5, 1), (5, -1), "RIGHT"),
                *total_row(4),
            ],
        ),
        Paragraph(
            "雇用保険被保険者番号は被保険者証の表記（4桁-6桁-1桁）です。"
            "賃金助成の対象時間は、所定労働時間内に受講する時間です。",
            MUTED_NOTE,
        ),
    ]
