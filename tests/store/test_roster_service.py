"""Roster service on real SQLite and PostgreSQL: one action, one transaction."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from desktop.domain.roster import LearnerKind, LearnerStatus, OrganizationKind
from desktop.store.database import Database, open_database
from desktop.store.errors import (
    ConflictError,
    DatabaseBusyError,
    DuplicateNumberError,
    HasRecordsError,
    NotFoundError,
    StaleEditError,
    ValidationFailed,
)
from desktop.store.models import Department, Learner, Organization
from desktop.store.roster_service import RosterService, record_as_draft
from tests.factories import RosterFactory


def test_created_learner_reads_back_normalised(factory: RosterFactory) -> None:
    org = factory.organization()
    dept = factory.department(org, "総務課")
    row = factory.learner(
        org,
        number="Ａ００１２",
        name=" 髙橋  ｼﾞｮｳｼﾞ ",
        furigana="たかはし　じょうじ",
        department_id=dept,
        email="Joji.Takahashi@Example.lg.jp",
    )
    assert (row.number, row.name, row.furigana) == ("A0012", "髙橋\u3000ジョウジ", "タカハシ\u3000ジョウジ")
    assert row.department == "総務課"
    assert row.organization == "テスト市"
    assert row.version == 1
    record = factory.service.learner(row.id)
    assert record.email == "Joji.Takahashi@Example.lg.jp"
    assert record.status is LearnerStatus.ACTIVE


def test_invalid_draft_writes_nothing_and_names_every_field(factory: RosterFactory) -> None:
    org = factory.organization()
    with pytest.raises(ValidationFailed) as caught:
        factory.learner(org, number="", name="", furigana="Yamada", email="not-an-address")
    fields = [name for name, _ in caught.value.problems]
    assert fields == ["number", "name", "furigana", "email"]
    assert "フリガナはカタカナ" in caught.value.message
    assert factory.service.count() == 0


def test_duplicate_number_is_refused_naming_the_holder(factory: RosterFactory) -> None:
    org = factory.organization()
    dept = factory.department(org, "税務課")
    factory.learner(org, number="A0001", name="佐藤　花子", furigana="サトウ　ハナコ", department_id=dept)
    with pytest.raises(DuplicateNumberError) as caught:
        factory.learner(org, number="A0001", name="鈴木　一郎", furigana="スズキ　イチロウ")
    assert "A0001" in caught.value.message
    assert "佐藤　花子" in caught.value.message
    assert "税務課" in caught.value.message
    assert factory.service.count() == 1


def test_same_number_is_allowed_in_another_organization(factory: RosterFactory) -> None:
    city = factory.organization("みなと市")
    firm = factory.organization("株式会社さくら精機", OrganizationKind.COMPANY)
    factory.learner(city, number="0001")
    factory.learner(firm, number="0001", kind=LearnerKind.EMPLOYEE)
    assert factory.service.count() == 2


def test_editing_to_another_learners_number_is_refused(factory: RosterFactory) -> None:
    org = factory.organization()
    factory.learner(org, number="A0001", name="佐藤　花子", furigana="サトウ　ハナコ")
    second = factory.learner(org, number="A0002")
    record = factory.service.learner(second.id)
    with pytest.raises(DuplicateNumberError, match="佐藤"):
        factory.service.update_learner(record, replace(record_as_draft(record), number="A0001"))
    assert factory.service.learner(second.id).number == "A0002"


def test_update_bumps_the_version(factory: RosterFactory) -> None:
    org = factory.organization()
    row = factory.learner(org)
    record = factory.service.learner(row.id)
    saved = factory.service.update_learner(record, replace(record_as_draft(record), job_title="主任"))
    assert saved.job_title == "主任"
    assert saved.version == record.version + 1


def test_stale_edit_from_another_pc_is_refused_with_what_changed(
    db: Database, factory: RosterFactory
) -> None:
    org = factory.organization()
    row = factory.learner(org, name="山田　太郎", furigana="ヤマダ　タロウ")
    # Two PCs: two engines on the same database, each loading the learner first.
    other_pc = open_database(db.url.render_as_string(hide_password=False))
    try:
        theirs = RosterService(other_pc)
        mine = factory.service
        my_copy = mine.learner(row.id)
        their_copy = theirs.learner(row.id)
        theirs.update_learner(their_copy, replace(record_as_draft(their_copy), job_title="係長"))
        with pytest.raises(StaleEditError) as caught:
            mine.update_learner(my_copy, replace(record_as_draft(my_copy), name="山田　次郎"))
    finally:
        other_pc.dispose()
    assert [(c.label, c.mine, c.theirs) for c in caught.value.changes] == [("職名", "（空欄）", "係長")]
    assert "保存しませんでした" in caught.value.message
    current = factory.service.learner(row.id)
    assert (current.name, current.job_title) == ("山田　太郎", "係長")


def test_stale_retire_is_refused(factory: RosterFactory) -> None:
    org = factory.organization()
    row = factory.learner(org)
    old = factory.service.learner(row.id)
    factory.service.update_learner(old, replace(record_as_draft(old), job_title="主事"))
    with pytest.raises(StaleEditError):
        factory.service.set_status(old, LearnerStatus.RETIRED)
    assert factory.service.learner(row.id).status is LearnerStatus.ACTIVE


def test_a_save_racing_another_pc_never_overwrites(
    db: Database, factory: RosterFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another PC saves between our version check and our UPDATE.

    PostgreSQL: UPDATE ... WHERE version = n matches nothing, so the version
    column refuses the save. SQLite: the file lock refuses our write. Either
    way the other PC's save stands and ours is reported, not applied.
    """
    org = factory.organization()
    row = factory.learner(org)
    record = factory.service.learner(row.id)
    other_pc = open_database(db.url.render_as_string(hide_password=False))
    original_check = RosterService._refuse_duplicate

    def check_then_other_pc_saves(self: RosterService, *args: object) -> None:
        original_check(self, *args)  # type: ignore[arg-type]
        with other_pc.transaction() as session:
            learner = session.get(Learner, row.id)
            assert learner is not None
            learner.job_title = "係長"

    monkeypatch.setattr(RosterService, "_refuse_duplicate", check_then_other_pc_saves)
    expected = StaleEditError if not db.is_sqlite else DatabaseBusyError
    try:
        with pytest.raises(expected):
            factory.service.update_learner(record, replace(record_as_draft(record), job_title="主任"))
    finally:
        other_pc.dispose()
    monkeypatch.undo()
    assert factory.service.learner(row.id).job_title == "係長"


