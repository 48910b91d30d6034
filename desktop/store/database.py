"""Opening a database: a SQLite file (default) or a PostgreSQL URL shared by several PCs."""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from desktop.domain.accounts import Actor, Role
from desktop.resources import data_dir
from desktop.store.audit_log import install_audit
from desktop.store.errors import DatabaseBusyError, DatabaseDamagedError, DatabaseOpenError, UserFacingError
from desktop.store.write_guard import install_write_guard

DEFAULT_FILE_NAME = "manabi.sqlite"
BUSY_TIMEOUT_MS = 5000
READ_ONLY_MESSAGE = (
    "データベースを読み取り専用で開いているため保存できません（何も変更していません）。"
    "ほかのウィンドウまたはPCで開いているまなび台帳を閉じてから、開き直してください。"
)
UNWRITABLE_MESSAGE = (
    "データベースファイルに書き込めないため保存できません（何も変更していません）。"
    "ファイルが読み取り専用になっていないか、書き込み権限があるかを確かめてください。"
)


class ReadOnlyDatabaseError(UserFacingError):
    """A write was attempted on a database opened read-only (or a file SQLite cannot write)."""


def os_login() -> str:
    try:
        return getpass.getuser()[:64]
    except Exception:  # no login name (service accounts, some containers)
        return "不明"


def os_actor() -> Actor:
    """Who acts where nobody signs in (a single-user office, the CLI): the PC's login, with every right."""
    login = os_login()
    return Actor(login=login, display_name=login, role=Role.ADMIN)


def default_database_path() -> Path:
    return data_dir() / DEFAULT_FILE_NAME


def resolve_target(target: str | os.PathLike[str] | None) -> URL:
    """Turn what `--db` was given (a path, a sqlite URL or a PostgreSQL URL) into a URL."""
    if target is None:
        return URL.create("sqlite+pysqlite", database=str(default_database_path()))
    text = os.fspath(target)
    if "://" in text:
        try:
            url = make_url(text)
        except (ArgumentError, ValueError) as exc:
            raise DatabaseOpenError(f"データベースの指定が正しくありません: {text}") from exc
        if url.get_backend_name() == "postgresql":
            return url.set(drivername="postgresql+psycopg")
        if url.get_backend_name() == "sqlite":
            return url.set(drivername="sqlite+pysqlite")
        raise DatabaseOpenError(
            f"対応していないデータベースです: {url.get_backend_name()}（SQLite か PostgreSQL を指定してください）"
        )
    return URL.create("sqlite+pysqlite", database=str(Path(text).expanduser().resolve()))


@dataclass
class Database:
    """An engine plus the session factory every service uses, one session per action."""

    url: URL
    engine: Engine
    sessions: sessionmaker[Session]
    read_only: bool = False
    # Replaced by the signed-in user's; the audit log and the write guard read it.
    actor: Actor = field(default_factory=os_actor)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    @property
    def display_name(self) -> str:
        """For the status bar and messages: never shows a password."""
        path = self.sqlite_path
        if path is not None:
            return str(path)
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action: commit as a whole or roll back as a whole."""
        try:
            with self.sessions.begin() as session:
                yield session
        except OperationalError as exc:
            # SQLITE_READONLY* ("attempt to write a readonly database"): mode=ro, or a file we cannot write.
            errorname = str(getattr(exc.orig, "sqlite_errorname", ""))
            if self.is_sqlite and (errorname.startswith("SQLITE_READONLY") or "readonly" in str(exc.orig)):
                message = READ_ONLY_MESSAGE if self.read_only else UNWRITABLE_MESSAGE
                raise ReadOnlyDatabaseError(message) from exc
            if not self.is_sqlite or ("locked" not in str(exc.orig) and "busy" not in str(exc.orig)):
                raise
            raise DatabaseBusyError(
                "データベースが他の操作で使用中のため、この操作はできませんでした（何も変更していません）。"
                "少し待ってから、もう一度操作してください。"
            ) from exc
        except DatabaseError as exc:
            # A file that passed the header check at start-up can still have damaged pages that
            # only this action reads (SQLITE_CORRUPT, SQLITE_NOTADB): a plain message, not a traceback.
            code = str(getattr(exc.orig, "sqlite_errorname", ""))
            if not self.is_sqlite or not code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
                raise
            raise DatabaseDamagedError(
                f"データベースファイルが壊れているため、この操作はできませんでした（何も変更していません）: "
                f"{self.display_name}\nバックアップから戻すか、管理者に相談してください。"
            ) from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _install_sqlite_behaviour(engine: Engine) -> None:
    # The stdlib driver starts transactions lazily and never around DDL; taking
    # over BEGIN makes migrations and every service action truly atomic.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def check_sqlite_file(path: Path) -> None:
    """Refuse, before SQLAlchemy touches it, a file that is not a SQLite database."""
    if path.is_dir():
        raise DatabaseOpenError(f"データベースとしてフォルダが指定されました: {path}")
    if not path.exists() or path.stat().st_size == 0:
        parent = path.parent
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseOpenError(
                    f"データベースのフォルダを作れません: {parent}（{exc.strerror}）"
                ) from exc
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise DatabaseOpenError(f"データベースファイルを読めません: {path}（{exc.strerror}）") from exc
    if header != b"SQLite format 3\x00":
        raise DatabaseOpenError(
            f"指定されたファイルはまなび台帳のデータベースではありません: {path}\n"
            "ファイルは変更していません。正しいファイルを指定してください。"
        )


def sqlite_read_only_uri(path: PurePath) -> str:
    """A SQLite URI (https://www.sqlite.org/uri.html) naming `path`, absolute, without the query.

    Percent-encoded, so spaces, '?', '#' and Japanese folder names survive. A
    Windows drive path becomes file:///C:/...; a UNC path file:////server/share/...
    (SQLite accepts no authority other than an empty one).
    """
    if isinstance(path, PureWindowsPath):
        if path.drive.startswith("\\\\"):
            return "file:////" + quote(path.as_posix().lstrip("/"), safe="/:")
        return "file:///" + quote(path.as_posix(), safe="/:")
    return "file://" + quote(path.as_posix(), safe="/")


def open_database(target: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> Database:
    """Open (creating if needed) the database `--db` names, or the default file.

    read_only (SQLite files only): SQLite's mode=ro, so every write fails inside
    SQLite and Database.transaction turns it into ReadOnlyDatabaseError; the
    file is neither created nor changed.
    """
    url = resolve_target(target)
    if url.get_backend_name() == "sqlite":
        engine_url = url
        if url.database and url.database != ":memory:":
            if read_only:
                path = Path(url.database)
                if not path.is_file():
                    raise DatabaseOpenError(f"データベースファイルがありません: {path}")
                engine_url = URL.create(
                    "sqlite+pysqlite",
                    database=sqlite_read_only_uri(path),
                    query={"mode": "ro", "uri": "true"},
                )
            check_sqlite_file(Path(url.database))
        elif read_only:
            raise DatabaseOpenError("メモリ上のデータベースは読み取り専用では開けません。")
        # NullPool: a desktop app has one user; pooled SQLite connections would
        # keep the file open (and the WAL around) after the window is gone.
        engine = create_engine(engine_url, poolclass=NullPool)
        _install_sqlite_behaviour(engine)
    else:
        if read_only:
            raise DatabaseOpenError("読み取り専用で開けるのは SQLite のファイルだけです。")
        engine = create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)
    sessions = sessionmaker(engine, expire_on_commit=False)
    db = Database(url=url, engine=engine, sessions=sessions, read_only=read_only)
    install_write_guard(engine, lambda: db.actor)
    install_audit(db)
    return db
