"""Backups: the rotation rule (pure), the close-time backup, and a window that closes whatever happens."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from desktop.store import backup
from desktop.store.backup import (
    DAILY_KEEP,
    WEEKLY_KEEP,
    apply_rotation,
    backup_on_close,
    daily_name,
    plan_rotation,
    weekly_name,
)
from desktop.store.database import Database, open_database
from tests.factories import RosterFactory

TODAY = date(2026, 12, 3)  # a Thursday, ISO week 2026-W49 (Mon 30 Nov – Sun 6 Dec)


def d(text: str) -> str:
    return daily_name("manabi", date.fromisoformat(text))


def w(year: int, week: int) -> str:
    return weekly_name("manabi", (year, week))


def days(first: str, last: str) -> list[str]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [daily_name("manabi", start + timedelta(n)) for n in range((end - start).days + 1)]


JUNK = [
    "notes.txt",
    "manabi-2026-13-40.sqlite",  # not a date
    "manabi-2026-12-3.sqlite",  # not the canonical spelling
    "manabi-2026-12-02.sqlite.part",  # a crashed write
    "manabi-2026-W60.sqlite",  # no such week
    "manabi-before-restore-20261203-101500.sqlite",
    "office-2026-11-01.sqlite",  # another database's backup
    "manabi.sqlite",
]


@pytest.mark.parametrize(
    ("names", "today", "keep", "delete", "promote"),
    [
        pytest.param([], TODAY, [], [], [], id="empty folder"),
        pytest.param([d("2026-12-03")], TODAY, [d("2026-12-03")], [], [], id="only today"),
        pytest.param(
            days("2026-11-27", "2026-12-03"),
            TODAY,
            days("2026-11-27", "2026-12-03"),
            [],
            [],
            id="exactly seven",
        ),
        pytest.param(
            # 26 Nov drops out, but its week (W48) still has 27–29 Nov as dailies: deleted, not weekly.
            days("2026-11-26", "2026-12-03"),
            TODAY,
            days("2026-11-27", "2026-12-03"),
            [d("2026-11-26")],
            [],
            id="eighth day in a week still covered",
        ),
        pytest.param(
            # Used on Mondays only: seven Mondays kept; the eighth (W41) becomes that week's weekly.
            [
                d("2026-10-05"),
                *(daily_name("manabi", date(2026, 10, 12) + timedelta(7 * n)) for n in range(7)),
            ],
            date(2026, 11, 23),
            [w(2026, 41), *(daily_name("manabi", date(2026, 10, 12) + timedelta(7 * n)) for n in range(7))],
            [],
            [(d("2026-10-05"), w(2026, 41))],
            id="days are counted, not the calendar",
        ),
        pytest.param(
            # W47 (16–22 Nov): the newest day (20th) becomes the weekly, the others go.
            [d("2026-11-16"), d("2026-11-18"), d("2026-11-20"), *days("2026-11-27", "2026-12-03")],
            TODAY,
            [w(2026, 47), *days("2026-11-27", "2026-12-03")],
            [d("2026-11-16"), d("2026-11-18")],
            [(d("2026-11-20"), w(2026, 47))],
            id="newest of the week becomes weekly",
        ),
        pytest.param(
            [w(2026, 47), d("2026-11-21"), *days("2026-11-27", "2026-12-03")],
            TODAY,
            [w(2026, 47), *days("2026-11-27", "2026-12-03")],
            [d("2026-11-21")],
            [],
            id="the week already has its weekly",
        ),
        pytest.param(
            [
                w(2026, 42),
                w(2026, 43),
                w(2026, 44),
                w(2026, 45),
                w(2026, 46),
                *days("2026-11-27", "2026-12-03"),
            ],
            TODAY,
            [w(2026, 43), w(2026, 44), w(2026, 45), w(2026, 46), *days("2026-11-27", "2026-12-03")],
            [w(2026, 42)],
            [],
            id="fifth weekly deleted",
        ),
        pytest.param(
            [
                w(2026, 43),
                w(2026, 44),
                w(2026, 45),
                w(2026, 46),
                d("2026-10-01"),
                *days("2026-11-27", "2026-12-03"),
            ],
            TODAY,
            [w(2026, 43), w(2026, 44), w(2026, 45), w(2026, 46), *days("2026-11-27", "2026-12-03")],
            [d("2026-10-01")],
            [],
            id="an old daily too old to be a weekly",
        ),
        pytest.param(
            # The clock was set back: a "future" backup is still a newest one, and today's is kept.
            [*days("2026-12-01", "2026-12-09"), d("2026-11-30")],
            TODAY,
            [d("2026-12-03"), *days("2026-12-04", "2026-12-09")],
            [d("2026-11-30"), d("2026-12-01"), d("2026-12-02")],
            [],
            id="future dates",
        ),
        pytest.param(
            # 31 Dec 2026 and 1–3 Jan 2027 are ISO week 2026-W53.
            [d("2026-12-31"), *days("2027-01-04", "2027-01-10")],
            date(2027, 1, 10),
            [weekly_name("manabi", (2026, 53)), *days("2027-01-04", "2027-01-10")],
            [],
            [(d("2026-12-31"), weekly_name("manabi", (2026, 53)))],
            id="ISO week across new year",
        ),
        pytest.param([*JUNK, d("2026-12-03")], TODAY, [d("2026-12-03")], [], [], id="other files untouched"),
    ],
)
def test_rotation_rule(
    names: list[str], today: date, keep: list[str], delete: list[str], promote: list[tuple[str, str]]
) -> None:
    plan = plan_rotation(names, today)
    assert plan.keep == tuple(sorted(keep))
    assert plan.delete == tuple(sorted(delete))
    assert plan.promote == tuple(sorted(promote))


def after(names: set[str], today: date) -> set[str]:
    plan = plan_rotation(names, today)
    return (names - set(plan.delete) - {source for source, _ in plan.promote}) | {t for _, t in plan.promote}


def test_two_months_of_daily_use_leave_seven_days_and_four_weeks() -> None:
    names: set[str] = set()
    day = date(2026, 10, 1)
    while day <= TODAY:
        names = after(names | {daily_name("manabi", day)}, day)
        day += timedelta(1)
    assert names == {*days("2026-11-27", "2026-12-03"), w(2026, 44), w(2026, 45), w(2026, 46), w(2026, 47)}
    # Each weekly is the Sunday of its week, the newest day of it.


backup_names = st.one_of(
    st.dates(date(2026, 6, 1), date(2027, 6, 1)).map(lambda day: daily_name("manabi", day)),
    st.builds(lambda y, n: weekly_name("manabi", (y, n)), st.integers(2025, 2027), st.integers(1, 53)),
    st.sampled_from(JUNK),
    st.text(min_size=1, max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.sets(backup_names, max_size=40), st.dates(date(2026, 6, 1), date(2027, 6, 1)), st.booleans())
def test_rotation_properties(names: set[str], today: date, with_today: bool) -> None:
    if with_today:
        names = names | {daily_name("manabi", today)}
    plan = plan_rotation(names, today)
    sources = {source for source, _ in plan.promote}
    assert len(plan.keep) <= DAILY_KEEP + WEEKLY_KEEP
    if with_today:
        assert daily_name("manabi", today) in plan.keep
    assert set(plan.delete) <= names and sources <= names and not set(plan.delete) & sources
    recognised = set(plan.delete) | sources | (set(plan.keep) & names)
    for name in names - recognised:  # never touched: not a rotated backup of this database
        assert plan_rotation([name], today).keep == () or name in plan.keep
    for name in set(plan.delete) | sources:
        assert name not in JUNK and plan_rotation([name], date(2030, 1, 1)).keep  # a real backup name
    assert not {t for _, t in plan.promote} & names
    # Applying the plan is a fixed point: the next rotation the same day changes nothing.
    again = plan_rotation(after(names, today), today)
    assert again.delete == () and again.promote == () and again.keep == plan.keep


def count_learners(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return int(connection.execute("SELECT count(*) FROM learners").fetchone()[0])
    finally:
        connection.close()


def test_close_backup_is_todays_file_and_the_latest_of_the_day_wins(
    sqlite_db: Database, tmp_path: Path
) -> None:
    factory = RosterFactory(sqlite_db)
    org = factory.organization()
    factory.learner(org)
    folder = tmp_path / "backups"
    first = backup_on_close(sqlite_db, today=TODAY, folder=folder)
    assert first == folder / "test-2026-12-03.sqlite"
    assert count_learners(first) == 1
    factory.learner(org)
    assert backup_on_close(sqlite_db, today=TODAY, folder=folder) == first
    assert count_learners(first) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["test-2026-12-03.sqlite"]  # self-contained, no -wal
    with open(first, "rb") as handle:
        assert (
            handle.read(20)[18:20] == b"\x01\x01"
        )  # rollback journal mode in the header: opens without side files


def test_close_backup_rotates_and_leaves_other_files(sqlite_db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in [*(daily_name("test", TODAY - timedelta(n)) for n in range(1, 12)), "readme.txt"]:
        (folder / name).write_bytes(b"old")
    backup_on_close(sqlite_db, today=TODAY, folder=folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [
            *(daily_name("test", TODAY - timedelta(n)) for n in range(7)),
            weekly_name("test", (2026, 47)),
            "readme.txt",
        ]
    )


def test_nothing_to_back_up_for_postgresql_or_read_only(sqlite_db: Database, tmp_path: Path) -> None:
    shared = open_database("postgresql://clerk@127.0.0.1:9/manabi")  # never connects
    try:
        assert backup_on_close(shared, folder=tmp_path / "b") is None
    finally:
        shared.dispose()
    assert sqlite_db.sqlite_path is not None
    reader = open_database(sqlite_db.sqlite_path, read_only=True)
    try:
        assert backup_on_close(reader, folder=tmp_path / "b") is None
    finally:
        reader.dispose()
    assert not (tmp_path / "b").exists()


def test_backup_taken_while_another_connection_writes_is_consistent(
    sqlite_db: Database, tmp_path: Path
) -> None:
    factory = RosterFactory(sqlite_db)
    org = factory.organization()
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        while not stop.is_set():
            factory.learner(org)
            written.append(1)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        counts = []
        for n in range(5):
            while len(written) < 3 * (n + 1):
                stop.wait(0.01)
            path = backup_on_close(sqlite_db, today=TODAY - timedelta(n), folder=tmp_path / "b")
            assert path is not None
            counts.append(count_learners(path))  # integrity_check ok inside
    finally:
        stop.set()
        writer.join()
    assert counts == sorted(counts, reverse=False) and counts[0] >= 3
    connection = sqlite3.connect(tmp_path / "b" / daily_name("test", TODAY))
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def test_rotation_survives_a_file_it_cannot_delete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / d("2026-11-26")).write_bytes(b"x")
    plan = plan_rotation(days("2026-11-26", "2026-12-03"), TODAY)
    assert plan.delete == (d("2026-11-26"),)

    def refuse(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError("in use")

    monkeypatch.setattr(Path, "unlink", refuse)
    apply_rotation(tmp_path, plan)  # no error: retried on the next close
    assert (tmp_path / d("2026-11-26")).exists()


# The window's close hook.


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("MANABI_DATA_DIR", str(folder))
    return folder


def test_closing_the_window_backs_up(qtbot: QtBot, sqlite_db: Database, data_folder: Path) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(sqlite_db)
    window.show()
    assert window.close()
    assert [p.name for p in (data_folder / "backups").iterdir()] == [daily_name("test", date.today())]


def test_a_failed_backup_is_logged_and_the_window_still_closes(
    qtbot: QtBot, sqlite_db: Database, data_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.main_window import MainWindow

    def disk_full(db: Database) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "backup_on_close", disk_full)
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(sqlite_db)
    window.show()
    assert window.close()
    assert not window.isVisible()
    log = (data_folder / "logs" / "error.log").read_text(encoding="utf-8")
    assert "終了時のバックアップに失敗しました" in log and "No space left on device" in log


def test_the_demo_window_makes_no_backup(qtbot: QtBot, sqlite_db: Database, data_folder: Path) -> None:
    from desktop.ui.main_window import MainWindow

    window = MainWindow(demo=True)
    qtbot.addWidget(window)
    window.attach_database(sqlite_db)
    window.show()
    assert window.close()
    assert not (data_folder / "backups").exists()
