"""Grant rule sets as data: strict parsing that names every bad field, the choice by start date, the bundled files."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from desktop.domain.grant_rules import (
    GrantRuleSet,
    NoRuleSet,
    RuleFileError,
    TrainingMethod,
    parse_rule_set,
    select_rule_set,
)
from desktop.domain.roster import SizeClass
from desktop.resources import resource_path
from desktop.store.grant_rule_store import bundled_rule_sets

SME, LARGE = SizeClass.SME, SizeClass.LARGE


def bundled_json(name: str = "reskilling_2025-04.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("grant_rules", name).read_text(encoding="utf-8"))
    return data


def with_range(rule_id: str, applies_from: date, applies_to: date, **changes: Any) -> GrantRuleSet:
    data = bundled_json()
    data.update(
        id=rule_id, applies_from=applies_from.isoformat(), applies_to=applies_to.isoformat(), **changes
    )
    return parse_rule_set(data, f"{rule_id}.json")


# ---------------------------------------------------------------------------
# The bundled files.


def test_bundled_rule_sets_are_the_two_periods_oldest_first() -> None:
    r4, r7 = bundled_rule_sets()
    assert (r4.id, r4.applies_from, r4.applies_to) == (
        "reskilling-r4-12",
        date(2022, 12, 2),
        date(2025, 3, 31),
    )
    assert (r7.id, r7.applies_from, r7.applies_to) == (
        "reskilling-r7-04",
        date(2025, 4, 1),
        date(2027, 3, 31),
    )
    assert r4.applies_to + timedelta(days=1) == r7.applies_from  # no gap, no overlap
    assert r4.course_ends == r7.course_ends == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("rule_id", "wage_sme", "wage_large"),
    [
        pytest.param("reskilling-r4-12", 960, 480, id="r4"),
        pytest.param("reskilling-r7-04", 1_000, 500, id="r7"),
    ],
)
def test_bundled_rule_set_figures(rule_id: str, wage_sme: int, wage_large: int) -> None:
    rule = {r.id: r for r in bundled_rule_sets()}[rule_id]
    assert dict(rule.expense_rate_percent) == {SME: 75, LARGE: 60}
    assert dict(rule.wage_per_hour) == {SME: wage_sme, LARGE: wage_large}
    assert rule.wage_methods == {TrainingMethod.CLASSROOM, TrainingMethod.LIVE_ONLINE}
    assert rule.wage_hours_cap == Decimal(1200)
    assert rule.min_hours == Decimal(10)
    assert [(tier.from_hours, dict(tier.cap)) for tier in rule.expense_caps] == [
        (Decimal(10), {SME: 300_000, LARGE: 200_000}),
        (Decimal(100), {SME: 400_000, LARGE: 250_000}),
        (Decimal(200), {SME: 500_000, LARGE: 300_000}),
    ]
    assert (rule.subscription_monthly_cap, rule.subscription_claims_per_year) == (20_000, 3)
    assert rule.establishment_cap_per_year == 100_000_000
    assert rule.source.startswith("厚生労働省")
    assert "事業展開等リスキリング支援コース" in rule.course


def test_bundled_files_parse_to_the_bundled_rule_sets() -> None:
    files = sorted(resource_path("grant_rules").glob("*.json"))
    assert [path.name for path in files] == ["reskilling_2022-12.json", "reskilling_2025-04.json"]
    parsed = [parse_rule_set(json.loads(path.read_text(encoding="utf-8")), path.name) for path in files]
    assert tuple(parsed) == bundled_rule_sets()


@pytest.mark.parametrize(
    ("hours", "tier_from", "text"),
    [
        pytest.param("9.99", None, None, id="9.99h-no-tier"),
        pytest.param("10", 10, "10時間以上100時間未満", id="10h"),
        pytest.param("99.99", 10, "10時間以上100時間未満", id="99.99h"),
        pytest.param("100", 100, "100時間以上200時間未満", id="100h"),
        pytest.param("199.99", 100, "100時間以上200時間未満", id="199.99h"),
        pytest.param("200", 200, "200時間以上", id="200h"),
        pytest.param("5000", 200, "200時間以上", id="5000h"),
    ],
)
def test_expense_tier_and_its_text(hours: str, tier_from: int | None, text: str | None) -> None:
    [_, r7] = bundled_rule_sets()
    tier = r7.expense_tier(Decimal(hours))
    if tier_from is None:
        assert tier is None
        return
    assert tier is not None and tier.from_hours == tier_from
    assert r7.tier_text(tier) == text


def test_period_text_is_in_wareki() -> None:
    [r4, r7] = bundled_rule_sets()
    assert r4.period_text == "令和4年12月2日〜令和7年3月31日に開始する訓練"
    assert r7.period_text == "令和7年4月1日〜令和9年3月31日に開始する訓練"


# ---------------------------------------------------------------------------
# Which rule set applies to a start date.


@pytest.mark.parametrize(
    ("start", "rule_id"),
    [
        pytest.param(date(2022, 12, 2), "reskilling-r4-12", id="first-day-r4"),
        pytest.param(date(2024, 8, 26), "reskilling-r4-12", id="inside-r4"),
        pytest.param(date(2025, 3, 31), "reskilling-r4-12", id="last-day-before-wage-change"),
        pytest.param(date(2025, 4, 1), "reskilling-r7-04", id="wage-change-day"),
        pytest.param(date(2026, 8, 31), "reskilling-r7-04", id="inside-r7"),
        pytest.param(date(2027, 3, 31), "reskilling-r7-04", id="course-last-day"),
    ],
)
def test_select_bundled_rule_set_by_start(start: date, rule_id: str) -> None:
    assert select_rule_set(bundled_rule_sets(), start).id == rule_id


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(date(2027, 4, 1), id="day-after-course-end"),
        pytest.param(date(2030, 1, 1), id="years-after"),
    ],
)
def test_start_after_the_course_ended_is_refused_naming_the_end(start: date) -> None:
    with pytest.raises(NoRuleSet) as refused:
        select_rule_set(bundled_rule_sets(), start)
    message = str(refused.value)
    assert "終了" in message and "令和9年3月31日" in message and "2027-03-31" in message
    assert start.isoformat() in message


@pytest.mark.parametrize(
    ("rule_sets", "start"),
    [
        pytest.param(bundled_rule_sets(), date(2022, 12, 1), id="before-the-course"),
        pytest.param(bundled_rule_sets()[:1], date(2025, 4, 1), id="gap-before-course-end"),
        pytest.param((), date(2026, 4, 1), id="no-rule-sets"),
    ],
)
def test_start_outside_every_rule_set_is_refused(rule_sets: tuple[GrantRuleSet, ...], start: date) -> None:
    with pytest.raises(NoRuleSet, match="ルールセットがありません") as refused:
        select_rule_set(rule_sets, start)
    assert "終了" not in str(refused.value)


def test_a_newer_rule_that_takes_over_part_of_a_range_wins_whatever_the_order() -> None:
    r4, r7 = bundled_rule_sets()
    mid = with_range("mid", date(2025, 10, 1), date(2027, 3, 31))
    for order in ([r4, r7, mid], [mid, r4, r7]):
        assert select_rule_set(order, date(2025, 9, 30)).id == "reskilling-r7-04"
        assert select_rule_set(order, date(2025, 10, 1)).id == "mid"
        assert select_rule_set(order, date(2027, 3, 31)).id == "mid"


def test_on_the_same_applies_from_the_one_listed_last_wins() -> None:
    r4, r7 = bundled_rule_sets()
    office = with_range("office", r7.applies_from, r7.applies_to)
    assert select_rule_set([r4, r7, office], date(2026, 1, 1)).id == "office"
    assert select_rule_set([r4, office, r7], date(2026, 1, 1)).id == "reskilling-r7-04"
    assert select_rule_set([r4, r7, office], date(2025, 3, 31)).id == "reskilling-r4-12"


def test_a_later_applies_from_wins_over_a_rule_listed_after_it() -> None:
    early = with_range("early", date(2025, 4, 1), date(2027, 3, 31))
    late = with_range("late", date(2026, 4, 1), date(2027, 3, 31))
    assert select_rule_set([late, early], date(2026, 4, 1)).id == "late"
    assert select_rule_set([late, early], date(2026, 3, 31)).id == "early"


def test_a_rule_set_whose_course_is_extended_makes_later_starts_possible() -> None:
    r4, r7 = bundled_rule_sets()
    extended = with_range("extended", date(2027, 4, 1), date(2028, 3, 31), course_ends="2028-03-31")
    assert select_rule_set([r4, r7, extended], date(2027, 4, 1)).id == "extended"
    with pytest.raises(NoRuleSet, match="令和10年3月31日"):
        select_rule_set([r4, r7, extended], date(2028, 4, 1))


# ---------------------------------------------------------------------------
# Strict parsing: each problem names its field (its JSON path).


DELETE = object()


def mutate(path: str, value: Any) -> dict[str, Any]:
    """The bundled 令和7年 file with one field set (or deleted, for ``DELETE``)."""
    data = copy.deepcopy(bundled_json())
    *parents, last = path.replace("[", ".").replace("]", "").split(".")
    target: Any = data
    for parent in parents:
        target = target[int(parent)] if parent.isdigit() else target[parent]
    key: Any = int(last) if last.isdigit() else last
    if value is DELETE:
        del target[key]
    else:
        target[key] = value
    return data


ONE_PROBLEM = [
    # what is changed, its new value, the field the problem names, words of the message
    pytest.param("id", DELETE, "id", "文字列", id="id-missing"),
    pytest.param("id", "   ", "id", "文字列", id="id-blank"),
    pytest.param("id", 12, "id", "文字列", id="id-number"),
    pytest.param("id", "x" * 65, "id", "64文字以内", id="id-too-long"),
    pytest.param("name", "名" * 201, "name", "200文字以内", id="name-too-long"),
    pytest.param("course", DELETE, "course", "文字列", id="course-missing"),
    pytest.param("source", "", "source", "文字列", id="source-empty"),
    pytest.param("applies_from", "2025/04/01", "applies_from", "YYYY-MM-DD", id="applies-from-slashes"),
    pytest.param("applies_from", 20250401, "applies_from", "YYYY-MM-DD", id="applies-from-number"),
    pytest.param("applies_from", "2027-04-01", "applies_to", "適用開始日より前", id="range-reversed"),
    pytest.param("applies_to", "2027-04-01", "applies_to", "course_ends", id="range-after-course-end"),
    pytest.param("course_ends", "2027-02-30", "course_ends", "YYYY-MM-DD", id="course-ends-no-such-day"),
    pytest.param("expense_rate_percent", DELETE, "expense_rate_percent", "sme と large", id="rates-missing"),
    pytest.param("expense_rate_percent", [75, 60], "expense_rate_percent", "sme と large", id="rates-a-list"),
    pytest.param("expense_rate_percent.sme", 0, "expense_rate_percent.sme", "1以上100以下", id="rate-zero"),
    pytest.param(
        "expense_rate_percent.large", 101, "expense_rate_percent.large", "1以上100以下", id="rate-101"
    ),
    pytest.param("expense_rate_percent.sme", 75.0, "expense_rate_percent.sme", "整数", id="rate-float"),
    pytest.param("expense_rate_percent.sme", True, "expense_rate_percent.sme", "整数", id="rate-bool"),
    pytest.param("expense_rate_percent.sme", "75", "expense_rate_percent.sme", "整数", id="rate-string"),
    pytest.param("wage_per_hour.large", DELETE, "wage_per_hour.large", "整数", id="wage-large-missing"),
    pytest.param("wage_per_hour.sme", -1, "wage_per_hour.sme", "0以上", id="wage-negative"),
    pytest.param("wage_methods", ["classroom", "video"], "wage_methods", "訓練方法", id="methods-unknown"),
    pytest.param("wage_methods", "classroom", "wage_methods", "訓練方法", id="methods-a-string"),
    pytest.param("wage_hours_cap", 0, "wage_hours_cap", "正の数", id="wage-cap-zero"),
    pytest.param("wage_hours_cap", "1200", "wage_hours_cap", "正の数", id="wage-cap-string"),
    pytest.param("wage_hours_cap", False, "wage_hours_cap", "正の数", id="wage-cap-bool"),
    pytest.param("min_hours", -10, "min_hours", "正の数", id="min-hours-negative"),
    pytest.param("min_hours", 5, "expense_caps[0].from_hours", "min_hours", id="min-hours-not-first-tier"),
    pytest.param("expense_caps", [], "expense_caps", "一覧", id="tiers-empty"),
    pytest.param("expense_caps", {"10": 300000}, "expense_caps", "一覧", id="tiers-not-a-list"),
    pytest.param("expense_caps[1]", "100h", "expense_caps[1]", "from_hours, sme, large", id="tier-a-string"),
    pytest.param(
        "expense_caps[1].from_hours", DELETE, "expense_caps[1].from_hours", "正の数", id="tier-no-hours"
    ),
    pytest.param(
        "expense_caps[2].from_hours", 50, "expense_caps[2].from_hours", "短い順", id="tiers-not-ascending"
    ),
    pytest.param(
        "expense_caps[2].from_hours", 100, "expense_caps[2].from_hours", "短い順", id="tiers-repeated"
    ),
    pytest.param("expense_caps[1].large", -1, "expense_caps[1].large", "0以上", id="tier-cap-negative"),
    pytest.param("expense_caps[0].sme", DELETE, "expense_caps[0].sme", "整数", id="tier-cap-missing"),
    pytest.param("subscription", DELETE, "subscription", "monthly_cap", id="subscription-missing"),
    pytest.param(
        "subscription.monthly_cap", -1, "subscription.monthly_cap", "0以上", id="monthly-cap-negative"
    ),
    pytest.param(
        "subscription.claims_per_year", 0, "subscription.claims_per_year", "1以上", id="claims-zero"
    ),
    pytest.param(
        "establishment_cap_per_year", 0, "establishment_cap_per_year", "1以上", id="establishment-cap-zero"
    ),
    pytest.param(
        "establishment_cap_per_year", 1e8, "establishment_cap_per_year", "整数", id="establishment-cap-float"
    ),
]


@pytest.mark.parametrize(("path", "value", "field", "words"), ONE_PROBLEM)
def test_a_bad_field_is_named(path: str, value: Any, field: str, words: str) -> None:
    with pytest.raises(RuleFileError) as refused:
        parse_rule_set(mutate(path, value), "office.json")
    error = refused.value
    assert error.source == "office.json"
    [problem] = error.problems
    assert problem.startswith(f"{field}: ") and words in problem
    assert str(error) == f"office.json: {problem}"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        pytest.param([], "JSON のオブジェクト", id="a-list"),
        pytest.param("rules", "JSON のオブジェクト", id="a-string"),
        pytest.param(None, "JSON のオブジェクト", id="null"),
        pytest.param({**bundled_json(), "format": "other"}, "format: ", id="wrong-format"),
        pytest.param({k: v for k, v in bundled_json().items() if k != "format"}, "format: ", id="no-format"),
        pytest.param({**bundled_json(), "format_version": 2}, "format_version: ", id="newer-version"),
        pytest.param({**bundled_json(), "format_version": "1"}, "format_version: ", id="version-string"),
    ],
)
def test_not_a_rule_file_is_refused_at_once(data: Any, words: str) -> None:
    with pytest.raises(RuleFileError) as refused:
        parse_rule_set(data, "x.json")
    [problem] = refused.value.problems
    assert words in problem


def test_every_problem_is_listed_in_file_order() -> None:
    data = bundled_json()
    del data["id"]
    data["wage_per_hour"]["sme"] = -5
    data["expense_caps"][2]["large"] = "many"
    data["establishment_cap_per_year"] = 0
    with pytest.raises(RuleFileError) as refused:
        parse_rule_set(data, "office.json")
    fields = [problem.split(": ", 1)[0] for problem in refused.value.problems]
    assert fields == ["id", "wage_per_hour.sme", "expense_caps[2].large", "establishment_cap_per_year"]
    assert str(refused.value).count("office.json: ") == 4


def test_a_tier_with_bad_hours_and_a_bad_cap_names_both_fields() -> None:
    data = bundled_json()
    data["expense_caps"][1] = {"from_hours": -1, "sme": -5, "large": 250_000}
    with pytest.raises(RuleFileError) as refused:
        parse_rule_set(data, "office.json")
    fields = [problem.split(": ", 1)[0] for problem in refused.value.problems]
    assert fields == ["expense_caps[1].from_hours", "expense_caps[1].sme"]


def test_a_valid_file_may_use_fractional_hours_and_padded_text() -> None:
    data = bundled_json()
    data.update(id="  office-1  ", min_hours=10.5, wage_hours_cap=1199.5, wage_methods=[])
    data["expense_caps"][0]["from_hours"] = 10.5
    rule = parse_rule_set(data, "office.json")
    assert rule.id == "office-1"
    assert (rule.min_hours, rule.wage_hours_cap) == (Decimal("10.5"), Decimal("1199.5"))
    assert rule.wage_methods == frozenset()
    assert rule.expense_tier(Decimal("10.49")) is None
    assert rule.tier_text(rule.expense_caps[0]) == "10.5時間以上100時間未満"


def test_a_rule_set_of_one_day_is_valid() -> None:
    rule = with_range("one-day", date(2026, 4, 1), date(2026, 4, 1))
    assert select_rule_set([rule], date(2026, 4, 1)).id == "one-day"
