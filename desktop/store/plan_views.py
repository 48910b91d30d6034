"""Learning plans as the screens, the CLI and the printer read them: lists with progress, one plan in full.

Reads only. Lists are built from column queries (not ORM objects): a 年度 of
50,000 learners has half a million plan lines, and every one is matched with
the learner's training records for progress.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple

from sqlalchemy import Connection, Select, select
from sqlalchemy.orm import Session

from desktop.domain.plan import PlanStatus
from desktop.domain.plan_progress import (
    LineProgress,
    PlanProgress,
    PlanTally,
    RecordFacts,
    line_progress,
    plan_progress,
)
from desktop.domain.plan_proposal import Reason
from desktop.domain.roster import LearnerStatus
from desktop.store.database import Database
from desktop.store.diagnosis_service import LearnerRef, department_and_below
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


class PlanRow(NamedTuple):
    """One current plan in a list (a tuple: a 年度's list makes tens of thousands)."""

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
    with db.transaction() as session:
        learners = _learners_with_plans(session, fiscal_year)
        wanted = learners.keys() if learner_ids is None else set(learner_ids)
        return _plan_rows_in(session, fiscal_year, {i: learners[i] for i in wanted if i in learners}, today)


def _plan_rows_in(
    session: Session, fiscal_year: int, learners: Mapping[int, LearnerRef], today: date | None
) -> list[PlanRow]:
    """Core queries, not ORM rows, and the lines matched with their records by the database in one join."""
    today = today or date.today()
    connection = session.connection()
    current = select(LearningPlan.id).where(
        LearningPlan.fiscal_year == fiscal_year, LearningPlan.current.is_(True)
    )
    plans = [
        plan
        for plan in connection.execute(
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
        if plan.learner_id in learners
    ]
    tallies = {plan.id: PlanTally(plan.status, plan.period_start, today) for plan in plans}
    record = TrainingRecord
    rows = _driver_rows(
        connection,
        select(
            PlanLine.id,
            PlanLine.plan_id,
            PlanLine.month,
            PlanLine.hours,
            record.status,
            record.hours,
            record.progress_percent,
            record.completed_on,
        )
        .join(LearningPlan, LearningPlan.id == PlanLine.plan_id)
        .outerjoin(
            record, (record.learner_id == LearningPlan.learner_id) & (record.course_id == PlanLine.course_id)
        )
        .where(PlanLine.plan_id.in_(current))
        .order_by(PlanLine.id),
    )
    # The rows of one line (one per matching record) come together: PlanLine.id orders them.
    tally: PlanTally | None = None
    line_id = None
    month: date = date.min
    planned = Decimal(0)
    found: list[RecordFacts] = []
    # Looked up before calling: nearly every value was converted already, and a lookup costs less than a call.
    day, hours_of = _DriverValues.day, _DriverValues.hours
    days, hours_seen = _DriverValues.days, _DriverValues.hours_seen
    for this_line, plan_id, this_month, this_planned, status, hours, percent, completed_on in rows:
        if this_line != line_id:
            if tally is not None:
                tally.add(planned, month, found)
            tally = tallies.get(plan_id)
            line_id, found = this_line, []
            month = days.get(this_month) or day(this_month) or month
            planned = hours_seen.get(this_planned) or hours_of(this_planned) or _ZERO
        if status is not None:
            found.append(RecordFacts(status, hours_of(hours), percent, day(completed_on)))
    if tally is not None:
        tally.add(planned, month, found)
    return [
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
            tallies[plan.id].result(),
        )
        for plan in plans
    ]


class PlanOverviewRow(NamedTuple):
    """A learner on the 学習計画 page: their current plan for the 年度, if any."""

    learner: LearnerRef
    diagnosed: bool  # has a completed diagnosis to propose from
    plan: PlanRow | None


def plan_overview(
    db: Database, fiscal_year: int, department_id: int | None = None, *, today: date | None = None
) -> list[PlanOverviewRow]:
    """Every learner still on the roster (of a 所属 and below), in 団体・番号 order, with the 年度's plan."""
    with db.transaction() as session:
        query = _learner_columns().where(Learner.status != LearnerStatus.RETIRED)
        if department_id is not None:
            query = query.where(Learner.department_id.in_(department_and_below(session, department_id)))
        refs = _learner_refs(session, query.order_by(Learner.organization_id, Learner.number))
        diagnosed = set(
            session.connection().scalars(
                select(Diagnosis.learner_id).where(Diagnosis.status == DiagnosisStatus.COMPLETED).distinct()
            )
        )
        plans = {row.learner.id: row for row in _plan_rows_in(session, fiscal_year, refs, today)}
    return [
        PlanOverviewRow(ref, learner_id in diagnosed, plans.get(learner_id))
        for learner_id, ref in refs.items()
    ]


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


def _driver_rows(connection: Connection, statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The statement's rows as the database driver returns them.

    SQLAlchemy's per-value conversion of a 年度's half a million plan lines cost
    more than the query; _DriverValues converts the few columns the tally reads.
    """
    compiled = statement.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    arguments: Any = tuple(params[key] for key in compiled.positiontup) if compiled.positiontup else params
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), arguments)
        return list(cursor.fetchall())
    finally:
        cursor.close()


class _DriverValues:
    """Dates and hours as SQLite (text, float) or PostgreSQL (date, Decimal) drivers give them, made alike.

    Few distinct values recur half a million times, so each is converted once.
    """

    days: ClassVar[dict[object, date]] = {}
    hours_seen: ClassVar[dict[object, Decimal]] = {}

    @classmethod
    def day(cls, value: object) -> date | None:
        if value is None or isinstance(value, date):
            return value
        found = cls.days.get(value)
        if found is None:
            found = cls.days[value] = date.fromisoformat(str(value)[:10])
        return found

    @classmethod
    def hours(cls, value: object) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        found = cls.hours_seen.get(value)
        if found is None:
            found = cls.hours_seen[value] = Decimal(str(value)).quantize(_CENTS)
        return found


_CENTS = Decimal("0.01")
_ZERO = Decimal(0)


def _learner_columns() -> Select[int, str, str, int, int | None, str | None, str]:
    return select(
        Learner.id,
        Learner.number,
        Learner.name,
        Learner.organization_id,
        Learner.department_id,
        Learner.role,
        Learner.furigana,
    )


def _learner_refs(
    session: Session, query: Select[int, str, str, int, int | None, str | None, str]
) -> dict[int, LearnerRef]:
    """LearnerRefs in the query's order, from one Core query."""
    paths = department_paths(session.scalars(select(Department)))
    organizations = dict(session.execute(select(Organization.id, Organization.name)).all())
    return {
        learner_id: LearnerRef(
            learner_id,
            number,
            name,
            organizations.get(organization_id, ""),
            paths.get(department_id, "") if department_id else "",
            role or "",
            furigana or "",
        )
        for learner_id, number, name, organization_id, department_id, role, furigana in session.connection().execute(
            query
        )
    }


def _learners_with_plans(session: Session, fiscal_year: int) -> dict[int, LearnerRef]:
    planned = select(LearningPlan.learner_id).where(LearningPlan.fiscal_year == fiscal_year)
    return _learner_refs(session, _learner_columns().where(Learner.id.in_(planned)))


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
