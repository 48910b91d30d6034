"""Progress of a plan line from the learner's training records, and when a line is overdue."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.plan import PlanStatus
from desktop.domain.plan_progress import LineState, PlanTally, RecordFacts, line_progress, plan_progress

START = date(2025, 5, 1)
MAY = date(2025, 5, 1)


def progress(records: list[RecordFacts], *, status: PlanStatus = PlanStatus.ACTIVE, today: date = MAY):
    return line_progress(Decimal(10), MAY, records, plan_status=status, period_start=START, today=today)


def record(status: str, hours: str | None = None, percent: int | None = None, done: date | None = None):
    return RecordFacts(status, None if hours is None else Decimal(hours), percent, done)


def test_a_finished_course_counts_its_planned_hours_whatever_the_record_says() -> None:
    line = progress([record("completed", "3", done=date(2025, 5, 20))])
    assert (line.state, line.done_hours) == (LineState.DONE, Decimal(10))


def test_unfinished_hours_come_from_hours_then_percent_and_never_exceed_the_plan() -> None:
    assert progress([record("in_progress", "4")]).done_hours == Decimal(4)
    assert progress([record("in_progress", percent=35)]).done_hours == Decimal("3.5")
    assert progress([record("in_progress", "25")]).done_hours == Decimal(10)
    assert progress([record("enrolled")]).state is LineState.IN_PROGRESS
    # The best of several records.
    assert progress([record("in_progress", "2"), record("in_progress", "6")]).done_hours == Decimal(6)


def test_a_course_finished_before_the_plan_began_is_not_progress_on_it() -> None:
    line = progress([record("completed", done=date(2025, 3, 31))])
    assert (line.state, line.done_hours) == (LineState.NOT_STARTED, Decimal(0))


def test_no_record_is_not_started_and_withdrawal_is_shown() -> None:
    assert progress([]).state is LineState.NOT_STARTED
    assert progress([record("withdrawn")]).state is LineState.WITHDRAWN


@pytest.mark.parametrize(
    ("status", "today", "overdue"),
    [
        (PlanStatus.ACTIVE, date(2025, 5, 31), False),  # the month is not over
        (PlanStatus.ACTIVE, date(2025, 6, 1), True),
        (PlanStatus.APPROVED, date(2025, 6, 1), True),
        (PlanStatus.DRAFT, date(2025, 9, 1), False),  # not agreed yet
        (PlanStatus.DONE, date(2025, 9, 1), False),
        (PlanStatus.CANCELLED, date(2025, 9, 1), False),
    ],
)
def test_an_unfinished_line_is_overdue_once_its_month_ends_in_a_plan_being_followed(
    status: PlanStatus, today: date, overdue: bool
) -> None:
    assert progress([record("in_progress", "2")], status=status, today=today).overdue is overdue
    # A finished line is never overdue.
    assert not progress([record("completed", done=date(2025, 7, 1))], status=status, today=today).overdue


def test_plan_totals_percent_of_hours_and_counts() -> None:
    done = progress([record("completed", done=date(2025, 5, 2))])
    half = progress([record("in_progress", "5")], today=date(2025, 7, 1))
    total = plan_progress([(Decimal(10), done), (Decimal(10), half), (Decimal(20), progress([]))])
    assert (total.planned_hours, total.done_hours, total.percent) == (Decimal(40), Decimal(15), 38)
    assert (total.lines, total.lines_done, total.overdue) == (3, 1, 1)
    assert plan_progress([]).percent == 0


statuses = st.sampled_from(["enrolled", "in_progress", "completed", "withdrawn"])
days = st.dates(min_value=date(2025, 3, 1), max_value=date(2026, 4, 30))
records = st.builds(
    RecordFacts,
    statuses,
    st.none() | st.decimals(min_value=0, max_value=50, places=1),
    st.none() | st.integers(min_value=0, max_value=100),
    st.none() | days,
)
lines = st.lists(
    st.tuples(st.decimals(min_value=0, max_value=20, places=1), days, st.lists(records, max_size=3)),
    max_size=12,
)


@given(st.sampled_from(list(PlanStatus)), days, days, lines)
def test_the_list_tally_follows_the_same_rules_as_the_plan_in_full(
    status: PlanStatus, start: date, today: date, plan_lines: list
) -> None:
    tally = PlanTally(status, start, today)
    for hours, month, found in plan_lines:
        tally.add(hours, month, found)
    full = plan_progress(
        [
            (hours, line_progress(hours, month, found, plan_status=status, period_start=start, today=today))
            for hours, month, found in plan_lines
        ]
    )
    assert tally.result() == full
