"""What the 名簿取込's speed-ups must not change: NULLs stay NULL, and rows are freed in time."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Date, text

from desktop.store import bulk, roster_import
from desktop.store.database import Database
from desktop.store.import_common import cyclic_gc_paused
from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource

TODAY = date(2026, 11, 22)
HEADER = "職員番号,氏名,フリガナ,所属,職名,メールアドレス,生年月日,団体名"


def write_roster(path: Path, count: int, organization: str = "みらい市") -> Path:
    lines = [HEADER] + [
        f"{n:05d},山田　{n % 10}郎,ヤマダ　タロウ,総務部/人事課,主事,u{n}@example.lg.jp,S60.4.1,{organization}"
        for n in range(1, count + 1)
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def test_none_still_binds_as_null_in_sqlite() -> None:
    bulk._prepare_sqlite()  # registers the quick adapter for None

    assert sqlite3.adapt(None) is None
    with sqlite3.connect(":memory:") as connection:
        assert connection.execute("SELECT ? IS NULL, typeof(?)", (None, None)).fetchone() == (1, "null")


def test_fields_the_file_lacks_are_stored_as_null(db: Database, tmp_path: Path) -> None:
    RosterImporter(db, today=TODAY, user_name="tester").run(
        RosterSource(write_roster(tmp_path / "roster.csv", 3)), RosterImportOptions()
    )

    with db.transaction() as session:
        nulls = session.execute(
            text(
                "SELECT count(*) FROM learners"
                " WHERE role IS NULL AND insured_number IS NULL AND notes IS NULL"
            )
        ).scalar_one()
    assert nulls == 3


def test_birth_dates_are_stored_as_sqlalchemy_stores_a_date(sqlite_db: Database, tmp_path: Path) -> None:
    RosterImporter(sqlite_db, today=TODAY, user_name="tester").run(
        RosterSource(write_roster(tmp_path / "roster.csv", 2)), RosterImportOptions()
    )
    dialect = sqlite_db.engine.dialect
    as_sqlalchemy_binds = Date().dialect_impl(dialect).bind_processor(dialect)
    assert as_sqlalchemy_binds is not None

    with sqlite_db.transaction() as session:
        stored = session.execute(text("SELECT DISTINCT birth_date FROM learners")).scalars().all()
    assert stored == [as_sqlalchemy_binds(date(1985, 4, 1))] == ["1985-04-01"]


def test_the_rows_are_freed_before_the_collector_is_back(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Objects made while the collector is paused all wait in its youngest generation;
    # any still alive when it comes back are walked by its first pass.
    made_while_paused: list[int] = []

    @contextmanager
    def measured_pause() -> Iterator[None]:
        with cyclic_gc_paused():
            before = len(gc.get_objects(generation=0))
            yield
            made_while_paused.append(len(gc.get_objects(generation=0)) - before)

    importer = RosterImporter(sqlite_db, today=TODAY, user_name="tester")
    # The first import in a process also sets up SQLAlchemy's mappers and caches for good.
    importer.run(RosterSource(write_roster(tmp_path / "first.csv", 5, "ひかり町")), RosterImportOptions())
    monkeypatch.setattr(roster_import, "cyclic_gc_paused", measured_pause)
    rows = 3000

    result = importer.run(RosterSource(write_roster(tmp_path / "roster.csv", rows)), RosterImportOptions())

    assert result.created == rows
    assert len(made_while_paused) == 1
    assert made_while_paused[0] < rows // 2  # several a row when the analysis outlives the pause
