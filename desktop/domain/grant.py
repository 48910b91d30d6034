"""The estimate of 人材開発支援助成金 for one training: per trainee, per plan, against the annual cap.

Pure arithmetic over a ``GrantRuleSet``. Every figure is whole yen, fractions
rounded down (the pamphlet's rule), computed with exact fractions so that
75% of 333,333 yen is 249,999 and never 250,000 by a float's accident. Each
estimate carries the steps that made it, in words a clerk can check by hand;
the calculation sheet prints them as they are.

定額制サービス (subscription): the fee is per trainee per month; the months of
service may include a part month, given as a fraction (days covered / days of
that month of service), and both the fee paid and the monthly cap count it in
proportion. Its expense subsidy is capped per month, not by the training's hours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from desktop.domain.dates import add_months
from desktop.domain.grant_rules import GrantRuleSet, TrainingMethod
from desktop.domain.roster import SizeClass

ESTIMATE_NOTICE = "この金額は見込みです。支給の可否と金額は労働局の審査で決まります。"


class EstimateInputError(ValueError):
    """Terms that cannot be estimated (zero hours, a negative fee…); str(exc) is Japanese."""


@dataclass(frozen=True)
class TrainingTerms:
    size: SizeClass
    method: TrainingMethod
    hours: Decimal  # the training's hours (標準時間), which pick the expense cap tier
    fee: int  # per trainee; for 定額制サービス per trainee per month
    start: date
    months: Fraction = Fraction(1)  # 定額制サービス only: months of service, a part month as a fraction

    def check(self) -> None:
        if not self.hours.is_finite() or self.hours <= 0:
            raise EstimateInputError("訓練時間は0より大きい数で入力してください。")
        if self.fee < 0:
            raise EstimateInputError("受講料は0円以上で入力してください。")
        if self.method is TrainingMethod.SUBSCRIPTION and self.months <= 0:
            raise EstimateInputError("定額制サービスの利用月数は0より大きくしてください。")


@dataclass(frozen=True)
class CalcStep:
    """One line of the calculation sheet: what, how, how much, and the rule it applied."""

    label: str
    expression: str
    amount: int | None
    rule: str = ""


@dataclass(frozen=True)
class TraineeEstimate:
    rule_set_id: str
    eligible: bool
    reason: str | None
    expense_before_cap: int
    expense_cap: int
    expense: int
    expense_limited_by: str | None  # the rule that cut the expense subsidy, when one did
    wage_hours: Decimal  # the hours paid for, after the per-trainee cap
    wage_rate: int
    wage: int
    wage_limited_by: str | None
    total: int
    steps: tuple[CalcStep, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class TraineeInput:
    label: str  # the trainee's name on the sheet
    wage_hours: Decimal | None = None  # None: the training's hours
    prior_subscription_claims: int = 0  # 定額制 claims already made for this trainee in the 年度


@dataclass(frozen=True)
class TraineeShare:
    trainee: TraineeInput
    estimate: TraineeEstimate
    payable: int  # after the establishment's annual cap
    cut_by_cap: int


@dataclass(frozen=True)
class PlanEstimate:
    rule_set: GrantRuleSet
    terms: TrainingTerms
    shares: tuple[TraineeShare, ...]
    subtotal: int  # every trainee's total before the annual cap
    used_before: int  # what earlier plans of the establishment take in the same 年度
    annual_cap: int
    total: int  # what this plan may expect
    cap_reached: bool
    steps: tuple[CalcStep, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return all(share.estimate.eligible for share in self.shares) if self.shares else False

    @property
    def running_total(self) -> int:
        """The establishment's total for the 年度 including this plan."""
        return self.used_before + self.total


def yen(amount: int) -> str:
    return f"{amount:,}円"


def hours_text(hours: Decimal | Fraction) -> str:
    value = Decimal(hours.numerator) / Decimal(hours.denominator) if isinstance(hours, Fraction) else hours
    text = f"{value.quantize(Decimal('0.01')).normalize():f}"
    return f"{text}時間"


def months_text(months: Fraction) -> str:
    if months.denominator == 1:
        return f"{months.numerator}か月"
    whole = math.floor(months)
    return f"{whole}か月と{months - whole}か月" if whole else f"{months}か月"


