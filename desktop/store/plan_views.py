"""Learning plans as the screens, the CLI and the printer read them: lists with progress, one plan in full.

Reads only. Lists are built from column queries (not ORM objects): a 年度 of
50,000 learners has half a million plan lines, and every one is matched with
the learner's training records for progress.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from desktop.domain.plan import PlanStatus
from desktop.domain.plan_progress import LineProgress, PlanProgress, RecordFacts, line_progress, plan_progress
from desktop.domain.plan_proposal import Reason
from desktop.domain.roster import LearnerStatus
from desktop.store.database import Database
from desktop.store.diagnosis_service import LearnerRef, department_and_below, learner_refs_in
from desktop.store.errors import NotFoundError
from desktop.store.models import (
    Course,
    Department,
    Diagnosis,
    DiagnosisStatus,
    Learner,
    LearningPlan,
    Organization,
    PlanLine,
    PlanStatusChange,
    TrainingRecord,
    TrainingStatus,
)
from desktop.store.roster_service import department_paths


@dataclass(frozen=True)
class PlanRow:
    """One current plan in a list."""

    plan_id: int
    version: int
    learner: LearnerRef
    fiscal_year: int
    revision: int
    status: PlanStatus
    period_start: date
    period_end: date
    hours_budget: Decimal
    mentor: str
    status_by: str
    status_at: datetime
    progress: PlanProgress


@dataclass(frozen=True)
class PlanLineView:
    course_code: str
    course_title: str
    provider: str
    method: str
    month: date
    hours: Decimal
    reason: Reason
    why: str
    progress: LineProgress


@dataclass(frozen=True)
class StatusChangeView:
    status: PlanStatus
    changed_by: str
    changed_at: datetime
    note: str


@dataclass(frozen=True)
class PlanDetail:
    id: int
    version: int
    learner: LearnerRef
    learner_kana: str
    job_title: str
    fiscal_year: int
    revision: int
    current: bool
    status: PlanStatus
    period_start: date
    period_end: date
    hours_budget: Decimal
    goal: str
    mentor: str
    role_id: str
    role_name: str
    diagnosis_id: int | None
    created_by: str
    lines: tuple[PlanLineView, ...]
    history: tuple[StatusChangeView, ...]
    revisions: tuple[tuple[int, int, PlanStatus], ...]  # (plan id, revision, status), oldest first

    @property
    def progress(self) -> PlanProgress:
        return plan_progress([(line.hours, line.progress) for line in self.lines])


def plan_rows(
    db: Database,
    fiscal_year: int,
    *,
    learner_ids: Iterable[int] | None = None,
    today: date | None = None,
) -> list[PlanRow]:
    """The current plan of each learner for the 年度 (of the given learners only, if any), with progress."""
    today = today or date.today()
    wanted = None if learner_ids is None else set(learner_ids)
    with db.transaction() as session:
        current = (
            select(LearningPlan.id)
            .where(LearningPlan.fiscal_year == fiscal_year, LearningPlan.current.is_(True))
            .scalar_subquery()
        )
        plans = [
            row
            for row in session.execute(
                select(
                    LearningPlan.id,
                    LearningPlan.version,
                    LearningPlan.learner_id,
                    LearningPlan.revision,
                    LearningPlan.status,
                    LearningPlan.period_start,
                    LearningPlan.period_end,
                    LearningPlan.hours_budget,
                    LearningPlan.mentor,
                    LearningPlan.status_by,
                    LearningPlan.status_at,
                ).where(LearningPlan.id.in_(current))
            )
            if wanted is None or row.learner_id in wanted
        ]
        learners = _learners_with_plans(session, fiscal_year)
        lines: dict[int, list[tuple[int, date, Decimal]]] = defaultdict(list)
        for plan_id, course_id, month, hours in session.execute(
            select(PlanLine.plan_id, PlanLine.course_id, PlanLine.month, PlanLine.hours).where(
                PlanLine.plan_id.in_(current)
            )
        ):
            lines[plan_id].append((course_id, month, hours))
        records = _records_of_planned_learners(session, fiscal_year)
    rows = []
    for plan in plans:
        learner_records = records.get(plan.learner_id, {})
        progress = plan_progress(
            [
                (
                    hours,
                    line_progress(
                        hours,
                        month,
                        learner_records.get(course_id, ()),
                        plan_status=plan.status,
                        period_start=plan.period_start,
                        today=today,
                    ),
                )
                for course_id, month, hours in lines.get(plan.id, ())
            ]
        )
        rows.append(
            PlanRow(
                plan.id,
                plan.version,
                learners[plan.learner_id],
                fiscal_year,
                plan.revision,
                plan.status,
                plan.period_start,
                plan.period_end,
                plan.hours_budget,
                plan.mentor,
                plan.status_by,
                plan.status_at,
                progress,
            )
        )
    return rows


@dataclass(frozen=True)
class PlanOverviewRow:
    """A learner on the 学習計画 page: their current plan for the 年度, if any."""

    learner: LearnerRef
    diagnosed: bool  # has a completed diagnosis to propose from
    plan: PlanRow | None


def plan_overview(
    db: Database, fiscal_year: int, department_id: int | None = None, *, today: date | None = None
) -> list[PlanOverviewRow]:
    """Every learner still on the roster (of a 所属 and below), in 団体・番号 order, with the 年度's plan."""
    with db.transaction() as session:
        query = select(Learner.id).where(Learner.status != LearnerStatus.RETIRED)
        if department_id is not None:
            query = query.where(Learner.department_id.in_(department_and_below(session, department_id)))
        ids = list(session.scalars(query.order_by(Learner.organization_id, Learner.number)))
        refs = learner_refs_in(session, ids)
        diagnosed = set(
            session.scalars(
                select(Diagnosis.learner_id).where(Diagnosis.status == DiagnosisStatus.COMPLETED).distinct()
            )
        )
    plans = {row.learner.id: row for row in plan_rows(db, fiscal_year, learner_ids=ids, today=today)}
    return [PlanOverviewRow(refs[i], i in diagnosed, plans.get(i)) for i in ids if i in refs]


