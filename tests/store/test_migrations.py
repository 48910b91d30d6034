"""Migrations against real databases: schema parity, data kept, backups, refusals, atomicity.

Every database here is real: a SQLite file in tmp_path or a PostgreSQL database on the
session's loopback server. Fresh PostgreSQL databases are created empty (not from the
conftest template, which is already at head) so that the migrations themselves run.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from desktop.store.database import (
    DEFAULT_FILE_NAME,
    Database,
    data_dir,
    default_database_path,
    open_database,
    resolve_target,
)
from desktop.store.errors import DatabaseOpenError, NewerDatabaseError
from desktop.store.migrate import MigrationReport, head_revision, prepare_database
from desktop.store.models import Base, Learner
from tests.pg_server import PostgresServer

FIRST_REVISION = "0001_roster"
UNKNOWN_REVISION = "9999_future"
KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
_empty_numbers = itertools.count(1)


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture(params=KINDS)
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database of each kind that exists but has never been migrated."""
    if request.param == "sqlite":
        database = open_database(tmp_path / "manabi.sqlite")
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        name = f"empty_{os.getpid()}_{next(_empty_numbers)}"
        database = open_database(server.create_database(name))
        request.addfinalizer(lambda: server.drop_database(name))
    yield database
    database.dispose()


def insert_roster_row(db: Database) -> None:
    """One organization and one learner, in plain SQL so it works against any revision."""
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organizations (name, kind, version, created_at, updated_at) "
                "VALUES ('みどり市', 'municipality', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        org_id = connection.execute(text("SELECT id FROM organizations WHERE name = 'みどり市'")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO learners (organization_id, number, name, furigana, kind, status, version, "
                "created_at, updated_at) VALUES (:org, 'A-001', '山田　太郎', 'ヤマダ　タロウ', 'staff', "
                "'active', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"org": org_id},
        )


