"""What the submission exports need, read from the database as plain rows.

Column queries, not ORM objects: a 年度 of a prefecture-wide programme is
tens of thousands of learners and hundreds of thousands of records.
The records list is streamed from an open read transaction (records_report
is a context manager) so that half a million rows never sit in memory; its
totals are GROUP BY queries in the same transaction, so list and totals agree.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, String, case, distinct, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop.domain.dates import fiscal_year_wareki
from desktop.domain.plan import PlanStatus, fiscal_year_bounds
from desktop.domain.roster import LearnerKind, LearnerStatus
from desktop.domain.text import reading_sort_key
from desktop.exchange.submission_sheets import (
    NO_DEPARTMENT,
    EffectLearner,
    EffectMeans,
    EffectReport,
    ProcurementList,
    ProcurementUser,
    RecordLine,
    RecordsReport,
    RecordTotals,
)
from desktop.store.database import Database
from desktop.store.diagnosis_views import DiagnosisViews, EffectRow, ViewFilter, mean_levels
from desktop.store.models import (
    Course,
    Department,
    Learner,
    LearningPlan,
    Organization,
    TrainingRecord,
    TrainingStatus,
)
from desktop.store.plan_views import plan_rows
from desktop.store.records_service import STATUS_LABELS, record_activity_on, records_in_fiscal_year
from desktop.store.roster_service import department_paths

STREAM_ROWS = 5000  # rows fetched at a time from a server-side cursor
NO_EMAIL = "メールアドレスが未登録"
ON_LEAVE = "休職中"
NO_PLAN = "学習計画なし（年度初日）"
_CENTS = Decimal("0.01")
_MAX_RANKED_DEPARTMENTS = 5000  # beyond this the sort by 所属 path falls back to the department id


def organization_id_by_name(db: Database, name: str) -> int | None:
    with db.transaction() as session:
        return session.scalar(select(Organization.id).where(Organization.name == name))


def scope_text(fiscal_year: int, organization: str | None) -> list[tuple[str, str]]:
    """The conditions a heading prints: 年度 in 和暦 with the Western year, and the 団体."""
    return [
        ("年度", f"{fiscal_year_wareki(fiscal_year)}（{fiscal_year}年度）"),
        ("団体", organization or "すべて"),
    ]


# -- 共同調達 ----------------------------------------------------------------------------


def procurement_list(db: Database, fiscal_year: int, organization_id: int | None = None) -> ProcurementList:
    """Learners who need a learning-platform ID for the 年度.

    Retired learners are left out (they will not learn this year). Active
    learners with an e-mail are the list; learners without an e-mail, and those
    on leave, go to 要確認 with the reason in 備考: the clerk decides, nobody
    is dropped silently.
    """
    first_day, _last = fiscal_year_bounds(fiscal_year)
    with db.transaction() as session:
        organizations = _organizations(session, organization_id)
        paths = department_paths(session.scalars(select(Department)))
        plan_starts = dict(
            session.execute(
                select(LearningPlan.learner_id, LearningPlan.period_start).where(
                    LearningPlan.fiscal_year == fiscal_year,
                    LearningPlan.current.is_(True),
                    LearningPlan.status != PlanStatus.CANCELLED,
                )
            ).all()
        )
        query = select(
            Learner.id,
            Learner.organization_id,
            Learner.department_id,
            Learner.number,
            Learner.name,
            Learner.furigana,
            Learner.email,
            type_coerce(Learner.kind, String),
            type_coerce(Learner.status, String),
        ).where(Learner.status != LearnerStatus.RETIRED)
        if organization_id is not None:
            query = query.where(Learner.organization_id == organization_id)
        learners = session.execute(query).all()
    kinds = {kind.value: kind.label for kind in LearnerKind}
    users: list[tuple[tuple[Any, ...], ProcurementUser]] = []
    to_check: list[tuple[tuple[Any, ...], ProcurementUser]] = []
    for learner_id, org_id, dept_id, number, name, furigana, email, kind, status in learners:
        start = plan_starts.get(learner_id)
        notes = [] if start is not None else [NO_PLAN]
        if status == LearnerStatus.ON_LEAVE.value:
            notes.insert(0, ON_LEAVE)
        if not email:
            notes.insert(0, NO_EMAIL)
        organization = organizations.get(org_id, "")
        department = paths.get(dept_id, "") if dept_id else ""
        user = ProcurementUser(
            organization,
            department,
            number,
            name,
            furigana,
            email or "",
            kinds.get(kind, kind),
            start or first_day,
            "、".join(notes),
        )
        key = (organization, department, reading_sort_key(furigana), number)
        (users if email and status == LearnerStatus.ACTIVE.value else to_check).append((key, user))
    return ProcurementList(
        [user for _, user in sorted(users, key=lambda pair: pair[0])],
        [user for _, user in sorted(to_check, key=lambda pair: pair[0])],
        sorted(organizations.values()),
    )


# -- 研修実績 ----------------------------------------------------------------------------


def _in_year(fiscal_year: int, organization_id: int | None) -> list[Any]:
    conditions = records_in_fiscal_year(fiscal_year)
    if organization_id is not None:
        conditions.append(Learner.organization_id == organization_id)
    return conditions


@contextlib.contextmanager
def records_report(
    db: Database, fiscal_year: int, organization_id: int | None = None
) -> Iterator[RecordsReport]:
    """The 年度's records with their totals; write ``lines`` inside the block (it reads as it goes)."""
    with db.transaction() as session:
        organizations = _organizations(session, organization_id)
        paths = department_paths(session.scalars(select(Department)))
        yield RecordsReport(
            _record_lines(session, fiscal_year, organization_id, organizations, paths),
            _department_totals(session, fiscal_year, organization_id, organizations, paths),
            _course_totals(session, fiscal_year, organization_id),
            _overall_totals(session, fiscal_year, organization_id),
        )


