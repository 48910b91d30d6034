"""Opening a database: a SQLite file (default) or a PostgreSQL URL shared by several PCs."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from desktop.resources import data_dir
from desktop.store.errors import DatabaseBusyError, DatabaseOpenError

DEFAULT_FILE_NAME = "manabi.sqlite"
BUSY_TIMEOUT_MS = 5000


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
            if not self.is_sqlite or ("locked" not in str(exc.orig) and "busy" not in str(exc.orig)):
                raise
            raise DatabaseBusyError(
                "データベースが他の操作で使用中のため、この操作はできませんでした（何も変更していません）。"
                "少し待ってから、もう一度操作してください。"
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


def open_database(target: str | os.PathLike[str] | None = None) -> Database:
    """Open (creating if needed) the database `--db` names, or the default file."""
    url = resolve_target(target)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            check_sqlite_file(Path(url.database))
        # NullPool: a desktop app has one user; pooled SQLite connections would
        # keep the file open (and the WAL around) after the window is gone.
        engine = create_engine(url, poolclass=NullPool)
        _install_sqlite_behaviour(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)
    sessions = sessionmaker(engine, expire_on_commit=False)
    return Database(url=url, engine=engine, sessions=sessions)