def stamped_revision(db: Database) -> str:
    with db.engine.connect() as connection:
        return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def stamp(db: Database, revision: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :rev"), {"rev": revision})


def table_names(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(folder: Path) -> set[str]:
    return {entry.name for entry in folder.iterdir()}


def sqlite_query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


def migrated_to_first_revision(path: Path) -> Database:
    """A SQLite file at 0001_roster holding one learner, closed so only the file remains."""
    db = open_database(path)
    prepare_database(db, FIRST_REVISION)
    insert_roster_row(db)
    db.dispose()
    return open_database(path)


# --- a fresh database ----------------------------------------------------------------------


def test_fresh_database_is_migrated_to_head_without_backup(empty_db: Database) -> None:
    report = prepare_database(empty_db)

    assert report == MigrationReport(from_revision=None, to_revision=head_revision(), backup=None)
    assert report.migrated
    assert stamped_revision(empty_db) == head_revision()
    if empty_db.sqlite_path is not None:
        assert folder_listing(empty_db.sqlite_path.parent) == {empty_db.sqlite_path.name}


def test_migrated_schema_matches_the_models_exactly(empty_db: Database) -> None:
    prepare_database(empty_db)

    with empty_db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert diff == []


# --- upgrading keeps data ------------------------------------------------------------------


def test_upgrade_from_first_revision_keeps_the_roster(empty_db: Database) -> None:
    assert prepare_database(empty_db, FIRST_REVISION).to_revision == FIRST_REVISION
    insert_roster_row(empty_db)

    report = prepare_database(empty_db)

    assert (report.from_revision, report.to_revision) == (FIRST_REVISION, head_revision())
    assert stamped_revision(empty_db) == head_revision()
    with empty_db.transaction() as session:
        learner = session.scalars(select(Learner)).one()
        assert (learner.number, learner.name, learner.furigana) == ("A-001", "山田　太郎", "ヤマダ　タロウ")
        organization = session.execute(text("SELECT name, kind FROM organizations")).one()
        assert tuple(organization) == ("みどり市", "municipality")
    if empty_db.is_sqlite:
        assert report.backup is not None and report.backup.exists()
    else:
        assert report.backup is None


# --- the backup made before migrating (SQLite) ---------------------------------------------


def test_backup_is_a_sound_copy_of_the_old_revision_next_to_the_database(tmp_path: Path) -> None:
    path = tmp_path / "manabi.sqlite"
    db = migrated_to_first_revision(path)

    report = prepare_database(db)
    db.dispose()

    backup = report.backup
    assert backup is not None
    assert backup.parent == path.parent
    assert backup.name.startswith(f"{path.stem}.before-{head_revision()}-")
    assert backup.suffix == path.suffix
    assert sqlite_query(backup, "PRAGMA integrity_check") == [("ok",)]
    assert sqlite_query(backup, "SELECT version_num FROM alembic_version") == [(FIRST_REVISION,)]
    assert sqlite_query(backup, "SELECT number, name FROM learners") == [("A-001", "山田　太郎")]
    assert not [name for name in folder_listing(tmp_path) if name.endswith(".part")]


def test_database_already_at_head_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "manabi.sqlite"
    db = open_database(path)
    prepare_database(db)
    insert_roster_row(db)
    db.dispose()
    before, listing = sha256(path), folder_listing(tmp_path)

    db = open_database(path)
    report = prepare_database(db)
    db.dispose()

    assert report == MigrationReport(head_revision(), head_revision(), None)
    assert not report.migrated
    assert sha256(path) == before
    assert folder_listing(tmp_path) == listing


# --- refusing a database from a newer release ----------------------------------------------


def test_newer_database_is_refused_and_left_stamped(db: Database) -> None:
    stamp(db, UNKNOWN_REVISION)
    tables = table_names(db)

    with pytest.raises(NewerDatabaseError) as refused:
        prepare_database(db)

    assert UNKNOWN_REVISION in refused.value.message
    assert "開きません" in refused.value.message
    assert stamped_revision(db) == UNKNOWN_REVISION
    assert table_names(db) == tables


def test_refused_newer_sqlite_file_is_byte_for_byte_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "manabi.sqlite"
    db = open_database(path)
    prepare_database(db)
    insert_roster_row(db)
    stamp(db, UNKNOWN_REVISION)
    db.dispose()
    before, listing = sha256(path), folder_listing(tmp_path)

    db = open_database(path)
    with pytest.raises(NewerDatabaseError, match=UNKNOWN_REVISION):
        prepare_database(db)
    db.dispose()

    assert sha256(path) == before
    assert folder_listing(tmp_path) == listing  # no backup was made


# --- files that are not our database -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("名簿.txt", "受講者一覧\n山田　太郎\n".encode()),
        ("受講者.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(64)),
    ],
)
def test_non_database_file_is_refused_untouched(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(DatabaseOpenError) as refused:
        open_database(path)

    assert str(path.resolve()) in refused.value.message
    assert "データベースではありません" in refused.value.message
    assert path.read_bytes() == content
    assert folder_listing(tmp_path) == {name}


def test_folder_given_as_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseOpenError, match="フォルダ"):
        open_database(tmp_path)


@pytest.fixture
def foreign_sqlite_file(tmp_path: Path) -> Path:
    """Someone else's SQLite database: tables, but no alembic_version."""
    path = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO people (name) VALUES ('佐藤')")
        connection.commit()
    return path


def test_foreign_sqlite_database_is_refused_and_nothing_is_created(foreign_sqlite_file: Path) -> None:
    db = open_database(foreign_sqlite_file)
    try:
        with pytest.raises(DatabaseOpenError, match="まなび台帳のものではありません"):
            prepare_database(db)
    finally:
        db.dispose()

    assert sqlite_query(foreign_sqlite_file, "SELECT name FROM sqlite_master WHERE type = 'table'") == [
        ("people",)
    ]
    assert folder_listing(foreign_sqlite_file.parent) == {foreign_sqlite_file.name}


def test_foreign_sqlite_database_is_left_byte_for_byte_unchanged(foreign_sqlite_file: Path) -> None:
    before = sha256(foreign_sqlite_file)

    db = open_database(foreign_sqlite_file)
    try:
        with pytest.raises(DatabaseOpenError):
            prepare_database(db)
    finally:
        db.dispose()

    assert sqlite_query(foreign_sqlite_file, "PRAGMA journal_mode") == [("delete",)]
    assert sha256(foreign_sqlite_file) == before


# --- a failing migration rolls back as a whole ---------------------------------------------


@pytest.mark.parametrize(
    "clashing_table",
    [
        "courses",  # 0002's first CREATE TABLE fails
        "training_records",  # fails only after 0002 has created courses: that must be undone too
    ],
)
def test_failed_migration_rolls_back_entirely_and_keeps_the_backup(
    tmp_path: Path, clashing_table: str
) -> None:
    path = tmp_path / "manabi.sqlite"
    db = migrated_to_first_revision(path)
    with db.engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {clashing_table} (id INTEGER PRIMARY KEY)"))
    tables = table_names(db)

    with pytest.raises(DatabaseOpenError) as failed:
        prepare_database(db)

    assert "取り消しました" in failed.value.message
    assert stamped_revision(db) == FIRST_REVISION
    assert table_names(db) == tables
    db.dispose()
    backups = folder_listing(tmp_path) - {path.name}
    assert len(backups) == 1
    backup = tmp_path / backups.pop()
    assert str(backup) in failed.value.message
    assert sqlite_query(backup, "SELECT version_num FROM alembic_version") == [(FIRST_REVISION,)]


# --- where the database is -----------------------------------------------------------------


def test_plain_path_resolves_to_an_absolute_sqlite_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    url = resolve_target("名簿.sqlite")

    assert url.drivername == "sqlite+pysqlite"
    assert url.database == str((tmp_path / "名簿.sqlite").resolve())


def test_sqlite_url_keeps_its_path(tmp_path: Path) -> None:
    url = resolve_target(f"sqlite:///{tmp_path}/manabi.sqlite")

    assert url.drivername == "sqlite+pysqlite"
    assert url.database == f"{tmp_path}/manabi.sqlite"


@pytest.mark.parametrize("scheme", ["postgresql", "postgresql+psycopg2", "postgresql+psycopg"])
def test_postgresql_url_uses_psycopg(scheme: str) -> None:
    url = resolve_target(f"{scheme}://clerk:secret@db.example.lg.jp:5432/manabi")

    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "clerk",
        "secret",
        "db.example.lg.jp",
        5432,
        "manabi",
    )