def _record_lines(
    session: Session,
    fiscal_year: int,
    organization_id: int | None,
    organizations: dict[int, str],
    paths: dict[int, str],
) -> Iterator[RecordLine]:
    r, lr, c = TrainingRecord, Learner, Course
    # 団体名 and 所属 order (the path is built in Python): a rank per id, sorted here, ordered by the database.
    org_rank = {org_id: n for n, (org_id, _) in enumerate(sorted(organizations.items(), key=lambda p: p[1]))}
    dept_rank = {dept_id: n for n, (dept_id, _) in enumerate(sorted(paths.items(), key=lambda p: p[1]))}
    org_order: Any = case(org_rank, value=lr.organization_id, else_=len(org_rank)) if org_rank else lr.id
    dept_order: Any = (
        case(dept_rank, value=lr.department_id, else_=-1)
        if 0 < len(dept_rank) <= _MAX_RANKED_DEPARTMENTS
        else lr.department_id
    )
    query = (
        select(
            lr.organization_id,
            lr.department_id,
            lr.number,
            lr.name,
            c.code,
            c.title,
            c.delivery_method,
            c.provider,
            r.started_on,
            r.completed_on,
            r.hours,
            r.progress_percent,
            type_coerce(r.status, String),
        )
        .join(lr, lr.id == r.learner_id)
        .join(c, c.id == r.course_id)
        .where(*_in_year(fiscal_year, organization_id))
        .order_by(org_order, dept_order, lr.number, record_activity_on(), r.id)
    )
    labels = {status.value: label for status, label in STATUS_LABELS.items()}
    result = session.execute(query, execution_options={"yield_per": STREAM_ROWS})
    for org_id, dept_id, number, name, code, title, method, provider, *rest in result:
        started, completed, hours, percent, status = rest
        yield RecordLine(
            organizations.get(org_id, ""),
            paths.get(dept_id, "") if dept_id else "",
            number,
            name,
            code,
            title,
            method or "",
            provider or "",
            started,
            completed,
            hours,
            percent,
            labels.get(status, status),
        )


def _sums() -> tuple[Any, ...]:
    r = TrainingRecord
    completed = case((r.status == TrainingStatus.COMPLETED, 1), else_=0)
    return (
        func.count(distinct(r.learner_id)),
        func.count(r.id),
        func.coalesce(func.sum(completed), 0),
        type_coerce(func.coalesce(func.sum(r.hours), 0), Numeric(12, 2)),
    )