def subscription_months(start: date, end: date) -> Fraction:
    """Months of service from ``start`` to ``end`` inclusive: whole months, then the part month by days.

    A month of service runs from the start day to the day before the same day
    of the next month (4/15–5/14); the part month counts its days over the days
    of that month of service.
    """
    if end < start:
        raise EstimateInputError("終了日が開始日より前です。")
    whole = 0
    while add_months(start, whole + 1) - timedelta(days=1) <= end:
        whole += 1
    part_start = add_months(start, whole)
    if part_start > end:
        return Fraction(whole)
    covered = (end - part_start).days + 1
    length = (add_months(start, whole + 1) - part_start).days
    return whole + Fraction(covered, length)


def estimate_trainee(
    rules: GrantRuleSet,
    terms: TrainingTerms,
    wage_hours: Decimal | None = None,
    prior_subscription_claims: int = 0,
) -> TraineeEstimate:
    """One trainee's expense and wage subsidy under ``rules``."""
    terms.check()
    asked_hours = terms.hours if wage_hours is None else wage_hours
    if not asked_hours.is_finite() or asked_hours < 0:
        raise EstimateInputError("賃金助成の対象時間は0以上で入力してください。")
    if asked_hours > terms.hours:
        raise EstimateInputError("賃金助成の対象時間が訓練時間を超えています。")
    size = terms.size
    steps = [CalcStep("適用ルール", f"{rules.name}（{rules.id}）", None, rules.source)]
    notes: list[str] = []
    if terms.hours < rules.min_hours:
        reason = f"訓練時間が{hours_text(rules.min_hours)}未満（{hours_text(terms.hours)}）のため、助成の対象になりません。"
        steps.append(CalcStep("対象の判定", reason, 0, f"{hours_text(rules.min_hours)}以上の訓練が対象"))
        return TraineeEstimate(
            rules.id, False, reason, 0, 0, 0, None, Decimal(0), 0, 0, None, 0, tuple(steps), (reason,)
        )
    steps.append(
        CalcStep(
            "対象の判定",
            f"訓練時間 {hours_text(terms.hours)} ≧ {hours_text(rules.min_hours)}",
            None,
            f"{hours_text(rules.min_hours)}以上の訓練が対象",
        )
    )

    rate = rules.expense_rate_percent[size]
    rate_rule = f"経費助成率（{size.label} {rate}%）"
    if terms.method is TrainingMethod.SUBSCRIPTION:
        fee_total = terms.fee * terms.months
        fee_expression = f"月額 {yen(terms.fee)} × {months_text(terms.months)}"
        raw_cap = rules.subscription_monthly_cap * terms.months
        expense_cap = math.floor(raw_cap)
        cap_rule = f"定額制サービスの上限（1人1か月 {yen(rules.subscription_monthly_cap)}）"
        cap_expression = f"{yen(rules.subscription_monthly_cap)} × {months_text(terms.months)}"
        if prior_subscription_claims + 1 > rules.subscription_claims_per_year:
            notes.append(
                f"定額制サービスの申請は1人につき年度{rules.subscription_claims_per_year}回までです"
                f"（この受講者は今年度すでに{prior_subscription_claims}回）。"
            )
    else:
        fee_total = Fraction(terms.fee)
        fee_expression = f"受講料 {yen(terms.fee)}"
        tier = rules.expense_tier(terms.hours)
        assert tier is not None  # min_hours is the first tier's lower bound (checked on load)
        expense_cap = tier.cap[size]
        cap_rule = f"経費助成の上限（{rules.tier_text(tier)}・{size.label}）"
        cap_expression = cap_rule
    before_cap = math.floor(fee_total * Fraction(rate, 100))
    steps.append(
        CalcStep(
            "経費助成（上限適用前）", f"{fee_expression} × {rate}%（1円未満切り捨て）", before_cap, rate_rule
        )
    )
    steps.append(CalcStep("経費助成の上限額", cap_expression, expense_cap, cap_rule))
    expense = min(before_cap, expense_cap)
    expense_limited_by = cap_rule if before_cap > expense_cap else None
    steps.append(
        CalcStep(
            "経費助成額",
            f"{yen(before_cap)} と {yen(expense_cap)} の少ない方",
            expense,
            f"{cap_rule}で減額" if expense_limited_by else "",
        )
    )

    wage_rate = rules.wage_per_hour[size]
    wage_limited_by = None
    if terms.method in rules.wage_methods:
        paid_hours = min(asked_hours, rules.wage_hours_cap)
        if asked_hours > rules.wage_hours_cap:
            wage_limited_by = f"賃金助成の時間上限（1人 {hours_text(rules.wage_hours_cap)}）"
            notes.append(f"賃金助成の対象時間を{hours_text(rules.wage_hours_cap)}に制限しました。")
        wage = math.floor(Fraction(paid_hours) * wage_rate)
        steps.append(
            CalcStep(
                "賃金助成額",
                f"{hours_text(paid_hours)} × {yen(wage_rate)}（1円未満切り捨て）",
                wage,
                f"賃金助成（{size.label} 1時間 {yen(wage_rate)}）"
                + (f"・{wage_limited_by}" if wage_limited_by else ""),
            )
        )
    else:
        paid_hours = Decimal(0)
        wage = 0
        wage_limited_by = f"{terms.method.label}は賃金助成の対象外"
        notes.append(f"{terms.method.label}の訓練には賃金助成が支給されません（通学制・同時双方向型のみ）。")
        steps.append(
            CalcStep("賃金助成額", f"{terms.method.label}は対象外", 0, "賃金助成は通学制・同時双方向型のみ")
        )
    total = expense + wage
    steps.append(CalcStep("1人あたりの助成見込額", f"{yen(expense)} ＋ {yen(wage)}", total))
    return TraineeEstimate(
        rules.id,
        True,
        None,
        before_cap,
        expense_cap,
        expense,
        expense_limited_by,
        paid_hours,
        wage_rate,
        wage,
        wage_limited_by,
        total,
        tuple(steps),
        tuple(notes),
    )