def test_unsupported_database_is_refused() -> None:
    with pytest.raises(DatabaseOpenError, match="mysql"):
        resolve_target("mysql://clerk:secret@localhost/manabi")


def test_malformed_url_is_refused_with_a_message() -> None:
    with pytest.raises(DatabaseOpenError, match="正しくありません"):
        resolve_target("postgresql://clerk@db.example.lg.jp:port/manabi")


def test_display_name_hides_the_postgresql_password() -> None:
    db = open_database("postgresql://clerk:s3cr3t@127.0.0.1:1/manabi")  # never connects
    try:
        assert "s3cr3t" not in db.display_name
        assert db.display_name == "postgresql+psycopg://clerk:***@127.0.0.1:1/manabi"
    finally:
        db.dispose()


def test_display_name_of_a_sqlite_file_is_its_path(tmp_path: Path) -> None:
    db = open_database(tmp_path / "manabi.sqlite")
    try:
        assert db.display_name == str((tmp_path / "manabi.sqlite").resolve())
    finally:
        db.dispose()


def test_data_dir_honours_manabi_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANABI_DATA_DIR", str(tmp_path / "データ"))

    assert data_dir() == tmp_path / "データ"
    assert default_database_path() == tmp_path / "データ" / DEFAULT_FILE_NAME
    assert resolve_target(None).database == str(default_database_path())


def test_head_revision_constant_matches_the_migrations_folder() -> None:
    """prepare_database skips Alembic for an up-to-date database by this constant."""
    from desktop.store.migrate import HEAD_REVISION

    assert head_revision() == HEAD_REVISION