def _hours(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(_CENTS)


def _department_totals(
    session: Session,
    fiscal_year: int,
    organization_id: int | None,
    organizations: dict[int, str],
    paths: dict[int, str],
) -> list[RecordTotals]:
    query = (
        select(Learner.organization_id, Learner.department_id, *_sums())
        .join(Learner, Learner.id == TrainingRecord.learner_id)
        .where(*_in_year(fiscal_year, organization_id))
        .group_by(Learner.organization_id, Learner.department_id)
    )
    totals = [
        RecordTotals(
            organizations.get(org_id, ""),
            paths.get(dept_id, NO_DEPARTMENT) if dept_id else NO_DEPARTMENT,
            learners,
            records,
            int(completed),
            _hours(hours),
        )
        for org_id, dept_id, learners, records, completed, hours in session.execute(query)
    ]
    return sorted(totals, key=lambda t: (t.organization_or_code, t.name == NO_DEPARTMENT, t.name))


def _course_totals(session: Session, fiscal_year: int, organization_id: int | None) -> list[RecordTotals]:
    r = TrainingRecord
    learners, records, _completed, hours = _sums()
    completed_learners = func.count(distinct(case((r.status == TrainingStatus.COMPLETED, r.learner_id))))
    query = (
        select(Course.code, Course.title, learners, records, completed_learners, hours)
        .join(r, r.course_id == Course.id)
        .join(Learner, Learner.id == r.learner_id)
        .where(*_in_year(fiscal_year, organization_id))
        .group_by(Course.id, Course.code, Course.title)
        .order_by(Course.code)
    )
    return [
        RecordTotals(code, title, n, count, done, _hours(h))
        for code, title, n, count, done, h in session.execute(query)
    ]


def _overall_totals(session: Session, fiscal_year: int, organization_id: int | None) -> RecordTotals:
    query = (
        select(*_sums())
        .join(Learner, Learner.id == TrainingRecord.learner_id)
        .where(*_in_year(fiscal_year, organization_id))
    )
    learners, records, completed, hours = session.execute(query).one()
    return RecordTotals("合計", "", learners, records, int(completed), _hours(hours))


def _organizations(session: Session, organization_id: int | None) -> dict[int, str]:
    query = select(Organization.id, Organization.name)
    if organization_id is not None:
        query = query.where(Organization.id == organization_id)
    return dict(session.execute(query).all())


# -- 効果検証 ----------------------------------------------------------------------------


def effect_report(db: Database, fiscal_year: int, organization_id: int | None = None) -> EffectReport:
    """Before/after per learner (DiagnosisViews.effect: the latest 事前 and the 事後 after it, in the 年度),
    with hours and completed courses of the 年度 and the current plan's progress."""
    effect = DiagnosisViews(db).effect(ViewFilter(organization_id=organization_id, fiscal_year=fiscal_year))
    ids = [row.learner.id for row in effect.rows]
    learned: dict[int, tuple[Decimal, int]] = {}
    with db.transaction() as session:
        r = TrainingRecord
        completed = case((r.status == TrainingStatus.COMPLETED, 1), else_=0)
        for start in range(0, len(ids), 500):
            query = (
                select(
                    r.learner_id, func.coalesce(func.sum(r.hours), 0), func.coalesce(func.sum(completed), 0)
                )
                .join(Learner, Learner.id == r.learner_id)
                .where(r.learner_id.in_(ids[start : start + 500]), *_in_year(fiscal_year, None))
                .group_by(r.learner_id)
            )
            for learner_id, hours, done in session.execute(query):
                learned[learner_id] = (_hours(hours), int(done))
    percents = {row.learner.id: row.progress.percent for row in plan_rows(db, fiscal_year, learner_ids=ids)}
    framework = effect.framework
    categories = [(c.id, c.name) for c in framework.categories] if framework else []
    category_ids = [c for c, _ in categories]
    roles: dict[str, list[EffectRow]] = defaultdict(list)
    for row in effect.rows:
        roles[row.role_name].append(row)
    return EffectReport(
        categories,
        f"{framework.name}（第{framework.version}版）" if framework else "",
        [
            EffectLearner(
                row.learner.organization,
                row.learner.department,
                row.learner.number,
                row.learner.name,
                row.role_name,
                row.before_on,
                row.after_on,
                row.before,
                row.after,
                *learned.get(row.learner.id, (Decimal("0.00"), 0)),
                percents.get(row.learner.id),
            )
            for row in effect.rows
        ],
        [EffectMeans(g.name, g.count, g.before, g.after) for g in effect.by_department],
        [
            EffectMeans(
                name,
                len(members),
                mean_levels((m.before for m in members), category_ids),
                mean_levels((m.after for m in members), category_ids),
            )
            for name, members in sorted(roles.items())
        ],
        EffectMeans(effect.overall.name, effect.overall.count, effect.overall.before, effect.overall.after),
    )
