"""Learning plan status (学習計画の状態) and the moves allowed between them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class PlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    ACTIVE = "active"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "draft": "下書き",
            "approved": "承認済",
            "active": "実施中",
            "done": "完了",
            "cancelled": "中止",
        }[self.value]

    @property
    def frozen(self) -> bool:
        """Once approved, a plan is kept as approved: an edit makes a new revision."""
        return self is not PlanStatus.DRAFT


NEXT_STATUSES: dict[PlanStatus, tuple[PlanStatus, ...]] = {
    PlanStatus.DRAFT: (PlanStatus.APPROVED, PlanStatus.CANCELLED),
    PlanStatus.APPROVED: (PlanStatus.ACTIVE, PlanStatus.CANCELLED),
    PlanStatus.ACTIVE: (PlanStatus.DONE, PlanStatus.CANCELLED),
    PlanStatus.DONE: (),
    PlanStatus.CANCELLED: (),
}


def can_move(current: PlanStatus, wanted: PlanStatus) -> bool:
    return wanted in NEXT_STATUSES[current]


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)
