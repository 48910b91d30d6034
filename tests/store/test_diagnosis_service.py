"""Diagnoses in the database: answers saved one by one, resume, completion, framework versions, views."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.database import Database
from desktop.store.diagnosis_service import DiagnosisError, DiagnosisService
from desktop.store.diagnosis_views import DiagnosisViews, ViewFilter
from desktop.store.errors import UserFacingError
from desktop.store.framework_service import FrameworkService
from desktop.store.models import DiagnosisStatus
from tests.domain.framework_data import small_data, small_framework
from tests.factories import RosterFactory

ALL_RIGHT = {"D-01": 3, "D-02": 3, "D-K1": 2, "D-K2": 3, "S-K1": 1, "B-01": 2}


@pytest.fixture
def frameworks(db: Database) -> FrameworkService:
    service = FrameworkService(db)
    service.save(small_framework(), "test.json")
    return service


@pytest.fixture
def service(db: Database, frameworks: FrameworkService) -> DiagnosisService:
    return DiagnosisService(db, frameworks)


def framework_id(frameworks: FrameworkService) -> int:
    return frameworks.current("test-fw")[0]


def test_answers_are_saved_one_by_one_and_a_new_service_resumes_them(
    db: Database, factory: RosterFactory, service: DiagnosisService, frameworks: FrameworkService
) -> None:
    org = factory.organization()
    learner = factory.learner(org, role="DX推進リーダー")
    [diagnosis_id] = service.start(
        [learner.id], DiagnosisKind.PRE, framework_id=framework_id(frameworks), on=date(2025, 4, 10)
    )
    service.answer(diagnosis_id, "D-01", 3, page=0)
    service.answer(diagnosis_id, "S-K1", 1, page=1)

    # As if the app had been closed: a fresh service on the same database.
    state = DiagnosisService(db).state(diagnosis_id)
    assert state.answers == {"D-01": 3, "S-K1": 1}
    assert state.current_page == 1
    assert state.role.name == "DX推進リーダー"
    assert state.status is DiagnosisStatus.IN_PROGRESS
    assert state.diagnosed_on == date(2025, 4, 10)

    service.answer(diagnosis_id, "D-01", None)  # cleared again
    assert service.state(diagnosis_id).answers == {"S-K1": 1}


def test_out_of_range_answers_and_unknown_items_are_refused(
    factory: RosterFactory, service: DiagnosisService, frameworks: FrameworkService
) -> None:
    learner = factory.learner(factory.organization())
    [diagnosis_id] = service.start([learner.id], DiagnosisKind.PRE, framework_id=framework_id(frameworks))
    with pytest.raises(DiagnosisError, match="D-01」の回答は 1〜4"):
        service.answer(diagnosis_id, "D-01", 5)
    with pytest.raises(DiagnosisError, match="S-K1」の回答は 1〜2"):
        service.answer(diagnosis_id, "S-K1", 3)
    with pytest.raises(DiagnosisError, match="ZZ"):
        service.answer(diagnosis_id, "ZZ", 1)
    assert service.state(diagnosis_id).answers == {}


def test_completion_needs_every_answer_unless_allowed_and_then_freezes(
    factory: RosterFactory, service: DiagnosisService, frameworks: FrameworkService
) -> None:
    learner = factory.learner(factory.organization())
    [diagnosis_id] = service.start([learner.id], DiagnosisKind.PRE, framework_id=framework_id(frameworks))
    service.answer_many(diagnosis_id, {"D-01": 3, "D-02": 3})
    with pytest.raises(DiagnosisError, match="未回答の設問が 4 問"):
        service.complete(diagnosis_id)
    assert service.state(diagnosis_id).status is DiagnosisStatus.IN_PROGRESS

    service.answer_many(diagnosis_id, ALL_RIGHT)
    score = service.complete(diagnosis_id)
    assert score.complete
    [row] = service.rows(learner_ids=[learner.id])
    assert row.status is DiagnosisStatus.COMPLETED
    assert row.levels == {"data": 3.5, "sec": 4.0, "bpr": 2.0}
    with pytest.raises(DiagnosisError, match="完了しているため"):
        service.answer(diagnosis_id, "D-01", 1)


def test_starting_again_reuses_the_unfinished_diagnosis_of_the_same_kind(
    factory: RosterFactory, service: DiagnosisService, frameworks: FrameworkService
) -> None:
    learner = factory.learner(factory.organization())
    fid = framework_id(frameworks)
    first = service.start([learner.id], DiagnosisKind.PRE, framework_id=fid)
    assert service.start([learner.id], DiagnosisKind.PRE, framework_id=fid) == first
    assert service.start([learner.id], DiagnosisKind.POST, framework_id=fid) != first


def test_a_department_start_takes_its_sub_departments_and_skips_retired(
    factory: RosterFactory, service: DiagnosisService
) -> None:
    org = factory.organization()
    bu = factory.department(org, "総務部")
    ka = factory.department(org, "人事課", parent_id=bu)
    other = factory.department(org, "税務課")
    inside = [factory.learner(org, department_id=bu).id, factory.learner(org, department_id=ka).id]
    factory.learner(org, department_id=other)
    from desktop.domain.roster import LearnerStatus

    factory.learner(org, department_id=ka, status=LearnerStatus.RETIRED)
    assert sorted(service.learners_in(bu)) == sorted(inside)


def test_editing_an_answered_framework_makes_a_new_version_and_old_results_stay(
    factory: RosterFactory, service: DiagnosisService, frameworks: FrameworkService
) -> None:
    learner = factory.learner(factory.organization())
    old_id = framework_id(frameworks)
    [diagnosis_id] = service.start([learner.id], DiagnosisKind.PRE, framework_id=old_id)
    service.answer_many(diagnosis_id, ALL_RIGHT)
    service.complete(diagnosis_id)

    edited = small_data()
    edited["roles"][0]["targets"]["data"] = 4
    edited["items"][0]["text"] = "ピボットテーブルで集計できる"
    from desktop.domain.framework import framework_from_data

    saved = frameworks.save(framework_from_data(edited, "edit"), "edit.json")
    assert (saved.outcome, saved.framework_version) == ("new_version", 2)
    assert saved.id != old_id
    assert frameworks.current("test-fw")[0] == saved.id

    old_state = service.state(diagnosis_id)
    assert old_state.framework.version == 1
    assert old_state.framework.item("D-01").text == "表計算で集計できる"
    assert old_state.role.targets["data"] == 2
    assert frameworks.save(framework_from_data(edited, "again"), "again.json").outcome == "unchanged"


def test_an_unanswered_framework_is_replaced_in_place(frameworks: FrameworkService) -> None:
    first = framework_id(frameworks)
    changed = dataclasses.replace(small_framework(), name="テスト診断（改）")
    saved = frameworks.save(changed, "fix.json")
    assert (saved.outcome, saved.id, saved.framework_version) == ("replaced", first, 1)
    assert frameworks.load(first).name == "テスト診断（改）"
    [info] = [i for i in frameworks.frameworks() if i.code == "test-fw"]
    assert info.latest and info.source == "fix.json"


def test_the_bundled_framework_is_stored_once_on_first_use(db: Database) -> None:
    service = FrameworkService(db)
    first_id, framework = service.current()
    assert framework.code == "municipal-dx"
    assert service.current()[0] == first_id
    assert [i.code for i in service.frameworks()] == ["municipal-dx"]


def test_an_office_framework_chosen_for_use_is_where_new_diagnoses_start(
    db: Database, factory: RosterFactory, service: DiagnosisService, frameworks: FrameworkService
) -> None:
    bundled_id, _bundled = frameworks.current()
    assert frameworks.in_use_code() == "municipal-dx"
    with pytest.raises(UserFacingError, match="登録されていません"):
        frameworks.use("no-such")

    frameworks.use("test-fw")
    assert FrameworkService(db).in_use_code() == "test-fw"  # kept in the database, not in the service
    learner = factory.learner(factory.organization())
    [diagnosis_id] = service.start([learner.id], DiagnosisKind.PRE)
    assert service.state(diagnosis_id).framework.code == "test-fw"
    in_use = {(i.code, i.framework_version) for i in frameworks.frameworks() if i.in_use}
    assert in_use == {("test-fw", 1)}

    frameworks.use("municipal-dx")
    assert frameworks.current()[0] == bundled_id


def test_heatmap_takes_each_learners_latest_and_averages_by_department_and_role(
    factory: RosterFactory, service: DiagnosisService, frameworks: FrameworkService, db: Database
) -> None:
    org = factory.organization()
    tax = factory.department(org, "税務課")
    it = factory.department(org, "情報政策課")
    fid = framework_id(frameworks)
    a = factory.learner(org, department_id=tax).id
    b = factory.learner(org, department_id=tax, role="DX推進リーダー").id
    c = factory.learner(org, department_id=it).id

    def done(
        learner_id: int, answers: dict[str, int], on: date, kind: DiagnosisKind = DiagnosisKind.PRE
    ) -> None:
        [d] = service.start([learner_id], kind, framework_id=fid, on=on)
        service.answer_many(d, answers)
        service.complete(d, allow_unanswered=True)

    done(a, {"D-01": 1, "D-02": 1}, date(2025, 4, 1))
    done(a, {"D-01": 3, "D-02": 3}, date(2025, 9, 1), DiagnosisKind.POST)
    done(b, {"D-01": 2, "D-02": 2, "B-01": 4}, date(2025, 4, 2))
    done(c, {"D-01": 4, "D-02": 4}, date(2025, 4, 3))

    views = DiagnosisViews(db, frameworks)
    heat = views.heatmap(ViewFilter(organization_id=org))
    assert [r.learner.id for r in heat.rows] == [c, a, b]  # 情報政策課 before 税務課
    assert {r.learner.id: r.levels["data"] for r in heat.rows} == {a: 3.0, b: 2.0, c: 4.0}
    by_department = {g.name: g for g in heat.by_department}
    assert by_department["税務課"].levels["data"] == 2.5 and by_department["税務課"].count == 2
    assert by_department["税務課"].levels["bpr"] == 4.0  # only b answered it
    assert {g.name: g.levels["data"] for g in heat.by_role} == {"DX推進リーダー": 2.0, "一般職員": 3.5}
    assert heat.overall.levels["sec"] is None

    pre_only = views.heatmap(ViewFilter(organization_id=org, kind=DiagnosisKind.PRE))
    assert {r.learner.id: r.levels["data"] for r in pre_only.rows}[a] == 1.0
    assert views.heatmap(ViewFilter(department_id=it)).overall.count == 1
    assert views.heatmap(ViewFilter(fiscal_year=2024)).rows == []

    effect = views.effect(ViewFilter(organization_id=org))
    [row] = effect.rows
    assert row.learner.id == a and row.change("data") == 2.0
    assert effect.overall.change("data") == 2.0
    assert [g.name for g in effect.by_department] == ["税務課"]
