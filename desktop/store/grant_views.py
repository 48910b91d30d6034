"""Reading 訓練計画 for the 助成金 page, the CLI and the sheets, with their estimates and deadlines.

Estimates are computed when read, never stored: a rule file loaded later, or a
plan of the same establishment changed, changes them. The establishment's
annual cap is shared by its plans of one 年度 (by training start) in the order
they start; 定額制 claims are counted per trainee in the same order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.dates import fiscal_year
from desktop.domain.grant import PlanEstimate, TraineeInput, TrainingTerms, estimate_plan, subscription_months
from desktop.domain.grant_plan import (
    DeadlineAlert,
    EmploymentType,
    GrantPlanStatus,
    Window,
    claim_window,
    deadline_alert,
    notice_window,
)
from desktop.domain.grant_rules import GrantRuleSet, NoRuleSet, TrainingMethod, select_rule_set
from desktop.domain.roster import LearnerStatus, OrganizationKind, SizeClass
from desktop.store.database import Database
from desktop.store.errors import NotFoundError
from desktop.store.grant_rule_store import GrantRuleStore
from desktop.store.models import Department, GrantPlan, GrantTrainee, Learner, Organization

SIZE_UNKNOWN = "企業規模が未設定のため計算できません。事業所の情報で中小企業か大企業を選んでください。"


@dataclass(frozen=True)
class EstablishmentRow:
    id: int
    name: str
    size: SizeClass | None
    office_number: str
    corporate_number: str
    main_business: str
    labour_bureau: str
    contact_name: str
    contact_phone: str
    employee_count: int
    plan_count: int
    version: int


@dataclass(frozen=True)
class TraineeView:
    learner_id: int
    number: str
    name: str
    furigana: str
    department: str
    insured_number: str
    learner_status: LearnerStatus
    employment: EmploymentType
    wage_hours: Decimal


@dataclass(frozen=True)
class GrantPlanView:
    id: int
    organization_id: int
    establishment: str
    size: SizeClass | None
    title: str
    provider: str
    method: TrainingMethod
    start: date
    end: date
    hours: Decimal
    fee: int
    status: GrantPlanStatus
    notice_submitted_on: date | None
    claim_submitted_on: date | None
    notes: str
    version: int
    trainees: tuple[TraineeView, ...]
    estimate: PlanEstimate | None
    problem: str | None  # why there is no estimate (no rule set, size unknown, withdrawn)
    alert: DeadlineAlert | None

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.start)

    @property
    def notice(self) -> Window:
        return notice_window(self.start)

    @property
    def claim(self) -> Window:
        return claim_window(self.end)

    @property
    def months(self) -> Fraction:
        return subscription_months(self.start, self.end)


def establishment_rows(session: Session) -> list[EstablishmentRow]:
    """Every organization of kind 企業, by name, with how many employees and plans it has."""
    from sqlalchemy import func

    employees = dict(
        session.execute(
            select(Learner.organization_id, func.count())
            .where(Learner.status != LearnerStatus.RETIRED)
            .group_by(Learner.organization_id)
        ).all()
    )
    plans = dict(
        session.execute(
            select(GrantPlan.organization_id, func.count()).group_by(GrantPlan.organization_id)
        ).all()
    )
    organizations = session.scalars(
        select(Organization).where(Organization.kind == OrganizationKind.COMPANY).order_by(Organization.name)
    )
    return [_establishment_row(org, employees.get(org.id, 0), plans.get(org.id, 0)) for org in organizations]


def _establishment_row(org: Organization, employees: int, plans: int) -> EstablishmentRow:
    return EstablishmentRow(
        org.id,
        org.name,
        org.size_class,
        org.employment_office_number or "",
        org.corporate_number or "",
        org.main_business or "",
        org.labour_bureau or "",
        org.contact_name or "",
        org.contact_phone or "",
        employees,
        plans,
        org.version,
    )


def grant_plan_views(
    db: Database,
    rules: GrantRuleStore,
    today: date,
    *,
    plan_ids: Iterable[int] | None = None,
    organization_id: int | None = None,
) -> list[GrantPlanView]:
    """Plans with trainees, estimates and alerts, by establishment then start date."""
    rule_sets = rules.rule_sets()
    with db.transaction() as session:
        return plan_views_in(session, rule_sets, today, plan_ids=plan_ids, organization_id=organization_id)


def plan_views_in(
    session: Session,
    rule_sets: list[GrantRuleSet],
    today: date,
    *,
    plan_ids: Iterable[int] | None = None,
    organization_id: int | None = None,
) -> list[GrantPlanView]:
    wanted = None if plan_ids is None else set(plan_ids)
    organizations = select(GrantPlan.organization_id)
    if wanted is not None:
        organizations = organizations.where(GrantPlan.id.in_(wanted))
    elif organization_id is not None:
        organizations = organizations.where(GrantPlan.organization_id == organization_id)
    # Every plan of the establishments concerned is read: the annual cap and the
    # 定額制 claim count of one plan depend on the others of the same 年度.
    plans = list(
        session.scalars(
            select(GrantPlan)
            .where(GrantPlan.organization_id.in_(organizations.scalar_subquery()))
            .order_by(GrantPlan.organization_id, GrantPlan.start_on, GrantPlan.id)
        )
    )
    trainees = _trainees(session, [plan.id for plan in plans])
    orgs = {
        org.id: org
        for org in session.scalars(
            select(Organization).where(Organization.id.in_({p.organization_id for p in plans}))
        )
    }
    estimates = _estimates(plans, trainees, orgs, rule_sets)
    views = []
    for plan in plans:
        if wanted is not None and plan.id not in wanted:
            continue
        org = orgs[plan.organization_id]
        estimate, problem = estimates[plan.id]
        views.append(
            GrantPlanView(
                plan.id,
                org.id,
                org.name,
                org.size_class,
                plan.title,
                plan.provider,
                plan.method,
                plan.start_on,
                plan.end_on,
                plan.hours,
                plan.fee_yen,
                plan.status,
                plan.notice_submitted_on,
                plan.claim_submitted_on,
                plan.notes,
                plan.version,
                tuple(trainees.get(plan.id, ())),
                estimate,
                problem,
                deadline_alert(plan.status, plan.start_on, plan.end_on, today),
            )
        )
    views.sort(key=lambda view: (view.establishment, view.start, view.id))
    return views


def plan_view(db: Database, rules: GrantRuleStore, plan_id: int, today: date) -> GrantPlanView:
    found = grant_plan_views(db, rules, today, plan_ids=[plan_id])
    if not found:
        raise NotFoundError("訓練計画が見つかりません。削除された可能性があります。")
    return found[0]


def _trainees(session: Session, plan_ids: list[int]) -> dict[int, list[TraineeView]]:
    rows = session.execute(
        select(GrantTrainee, Learner, Department.name)
        .join(Learner, Learner.id == GrantTrainee.learner_id)
        .outerjoin(Department, Department.id == Learner.department_id)
        .where(GrantTrainee.plan_id.in_(plan_ids))
        .order_by(GrantTrainee.plan_id, GrantTrainee.position)
    )
    found: dict[int, list[TraineeView]] = defaultdict(list)
    for trainee, learner, department in rows:
        found[trainee.plan_id].append(
            TraineeView(
                learner.id,
                learner.number,
                learner.name,
                learner.furigana,
                department or "",
                learner.insured_number or "",
                learner.status,
                trainee.employment_type,
                trainee.wage_hours,
            )
        )
    return found


def _estimates(
    plans: list[GrantPlan],
    trainees: dict[int, list[TraineeView]],
    orgs: dict[int, Organization],
    rule_sets: list[GrantRuleSet],
) -> dict[int, tuple[PlanEstimate | None, str | None]]:
    used: dict[tuple[int, int], int] = defaultdict(int)  # (organization, 年度) → yen so far
    claims: dict[tuple[int, int], int] = defaultdict(int)  # (learner, 年度) → 定額制 plans so far
    found: dict[int, tuple[PlanEstimate | None, str | None]] = {}
    for plan in plans:  # by establishment, then start date: the order the cap is used in
        year = fiscal_year(plan.start_on)
        size = orgs[plan.organization_id].size_class
        if plan.status is GrantPlanStatus.WITHDRAWN:
            found[plan.id] = (None, "取下げた計画です。")
            continue
        if size is None:
            found[plan.id] = (None, SIZE_UNKNOWN)
            continue
        try:
            rule = select_rule_set(rule_sets, plan.start_on)
        except NoRuleSet as exc:
            found[plan.id] = (None, str(exc))
            continue
        subscription = plan.method is TrainingMethod.SUBSCRIPTION
        terms = TrainingTerms(
            size,
            plan.method,
            plan.hours,
            plan.fee_yen,
            plan.start_on,
            subscription_months(plan.start_on, plan.end_on) if subscription else Fraction(1),
        )
        inputs = [
            TraineeInput(
                trainee.name, trainee.wage_hours, claims[(trainee.learner_id, year)] if subscription else 0
            )
            for trainee in trainees.get(plan.id, [])
        ]
        estimate = estimate_plan(rule, terms, inputs, used[(plan.organization_id, year)])
        used[(plan.organization_id, year)] += estimate.total
        if subscription:
            for trainee in trainees.get(plan.id, []):
                claims[(trainee.learner_id, year)] += 1
        found[plan.id] = (estimate, None)
    return found
