"""The home page's figures, read from a small office on both databases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.plan import PlanStatus
from desktop.domain.programme import Step
from desktop.domain.roster import LearnerKind, LearnerStatus
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.home_views import home_overview
from desktop.store.models import TrainingStatus
from desktop.store.plan_service import PlanService
from desktop.store.plan_views import plan_detail, plan_rows
from tests.factories import RosterFactory
from tests.store.test_plan_service import SETTINGS, diagnosed
from tests.store.test_plan_views import add_record

TODAY = date(2025, 12, 1)  # every month of SETTINGS' plans (May–October 2025) has ended


def diagnose(db: Database, learner_id: int, kind: DiagnosisKind, on: date, level: int) -> None:
    service = DiagnosisService(db)
    _id, framework = service.frameworks.current()
    [diagnosis_id] = service.start([learner_id], kind, on=on)
    service.answer_many(
        diagnosis_id, {item.id: level if item.kind.value == "self" else 1 for item in framework.items}
    )
    service.complete(diagnosis_id)


def office(db: Database, factory: RosterFactory) -> dict[str, int]:
    """A1 learning (one course done), A2 a draft, A3 no plan, A4 diagnosed after, B1 not diagnosed."""
    ids = {number: diagnosed(db, factory, number, "一般職員", 2) for number in ("A1", "A2", "A3", "A4")}
    ids["B1"] = factory.learner(factory.organization("団体B"), number="B1").id
    service = PlanService(db)
    service.save_drafts(service.propose([ids["A1"], ids["A2"], ids["A4"]], SETTINGS), SETTINGS)
    for number in ("A1", "A4"):
        [plan] = plan_rows(db, 2025, learner_ids=[ids[number]])
        service.set_status(plan.plan_id, PlanStatus.APPROVED, plan.version)
    [learning] = plan_rows(db, 2025, learner_ids=[ids["A1"]])
    first = plan_detail(db, learning.plan_id).lines[0]
    add_record(
        db,
        ids["A1"],
        first.course_code,
        TrainingStatus.COMPLETED,
        completed_on=date(2025, 5, 20),
        hours=Decimal("3.5"),
    )
    add_record(
        db, ids["A1"], first.course_code, TrainingStatus.COMPLETED, completed_on=date(2024, 5, 1), hours=9
    )
    diagnose(db, ids["A4"], DiagnosisKind.POST, date(2026, 2, 1), 3)
    return ids


def test_each_learner_is_counted_at_one_step_with_the_next_action(
    db: Database, factory: RosterFactory
) -> None:
    ids = office(db, factory)
    overview = home_overview(db, 2025, TODAY)
    steps = {count.step: count for count in overview.steps}
    assert steps[Step.PRE_DIAGNOSIS].learner_ids == (ids["B1"],)
    assert steps[Step.PLAN].learner_ids == (ids["A3"],)
    assert steps[Step.APPROVAL].learner_ids == (ids["A2"],)
    assert steps[Step.LEARNING].learner_ids == (ids["A1"],)
    assert steps[Step.LEARNING].overdue == 1  # its later months have ended unfinished
    assert steps[Step.REVIEW].learner_ids == (ids["A4"],)
    assert steps[Step.PLAN].action == "計画未作成の1名の計画を作成"


def test_the_dashboard_counts_come_from_the_same_reads(db: Database, factory: RosterFactory) -> None:
    ids = office(db, factory)
    overview = home_overview(db, 2025, TODAY)
    assert overview.learners == 5
    assert overview.learners_by_kind[LearnerKind.STAFF][LearnerStatus.ACTIVE] == 5
    assert overview.diagnoses[DiagnosisKind.PRE] == 4 and overview.diagnoses[DiagnosisKind.POST] == 1
    assert overview.plans == {PlanStatus.APPROVED: 2, PlanStatus.DRAFT: 1}
    assert overview.hours_learned == Decimal("3.5")  # the 2024 record belongs to another 年度
    assert {o.learner_id for o in overview.overdue} == {ids["A1"], ids["A4"]}
    assert overview.overdue[0].overdue_lines >= overview.overdue[1].overdue_lines  # the most overdue first
    assert overview.effect_pairs == 1
    # A4 answered 2 before and 3 after on every self-assessment item, and missed every knowledge question.
    changes = [(c.before, c.after) for c in overview.effect_by_category]
    assert changes and all(b is not None and a is not None and a >= b for b, a in changes)
    assert any(a > b for b, a in changes if a is not None and b is not None)
    [department] = overview.progress_by_department  # the factory's learners share no 所属
    assert department.plans == 2 and 0 < department.percent < 100


def test_another_year_is_empty(db: Database, factory: RosterFactory) -> None:
    office(db, factory)
    overview = home_overview(db, 2024, TODAY)
    steps = {count.step: count.learners for count in overview.steps}
    # The 2025 事前 diagnoses came after 2024 ended: everyone waits for a 事前 diagnosis.
    assert steps[Step.PRE_DIAGNOSIS] == 5 and overview.plans == {}
    assert overview.hours_learned == 9
