"""The audit log against real databases: every change to a learner, nothing editable, role limits."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from desktop.domain.accounts import Actor, Role
from desktop.domain.audit import AuditAction
from desktop.domain.roster import LearnerStatus
from desktop.store.audit_log import recorded_output
from desktop.store.audit_views import AuditFilter, audit_rows, export_audit
from desktop.store.database import Database, ReadOnlyDatabaseError, open_database, os_login
from desktop.store.errors import PermissionDeniedError, StaleEditError
from desktop.store.models import AuditEntry, Learner, Setting
from desktop.store.roster_service import RosterService, record_as_draft
from desktop.store.settings import set_approval_boxes
from tests.factories import RosterFactory
from tests.libreoffice import shown_cells

STAFF = Actor("tanaka", "田中　一郎", Role.STAFF, 2)
VIEWER = Actor("sato", "佐藤　花子", Role.VIEWER, 3)


def entries(db: Database) -> list[AuditEntry]:
    with db.transaction() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def learner_count(db: Database) -> int:
    return RosterService(db).count()


def test_learner_changes_are_logged_field_by_field_with_who(db: Database, factory: RosterFactory) -> None:
    org = factory.organization("みらい市")
    db.actor = STAFF
    row = factory.learner(org, name="山田　太郎", job_title="主事")
    record = factory.service.learner(row.id)
    old_email = record.email
    factory.service.update_learner(
        record, replace(record_as_draft(record), job_title="主任", email="yamada@example.lg.jp")
    )
    record = factory.service.learner(row.id)
    factory.service.set_status(record, LearnerStatus.RETIRED)
    factory.service.delete_learner(factory.service.learner(row.id))

    logged = [
        (e.action, e.entity, e.entity_id, e.entity_label, e.field, e.old_value, e.new_value)
        for e in entries(db)
        if e.entity == "learners"
    ]
    number = record.number
    assert logged == [
        ("create", "learners", row.id, f"{number} 山田　太郎", None, None, None),
        ("update", "learners", row.id, f"{number} 山田　太郎", "email", old_email, "yamada@example.lg.jp"),
        ("update", "learners", row.id, f"{number} 山田　太郎", "job_title", "主事", "主任"),
        ("update", "learners", row.id, f"{number} 山田　太郎", "status", "在籍", "退職"),
        ("delete", "learners", row.id, f"{number} 山田　太郎", None, None, None),
    ]
    assert {(e.actor_login, e.actor_name, e.actor_role) for e in entries(db)} == {
        ("tanaka", "田中　一郎", "staff")
    }


def test_a_refused_stale_save_logs_nothing(db: Database, factory: RosterFactory) -> None:
    org = factory.organization()
    row = factory.learner(org)
    mine = factory.service.learner(row.id)
    factory.service.update_learner(mine, replace(record_as_draft(mine), job_title="係長"))
    before = len(entries(db))
    with pytest.raises(StaleEditError):
        factory.service.update_learner(mine, replace(record_as_draft(mine), job_title="課長"))
    assert len(entries(db)) == before


def test_training_records_are_logged_with_the_learners_name(db: Database, factory: RosterFactory) -> None:
    org = factory.organization()
    row = factory.learner(org, name="鈴木　一子")
    factory.training_record(row.id)
    created = [e for e in entries(db) if e.entity == "training_records"]
    assert [(e.action, e.entity_label) for e in created] == [("create", f"{row.number} 鈴木　一子")]


def test_viewer_cannot_change_anything_and_nothing_is_half_written(
    db: Database, factory: RosterFactory
) -> None:
    org = factory.organization()
    row = factory.learner(org)
    db.actor = VIEWER
    before = len(entries(db))
    with pytest.raises(PermissionDeniedError, match="閲覧者の権限では変更できません"):
        factory.learner(org, department_name="新しい課")
    record = factory.service.learner(row.id)
    with pytest.raises(PermissionDeniedError):
        factory.service.update_learner(record, replace(record_as_draft(record), job_title="課長"))
    assert learner_count(db) == 1 and len(entries(db)) == before
    assert factory.service.learner(row.id).job_title == record.job_title
    with recorded_output(db, AuditAction.PRINT, "学習計画書", people=1):
        pass  # a 閲覧者 may still print, and that is logged
    assert entries(db)[-1].action == "print" and entries(db)[-1].actor_login == "sato"


def test_viewer_cannot_import_a_roster(db: Database, tmp_path: Path) -> None:
    from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource

    path = tmp_path / "roster.csv"
    path.write_text(
        "職員番号,氏名,カナ氏名,団体名\r\nA1,山田　太郎,ヤマダ　タロウ,みらい市\r\n", encoding="utf-8"
    )
    db.actor = VIEWER
    with pytest.raises(PermissionDeniedError):
        RosterImporter(db, today=date(2026, 12, 3), user_name="sato").run(
            RosterSource(path), RosterImportOptions()
        )
    assert learner_count(db) == 0


def test_staff_cannot_change_office_settings(db: Database) -> None:
    db.actor = STAFF
    with pytest.raises(PermissionDeniedError, match="管理者だけ"):
        set_approval_boxes(db, ["本人", "課長"])
    with db.transaction() as session:
        assert session.get(Setting, "plan.approval_boxes") is None


def test_audit_log_cannot_be_changed_through_the_app(db: Database, factory: RosterFactory) -> None:
    factory.learner(factory.organization())
    refused = pytest.raises(PermissionDeniedError, match="監査ログは変更も削除もできません")
    with refused, db.transaction() as session:
        session.execute(update(AuditEntry).values(actor_login="someone"))
    with pytest.raises(PermissionDeniedError), db.transaction() as session:
        session.execute(text("DELETE FROM audit_log"))
    assert {e.actor_login for e in entries(db)} == {db.actor.login}


def test_audit_log_refuses_changes_from_outside_the_app_too(db: Database, factory: RosterFactory) -> None:
    factory.learner(factory.organization())
    # Straight through the driver, past the app's guard: the database's triggers refuse.
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        for statement in ("UPDATE audit_log SET actor_login = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(Exception, match="監査ログは変更も削除もできません"):
                cursor.execute(statement)
            raw.rollback()
    assert len(entries(db)) == 1


def test_sqlite_file_trigger_holds_for_any_sqlite_program(sqlite_db: Database, tmp_path: Path) -> None:
    RosterFactory(sqlite_db).learner(RosterFactory(sqlite_db).organization())
    path = sqlite_db.sqlite_path
    assert path is not None
    sqlite_db.dispose()
    with sqlite3.connect(path) as connection, pytest.raises(sqlite3.IntegrityError, match="監査ログ"):
        connection.execute("DELETE FROM audit_log")


def test_filter_and_export_for_the_admin(db: Database, factory: RosterFactory, tmp_path: Path) -> None:
    org = factory.organization()
    factory.learner(org, name="山田　太郎")
    db.actor = STAFF
    factory.learner(org, name="佐々木　次郎")
    db.actor = Actor("kanri", "管理　花子", Role.ADMIN, 1)
    rows, total = audit_rows(db, AuditFilter(actor_login="tanaka"))
    assert total == 1 and rows[0].entity_label.endswith("佐々木　次郎")
    assert audit_rows(db, AuditFilter(text="山田"))[1] == 1
    assert audit_rows(db, AuditFilter(action=AuditAction.DELETE))[1] == 0
    today = rows[0].at.date()
    assert audit_rows(db, AuditFilter(since=today, until=today))[1] == 2
    assert audit_rows(db, AuditFilter(since=today + timedelta(days=1)))[1] == 0
    out = tmp_path / "監査ログ.xlsx"
    assert export_audit(db, AuditFilter(), out) == 2
    sheet = shown_cells(out, tmp_path / "work")
    assert sheet[0][:6] == ["日時", "利用者", "ログイン名", "権限", "操作", "対象"]
    assert sorted(tuple(r[1:6]) for r in sheet[1:]) == sorted(
        [
            ("田中　一郎", "tanaka", "担当者", "追加", "受講者"),
            (os_login(), os_login(), "管理者", "追加", "受講者"),
        ]
    )
    assert sheet[1][0].startswith(str(today.year))
    last = entries(db)[-1]
    assert (last.action, last.entity_label, last.actor_login) == ("export", "監査ログ", "kanri")


def test_only_the_admin_reads_the_log(db: Database) -> None:
    db.actor = STAFF
    with pytest.raises(PermissionDeniedError):
        audit_rows(db, AuditFilter())


def test_read_only_database_refuses_a_personal_data_output_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite"
    from desktop.store.migrate import prepare_database

    writable = open_database(path)
    prepare_database(writable)
    writable.dispose()
    db = open_database(path, read_only=True)
    written = []
    try:
        refused = pytest.raises(ReadOnlyDatabaseError, match="監査ログに記録できない")
        with refused, recorded_output(db, AuditAction.EXPORT, "名簿"):
            written.append(True)
    finally:
        db.dispose()
    assert written == []


def test_bulk_learner_changes_stay_in_one_transaction(db: Database, factory: RosterFactory) -> None:
    org = factory.organization()
    with db.transaction() as session:
        for n in range(3):
            session.add(
                Learner(
                    organization_id=org,
                    number=f"B{n}",
                    name="一括",
                    furigana="イッカツ",
                    kind="staff",
                    status="active",
                )
            )
    assert [e.action for e in entries(db)] == ["create"] * 3


def test_a_viewer_on_a_fresh_database_still_gets_the_bundled_framework_and_catalogue(db: Database) -> None:
    from desktop.store.catalog_service import CatalogService
    from desktop.store.framework_service import FrameworkService

    db.actor = VIEWER
    _id, framework = FrameworkService(db).current()
    assert CatalogService(db).current(framework) is not None
    # ... and that was the app storing its own data, not a door left open for the viewer:
    with pytest.raises(PermissionDeniedError):
        set_approval_boxes(db, ["本人"])


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Europe/Berlin", "America/St_Johns", "Australia/Lord_Howe"])
def test_the_hourly_clock_agrees_with_the_exact_one_across_daylight_saving(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    from datetime import datetime

    from desktop.store.audit_log import LocalClock, local_time

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        clock = LocalClock()
        start = datetime(2026, 3, 7)  # both spring changes (Berlin 03-29, St John's 03-08) and an autumn one
        moments = [start + timedelta(minutes=37 * n) for n in range(0, 12_000)]
        assert [clock(m) for m in moments] == [local_time(m) for m in moments]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
