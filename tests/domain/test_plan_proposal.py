"""Plan proposal rules: required first, gaps in order, budget kept, same plan for the same inputs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain.catalog import Catalog, CatalogError, catalog_from_data
from desktop.domain.diagnosis import CategoryScore
from desktop.domain.plan_proposal import Reason, add_months, propose


def course(code: str, categories: list[str], level: str, hours: float, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "title": f"{code} の講座",
        "provider": extra.get("provider", "内製eラーニング"),
        "method": extra.get("method", "eラーニング"),
        "hours": hours,
        "fee": 0,
        "level": level,
        "categories": categories,
    }


CATALOG: dict[str, Any] = {
    "format": "manabi-catalog",
    "format_version": 1,
    "framework": "test-fw",
    "name": "テストカタログ",
    "courses": [
        course("REQ-1", ["sec"], "入門", 2),
        course("REQ-BIG", ["bpr"], "上級", 50),
        course("D-BASIC", ["data"], "初級", 3),
        course("D-ADV", ["data"], "上級", 3),
        course("D-MID", ["data"], "中級", 4),
        course("S-INTRO", ["sec"], "入門", 2),
        course("S-MID", ["sec", "data"], "中級", 2),
        course("B-1", ["bpr"], "初級", 6),
        course("REC-1", ["bpr"], "入門", 1),
    ],
    "paths": [
        {"role": "general", "required": ["REQ-1"], "recommended": ["REC-1", "B-1"]},
        {"role": "leader", "required": ["REQ-BIG", "REQ-1"], "recommended": []},
    ],
}


def catalog(**changes: Any) -> Catalog:
    data = {**CATALOG, **changes}
    return catalog_from_data(data, "test.json", ["data", "sec", "bpr"], ["general", "leader"])


def score(category_id: str, level: float | None, target: int) -> CategoryScore:
    names = {"data": "データ", "sec": "セキュリティ", "bpr": "業務改善"}
    return CategoryScore(category_id, names[category_id], "g", level, target, level, None, 1, 1)


SCORES = [score("data", 1.4, 3), score("sec", 2.0, 3), score("bpr", 2.5, 2)]  # gaps: data 1.6, sec 1.0


def plan_codes(**kwargs: Any) -> list[str]:
    args: dict[str, Any] = {
        "catalog": catalog(),
        "role_id": "general",
        "role_name": "一般職員",
        "categories": SCORES,
        "completed": set(),
        "hours_budget": Decimal(40),
        "months": 3,
        "start": date(2025, 6, 15),
    }
    args.update(kwargs)
    return [line.course.code for line in propose(**args).lines]


def test_required_first_then_the_biggest_gaps_taking_turns_then_recommended() -> None:
    proposal = propose(catalog(), "general", "一般職員", SCORES, set(), Decimal(40), 3, date(2025, 6, 15))
    assert [(line.course.code, line.reason) for line in proposal.lines] == [
        ("REQ-1", Reason.REQUIRED),
        ("D-BASIC", Reason.GAP),  # data lacks most; at 1.4 a 初級 course suits best
        ("S-MID", Reason.GAP),  # sec at 2.0: a 中級 course
        ("D-MID", Reason.GAP),  # data lacks two whole levels, so it gets a second course
        ("REC-1", Reason.RECOMMENDED),
        ("B-1", Reason.RECOMMENDED),
    ]
    assert proposal.lines[0].why == "一般職員の必修講座"
    assert proposal.lines[1].why == "データの不足を補う（現在1.4・目標3）"
    assert proposal.hours == Decimal(18) and not proposal.left_out


def test_the_budget_is_kept_and_a_required_course_that_does_not_fit_is_reported() -> None:
    proposal = propose(catalog(), "leader", "DX推進リーダー", SCORES, set(), Decimal(6), 2, date(2025, 4, 1))
    assert proposal.hours <= 6
    assert [line.course.code for line in proposal.lines] == ["REQ-1", "D-BASIC"]
    [left] = proposal.left_out
    assert left.course.code == "REQ-BIG" and "時間の上限に収まりません" in left.why


def test_completed_courses_are_skipped_and_the_next_best_taken() -> None:
    assert plan_codes(completed={"REQ-1", "D-BASIC"})[:2] == ["D-MID", "S-MID"]


def test_the_same_inputs_give_the_same_plan_whatever_order_the_catalogue_lists_courses_in() -> None:
    reversed_catalog = catalog(courses=list(reversed(CATALOG["courses"])))
    assert plan_codes() == plan_codes(catalog=reversed_catalog) == plan_codes()


def test_months_follow_the_hours_inside_the_period() -> None:
    proposal = propose(catalog(), "general", "一般職員", SCORES, set(), Decimal(12), 3, date(2025, 6, 15))
    months = [line.month for line in proposal.lines]
    assert months == sorted(months)
    assert months[0] == date(2025, 6, 1) and months[-1] <= date(2025, 8, 1)
    assert add_months(date(2025, 11, 1), 3) == date(2026, 2, 1)


def test_catalogue_problems_name_the_course_and_the_path() -> None:
    data = {
        **CATALOG,
        "courses": [*CATALOG["courses"], course("REQ-1", ["nope"], "達人", -1, method="対面")],
        "paths": [{"role": "boss", "required": ["NONE"], "recommended": ["REQ-1"]}, *CATALOG["paths"]],
    }
    with pytest.raises(CatalogError) as raised:
        catalog_from_data(data, "mine.xlsx", ["data", "sec", "bpr"], ["general", "leader"])
    text = str(raised.value)
    for expected in (
        "mine.xlsx: 講座 REQ-1: 講座コード「REQ-1」が重複しています。",
        "実施方法は 通学 / 同時双方向 / eラーニング / 通信 / 定額制サービス のいずれかにしてください。",
        "レベルは 入門 / 初級 / 中級 / 上級 のいずれかにしてください。",
        "標準時間は0より大きく",
        "分類「nope」は診断フレームワークにありません。",
        "mine.xlsx: 受講ルート boss: 役割「boss」は診断フレームワークにありません。",
        "必修講座「NONE」がカタログにありません。",
    ):
        assert expected in text


gap_levels = st.lists(
    st.one_of(st.none(), st.floats(1, 4).map(lambda x: round(x, 1))), min_size=3, max_size=3
)


@settings(max_examples=150, deadline=None)
@given(
    levels=gap_levels,
    targets=st.lists(st.integers(1, 4), min_size=3, max_size=3),
    budget=st.integers(1, 80),
    months=st.integers(1, 12),
    completed=st.sets(st.sampled_from([c["code"] for c in CATALOG["courses"]])),
    role=st.sampled_from(["general", "leader", "unknown-role"]),
)
def test_any_proposal_keeps_every_rule(
    levels: list[float | None], targets: list[int], budget: int, months: int, completed: set[str], role: str
) -> None:
    scores = [
        score(cid, level, target)
        for cid, level, target in zip(["data", "sec", "bpr"], levels, targets, strict=True)
    ]
    start = date(2025, 4, 1)
    proposal = propose(catalog(), role, "役割", scores, completed, Decimal(budget), months, start)
    codes = [line.course.code for line in proposal.lines]
    assert proposal.hours <= budget
    assert len(codes) == len(set(codes)) and not set(codes) & completed
    assert all(start <= line.month <= add_months(start, months - 1) for line in proposal.lines)
    reasons = [line.reason for line in proposal.lines]
    assert reasons == sorted(reasons, key=[Reason.REQUIRED, Reason.GAP, Reason.RECOMMENDED].index)
    short = {s.category_id for s in scores if s.gap}
    assert all(set(line.course.categories) & short for line in proposal.lines if line.reason is Reason.GAP)
    assert proposal == propose(catalog(), role, "役割", scores, completed, Decimal(budget), months, start)