def test_retire_and_reinstate(factory: RosterFactory) -> None:
    org = factory.organization()
    row = factory.learner(org)
    retired = factory.service.set_status(factory.service.learner(row.id), LearnerStatus.RETIRED)
    assert retired.status is LearnerStatus.RETIRED
    back = factory.service.set_status(factory.service.learner(row.id), LearnerStatus.ACTIVE)
    assert back.status is LearnerStatus.ACTIVE
    assert factory.service.count() == 1


def test_delete_only_without_records(factory: RosterFactory) -> None:
    org = factory.organization()
    keeps = factory.learner(org, name="記録　あり", furigana="キロク　アリ")
    goes = factory.learner(org)
    factory.training_record(keeps.id)
    with pytest.raises(HasRecordsError, match="退職"):
        factory.service.delete_learner(factory.service.learner(keeps.id))
    factory.service.delete_learner(factory.service.learner(goes.id))
    assert [r.id for r in factory.service.roster_rows()] == [keeps.id]
    with pytest.raises(NotFoundError):
        factory.service.learner(goes.id)


def test_saving_a_learner_deleted_meanwhile_says_so(factory: RosterFactory) -> None:
    org = factory.organization()
    row = factory.learner(org)
    record = factory.service.learner(row.id)
    factory.service.delete_learner(record)
    with pytest.raises(NotFoundError, match="削除"):
        factory.service.update_learner(record, record_as_draft(record))


