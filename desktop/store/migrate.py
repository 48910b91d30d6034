"""Bring a database to this release's schema, safely.

Alembic runs in-app, without env.py: the app owns the connection. An existing
SQLite file is copied aside (SQLite's online backup API, so the WAL is
included) before any migration touches it, and a database stamped by a newer
release is refused instead of being opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError

from desktop import __version__
from desktop.resources import migrations_path
from desktop.store.database import Database
from desktop.store.errors import DatabaseOpenError, NewerDatabaseError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

VERSION_TABLE = "alembic_version"
# The newest revision in migrations/versions (a test keeps the two in step).
# Knowing it lets an up-to-date database open without importing Alembic, a
# tenth of a second of every start.
HEAD_REVISION = "0009_accounts_audit"


@dataclass(frozen=True)
class MigrationReport:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def migrated(self) -> bool:
        return self.from_revision != self.to_revision


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    return config


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def current_revision(db: Database) -> tuple[str | None, list[str]]:
    """The stamped revision and the table names, as the database has them now."""
    try:
        with db.engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            revision = None
            if VERSION_TABLE in tables:
                revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    except (OperationalError, DatabaseError) as exc:
        raise DatabaseOpenError(
            f"データベースを開けません: {db.display_name}\n{_driver_message(exc)}"
        ) from exc
    return revision, tables


def _driver_message(exc: Exception) -> str:
    original = getattr(exc, "orig", None)
    return str(original or exc).strip()


def copy_sqlite_online(
    source: Path, target: Path, *, check: Callable[[sqlite3.Connection], None] | None = None
) -> None:
    """Copy a live SQLite database to `target` with the online backup API, crash-safely.

    A consistent snapshot (committed WAL content included) even while another
    connection writes. Written as ``target.part`` and renamed over `target`
    only once complete (and once `check`, given the copy's connection, has not
    raised); on any error the part is removed and the error (OSError,
    sqlite3.Error, or what `check` raised) passes through.
    """
    partial = target.with_name(target.name + ".part")
    try:
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                if check is not None:
                    check(dst)
            finally:
                dst.close()
        finally:
            src.close()
        partial.replace(target)  # a crash mid-copy leaves only a .part, never a truncated copy
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def backup_sqlite_file(source: Path, label: str) -> Path:
    """Copy a live SQLite file aside with the online backup API; returns the copy's path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.stem}.{label}-{stamp}{source.suffix or '.sqlite'}")
    counter = 1
    while target.exists():
        counter += 1
        target = source.with_name(f"{source.stem}.{label}-{stamp}-{counter}{source.suffix or '.sqlite'}")
    try:
        copy_sqlite_online(source, target)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseOpenError(
            f"データベースを更新する前のバックアップを作れなかったため、更新を中止しました"
            f"（データベースは変更していません）。\n保存先: {target.parent}\n理由: {exc}\n"
            "ディスクの空き容量と書き込み権限を確かめてください。"
        ) from exc
    return target


def _use_wal(db: Database) -> None:
    """Readers never block the writer; persistent in the file once set."""
    if db.is_sqlite:
        # Outside any transaction: SQLite refuses to switch journal mode inside one.
        try:
            raw = db.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA journal_mode=WAL")
            finally:
                raw.close()
        except (OperationalError, DatabaseError, sqlite3.Error) as exc:
            raise DatabaseOpenError(
                f"データベースを開けません: {db.display_name}\n{_driver_message(exc)}"
            ) from exc


def _run_upgrade(db: Database, destination: str) -> None:
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    from desktop.store.models import Base

    config = _alembic_config()
    script = ScriptDirectory.from_config(config)

    def upgrade(revision: Any, _context: Any) -> Iterable[Any]:
        return script._upgrade_revs(destination, revision)

    environment = EnvironmentContext(config, script, fn=upgrade, destination_rev=destination)
    with migration_transaction(db) as connection, environment as env:
        env.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=db.is_sqlite,
            transactional_ddl=True,
        )
        with env.begin_transaction():
            env.run_migrations()


@contextmanager
def migration_transaction(db: Database) -> Iterator[Connection]:
    """One transaction for a whole upgrade.

    On SQLite a batch migration rebuilds a table (copy, DROP, rename); with
    foreign keys enforced the DROP would cascade into, or null out, the rows
    that refer to it. Enforcement can only be switched off outside a
    transaction, so it is switched off first, and every reference is checked
    before the commit instead.
    """
    with db.engine.connect() as connection:
        if db.is_sqlite:
            driver = connection.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA foreign_keys=OFF")  # on the driver: no BEGIN yet
        with connection.begin():
            yield connection
            if db.is_sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseOpenError(
                        f"データベースの更新で参照の食い違いが見つかったため、更新を取り消しました: {broken[:5]}"
                    )


def prepare_database(db: Database, destination: str | None = None) -> MigrationReport:
    """Refuse, back up and migrate as needed so `db` is at `destination` (default head)."""
    revision, tables = current_revision(db)
    if revision == HEAD_REVISION and destination in (None, HEAD_REVISION):
        _use_wal(db)
        return MigrationReport(revision, revision, None)

    from alembic.util.exc import CommandError

    script = script_directory()
    target = destination or head_revision()
    if revision is not None:
        try:
            script.get_revision(revision)
        except CommandError:
            raise NewerDatabaseError(
                f"このデータベースは、より新しいバージョンのまなび台帳で更新されています。\n"
                f"データベース: {db.display_name}\n"
                f"データベースの版: {revision}（このアプリ {__version__} が扱える版: {head_revision()} まで）\n"
                "データを守るため開きません。新しいバージョンのまなび台帳を使ってください。"
            ) from None
    elif tables:
        raise DatabaseOpenError(
            f"このデータベースはまなび台帳のものではありません（管理表がありません）: {db.display_name}\n"
            "データを守るため開きません。"
        )

    _use_wal(db)  # only now: a file that is not ours must be left exactly as it was
    if revision == target:
        return MigrationReport(revision, target, None)

    backup = None
    path = db.sqlite_path
    if revision is not None and path is not None:
        backup = backup_sqlite_file(path, f"before-{target}")
    try:
        _run_upgrade(db, target)
    except (OperationalError, DatabaseError) as exc:
        where = f"\n移行前のバックアップ: {backup}" if backup else ""
        raise DatabaseOpenError(
            f"データベースの更新に失敗しました（変更は取り消しました）: {db.display_name}\n"
            f"{_driver_message(exc)}{where}"
        ) from exc
    return MigrationReport(revision, target, backup)
