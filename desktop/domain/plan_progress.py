"""How far a learner has got with a plan: plan lines matched with training records.

A line matches the learner's records of the same course. A record finished
before the plan began is not progress on this plan (the course was taken in an
earlier programme), so it is left out. A line is overdue when its month has
ended, the course is not finished and the plan is one the learner is meant to
be following (承認済 or 実施中): a draft has not been agreed, and a finished
or cancelled plan is history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from desktop.domain.plan import PlanStatus

_TRACKED = (PlanStatus.APPROVED, PlanStatus.ACTIVE)


class LineState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WITHDRAWN = "withdrawn"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            "not_started": "未受講",
            "in_progress": "受講中",
            "done": "修了",
            "withdrawn": "辞退",
            "overdue": "期限超過",
        }[self.value]


class RecordFacts(NamedTuple):
    """What progress needs from one training record (statuses as in the store's TrainingStatus).

    A tuple, so that the store makes one straight from a row: lists read hundreds of thousands.
    """

    status: str  # enrolled / in_progress / completed / withdrawn
    hours: Decimal | None
    progress_percent: int | None
    completed_on: date | None


@dataclass(frozen=True)
class LineProgress:
    done_hours: Decimal
    state: LineState

    @property
    def overdue(self) -> bool:
        return self.state is LineState.OVERDUE


class PlanProgress(NamedTuple):
    """A tuple: a 年度's list makes one per plan, tens of thousands."""

    planned_hours: Decimal
    done_hours: Decimal
    lines: int
    lines_done: int
    overdue: int

    @property
    def percent(self) -> int:
        """Hours done as a whole percentage of the hours planned (0 for an empty plan)."""
        if not self.planned_hours:
            return 0
        share = self.done_hours * 100 / self.planned_hours
        return int(min(share, Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def counts_for_plan(record: RecordFacts, period_start: date) -> bool:
    return record.completed_on is None or record.completed_on >= period_start


def line_progress(
    planned_hours: Decimal,
    month: date,
    records: Iterable[RecordFacts],
    *,
    plan_status: PlanStatus,
    period_start: date,
    today: date,
) -> LineProgress:
    """The best of the learner's records for the line's course, and whether the line is overdue."""
    done = Decimal(0)
    state = LineState.NOT_STARTED
    withdrawn = False
    for record in records:
        if not counts_for_plan(record, period_start):
            continue
        if record.status == "completed":
            return LineProgress(planned_hours, LineState.DONE)
        if record.status == "withdrawn":
            withdrawn = True
            continue
        done = max(done, _partial_hours(planned_hours, record))
        state = LineState.IN_PROGRESS
    if plan_status in _TRACKED and _month_ended(month, today):
        return LineProgress(done, LineState.OVERDUE)
    if state is LineState.NOT_STARTED and withdrawn:
        return LineProgress(done, LineState.WITHDRAWN)
    return LineProgress(done, state)


def _month_ended(month: date, today: date) -> bool:
    return (month.year, month.month) < (today.year, today.month)


def _partial_hours(planned: Decimal, record: RecordFacts) -> Decimal:
    """Hours done on an unfinished course, never counted as the whole course."""
    if record.hours is not None:
        hours = record.hours
    elif record.progress_percent is not None:
        hours = planned * Decimal(record.progress_percent) / 100
    else:
        hours = Decimal(0)
    return min(max(hours, Decimal(0)), planned).quantize(Decimal("0.01"))


def plan_progress(lines: Sequence[tuple[Decimal, LineProgress]]) -> PlanProgress:
    """Totals over a plan's lines, given as (planned hours, progress)."""
    return PlanProgress(
        planned_hours=sum((hours for hours, _ in lines), Decimal(0)),
        done_hours=sum((p.done_hours for _, p in lines), Decimal(0)),
        lines=len(lines),
        lines_done=sum(1 for _, p in lines if p.state is LineState.DONE),
        overdue=sum(1 for _, p in lines if p.overdue),
    )


class PlanTally:
    """A plan's totals, added up line by line without an object per line.

    The same rules as plan_progress over line_progress (a test holds them
    together); a line without records, most of a 年度's half million, costs
    a comparison.
    """

    __slots__ = (
        "_period_start",
        "_status",
        "_this_month",
        "_today",
        "done",
        "lines",
        "lines_done",
        "overdue",
        "planned",
    )

    def __init__(self, plan_status: PlanStatus, period_start: date, today: date) -> None:
        self._status = plan_status
        self._period_start = period_start
        self._today = today
        # Only a plan being followed has overdue lines; a date no line's month comes before otherwise.
        self._this_month = date(today.year, today.month, 1) if plan_status in _TRACKED else date.min
        self.planned = self.done = Decimal(0)
        self.lines = self.lines_done = self.overdue = 0

    def add(self, planned_hours: Decimal, month: date, records: Sequence[RecordFacts]) -> None:
        self.lines += 1
        self.planned += planned_hours
        if not records:
            if month < self._this_month:
                self.overdue += 1
            return
        line = line_progress(
            planned_hours,
            month,
            records,
            plan_status=self._status,
            period_start=self._period_start,
            today=self._today,
        )
        self.done += line.done_hours
        self.lines_done += line.state is LineState.DONE
        self.overdue += line.overdue

    def result(self) -> PlanProgress:
        return PlanProgress(self.planned, self.done, self.lines, self.lines_done, self.overdue)
