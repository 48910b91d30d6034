"""What a clerk types for an establishment and a training plan, checked field by field.

Validation lists every problem at once, each naming its field, so the dialog
can mark all of them; nothing is saved until the list is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from desktop.domain.grant_plan import EmploymentType
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.registration_numbers import (
    NumberFormatError,
    clean_corporate_number,
    clean_insured_number,
    clean_office_number,
)
from desktop.domain.roster import FieldProblem, SizeClass
from desktop.domain.text import nfkc, normalize_name

ESTABLISHMENT_LABELS = {
    "name": "事業所名",
    "size": "企業規模",
    "office_number": "雇用保険適用事業所番号",
    "corporate_number": "法人番号",
    "main_business": "主たる事業",
    "labour_bureau": "管轄労働局",
    "contact_name": "担当者",
    "contact_phone": "電話番号",
}
PLAN_LABELS = {
    "organization_id": "事業所",
    "title": "訓練コース名",
    "provider": "実施機関",
    "method": "訓練方法",
    "start": "訓練開始日",
    "end": "訓練終了日",
    "hours": "訓練時間",
    "fee": "受講料",
    "trainees": "受講者",
    "notes": "備考",
}
MAX_HOURS = Decimal("9999.99")  # Numeric(7, 2)
MAX_FEE = 100_000_000


@dataclass(frozen=True)
class EstablishmentDraft:
    name: str
    size: SizeClass | None
    office_number: str = ""
    corporate_number: str = ""
    main_business: str = ""
    labour_bureau: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class CleanEstablishment:
    name: str
    size: SizeClass
    office_number: str | None
    corporate_number: str | None
    main_business: str | None
    labour_bureau: str | None
    contact_name: str | None
    contact_phone: str | None


def _text(value: str, field_name: str, limit: int, problems: list[FieldProblem]) -> str | None:
    cleaned = nfkc(value).strip()
    if len(cleaned) > limit:
        problems.append(FieldProblem(field_name, f"{limit}文字以内で入力してください。"))
    return cleaned or None


def validate_establishment(draft: EstablishmentDraft) -> tuple[CleanEstablishment | None, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    name = normalize_name(draft.name)
    if not name:
        problems.append(FieldProblem("name", "事業所名を入力してください。"))
    elif len(name) > 128:
        problems.append(FieldProblem("name", "事業所名は128文字以内で入力してください。"))
    if draft.size is None:
        problems.append(FieldProblem("size", "企業規模（中小企業・大企業）を選んでください。"))
    numbers: dict[str, str | None] = {}
    for field_name, clean in (
        ("office_number", clean_office_number),
        ("corporate_number", clean_corporate_number),
    ):
        typed = getattr(draft, field_name).strip()
        numbers[field_name] = None
        if typed:
            try:
                numbers[field_name] = clean(typed)
            except NumberFormatError as exc:
                problems.append(FieldProblem(field_name, str(exc)))
    main_business = _text(draft.main_business, "main_business", 128, problems)
    labour_bureau = _text(draft.labour_bureau, "labour_bureau", 32, problems)
    contact_name = _text(draft.contact_name, "contact_name", 64, problems)
    contact_phone = _text(draft.contact_phone, "contact_phone", 32, problems)
    if contact_phone and not all(ch.isdigit() or ch in "-() " for ch in contact_phone):
        problems.append(FieldProblem("contact_phone", "電話番号は数字とハイフンで入力してください。"))
    if problems or draft.size is None:
        return None, problems
    return CleanEstablishment(
        name,
        draft.size,
        numbers["office_number"],
        numbers["corporate_number"],
        main_business,
        labour_bureau,
        contact_name,
        contact_phone,
    ), problems


@dataclass(frozen=True)
class TraineeDraft:
    learner_id: int
    employment: EmploymentType = EmploymentType.REGULAR
    wage_hours: str = ""  # as typed; blank means the training's hours
    insured_number: str = ""  # as typed; blank keeps the roster's


@dataclass(frozen=True)
class CleanTrainee:
    learner_id: int
    employment: EmploymentType
    wage_hours: Decimal
    insured_number: str | None  # None: leave the roster's as it is


@dataclass(frozen=True)
class GrantPlanDraft:
    organization_id: int | None
    title: str
    method: TrainingMethod | None
    start: date | None
    end: date | None
    hours: str  # as typed
    fee: str  # as typed, yen
    provider: str = ""
    notes: str = ""
    trainees: tuple[TraineeDraft, ...] = field(default=())


@dataclass(frozen=True)
class CleanGrantPlan:
    organization_id: int
    title: str
    provider: str
    method: TrainingMethod
    start: date
    end: date
    hours: Decimal
    fee: int
    notes: str
    trainees: tuple[CleanTrainee, ...]


def parse_hours(text: str) -> Decimal | None:
    """Hours as typed (全角 too, up to two decimals); None when it is not such a number."""
    cleaned = nfkc(text).strip().replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    try:
        exact = value == value.quantize(Decimal("0.01"))
    except InvalidOperation:  # too many digits to quantize (1e10000, a held-down key): not hours
        return None
    return value if exact else None


def parse_yen(text: str) -> int | None:
    cleaned = nfkc(text).strip().replace(",", "").removesuffix("円")
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() else None


def validate_grant_plan(draft: GrantPlanDraft) -> tuple[CleanGrantPlan | None, list[FieldProblem]]:
    problems: list[FieldProblem] = []

    def problem(field_name: str, message: str) -> None:
        problems.append(FieldProblem(field_name, message))

    if draft.organization_id is None:
        problem("organization_id", "事業所を選んでください。")
    title = normalize_name(draft.title)
    if not title:
        problem("title", "訓練コース名を入力してください。")
    elif len(title) > 200:
        problem("title", "訓練コース名は200文字以内で入力してください。")
    provider = _text(draft.provider, "provider", 128, problems) or ""
    if draft.method is None:
        problem("method", "訓練方法を選んでください。")
    if draft.start is None:
        problem("start", "訓練開始日を入力してください。")
    if draft.end is None:
        problem("end", "訓練終了日を入力してください。")
    elif draft.start is not None and draft.end < draft.start:
        problem("end", "訓練終了日が開始日より前です。")
    hours = parse_hours(draft.hours)
    hours_ok = hours is not None and 0 < hours <= MAX_HOURS
    if not hours_ok:
        problem("hours", "訓練時間は0より大きい時間数で入力してください（小数は2桁まで）。")
    fee = parse_yen(draft.fee)
    if fee is None or fee > MAX_FEE:
        problem("fee", "受講料は0以上の整数（円）で入力してください。")
    notes = nfkc(draft.notes).strip()
    if len(notes) > 2000:
        problem("notes", "備考は2000文字以内で入力してください。")
    # Bad plan hours are reported once, above, not again against each trainee's wage hours.
    trainees = _clean_trainees(draft.trainees, hours if hours_ok else None, problem)
    if problems:
        return None, problems
    assert draft.organization_id is not None and draft.method and draft.start and draft.end
    assert hours is not None and fee is not None
    return CleanGrantPlan(
        draft.organization_id,
        title,
        provider,
        draft.method,
        draft.start,
        draft.end,
        hours,
        fee,
        notes,
        trainees,
    ), problems


def _clean_trainees(
    drafts: tuple[TraineeDraft, ...], hours: Decimal | None, report: Callable[[str, str], None]
) -> tuple[CleanTrainee, ...]:
    seen: set[int] = set()
    cleaned: list[CleanTrainee] = []
    for number, trainee in enumerate(drafts, start=1):
        where = f"受講者{number}人目"
        if trainee.learner_id in seen:
            report("trainees", f"{where}: 同じ人が二度選ばれています。")
            continue
        seen.add(trainee.learner_id)
        if trainee.wage_hours.strip():
            wage_hours = parse_hours(trainee.wage_hours)
        else:  # blank: the training's hours (when those are bad, their own problem says so)
            wage_hours = hours if hours is not None else Decimal(0)
        if wage_hours is None or wage_hours < 0:
            report("trainees", f"{where}: 賃金助成の対象時間は0以上の時間数で入力してください。")
            continue
        if hours is not None and wage_hours > hours:
            report("trainees", f"{where}: 賃金助成の対象時間が訓練時間を超えています。")
            continue
        insured: str | None = None
        if trainee.insured_number.strip():
            try:
                insured = clean_insured_number(trainee.insured_number)
            except NumberFormatError as exc:
                report("trainees", f"{where}: {exc}")
                continue
        cleaned.append(CleanTrainee(trainee.learner_id, trainee.employment, wage_hours, insured))
    return tuple(cleaned)
