"""What protects data while the schema changes: referential safety and the backup step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from desktop.store.database import Database, open_database
from desktop.store.errors import DatabaseOpenError
from desktop.store.migrate import migration_transaction, prepare_database
from desktop.store.models import Department, Learner
from tests.factories import RosterFactory


def rebuild(db: Database, table: str) -> None:
    """What a future batch migration does on SQLite: copy, DROP, rename."""
    with migration_transaction(db) as connection:
        operations = Operations(MigrationContext.configure(connection, opts={"render_as_batch": True}))
        with operations.batch_alter_table(table, recreate="always"):
            pass


def test_rebuilding_a_referenced_table_keeps_every_reference(sqlite_db: Database) -> None:
    """SQLite only: PostgreSQL alters tables in place and migrations do not batch there."""
    db = sqlite_db
    factory = RosterFactory(db)
    org = factory.organization()
    bureau = factory.department(org, "総務部")
    section = factory.department(org, "人事課", parent_id=bureau)
    learner = factory.learner(org, department_id=section)
    rebuild(db, "departments")
    rebuild(db, "organizations")
    with db.transaction() as session:
        assert session.get(Learner, learner.id).department_id == section  # type: ignore[union-attr]
        assert session.scalar(select(func.count(Department.id))) == 2
    # Enforcement is back for ordinary work afterwards.
    with pytest.raises(Exception, match=r"(?i)foreign key"), db.transaction() as session:
        session.add(
            Learner(
                organization_id=9999,
                number="X",
                name="誰　か",
                furigana="ダレ　カ",
                kind="staff",
                status="active",
            )
        )
        session.flush()


def test_a_failed_backup_stops_the_upgrade_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "office.sqlite"
    db = open_database(path)
    prepare_database(db, "0001_roster")
    db.dispose()
    before = path.read_bytes()
    real_connect = sqlite3.connect

    def disk_full(target: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if str(target).endswith(".part"):
            raise sqlite3.OperationalError("database or disk is full")
        return real_connect(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("desktop.store.migrate.sqlite3.connect", disk_full)
    db = open_database(path)
    try:
        with pytest.raises(DatabaseOpenError, match="バックアップを作れなかった"):
            prepare_database(db)
    finally:
        db.dispose()
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.part"))
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite"] == ["office.sqlite"]