def plan_detail(db: Database, plan_id: int, *, today: date | None = None) -> PlanDetail:
    with db.transaction() as session:
        return plan_detail_in(session, plan_id, today=today)


def plan_detail_in(session: Session, plan_id: int, *, today: date | None = None) -> PlanDetail:
    today = today or date.today()
    plan = session.get(LearningPlan, plan_id)
    if plan is None:
        raise NotFoundError("学習計画が見つかりません。削除された可能性があります。")
    learner = session.get(Learner, plan.learner_id)
    assert learner is not None  # RESTRICT keeps a planned learner
    organization = session.get(Organization, learner.organization_id)
    paths = department_paths(session.scalars(select(Department)))
    ref = LearnerRef(
        learner.id,
        learner.number,
        learner.name,
        organization.name if organization else "",
        paths.get(learner.department_id, "") if learner.department_id else "",
        learner.role or "",
        learner.furigana or "",
    )
    records = _records_by_learner(
        session.execute(_record_columns().where(TrainingRecord.learner_id == plan.learner_id))
    )[plan.learner_id]
    lines = []
    for line, course in session.execute(
        select(PlanLine, Course)
        .join(Course, Course.id == PlanLine.course_id)
        .where(PlanLine.plan_id == plan_id)
        .order_by(PlanLine.position)
    ):
        lines.append(
            PlanLineView(
                course.code,
                course.title,
                course.provider or "",
                course.delivery_method or "",
                line.month,
                line.hours,
                Reason(line.reason),
                line.why,
                line_progress(
                    line.hours,
                    line.month,
                    records.get(course.id, ()),
                    plan_status=plan.status,
                    period_start=plan.period_start,
                    today=today,
                ),
            )
        )
    history = tuple(
        StatusChangeView(change.status, change.changed_by, change.changed_at, change.note)
        for change in session.scalars(
            select(PlanStatusChange)
            .where(PlanStatusChange.plan_id == plan_id)
            .order_by(PlanStatusChange.changed_at, PlanStatusChange.id)
        )
    )
    revisions = tuple(
        (row.id, row.revision, row.status)
        for row in session.execute(
            select(LearningPlan.id, LearningPlan.revision, LearningPlan.status)
            .where(LearningPlan.learner_id == plan.learner_id, LearningPlan.fiscal_year == plan.fiscal_year)
            .order_by(LearningPlan.revision)
        )
    )
    return PlanDetail(
        id=plan.id,
        version=plan.version,
        learner=ref,
        learner_kana=learner.furigana or "",
        job_title=learner.job_title or "",
        fiscal_year=plan.fiscal_year,
        revision=plan.revision,
        current=plan.current,
        status=plan.status,
        period_start=plan.period_start,
        period_end=plan.period_end,
        hours_budget=plan.hours_budget,
        goal=plan.goal,
        mentor=plan.mentor,
        role_id=plan.role_id,
        role_name=plan.role_name,
        diagnosis_id=plan.diagnosis_id,
        created_by=plan.created_by,
        lines=tuple(lines),
        history=history,
        revisions=revisions,
    )


