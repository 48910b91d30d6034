"""What the grant worksheets print: plain data, filled by the store, read by the PDF and Excel writers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from desktop.domain.grant import PlanEstimate
from desktop.domain.grant_plan import EmploymentType, GrantPlanStatus, Window
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.roster import SizeClass

WORKSHEET_NOTICE = (
    "この用紙は公式様式に記入するための下書き（記入シート）です。様式そのものではありません。"
    "金額は見込みであり、労働局の支給決定ではありません。"
)


class SheetKind(StrEnum):
    SUMMARY = "summary"
    TRAINEES = "trainees"
    CALCULATION = "calculation"

    @property
    def label(self) -> str:
        return {"summary": "訓練計画の概要", "trainees": "受講者一覧", "calculation": "助成額の計算"}[
            self.value
        ]


@dataclass(frozen=True)
class SheetEstablishment:
    name: str
    office_number: str  # 雇用保険適用事業所番号 "1234-567890-1", or "" when not entered
    corporate_number: str  # 13 digits or ""
    size: SizeClass
    main_business: str
    labour_bureau: str
    contact_name: str
    contact_phone: str


@dataclass(frozen=True)
class SheetTrainee:
    number: str  # 受講者番号 in the roster
    name: str
    furigana: str
    insured_number: str  # 11 digits or ""
    employment: EmploymentType
    wage_hours: Decimal  # hours asked for the wage subsidy


@dataclass(frozen=True)
class GrantSheetData:
    plan_id: int
    establishment: SheetEstablishment
    title: str  # 訓練コース名
    provider: str  # 実施機関
    method: TrainingMethod
    start: date
    end: date
    hours: Decimal  # 訓練時間 (標準時間)
    fee: int  # per trainee; per month for 定額制
    status: GrantPlanStatus
    trainees: tuple[SheetTrainee, ...]
    estimate: PlanEstimate | None  # None when no rule set applies (then no_rule_reason says why)
    no_rule_reason: str | None
    notice: Window  # when the 計画届 is due
    claim: Window  # when the 支給申請 is due
    made_on: date
    made_by: str  # the office that prints (団体名), may be ""
