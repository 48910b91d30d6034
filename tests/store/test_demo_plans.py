"""The demo office's 年度 in progress: plans in every status, progress from records, some overdue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from desktop.domain.plan import PlanStatus
from desktop.store.database import Database
from desktop.store.demo import seed_demo_office
from desktop.store.models import TrainingRecord
from desktop.store.plan_views import plan_overview

TODAY = date(2026, 11, 22)


def test_the_demo_has_plans_in_every_status_with_progress_and_overdue_lines(sqlite_db: Database) -> None:
    seed_demo_office(sqlite_db, TODAY)
    rows = plan_overview(sqlite_db, 2026, today=TODAY)
    plans = [row.plan for row in rows if row.plan is not None]
    assert {plan.status for plan in plans} == set(PlanStatus)
    assert any(row.plan is None and row.diagnosed for row in rows)  # someone still waits for a plan
    assert any(plan.progress.overdue for plan in plans)
    assert any(0 < plan.progress.percent < 100 for plan in plans)
    done = [plan for plan in plans if plan.status is PlanStatus.DONE]
    assert all(plan.progress.percent == 100 for plan in done)
    assert all(plan.progress.done_hours == 0 for plan in plans if plan.status is PlanStatus.DRAFT)
    with sqlite_db.transaction() as session:
        latest = session.scalar(select(func.max(TrainingRecord.started_on)))
        finished = session.scalar(select(func.max(TrainingRecord.completed_on)))
    assert latest is not None and latest <= TODAY and finished is not None and finished <= TODAY
