"""What the ホーム page shows for a 年度: where learners stand, and the dashboard's figures.

Read in a worker: at 50,000 learners the plan overview alone takes a couple of
seconds. Everything is counted from the same reads, so the guide and the
dashboard never disagree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.plan import PlanStatus
from desktop.domain.programme import LearnerFacts, StepCount, count_steps
from desktop.domain.roster import LearnerKind, LearnerStatus
from desktop.store.database import Database
from desktop.store.diagnosis_views import DiagnosisViews, ViewFilter
from desktop.store.models import Diagnosis, DiagnosisStatus, Learner, TrainingRecord
from desktop.store.plan_views import PlanOverviewRow, plan_overview
from desktop.store.records_service import records_in_fiscal_year

NO_DEPARTMENT = "（所属なし）"


@dataclass(frozen=True)
class DepartmentProgress:
    department: str  # the full path, as the 学習計画 page's 所属 filter names it
    plans: int
    planned_hours: Decimal
    done_hours: Decimal

    @property
    def percent(self) -> int:
        return (
            0
            if not self.planned_hours
            else int(min(self.done_hours * 100 / self.planned_hours, Decimal(100)))
        )


@dataclass(frozen=True)
class CategoryChange:
    category: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class OverdueLearner:
    learner_id: int
    number: str
    name: str
    department: str
    overdue_lines: int


@dataclass(frozen=True)
class HomeOverview:
    fiscal_year: int
    steps: list[StepCount]
    learners_by_kind: dict[LearnerKind, Counter[LearnerStatus]]
    diagnoses: Counter[DiagnosisKind]  # completed in the 年度
    plans: Counter[PlanStatus]  # the 年度's current plans
    hours_learned: Decimal  # training records of the 年度
    progress_by_department: list[DepartmentProgress]
    effect_pairs: int  # learners with both a 事前 and a later 事後 diagnosis
    effect_by_category: list[CategoryChange]
    overdue: list[OverdueLearner]

    @property
    def learners(self) -> int:
        return sum(sum(counts.values()) for counts in self.learners_by_kind.values())


def home_overview(db: Database, fiscal_year: int, today: date) -> HomeOverview:
    rows = plan_overview(db, fiscal_year, today=today)
    with db.transaction() as session:
        diagnosed = session.execute(
            select(Diagnosis.learner_id, Diagnosis.kind, Diagnosis.diagnosed_on)
            .where(Diagnosis.status == DiagnosisStatus.COMPLETED)
            .where(Diagnosis.diagnosed_on <= date(fiscal_year + 1, 3, 31))
            .order_by(Diagnosis.diagnosed_on, Diagnosis.id)
        ).all()
        kinds = session.execute(
            select(Learner.kind, Learner.status, func.count()).group_by(Learner.kind, Learner.status)
        ).all()
        # The hours the 受講記録 page and the 研修実績一覧 count: a record's own hours (not video minutes).
        hours_learned = session.scalar(
            select(func.coalesce(func.sum(TrainingRecord.hours), 0)).where(
                *records_in_fiscal_year(fiscal_year)
            )
        )
    learners_by_kind: dict[LearnerKind, Counter[LearnerStatus]] = defaultdict(Counter)
    for kind, status, count in kinds:
        learners_by_kind[kind][status] += count
    facts, diagnoses = _facts(rows, diagnosed, fiscal_year)
    effect = DiagnosisViews(db).effect(ViewFilter(fiscal_year=fiscal_year))
    categories = effect.framework.categories if effect.framework else ()
    return HomeOverview(
        fiscal_year,
        count_steps(facts),
        dict(learners_by_kind),
        diagnoses,
        Counter(row.plan.status for row in rows if row.plan is not None),
        Decimal(str(hours_learned)).quantize(Decimal("0.01")),
        _progress_by_department(rows),
        len(effect.rows),
        [
            CategoryChange(c.name, effect.overall.before.get(c.id), effect.overall.after.get(c.id))
            for c in categories
        ],
        sorted(
            (
                OverdueLearner(
                    row.learner.id,
                    row.learner.number,
                    row.learner.name,
                    row.learner.department,
                    row.plan.progress.overdue,
                )
                for row in rows
                if row.plan is not None and row.plan.progress.overdue
            ),
            key=lambda o: (-o.overdue_lines, o.department, o.number),
        ),
    )


def _facts(
    rows: list[PlanOverviewRow], diagnosed: Sequence[Sequence[Any]], year: int
) -> tuple[list[LearnerFacts], Counter[DiagnosisKind]]:
    start = date(year, 4, 1)
    before: dict[int, date] = {}  # the latest 事前/定期 up to the 年度's end
    after: set[int] = set()  # a 事後 in the 年度, after that 事前
    done: Counter[DiagnosisKind] = Counter()
    for learner_id, kind, on in diagnosed:  # ordered by date
        if on >= start:
            done[kind] += 1
        if kind is DiagnosisKind.POST:
            if on >= start and learner_id in before:
                after.add(learner_id)
        else:
            before[learner_id] = on
            after.discard(learner_id)  # a new 事前 starts the cycle again
    facts = []
    for row in rows:
        learner_id = row.learner.id
        plan = row.plan
        # A 事前 from before the 年度 still counts when a plan for the 年度 was made from it.
        pre = learner_id in before and (before[learner_id] >= start or plan is not None)
        facts.append(
            LearnerFacts(
                learner_id,
                pre,
                learner_id in after,
                plan.status if plan else None,
                plan.progress.percent if plan else 0,
                plan.progress.overdue if plan else 0,
            )
        )
    return facts, done


def _progress_by_department(rows: list[PlanOverviewRow]) -> list[DepartmentProgress]:
    # Plans being followed only: a draft has no progress to show yet, a cancelled one never will.
    planned: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for row in rows:
        if row.plan is None or row.plan.status in (PlanStatus.DRAFT, PlanStatus.CANCELLED):
            continue
        entry = planned[row.learner.department or NO_DEPARTMENT]
        entry[0] += 1
        entry[1] += row.plan.progress.planned_hours
        entry[2] += row.plan.progress.done_hours
    return [
        DepartmentProgress(name, int(plans), hours, done)
        for name, (plans, hours, done) in sorted(planned.items())
    ]
