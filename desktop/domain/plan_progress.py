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

from desktop.domain.plan import PlanStatus
from desktop.domain.plan_proposal import add_months

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


@dataclass(frozen=True)
class RecordFacts:
    """What progress needs from one training record (statuses as in the store's TrainingStatus)."""

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


@dataclass(frozen=True)
class PlanProgress:
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
    if plan_status in _TRACKED and today >= add_months(month, 1):
        return LineProgress(done, LineState.OVERDUE)
    if state is LineState.NOT_STARTED and withdrawn:
        return LineProgress(done, LineState.WITHDRAWN)
    return LineProgress(done, state)


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