def estimate_plan(
    rules: GrantRuleSet, terms: TrainingTerms, trainees: Sequence[TraineeInput], used_before: int = 0
) -> PlanEstimate:
    """Every trainee's estimate, then the establishment's annual cap, taken in trainee order.

    ``used_before`` is what the establishment's earlier plans of the same 年度
    already take; when the cap is reached in the middle of this plan, the
    trainee at which it is reached gets the remainder and later ones nothing.
    """
    terms.check()
    if used_before < 0:
        raise EstimateInputError("年度内の既存の助成見込額が負の値です。")
    annual_cap = rules.establishment_cap_per_year
    left = max(annual_cap - used_before, 0)
    shares: list[TraineeShare] = []
    cut_at: str | None = None
    for trainee in trainees:
        estimate = estimate_trainee(rules, terms, trainee.wage_hours, trainee.prior_subscription_claims)
        payable = min(estimate.total, left)
        left -= payable
        if payable < estimate.total and cut_at is None:
            cut_at = trainee.label
        shares.append(TraineeShare(trainee, estimate, payable, estimate.total - payable))
    subtotal = sum(share.estimate.total for share in shares)
    total = sum(share.payable for share in shares)
    cap_rule = f"事業所の年度上限（{yen(annual_cap)}）"
    steps = [
        CalcStep("受講者全員の合計", f"{len(shares)}人分", subtotal),
        CalcStep("同じ年度の他の計画の見込額", "この事業所の、同じ年度に開始する他の訓練計画", used_before),
        CalcStep(
            "年度上限の残り",
            f"{yen(annual_cap)} − {yen(used_before)}",
            max(annual_cap - used_before, 0),
            cap_rule,
        ),
        CalcStep(
            "この計画の助成見込額",
            f"{yen(subtotal)} と 年度上限の残り の少ない方",
            total,
            f"{cap_rule}で減額" if total < subtotal else "",
        ),
    ]
    notes: list[str] = []
    if total < subtotal:
        notes.append(f"{cap_rule}に達するため、{cut_at}さんの分から減額しています。")
    return PlanEstimate(
        rules,
        terms,
        tuple(shares),
        subtotal,
        used_before,
        annual_cap,
        total,
        total < subtotal,
        tuple(steps),
        tuple(notes),
    )
