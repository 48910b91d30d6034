"""Plans as lists and as one plan in full, with progress matched from training records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop.domain.plan import PlanStatus
from desktop.domain.plan_progress import LineState
from desktop.store.database import Database
from desktop.store.models import Course, TrainingRecord, TrainingStatus
from desktop.store.plan_views import current_plan_ids, plan_detail, plan_overview, plan_rows
from desktop.store.settings import DEFAULT_APPROVAL_BOXES, approval_boxes, set_approval_boxes
from tests.factories import RosterFactory
from tests.store.test_plan_service import SETTINGS, diagnosed, drafted


def add_record(db: Database, learner_id: int, code: str, status: TrainingStatus, **fields: object) -> None:
    with db.transaction() as session:
        course_id = session.scalars(select(Course.id).where(Course.code == code)).one()
        session.add(TrainingRecord(learner_id=learner_id, course_id=course_id, status=status, **fields))


def test_a_plan_in_full_names_its_learner_lines_history_and_revisions(
    db: Database, factory: RosterFactory
) -> None:
    service, learner, plan_id, version = drafted(db, factory)
    detail = plan_detail(db, plan_id)
    assert (detail.learner.id, detail.learner.number, detail.status, detail.revision) == (
        learner,
        "A1",
        PlanStatus.DRAFT,
        1,
    )
    assert detail.lines and all(line.course_title and line.method for line in detail.lines)
    assert detail.period_start == date(2025, 5, 1) and detail.hours_budget == Decimal(40)
    assert [h.status for h in detail.history] == [PlanStatus.DRAFT]
    service.set_status(plan_id, PlanStatus.APPROVED, version, "課長決裁")
    newer = service.revise(plan_id, version + 1)
    old = plan_detail(db, plan_id)
    assert [h.note for h in old.history][-1] == "課長決裁" and not old.current
    assert [(r[1], r[2]) for r in plan_detail(db, newer).revisions] == [
        (1, PlanStatus.APPROVED),
        (2, PlanStatus.DRAFT),
    ]


def test_progress_follows_the_learners_records_of_the_same_courses(
    db: Database, factory: RosterFactory
) -> None:
    service, learner, plan_id, version = drafted(db, factory)
    service.set_status(plan_id, PlanStatus.APPROVED, version)
    lines = plan_detail(db, plan_id).lines
    first, second, third = lines[0], lines[1], lines[2]
    add_record(db, learner, first.course_code, TrainingStatus.COMPLETED, completed_on=date(2025, 6, 3))
    add_record(db, learner, second.course_code, TrainingStatus.IN_PROGRESS, hours=Decimal("0.5"))
    # Someone else's record of the third course is not this learner's progress.
    other = factory.learner(factory.organization("団体Z"), number="Z1").id
    add_record(db, other, third.course_code, TrainingStatus.COMPLETED, completed_on=date(2025, 6, 3))

    today = date(2025, 12, 1)  # every month of the plan (May–October) has ended
    detail = plan_detail(db, plan_id, today=today)
    states = [line.progress.state for line in detail.lines]
    assert states[0] is LineState.DONE
    assert states[1] is LineState.OVERDUE and detail.lines[1].progress.done_hours == Decimal("0.5")
    assert states[2] is LineState.OVERDUE
    expected_done = first.hours + Decimal("0.5")
    [row] = plan_rows(db, 2025, today=today)
    assert (row.plan_id, row.progress.done_hours, row.progress.lines_done) == (plan_id, expected_done, 1)
    assert row.progress.overdue == len(lines) - 1
    assert row.progress.percent == round(expected_done * 100 / sum(line.hours for line in lines))
    # Before any month has ended nothing is overdue.
    assert plan_rows(db, 2025, today=date(2025, 5, 10))[0].progress.overdue == 0


def test_lists_show_the_current_revision_of_the_year_for_the_learners_asked(
    db: Database, factory: RosterFactory
) -> None:
    service, learner, plan_id, version = drafted(db, factory)
    other = diagnosed(db, factory, "B1", "一般職員", 3)
    service.save_drafts(service.propose([other], SETTINGS), SETTINGS)
    service.set_status(plan_id, PlanStatus.APPROVED, version)
    newer = service.revise(plan_id, version + 1)
    rows = plan_rows(db, 2025)
    assert sorted((r.learner.number, r.revision) for r in rows) == [("A1", 2), ("B1", 1)]
    assert [r.plan_id for r in plan_rows(db, 2025, learner_ids=[learner])] == [newer]
    assert plan_rows(db, 2024) == []
    assert current_plan_ids(db, 2025, [other, learner, 99999]) == [
        plan_rows(db, 2025, learner_ids=[other])[0].plan_id,
        newer,
    ]


def test_approval_boxes_are_the_offices_own_and_checked(db: Database) -> None:
    assert approval_boxes(db) == DEFAULT_APPROVAL_BOXES
    assert set_approval_boxes(db, [" 本人 ", "", "課長", "人事課"]) == ("本人", "課長", "人事課")
    assert approval_boxes(db) == ("本人", "課長", "人事課")
    for bad, message in [([], "1つ以上"), (["a"] * 7, "6つまで"), (["とても長い押印欄の名前です"], "長すぎ")]:
        with pytest.raises(ValueError, match=message):
            set_approval_boxes(db, bad)
    assert approval_boxes(db) == ("本人", "課長", "人事課")


def test_the_page_list_has_every_learner_with_their_plan_or_none(
    db: Database, factory: RosterFactory
) -> None:
    _service, learner, plan_id, _version = drafted(db, factory)
    organization = factory.organization("団体C")
    waiting = factory.learner(organization, number="C1").id
    rows = {row.learner.id: row for row in plan_overview(db, 2025)}
    assert set(rows) == {learner, waiting}
    assert rows[learner].plan is not None and rows[learner].plan.plan_id == plan_id
    assert rows[learner].diagnosed and not rows[waiting].diagnosed and rows[waiting].plan is None
    assert all(row.plan is None for row in plan_overview(db, 2026))
    department = factory.department(organization, "企画課")
    placed = factory.learner(organization, number="C2", department_id=department).id
    assert [row.learner.id for row in plan_overview(db, 2025, department)] == [placed]
