"""Learning plans in the database: proposals saved as drafts, status moves, freezing and revisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.plan import PlanStatus
from desktop.domain.plan_proposal import Reason
from desktop.store.catalog_service import CatalogImportError
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisService
from desktop.store.errors import StaleEditError
from desktop.store.models import (
    Course,
    LearningPlan,
    PlanLine,
    PlanStatusChange,
    TrainingRecord,
    TrainingStatus,
)
from desktop.store.plan_service import PlanError, PlanService, PlanSettings
from tests.factories import RosterFactory

SETTINGS = PlanSettings(2025, Decimal(40), 6, date(2025, 5, 20))


def diagnosed(db: Database, factory: RosterFactory, number: str, role: str, level: int) -> int:
    """A learner whose every answer is `level` (knowledge items answered wrongly: the lowest level)."""
    learner = factory.learner(factory.organization(f"団体{number}"), number=number, role=role)
    service = DiagnosisService(db)
    _id, framework = service.frameworks.current()
    [diagnosis_id] = service.start([learner.id], DiagnosisKind.PRE, on=date(2025, 4, 20))
    answers = {
        item.id: (level if item.kind.value == "self" else (1 if item.answer != 1 else 2))
        for item in framework.items
    }
    service.answer_many(diagnosis_id, answers)
    service.complete(diagnosis_id)
    return learner.id


def drafted(db: Database, factory: RosterFactory) -> tuple[PlanService, int, int, int]:
    """A 一般職員 learner diagnosed at level 2 with a saved draft: the service, learner, plan and its version."""
    learner = diagnosed(db, factory, "A1", "一般職員", 2)
    service = PlanService(db)
    [(_entry, plan_id, _text)] = service.save_drafts(service.propose([learner], SETTINGS), SETTINGS)
    assert plan_id is not None
    return service, learner, plan_id, plan_rows(db, learner)[0].version


def plan_rows(db: Database, learner_id: int) -> list[LearningPlan]:
    with db.transaction() as session:
        plans = list(session.scalars(select(LearningPlan).where(LearningPlan.learner_id == learner_id)))
        session.expunge_all()
        return plans


def line_codes(db: Database, plan_id: int) -> list[str]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(Course.code)
                .join(PlanLine, PlanLine.course_id == Course.id)
                .where(PlanLine.plan_id == plan_id)
                .order_by(PlanLine.position)
            )
        )


def test_proposals_become_drafts_from_the_latest_diagnosis_and_a_second_run_redoes_the_draft(
    db: Database, factory: RosterFactory
) -> None:
    ict = diagnosed(db, factory, "A1", "ICT系デジタル人材", 1)
    nobody = factory.learner(factory.organization("団体B"), number="B1").id
    service = PlanService(db)
    proposals = service.propose([ict, nobody], SETTINGS)

    with_plan, without = proposals
    assert without.proposal is None and without.problem == "完了したスキル診断がありません"
    assert with_plan.proposal is not None and with_plan.role_id == "ict"
    assert with_plan.proposal.hours <= 40
    # 基本情報技術者 preparation (60 h) is required for ICT but cannot fit 40 hours: it is said, not dropped silently.
    assert "基本情報技術者試験 合格準備講座は必修ですが60時間あり" in (with_plan.problem or "")

    outcomes = service.save_drafts(proposals, SETTINGS)
    assert [o[2] for o in outcomes] == ["下書きを作成しました", "完了したスキル診断がありません"]
    [plan] = plan_rows(db, ict)
    assert (plan.status, plan.revision, plan.current, plan.fiscal_year) == (PlanStatus.DRAFT, 1, True, 2025)
    assert (plan.period_start, plan.period_end) == (date(2025, 5, 1), date(2025, 10, 31))
    assert line_codes(db, plan.id) == [line.course.code for line in with_plan.proposal.lines]

    smaller = PlanSettings(2025, Decimal(20), 3, date(2025, 5, 1))
    again = service.save_drafts(service.propose([ict], smaller), smaller)
    assert again[0][2] == "下書きを作り直しました"
    [redone] = plan_rows(db, ict)
    assert redone.id == plan.id and redone.hours_budget == Decimal(20)
    assert redone.period_end == date(2025, 7, 31)


def test_completed_courses_are_not_proposed_again(db: Database, factory: RosterFactory) -> None:
    learner = diagnosed(db, factory, "A1", "一般職員", 1)
    service = PlanService(db)
    first = service.propose([learner], SETTINGS)[0].proposal
    assert first is not None
    done = first.lines[0].course.code
    with db.transaction() as session:
        course_id = session.scalars(select(Course.id).where(Course.code == done)).one()
        session.add(TrainingRecord(learner_id=learner, course_id=course_id, status=TrainingStatus.COMPLETED))
    second = service.propose([learner], SETTINGS)[0].proposal
    assert second is not None and done not in [line.course.code for line in second.lines]


def test_status_moves_in_order_with_who_and_when_and_a_stale_screen_is_refused(
    db: Database, factory: RosterFactory
) -> None:
    service, _learner, plan_id, version = drafted(db, factory)

    with pytest.raises(PlanError, match="下書きの計画を完了にすることはできません"):
        service.set_status(plan_id, PlanStatus.DONE, version)
    approved = service.set_status(plan_id, PlanStatus.APPROVED, version, "所属長承認")
    with pytest.raises(StaleEditError):
        service.set_status(plan_id, PlanStatus.ACTIVE, version)  # a screen opened before the approval
    active = service.set_status(plan_id, PlanStatus.ACTIVE, approved)
    service.set_status(plan_id, PlanStatus.DONE, active)
    with db.transaction() as session:
        history = [
            (c.status, c.note, bool(c.changed_by))
            for c in session.scalars(
                select(PlanStatusChange)
                .where(PlanStatusChange.plan_id == plan_id)
                .order_by(PlanStatusChange.id)
            )
        ]
    assert history == [
        (PlanStatus.DRAFT, "提案から作成", True),
        (PlanStatus.APPROVED, "所属長承認", True),
        (PlanStatus.ACTIVE, "", True),
        (PlanStatus.DONE, "", True),
    ]


def test_an_approved_plan_is_frozen_and_a_revision_carries_its_lines_into_a_new_draft(
    db: Database, factory: RosterFactory
) -> None:
    service, learner, plan_id, _version = drafted(db, factory)
    codes = line_codes(db, plan_id)
    version = service.update_draft(
        plan_id,
        plan_rows(db, learner)[0].version,
        goal="ITパスポート合格相当",
        mentor="情報政策課 山田",
        lines=[
            (codes[1], date(2025, 6, 1), Reason.GAP, "入替"),
            (codes[0], date(2025, 7, 9), Reason.MANUAL, ""),
        ],
    )
    assert line_codes(db, plan_id) == [codes[1], codes[0]]
    version = service.set_status(plan_id, PlanStatus.APPROVED, version)

    with pytest.raises(PlanError, match="承認済の計画は変更できません"):
        service.update_draft(plan_id, version, goal="", mentor="", lines=[])
    untouched = service.save_drafts(service.propose([learner], SETTINGS), SETTINGS)
    assert "承認済のため、そのままにしました" in untouched[0][2]

    new_id = service.revise(plan_id, version)
    old, new = sorted(plan_rows(db, learner), key=lambda p: p.revision)
    assert (old.id, old.current, old.status) == (plan_id, False, PlanStatus.APPROVED)
    assert (new.id, new.revision, new.current, new.status) == (new_id, 2, True, PlanStatus.DRAFT)
    assert (new.goal, new.mentor) == ("ITパスポート合格相当", "情報政策課 山田")
    assert line_codes(db, new_id) == [codes[1], codes[0]]
    with pytest.raises(PlanError, match="新しい版に置き換えられています"):
        service.set_status(plan_id, PlanStatus.ACTIVE, old.version)


def test_a_draft_refuses_months_outside_its_period_and_a_course_twice(
    db: Database, factory: RosterFactory
) -> None:
    service, _learner, plan_id, version = drafted(db, factory)
    code = line_codes(db, plan_id)[0]
    with pytest.raises(PlanError, match="2026年01月は計画期間"):
        service.update_draft(
            plan_id, version, goal="", mentor="", lines=[(code, date(2026, 1, 1), Reason.MANUAL, "")]
        )
    with pytest.raises(PlanError, match="同じ講座が2回"):
        service.update_draft(
            plan_id,
            version,
            goal="",
            mentor="",
            lines=[(code, date(2025, 6, 1), Reason.MANUAL, ""), (code, date(2025, 7, 1), Reason.MANUAL, "")],
        )
    assert line_codes(db, plan_id)[0] == code  # nothing half-written


def test_a_period_must_start_inside_its_fiscal_year() -> None:
    with pytest.raises(PlanError, match="2025年度"):
        PlanSettings(2025, Decimal(10), 3, date(2026, 4, 1)).period()
    assert PlanSettings(2025, Decimal(10), 6, date(2026, 1, 1)).period() == (
        date(2026, 1, 1),
        date(2026, 3, 31),
    )


def test_a_catalogue_for_another_framework_is_refused(db: Database, tmp_path: Path) -> None:
    service = PlanService(db)
    _id, framework = service.frameworks.current()
    exported = tmp_path / "catalog.json"
    service.catalogs.export_file(framework, exported)
    text = exported.read_text(encoding="utf-8").replace('"framework": "municipal-dx"', '"framework": "other"')
    exported.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogImportError, match="「other」用です"):
        service.catalogs.import_file(exported, framework)


def test_the_bundled_catalogue_fits_the_bundled_framework_and_follows_the_path_pattern(db: Database) -> None:
    service = PlanService(db)
    _id, framework = service.frameworks.current()
    with db.transaction() as session:
        catalog = service.catalogs.current_in(session, framework)
        stored = session.scalar(select(func.count()).select_from(Course))
    assert catalog is not None and 55 <= len(catalog.courses) <= 65 and stored == len(catalog.courses)
    titles = {c.code: c.title for c in catalog.courses}
    assert any("基本情報技術者" in titles[c] for c in catalog.path("ict").required)
    assert any("ITパスポート" in titles[c] for c in catalog.path("business").required)
    shared = set(catalog.path("ict").recommended) & set(catalog.path("business").recommended)
    shared_titles = " ".join(titles[c] for c in shared)
    for subject in ("業務フロー", "DXマインド", "仕様"):
        assert subject in shared_titles
    for category in framework.categories:  # every gap has something to close it
        assert any(c.categories[0] == category.id for c in catalog.courses)
