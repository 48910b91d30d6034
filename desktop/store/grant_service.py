"""Establishments and 訓練計画 in the database: one transaction per action, stale saves refused.

An establishment (事業所) is an organization of kind 企業: its learners are the
employees a training plan may name as trainees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop.domain.dates import to_wareki
from desktop.domain.grant_drafts import (
    ESTABLISHMENT_LABELS,
    PLAN_LABELS,
    EstablishmentDraft,
    GrantPlanDraft,
    validate_establishment,
    validate_grant_plan,
)
from desktop.domain.grant_plan import GrantPlanStatus
from desktop.domain.grant_rules import NoRuleSet, select_rule_set
from desktop.domain.roster import LearnerStatus, OrganizationKind
from desktop.store.database import Database
from desktop.store.errors import NotFoundError, StaleEditError, UserFacingError, ValidationFailed
from desktop.store.grant_rule_store import GrantRuleStore
from desktop.store.grant_views import (
    EstablishmentRow,
    GrantPlanView,
    establishment_rows,
    grant_plan_views,
    plan_view,
)
from desktop.store.import_common import current_user
from desktop.store.models import Department, GrantPlan, GrantTrainee, Learner, Organization, utcnow

# Which status may follow which; the reverse steps undo a mark made by mistake.
_NEXT: dict[GrantPlanStatus, frozenset[GrantPlanStatus]] = {
    GrantPlanStatus.DRAFT: frozenset({GrantPlanStatus.NOTIFIED, GrantPlanStatus.WITHDRAWN}),
    GrantPlanStatus.NOTIFIED: frozenset(
        {GrantPlanStatus.DRAFT, GrantPlanStatus.CLAIMED, GrantPlanStatus.WITHDRAWN}
    ),
    GrantPlanStatus.CLAIMED: frozenset(
        {GrantPlanStatus.NOTIFIED, GrantPlanStatus.DECIDED, GrantPlanStatus.WITHDRAWN}
    ),
    GrantPlanStatus.DECIDED: frozenset({GrantPlanStatus.CLAIMED}),
    GrantPlanStatus.WITHDRAWN: frozenset({GrantPlanStatus.DRAFT}),
}
EDITABLE = frozenset({GrantPlanStatus.DRAFT, GrantPlanStatus.NOTIFIED})


class GrantError(UserFacingError):
    pass


@dataclass(frozen=True)
class TraineeCandidate:
    learner_id: int
    number: str
    name: str
    furigana: str
    department: str
    insured_number: str


def can_move(current: GrantPlanStatus, wanted: GrantPlanStatus) -> bool:
    return wanted in _NEXT[current]


class GrantService:
    def __init__(self, db: Database, rules: GrantRuleStore | None = None) -> None:
        self.db = db
        self.rules = rules or GrantRuleStore(db)

    # -- establishments -------------------------------------------------

    def establishments(self) -> list[EstablishmentRow]:
        with self.db.transaction() as session:
            return establishment_rows(session)

    def establishment(self, organization_id: int) -> EstablishmentRow:
        for row in self.establishments():
            if row.id == organization_id:
                return row
        raise NotFoundError("事業所が見つかりません。削除された可能性があります。")

    def save_establishment(
        self, organization_id: int | None, draft: EstablishmentDraft, expected_version: int | None = None
    ) -> int:
        """Create (organization_id None) or update an establishment; ValidationFailed lists every field."""
        clean, problems = validate_establishment(draft)
        if clean is None:
            raise ValidationFailed(
                [(p.field, f"{ESTABLISHMENT_LABELS[p.field]}: {p.message}") for p in problems]
            )
        with self.db.transaction() as session:
            clash = session.scalars(
                select(Organization.id).where(
                    Organization.name == clean.name, Organization.id != (organization_id or 0)
                )
            ).first()
            if clash is not None:
                raise ValidationFailed([("name", f"事業所名: 「{clean.name}」は既に登録されています。")])
            if organization_id is None:
                org = Organization(name=clean.name, kind=OrganizationKind.COMPANY)
                session.add(org)
            else:
                found = session.get(Organization, organization_id)
                if found is None:
                    raise NotFoundError("事業所が見つかりません。削除された可能性があります。")
                if expected_version is not None and found.version != expected_version:
                    raise StaleEditError("この事業所は、開いた後に他の人が変更しました。開き直してください。")
                org = found
                org.name = clean.name
            org.size_class = clean.size
            org.employment_office_number = clean.office_number
            org.corporate_number = clean.corporate_number
            org.main_business = clean.main_business
            org.labour_bureau = clean.labour_bureau
            org.contact_name = clean.contact_name
            org.contact_phone = clean.contact_phone
            session.flush()
            return org.id

    def candidates(self, organization_id: int) -> list[TraineeCandidate]:
        """The establishment's employees still on the roster, by フリガナ: who may be a trainee."""
        with self.db.transaction() as session:
            rows = session.execute(
                select(
                    Learner.id,
                    Learner.number,
                    Learner.name,
                    Learner.furigana,
                    Department.name,
                    Learner.insured_number,
                )
                .outerjoin(Department, Department.id == Learner.department_id)
                .where(Learner.organization_id == organization_id, Learner.status != LearnerStatus.RETIRED)
                .order_by(Learner.furigana, Learner.number)
            )
            return [
                TraineeCandidate(learner_id, number, name, furigana, department or "", insured or "")
                for learner_id, number, name, furigana, department, insured in rows
            ]

    # -- training plans -------------------------------------------------

    def plans(self, today: date, organization_id: int | None = None) -> list[GrantPlanView]:
        return grant_plan_views(self.db, self.rules, today, organization_id=organization_id)

    def plan(self, plan_id: int, today: date) -> GrantPlanView:
        return plan_view(self.db, self.rules, plan_id, today)

    def save_plan(
        self, plan_id: int | None, draft: GrantPlanDraft, expected_version: int | None = None
    ) -> int:
        """Create or update a plan with its trainees, all in one transaction."""
        clean, problems = validate_grant_plan(draft)
        if clean is None:
            raise ValidationFailed([(p.field, f"{PLAN_LABELS[p.field]}: {p.message}") for p in problems])
        rule_sets = self.rules.rule_sets()
        try:
            select_rule_set(rule_sets, clean.start)
        except NoRuleSet as exc:
            raise ValidationFailed([("start", f"訓練開始日: {exc}")]) from exc
        with self.db.transaction() as session:
            org = session.get(Organization, clean.organization_id)
            if org is None or org.kind is not OrganizationKind.COMPANY:
                raise ValidationFailed(
                    [("organization_id", "事業所: 企業として登録された事業所を選んでください。")]
                )
            learners = {
                learner.id: learner
                for learner in session.scalars(
                    select(Learner).where(Learner.id.in_([t.learner_id for t in clean.trainees]))
                )
            }
            outside = [
                number
                for number, trainee in enumerate(clean.trainees, start=1)
                if trainee.learner_id not in learners
                or learners[trainee.learner_id].organization_id != org.id
            ]
            if outside:
                raise ValidationFailed(
                    [("trainees", f"受講者{n}人目: この事業所の名簿にいない人です。") for n in outside]
                )
            if plan_id is None:
                plan = GrantPlan(
                    organization_id=org.id, status=GrantPlanStatus.DRAFT, created_by=current_user()
                )
                session.add(plan)
            else:
                plan = self._plan(session, plan_id, expected_version)
                if plan.status not in EDITABLE:
                    raise GrantError(
                        f"「{plan.status.label}」の計画は変更できません。状態を戻してから編集してください。"
                    )
                session.execute(delete(GrantTrainee).where(GrantTrainee.plan_id == plan.id))
            plan.organization_id = org.id
            plan.title = clean.title
            plan.provider = clean.provider
            plan.method = clean.method
            plan.start_on = clean.start
            plan.end_on = clean.end
            plan.hours = clean.hours
            plan.fee_yen = clean.fee
            plan.notes = clean.notes
            plan.updated_at = utcnow()  # a change of trainees alone must bump the version too
            session.flush()
            for position, trainee in enumerate(clean.trainees):
                session.add(
                    GrantTrainee(
                        plan_id=plan.id,
                        learner_id=trainee.learner_id,
                        position=position,
                        employment_type=trainee.employment,
                        wage_hours=trainee.wage_hours,
                    )
                )
                learner = learners[trainee.learner_id]
                if trainee.insured_number and trainee.insured_number != learner.insured_number:
                    learner.insured_number = trainee.insured_number
            session.flush()
            return plan.id

    def set_status(self, plan_id: int, wanted: GrantPlanStatus, expected_version: int, on: date) -> None:
        """Mark a paper sent (計画届 on ``on``, 支給申請 on ``on``), a decision, a withdrawal, or undo one."""
        with self.db.transaction() as session:
            plan = self._plan(session, plan_id, expected_version)
            if not can_move(plan.status, wanted):
                raise GrantError(f"「{plan.status.label}」から「{wanted.label}」には変更できません。")
            if wanted is GrantPlanStatus.NOTIFIED and plan.status is GrantPlanStatus.DRAFT:
                self._check_ready_to_notify(session, plan)
                plan.notice_submitted_on = on
            if wanted is GrantPlanStatus.CLAIMED and plan.status is GrantPlanStatus.NOTIFIED:
                if on <= plan.end_on:
                    raise GrantError(
                        f"支給申請は訓練の終了後（{to_wareki(plan.end_on)}の翌日以降）に行います。"
                    )
                plan.claim_submitted_on = on
            if wanted is GrantPlanStatus.DRAFT:
                plan.notice_submitted_on = None
            if wanted is GrantPlanStatus.NOTIFIED and plan.status is GrantPlanStatus.CLAIMED:
                plan.claim_submitted_on = None
            plan.status = wanted

    def delete_plan(self, plan_id: int, expected_version: int) -> None:
        with self.db.transaction() as session:
            plan = self._plan(session, plan_id, expected_version)
            if plan.status is not GrantPlanStatus.DRAFT:
                raise GrantError(
                    "削除できるのは作成中の計画だけです。提出後の計画は「取下げ」にしてください。"
                )
            session.delete(plan)

    @staticmethod
    def _plan(session: Session, plan_id: int, expected_version: int | None) -> GrantPlan:
        plan = session.get(GrantPlan, plan_id)
        if plan is None:
            raise NotFoundError("訓練計画が見つかりません。削除された可能性があります。")
        if expected_version is not None and plan.version != expected_version:
            raise StaleEditError(
                "この訓練計画は、開いた後に他の人（または他の画面）が変更しました。開き直してください。"
            )
        return plan

    @staticmethod
    def _check_ready_to_notify(session: Session, plan: GrantPlan) -> None:
        org = session.get(Organization, plan.organization_id)
        assert org is not None
        missing: list[str] = []
        if not org.employment_office_number:
            missing.append("事業所の雇用保険適用事業所番号")
        if org.size_class is None:
            missing.append("事業所の企業規模")
        count, without_number = session.execute(
            select(func.count(), func.count().filter(Learner.insured_number.is_(None)))
            .select_from(GrantTrainee)
            .join(Learner, Learner.id == GrantTrainee.learner_id)
            .where(GrantTrainee.plan_id == plan.id)
        ).one()
        if count == 0:
            missing.append("受講者")
        elif without_number:
            missing.append(f"受講者{without_number}名の雇用保険被保険者番号")
        if missing:
            raise GrantError("計画届を提出済みにする前に、次を入力してください: " + "、".join(missing))
