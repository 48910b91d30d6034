"""Test set-up: offscreen Qt, a private data folder, and real databases.

Every store test runs twice, on a SQLite file and on a PostgreSQL database
served by a throwaway server this session starts on loopback. In CI the
PostgreSQL runs are never skipped: a missing server fails the run.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("MANABI_DATA_DIR", tempfile.mkdtemp(prefix="manabi-test-data-"))

import pytest

from desktop.store.database import Database, open_database
from desktop.store.migrate import prepare_database
from tests.factories import RosterFactory
from tests.pg_server import PostgresServer, PostgresUnavailable

TEMPLATE_DB = "manabi_template"
_database_numbers = itertools.count(1)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
    except PostgresUnavailable as exc:
        if _in_ci():
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(str(exc))
    server.start()
    try:
        template = open_database(server.create_database(TEMPLATE_DB))
        prepare_database(template)
        template.dispose()  # CREATE DATABASE … TEMPLATE needs the template idle
        yield server
    finally:
        server.stop()


def make_database(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Database:
    if kind == "sqlite":
        db = open_database(tmp_path / "test.sqlite")
        prepare_database(db)
        return db
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    db = open_database(server.create_database(name, template=TEMPLATE_DB))
    request.addfinalizer(lambda: server.drop_database(name))
    return db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated, empty database of each kind."""
    database = make_database(request.param, tmp_path, request)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "test.sqlite")
    prepare_database(database)
    yield database
    database.dispose()


@pytest.fixture
def factory(db: Database) -> RosterFactory:
    return RosterFactory(db)


@pytest.fixture(autouse=True)
def _nobody_signed_in() -> Iterator[None]:
    """A sign-in (the window's or a command's) names the person for the whole process: not past a test."""
    from desktop.store.import_common import set_signed_in

    yield
    set_signed_in(None)