def current_plan_ids(db: Database, fiscal_year: int, learner_ids: Sequence[int]) -> list[int]:
    """The current plan of each learner for the 年度, in the order of the learners; those without are skipped."""
    wanted = set(learner_ids)
    with db.transaction() as session:
        found = {
            learner_id: plan_id
            for plan_id, learner_id in session.execute(
                select(LearningPlan.id, LearningPlan.learner_id).where(
                    LearningPlan.fiscal_year == fiscal_year, LearningPlan.current.is_(True)
                )
            )
            if learner_id in wanted
        }
    return [found[i] for i in learner_ids if i in found]


# -- helpers -------------------------------------------------------------------------------


def _learners_with_plans(session: Session, fiscal_year: int) -> dict[int, LearnerRef]:
    paths = department_paths(session.scalars(select(Department)))
    organizations = dict(session.execute(select(Organization.id, Organization.name)).all())
    planned = select(LearningPlan.learner_id).where(LearningPlan.fiscal_year == fiscal_year)
    return {
        row.id: LearnerRef(
            row.id,
            row.number,
            row.name,
            organizations.get(row.organization_id, ""),
            paths.get(row.department_id, "") if row.department_id else "",
            row.role or "",
            row.furigana or "",
        )
        for row in session.execute(
            select(
                Learner.id,
                Learner.number,
                Learner.name,
                Learner.organization_id,
                Learner.department_id,
                Learner.role,
                Learner.furigana,
            ).where(Learner.id.in_(planned))
        )
    }


def _record_columns() -> Select[int, int, TrainingStatus, Decimal | None, int | None, date | None]:
    return select(
        TrainingRecord.learner_id,
        TrainingRecord.course_id,
        TrainingRecord.status,
        TrainingRecord.hours,
        TrainingRecord.progress_percent,
        TrainingRecord.completed_on,
    )


def _records_by_learner(rows: Iterable[Sequence[Any]]) -> dict[int, dict[int, list[RecordFacts]]]:
    """learner id → course id → the learner's records of that course."""
    found: dict[int, dict[int, list[RecordFacts]]] = defaultdict(lambda: defaultdict(list))
    for learner_id, course_id, status, hours, percent, completed_on in rows:
        found[learner_id][course_id].append(RecordFacts(str(status), hours, percent, completed_on))
    return found


def _records_of_planned_learners(
    session: Session, fiscal_year: int
) -> dict[int, dict[int, list[RecordFacts]]]:
    planned = select(LearningPlan.learner_id).where(
        LearningPlan.fiscal_year == fiscal_year, LearningPlan.current.is_(True)
    )
    return _records_by_learner(
        session.execute(_record_columns().where(TrainingRecord.learner_id.in_(planned)))
    )