def test_typed_organization_and_department_are_created_with_the_learner(
    db: Database, factory: RosterFactory
) -> None:
    row = factory.learner(
        None,
        organization_name="株式会社みどり工業",
        department_name="製造部",
        kind=LearnerKind.EMPLOYEE,
    )
    assert (row.organization, row.department) == ("株式会社みどり工業", "製造部")
    again = factory.learner(None, organization_name="株式会社みどり工業", department_name="製造部")
    assert (again.organization_id, again.department_id) == (row.organization_id, row.department_id)
    with db.transaction() as session:
        organization = session.get(Organization, row.organization_id)
        assert organization is not None and organization.kind is OrganizationKind.COMPANY
        assert session.scalar(select(func.count(Department.id))) == 1


def test_a_failed_save_leaves_no_half_made_organization(db: Database, factory: RosterFactory) -> None:
    org = factory.organization()
    factory.learner(org, number="A0001")
    with pytest.raises(DuplicateNumberError):
        factory.learner(org, number="A0001", department_name="新しい課")
    with db.transaction() as session:
        assert session.scalar(select(func.count(Department.id))) == 0


def test_department_paths_show_nesting(factory: RosterFactory) -> None:
    org = factory.organization()
    bureau = factory.department(org, "総務部")
    section = factory.department(org, "デジタル推進課", parent_id=bureau)
    row = factory.learner(org, department_id=section)
    assert row.department == "総務部／デジタル推進課"
    assert [d.path for d in factory.service.departments()] == ["総務部", "総務部／デジタル推進課"]


def test_department_of_another_organization_is_refused(factory: RosterFactory) -> None:
    city = factory.organization("みなと市")
    firm = factory.organization("株式会社さくら精機", OrganizationKind.COMPANY)
    firm_dept = factory.department(firm, "製造部")
    with pytest.raises(ValidationFailed, match="所属"):
        factory.learner(city, department_id=firm_dept)


def test_roster_rows_include_retirees_for_the_table_to_filter(factory: RosterFactory) -> None:
    org = factory.organization()
    factory.learner(org, status=LearnerStatus.RETIRED)
    factory.learner(org)
    assert sorted(r.status for r in factory.service.roster_rows()) == [
        LearnerStatus.ACTIVE,
        LearnerStatus.RETIRED,
    ]


def test_typed_department_path_nests_under_existing_parents(factory: RosterFactory) -> None:
    org = factory.organization()
    bureau = factory.department(org, "総務部")
    row = factory.learner(org, department_name="総務部／人事課")
    again = factory.learner(org, department_name="総務部/人事課")
    assert row.department == "総務部／人事課"
    assert again.department_id == row.department_id
    paths = {d.path: d for d in factory.service.departments()}
    assert paths["総務部／人事課"].parent_id == bureau


def test_two_top_level_departments_of_one_name_cannot_exist(db: Database, factory: RosterFactory) -> None:
    org = factory.organization()
    factory.department(org, "DX推進課")
    with pytest.raises(IntegrityError):
        factory.department(org, "DX推進課")
    other = factory.organization("別の市")
    factory.department(other, "DX推進課")  # another organization may use the name


def test_concurrent_creation_of_the_same_organization_is_reported_in_words(
    factory: RosterFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def another_pc_creates_it_first(self: object, session: object, clean: object) -> tuple[int, int | None]:
        raise IntegrityError("INSERT INTO organizations", {}, Exception("unique violation"))

    monkeypatch.setattr(RosterService, "_placement", another_pc_creates_it_first)
    with pytest.raises(ConflictError, match="同時に保存"):
        factory.learner(None, organization_name="同時市")
