"""人材開発支援助成金 estimates: per trainee, per plan, against the annual cap; every figure by hand.

The rule sets are the bundled ones (令和4年12月〜令和7年3月 and 令和7年4月〜);
expected amounts in the tables are worked out by hand from the pamphlet's
figures, never by calling the code under test.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.dates import add_months
from desktop.domain.grant import (
    EstimateInputError,
    TraineeInput,
    TrainingTerms,
    estimate_plan,
    estimate_trainee,
    subscription_months,
)
from desktop.domain.grant_rules import GrantRuleSet, TrainingMethod
from desktop.domain.roster import SizeClass
from desktop.store.grant_rule_store import bundled_rule_sets

SME, LARGE = SizeClass.SME, SizeClass.LARGE
CLASSROOM = TrainingMethod.CLASSROOM
LIVE = TrainingMethod.LIVE_ONLINE
ELEARNING = TrainingMethod.ELEARNING
CORRESPONDENCE = TrainingMethod.CORRESPONDENCE
SUBSCRIPTION = TrainingMethod.SUBSCRIPTION
NON_SUBSCRIPTION = (CLASSROOM, LIVE, ELEARNING, CORRESPONDENCE)
WAGE_METHODS = {CLASSROOM, LIVE}

R4_START = date(2025, 3, 31)  # the last start day of the 令和4年12月 rules
R7_START = date(2025, 4, 1)  # the first start day of the 令和7年4月 rules


def rules_by_id() -> dict[str, GrantRuleSet]:
    return {rule.id: rule for rule in bundled_rule_sets()}


R4 = rules_by_id()["reskilling-r4-12"]
R7 = rules_by_id()["reskilling-r7-04"]


def terms(
    *,
    size: SizeClass = SME,
    method: TrainingMethod = CLASSROOM,
    hours: str = "100",
    fee: int = 0,
    start: date = R7_START,
    months: Fraction = Fraction(1),
) -> TrainingTerms:
    return TrainingTerms(size, method, Decimal(hours), fee, start, months)


# ---------------------------------------------------------------------------
# Expense cap tiers by hours: every boundary, both sizes, every method with tiers.
# A fee of 10,000,000 yen makes the cap bind (75% = 7,500,000; 60% = 6,000,000).
# Wage is R7's 1,000 (中小) / 500 (大) yen × hours, paid for classroom and live-online only.

CAP_TIERS = [
    # hours, size, expense cap, wage when the method is paid for
    pytest.param("10", SME, 300_000, 10_000, id="sme-10h"),
    pytest.param("99.9", SME, 300_000, 99_900, id="sme-99.9h"),
    pytest.param("99.99", SME, 300_000, 99_990, id="sme-99.99h"),
    pytest.param("100", SME, 400_000, 100_000, id="sme-100h"),
    pytest.param("199.9", SME, 400_000, 199_900, id="sme-199.9h"),
    pytest.param("200", SME, 500_000, 200_000, id="sme-200h"),
    pytest.param("1000", SME, 500_000, 1_000_000, id="sme-1000h"),
    pytest.param("10", LARGE, 200_000, 5_000, id="large-10h"),
    pytest.param("99.9", LARGE, 200_000, 49_950, id="large-99.9h"),
    pytest.param("100", LARGE, 250_000, 50_000, id="large-100h"),
    pytest.param("199.9", LARGE, 250_000, 99_950, id="large-199.9h"),
    pytest.param("200", LARGE, 300_000, 100_000, id="large-200h"),
    pytest.param("1000", LARGE, 300_000, 500_000, id="large-1000h"),
]


@pytest.mark.parametrize("method", NON_SUBSCRIPTION, ids=str)
@pytest.mark.parametrize(("hours", "size", "cap", "wage"), CAP_TIERS)
def test_expense_cap_by_hours_tier(
    hours: str, size: SizeClass, cap: int, wage: int, method: TrainingMethod
) -> None:
    estimate = estimate_trainee(R7, terms(size=size, method=method, hours=hours, fee=10_000_000))
    assert estimate.eligible and estimate.reason is None
    assert estimate.expense_before_cap == (7_500_000 if size is SME else 6_000_000)
    assert (estimate.expense_cap, estimate.expense) == (cap, cap)
    assert estimate.expense_limited_by is not None
    expected_wage = wage if method in WAGE_METHODS else 0
    assert estimate.wage == expected_wage
    assert estimate.total == cap + expected_wage


@pytest.mark.parametrize("method", [*NON_SUBSCRIPTION, SUBSCRIPTION], ids=str)
@pytest.mark.parametrize("size", [SME, LARGE], ids=str)
@pytest.mark.parametrize("hours", ["9.9", "9.99", "0.5"])
def test_under_ten_hours_is_not_eligible(hours: str, size: SizeClass, method: TrainingMethod) -> None:
    estimate = estimate_trainee(R7, terms(size=size, method=method, hours=hours, fee=1_000_000))
    assert not estimate.eligible
    assert estimate.reason is not None and "10時間未満" in estimate.reason
    assert (estimate.expense, estimate.expense_cap, estimate.wage, estimate.total) == (0, 0, 0, 0)
    assert estimate.notes == (estimate.reason,)


# ---------------------------------------------------------------------------
# Expense rate and rounding down, with fees under the cap (10 h: 300,000 / 200,000 yen).

RATE_CASES = [
    # size, fee, before cap, expense, cut by the cap
    pytest.param(SME, 333_333, 249_999, 249_999, False, id="sme-75pct-of-333333"),
    pytest.param(LARGE, 333_333, 199_999, 199_999, False, id="large-60pct-of-333333"),
    pytest.param(SME, 1, 0, 0, False, id="sme-75pct-of-1"),
    pytest.param(LARGE, 1, 0, 0, False, id="large-60pct-of-1"),
    pytest.param(SME, 3, 2, 2, False, id="sme-2.25-down"),
    pytest.param(LARGE, 3, 1, 1, False, id="large-1.8-down"),
    pytest.param(SME, 0, 0, 0, False, id="sme-free"),
    pytest.param(SME, 100_000, 75_000, 75_000, False, id="sme-75pct"),
    pytest.param(LARGE, 100_000, 60_000, 60_000, False, id="large-60pct"),
    pytest.param(SME, 400_000, 300_000, 300_000, False, id="sme-exactly-cap"),
    pytest.param(SME, 400_001, 300_000, 300_000, False, id="sme-rounds-down-to-cap"),
    pytest.param(SME, 400_002, 300_001, 300_000, True, id="sme-one-yen-over-cap"),
    pytest.param(LARGE, 333_334, 200_000, 200_000, False, id="large-rounds-down-to-cap"),
    pytest.param(LARGE, 333_335, 200_001, 200_000, True, id="large-one-yen-over-cap"),
]


@pytest.mark.parametrize(("size", "fee", "before_cap", "expense", "cut"), RATE_CASES)
def test_expense_rate_rounded_down(
    size: SizeClass, fee: int, before_cap: int, expense: int, cut: bool
) -> None:
    estimate = estimate_trainee(R7, terms(size=size, method=ELEARNING, hours="10", fee=fee))
    assert (estimate.expense_before_cap, estimate.expense) == (before_cap, expense)
    assert (estimate.expense_limited_by is not None) is cut
    assert estimate.total == expense  # e-learning: no wage subsidy


@pytest.mark.parametrize("rules", [R4, R7], ids=["r4", "r7"])
def test_expense_rate_is_the_same_under_both_rule_sets(rules: GrantRuleSet) -> None:
    assert (
        estimate_trainee(rules, terms(size=SME, hours="10", fee=200_000, start=rules.applies_from)).expense
        == 150_000
    )
    assert (
        estimate_trainee(rules, terms(size=LARGE, hours="10", fee=200_000, start=rules.applies_from)).expense
        == 120_000
    )


# ---------------------------------------------------------------------------
# Wage subsidy: the 2025-04-01 change, the methods, rounding down, the 1,200-hour cap.

WAGE_CASES = [
    # rule set, size, hours, rate per hour, wage
    pytest.param(R4, SME, "10.5", 960, 10_080, id="r4-sme-10.5h-x960"),
    pytest.param(R4, LARGE, "10.5", 480, 5_040, id="r4-large-10.5h-x480"),
    pytest.param(R7, SME, "10.5", 1_000, 10_500, id="r7-sme-10.5h-x1000"),
    pytest.param(R7, LARGE, "10.5", 500, 5_250, id="r7-large-10.5h-x500"),
    pytest.param(R4, SME, "10.01", 960, 9_609, id="r4-sme-9609.6-down"),
    pytest.param(R4, LARGE, "10.01", 480, 4_804, id="r4-large-4804.8-down"),
    pytest.param(R7, SME, "10.01", 1_000, 10_010, id="r7-sme-10.01h"),
    pytest.param(R7, LARGE, "10.333", 500, 5_166, id="r7-large-5166.5-down"),
    pytest.param(R4, SME, "100", 960, 96_000, id="r4-sme-100h"),
    pytest.param(R7, SME, "100", 1_000, 100_000, id="r7-sme-100h"),
]


@pytest.mark.parametrize("method", [CLASSROOM, LIVE], ids=str)
@pytest.mark.parametrize(("rules", "size", "hours", "rate", "wage"), WAGE_CASES)
def test_wage_per_trainee_hour(
    rules: GrantRuleSet, size: SizeClass, hours: str, rate: int, wage: int, method: TrainingMethod
) -> None:
    estimate = estimate_trainee(rules, terms(size=size, method=method, hours=hours, start=rules.applies_from))
    assert (estimate.wage_rate, estimate.wage, estimate.wage_hours) == (rate, wage, Decimal(hours))
    assert estimate.wage_limited_by is None


@pytest.mark.parametrize("method", [ELEARNING, CORRESPONDENCE, SUBSCRIPTION], ids=str)
@pytest.mark.parametrize("size", [SME, LARGE], ids=str)
def test_no_wage_subsidy_for_elearning_correspondence_subscription(
    size: SizeClass, method: TrainingMethod
) -> None:
    estimate = estimate_trainee(R7, terms(size=size, method=method, hours="150", fee=10_000))
    assert (estimate.wage, estimate.wage_hours) == (0, Decimal(0))
    assert estimate.wage_limited_by is not None and "対象外" in estimate.wage_limited_by
    assert any("賃金助成が支給されません" in note for note in estimate.notes)
    assert estimate.total == estimate.expense


WAGE_HOURS_CAP_CASES = [
    # size, training hours, wage hours asked (None: the training's), hours paid, wage, cut by the cap
    pytest.param(SME, "1200", None, "1200", 1_200_000, False, id="sme-exactly-1200h"),
    pytest.param(SME, "1200.5", None, "1200", 1_200_000, True, id="sme-1200.5h"),
    pytest.param(SME, "1500", None, "1200", 1_200_000, True, id="sme-1500h"),
    pytest.param(LARGE, "1500", None, "1200", 600_000, True, id="large-1500h"),
    pytest.param(SME, "1500", "1199.5", "1199.5", 1_199_500, False, id="sme-asked-under-cap"),
    pytest.param(SME, "1500", "1201", "1200", 1_200_000, True, id="sme-asked-over-cap"),
    pytest.param(SME, "150", "50", "50", 50_000, False, id="sme-part-of-the-hours"),
    pytest.param(SME, "150", "0", "0", 0, False, id="sme-no-wage-hours"),
]


@pytest.mark.parametrize(("size", "hours", "asked", "paid", "wage", "cut"), WAGE_HOURS_CAP_CASES)
def test_wage_hours_capped_at_1200_per_trainee(
    size: SizeClass, hours: str, asked: str | None, paid: str, wage: int, cut: bool
) -> None:
    estimate = estimate_trainee(R7, terms(size=size, hours=hours), None if asked is None else Decimal(asked))
    assert (estimate.wage_hours, estimate.wage) == (Decimal(paid), wage)
    assert (estimate.wage_limited_by is not None) is cut
    assert any("1200時間に制限" in note for note in estimate.notes) is cut


def test_wage_under_the_older_rules_is_capped_too() -> None:
    estimate = estimate_trainee(R4, terms(size=SME, hours="2000", start=R4_START))
    assert (estimate.wage_hours, estimate.wage) == (Decimal(1200), 1_152_000)  # 1,200 × 960


@pytest.mark.parametrize(
    ("asked", "message"),
    [
        pytest.param("150.01", "訓練時間を超えて", id="more-than-training"),
        pytest.param("-1", "0以上", id="negative"),
        pytest.param("NaN", "0以上", id="nan"),
    ],
)
def test_wage_hours_that_cannot_be_paid_are_refused(asked: str, message: str) -> None:
    with pytest.raises(EstimateInputError, match=message):
        estimate_trainee(R7, terms(hours="150"), Decimal(asked))


# ---------------------------------------------------------------------------
# Terms that cannot be estimated.


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"hours": "0"}, "訓練時間は0より大きい", id="zero-hours"),
        pytest.param({"hours": "-10"}, "訓練時間は0より大きい", id="negative-hours"),
        pytest.param({"hours": "Infinity"}, "訓練時間は0より大きい", id="infinite-hours"),
        pytest.param({"fee": -1}, "受講料は0円以上", id="negative-fee"),
        pytest.param({"method": SUBSCRIPTION, "months": Fraction(0)}, "利用月数", id="zero-months"),
        pytest.param({"method": SUBSCRIPTION, "months": Fraction(-1, 2)}, "利用月数", id="negative-months"),
    ],
)
def test_bad_terms_are_refused(changes: dict[str, object], message: str) -> None:
    bad = terms(**changes)  # type: ignore[arg-type]
    with pytest.raises(EstimateInputError, match=message):
        estimate_trainee(R7, bad)
    with pytest.raises(EstimateInputError, match=message):
        estimate_plan(R7, bad, [TraineeInput("甲")])


def test_months_are_ignored_outside_subscription() -> None:
    estimate = estimate_trainee(R7, terms(method=ELEARNING, hours="10", fee=100_000, months=Fraction(0)))
    assert estimate.expense == 75_000


# ---------------------------------------------------------------------------
# 定額制サービス: a monthly fee, a monthly cap of 20,000 yen (a part month pro rata), 3 claims a year.

SUBSCRIPTION_CASES = [
    # size, monthly fee, months, before cap, cap, expense
    pytest.param(SME, 3_000, Fraction(1), 2_250, 20_000, 2_250, id="sme-under-cap"),
    pytest.param(SME, 26_666, Fraction(1), 19_999, 20_000, 19_999, id="sme-19999.5-down"),
    pytest.param(SME, 26_667, Fraction(1), 20_000, 20_000, 20_000, id="sme-20000.25-down-to-cap"),
    pytest.param(SME, 26_668, Fraction(1), 20_001, 20_000, 20_000, id="sme-one-yen-over-cap"),
    pytest.param(SME, 30_000, Fraction(1), 22_500, 20_000, 20_000, id="sme-over-cap"),
    pytest.param(SME, 30_000, Fraction(3), 67_500, 60_000, 60_000, id="sme-three-months"),
    pytest.param(SME, 20_000, Fraction(3), 45_000, 60_000, 45_000, id="sme-three-months-under"),
    pytest.param(SME, 30_000, Fraction(3, 2), 33_750, 30_000, 30_000, id="sme-month-and-a-half"),
    # 10,000 × 17/31 × 75% = 4,112.90…; cap 20,000 × 17/31 = 10,967.74…
    pytest.param(SME, 10_000, Fraction(17, 31), 4_112, 10_967, 4_112, id="sme-part-month-under"),
    # 40,000 × 17/31 × 75% = 16,451.61…
    pytest.param(SME, 40_000, Fraction(17, 31), 16_451, 10_967, 10_967, id="sme-part-month-over"),
    # 30,000 × (1 + 17/31) × 75% = 34,838.70…; cap 20,000 × 48/31 = 30,967.74…
    pytest.param(SME, 30_000, Fraction(48, 31), 34_838, 30_967, 30_967, id="sme-month-and-part"),
    pytest.param(LARGE, 30_000, Fraction(1), 18_000, 20_000, 18_000, id="large-under-cap"),
    pytest.param(LARGE, 40_000, Fraction(1), 24_000, 20_000, 20_000, id="large-over-cap"),
    pytest.param(LARGE, 1, Fraction(1), 0, 20_000, 0, id="large-0.6-down"),
]


@pytest.mark.parametrize(("size", "fee", "months", "before_cap", "cap", "expense"), SUBSCRIPTION_CASES)
def test_subscription_monthly_cap(
    size: SizeClass, fee: int, months: Fraction, before_cap: int, cap: int, expense: int
) -> None:
    estimate = estimate_trainee(R7, terms(size=size, method=SUBSCRIPTION, hours="20", fee=fee, months=months))
    assert (estimate.expense_before_cap, estimate.expense_cap, estimate.expense) == (before_cap, cap, expense)
    assert (estimate.expense_limited_by is not None) is (before_cap > cap)
    assert (estimate.wage, estimate.total) == (0, expense)


@pytest.mark.parametrize("hours", ["10", "150", "250"])
def test_subscription_cap_does_not_depend_on_hours(hours: str) -> None:
    estimate = estimate_trainee(R7, terms(method=SUBSCRIPTION, hours=hours, fee=100_000))
    assert (estimate.expense_cap, estimate.expense) == (20_000, 20_000)


@pytest.mark.parametrize(
    ("prior", "warned"),
    [
        pytest.param(0, False, id="first-claim"),
        pytest.param(1, False, id="second-claim"),
        pytest.param(2, False, id="third-claim"),
        pytest.param(3, True, id="fourth-claim"),
        pytest.param(5, True, id="sixth-claim"),
    ],
)
def test_subscription_claims_beyond_three_a_year_are_warned(prior: int, warned: bool) -> None:
    estimate = estimate_trainee(R7, terms(method=SUBSCRIPTION, hours="20", fee=3_000), None, prior)
    claims_notes = [note for note in estimate.notes if "年度3回まで" in note]
    assert bool(claims_notes) is warned
    if warned:
        assert f"すでに{prior}回" in claims_notes[0]
    assert estimate.expense == 2_250  # a note, not a refusal


def test_subscription_claims_are_not_counted_for_other_methods() -> None:
    estimate = estimate_trainee(R7, terms(method=CLASSROOM, hours="20", fee=3_000), None, 10)
    assert not any("年度3回まで" in note for note in estimate.notes)


def test_subscription_claims_per_trainee_in_a_plan() -> None:
    plan = estimate_plan(
        R7,
        terms(method=SUBSCRIPTION, hours="20", fee=3_000),
        [TraineeInput("甲", prior_subscription_claims=2), TraineeInput("乙", prior_subscription_claims=3)],
    )
    warned = [any("年度3回まで" in note for note in share.estimate.notes) for share in plan.shares]
    assert warned == [False, True]


MONTHS_CASES = [
    # start, end (inclusive), months of service
    pytest.param(date(2026, 4, 15), date(2026, 5, 14), Fraction(1), id="one-month-mid"),
    pytest.param(date(2026, 4, 15), date(2026, 5, 13), Fraction(29, 30), id="a-day-short"),
    pytest.param(date(2026, 4, 1), date(2026, 4, 30), Fraction(1), id="calendar-month"),
    pytest.param(date(2026, 4, 1), date(2026, 6, 30), Fraction(3), id="three-months"),
    pytest.param(date(2026, 4, 1), date(2026, 7, 15), 3 + Fraction(15, 31), id="three-and-15-of-july"),
    pytest.param(date(2026, 4, 15), date(2026, 5, 31), 1 + Fraction(17, 31), id="one-and-17-of-31"),
    pytest.param(date(2026, 2, 1), date(2026, 2, 1), Fraction(1, 28), id="one-day-of-february"),
    pytest.param(date(2028, 2, 1), date(2028, 2, 14), Fraction(14, 29), id="leap-february"),
    pytest.param(date(2026, 1, 31), date(2026, 2, 27), Fraction(1), id="from-jan-31-whole"),
    # after 1/31–2/27, the next month of service is 2/28–3/30 (31 days)
    pytest.param(date(2026, 1, 31), date(2026, 2, 28), 1 + Fraction(1, 31), id="from-jan-31-and-a-day"),
    pytest.param(date(2026, 4, 1), date(2027, 3, 31), Fraction(12), id="a-year"),
]


@pytest.mark.parametrize(("start", "end", "months"), MONTHS_CASES)
def test_subscription_months(start: date, end: date, months: Fraction) -> None:
    assert subscription_months(start, end) == months


def test_subscription_months_refuse_an_end_before_the_start() -> None:
    with pytest.raises(EstimateInputError, match="終了日が開始日より前"):
        subscription_months(date(2026, 4, 2), date(2026, 4, 1))


# ---------------------------------------------------------------------------
# The plan: every trainee, then the establishment's annual cap of 100,000,000 yen.

# 150 h classroom at 600,000 yen, 中小, R7: 400,000 (capped from 450,000) + 150,000 = 550,000 each.
PLAN_TERMS = terms(size=SME, method=CLASSROOM, hours="150", fee=600_000)
THREE = [TraineeInput("1人目"), TraineeInput("2人目"), TraineeInput("3人目")]

CAP_CASES = [
    # used before, payable per trainee, cut at
    pytest.param(0, [550_000, 550_000, 550_000], None, id="far-from-cap"),
    pytest.param(98_350_000, [550_000, 550_000, 550_000], None, id="exactly-fills-cap"),
    pytest.param(98_350_001, [550_000, 550_000, 549_999], "3人目", id="one-yen-short"),
    pytest.param(98_900_000, [550_000, 550_000, 0], "3人目", id="reached-after-second"),
    pytest.param(99_000_000, [550_000, 450_000, 0], "2人目", id="reached-in-second"),
    pytest.param(99_999_999, [1, 0, 0], "1人目", id="one-yen-left"),
    pytest.param(100_000_000, [0, 0, 0], "1人目", id="cap-used-up"),
    pytest.param(150_000_000, [0, 0, 0], "1人目", id="over-cap-before"),
]


@pytest.mark.parametrize(("used_before", "payable", "cut_at"), CAP_CASES)
def test_annual_cap_reached_in_the_middle_of_a_plan(
    used_before: int, payable: list[int], cut_at: str | None
) -> None:
    plan = estimate_plan(R7, PLAN_TERMS, THREE, used_before)
    assert [share.estimate.total for share in plan.shares] == [550_000] * 3
    assert [share.payable for share in plan.shares] == payable
    assert [share.cut_by_cap for share in plan.shares] == [550_000 - p for p in payable]
    assert (plan.subtotal, plan.total, plan.used_before) == (1_650_000, sum(payable), used_before)
    assert plan.annual_cap == 100_000_000
    assert plan.cap_reached is (cut_at is not None)
    assert plan.running_total == used_before + sum(payable)
    if cut_at is None:
        assert plan.notes == ()
    else:
        [note] = plan.notes
        assert "年度上限" in note and f"{cut_at}さん" in note
    assert plan.steps[-1].amount == plan.total


def test_annual_cap_reached_by_one_plan_alone() -> None:
    # 1,200 h at 10,000,000 yen, 中小: 500,000 + 1,200 × 1,000 = 1,700,000 a trainee;
    # 58 trainees take 98,600,000, the 59th the 1,400,000 left, the 60th nothing.
    big = terms(size=SME, method=CLASSROOM, hours="1200", fee=10_000_000)
    trainees = [TraineeInput(f"{n}人目") for n in range(1, 61)]
    plan = estimate_plan(R7, big, trainees)
    payable = [share.payable for share in plan.shares]
    assert payable[:58] == [1_700_000] * 58
    assert payable[58:] == [1_400_000, 0]
    assert (plan.subtotal, plan.total, plan.cap_reached) == (102_000_000, 100_000_000, True)
    assert "59人目さん" in plan.notes[0]


def test_plan_with_different_wage_hours_per_trainee() -> None:
    plan = estimate_plan(
        R7,
        PLAN_TERMS,
        [TraineeInput("甲"), TraineeInput("乙", wage_hours=Decimal("75.5")), TraineeInput("丙", Decimal(0))],
    )
    assert [share.payable for share in plan.shares] == [550_000, 475_500, 400_000]
    assert plan.total == 1_425_500 and plan.eligible


def test_plan_under_ten_hours_is_not_eligible() -> None:
    plan = estimate_plan(R7, terms(hours="9.9", fee=100_000), THREE)
    assert not plan.eligible and plan.total == 0


def test_plan_without_trainees_is_not_eligible() -> None:
    plan = estimate_plan(R7, PLAN_TERMS, [])
    assert (plan.eligible, plan.subtotal, plan.total) == (False, 0, 0)


def test_negative_used_before_is_refused() -> None:
    with pytest.raises(EstimateInputError, match="負の値"):
        estimate_plan(R7, PLAN_TERMS, THREE, -1)


def test_trainee_estimate_names_its_rule_set_and_steps() -> None:
    estimate = estimate_trainee(R4, terms(size=LARGE, hours="100", fee=500_000, start=R4_START))
    assert estimate.rule_set_id == "reskilling-r4-12"
    # 500,000 × 60% = 300,000 capped at 250,000; 100 h × 480 = 48,000.
    assert (estimate.expense, estimate.wage, estimate.total) == (250_000, 48_000, 298_000)
    amounts = {step.label: step.amount for step in estimate.steps}
    assert amounts["経費助成（上限適用前）"] == 300_000
    assert amounts["経費助成の上限額"] == 250_000
    assert amounts["経費助成額"] == 250_000
    assert amounts["賃金助成額"] == 48_000
    assert amounts["1人あたりの助成見込額"] == 298_000
    assert "100時間以上200時間未満" in (estimate.expense_limited_by or "")


# ---------------------------------------------------------------------------
# Properties.

sizes = st.sampled_from([SME, LARGE])
tiered_methods = st.sampled_from(NON_SUBSCRIPTION)
eligible_hours = st.decimals(min_value=10, max_value=3000, places=2)
fees = st.integers(min_value=0, max_value=100_000_000)
rule_sets = st.sampled_from([R4, R7])


@settings(max_examples=150, deadline=None)
@given(rule_sets, sizes, tiered_methods, eligible_hours, fees)
def test_expense_never_exceeds_cap_or_rate_times_fee(
    rules: GrantRuleSet, size: SizeClass, method: TrainingMethod, hours: Decimal, fee: int
) -> None:
    estimate = estimate_trainee(rules, terms(size=size, method=method, hours=str(hours), fee=fee))
    rate = 75 if size is SME else 60
    assert 0 <= estimate.expense <= estimate.expense_cap
    assert estimate.expense * 100 <= rate * fee
    # and it is the most it may be: either the cap, or a yen more would pass rate × fee
    assert estimate.expense == estimate.expense_cap or (estimate.expense + 1) * 100 > rate * fee
    assert estimate.expense_cap in (
        (300_000, 400_000, 500_000) if size is SME else (200_000, 250_000, 300_000)
    )
    wage_rate = estimate.wage_rate
    assert 0 <= estimate.wage <= 1200 * wage_rate
    assert estimate.wage <= hours * wage_rate
    assert estimate.total == estimate.expense + estimate.wage


@settings(max_examples=100, deadline=None)
@given(sizes, st.sampled_from([*NON_SUBSCRIPTION, SUBSCRIPTION]), eligible_hours, fees, fees)
def test_total_is_monotone_in_fee(
    size: SizeClass, method: TrainingMethod, hours: Decimal, fee_a: int, fee_b: int
) -> None:
    low, high = sorted((fee_a, fee_b))
    at_low = estimate_trainee(R7, terms(size=size, method=method, hours=str(hours), fee=low))
    at_high = estimate_trainee(R7, terms(size=size, method=method, hours=str(hours), fee=high))
    assert at_low.total <= at_high.total
    assert at_low.expense <= at_high.expense


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=1200), min_size=0, max_size=8),
    st.integers(min_value=0, max_value=110_000_000),
)
def test_plan_cap_pays_in_order_full_then_remainder_then_nothing(
    wage_hours: list[int], used_before: int
) -> None:
    big = terms(size=SME, method=CLASSROOM, hours="1200", fee=10_000_000)
    trainees = [TraineeInput(f"{n}人目", Decimal(h)) for n, h in enumerate(wage_hours, start=1)]
    plan = estimate_plan(R7, big, trainees, used_before)
    left = max(100_000_000 - used_before, 0)
    assert plan.total == min(plan.subtotal, left)
    assert plan.subtotal == sum(500_000 + 1_000 * h for h in wage_hours)
    for share in plan.shares:
        assert share.payable == min(share.estimate.total, left)
        left -= share.payable


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 36))
def test_subscription_months_of_whole_months(start: date, months: int) -> None:
    end = add_months(start, months) - timedelta(days=1)
    assert subscription_months(start, end) == months


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(0, 800),
    st.integers(1, 60),
)
def test_subscription_months_grow_with_the_end(start: date, days: int, more: int) -> None:
    shorter = subscription_months(start, start + timedelta(days=days))
    longer = subscription_months(start, start + timedelta(days=days + more))
    assert 0 < shorter < longer
    assert longer - shorter <= Fraction(more, 28) + 1
