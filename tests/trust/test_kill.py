"""SIGKILL in the middle of long work: the database and the files a clerk sees stay whole.

Each test starts the headless command as a user would (a separate process),
waits until it is visibly busy (the WAL grows, PDFs pile up in the staging
folder, a .part file has been open for a while), kills it with SIGKILL, and
then checks what is left: SQLite says ``ok``, the work is there entirely or
not at all, no half-written file under its final name, and the app opens the
database again.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from desktop.store.database import open_database
from desktop.store.demo import seed_demo_office
from desktop.store.migrate import prepare_database

ROOT = Path(__file__).resolve().parents[2]
BIG_ROWS = 200_000
KILLED = -signal.SIGKILL


def spawn(*args: str, stderr: Path) -> subprocess.Popen[bytes]:
    with stderr.open("wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "desktop", *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )


def kill_when(
    process: subprocess.Popen[bytes], busy: Callable[[], bool], stderr: Path, timeout: float = 60
) -> None:
    """SIGKILL `process` as soon as `busy()` is true; fail if it finished (or died) first."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"finished (exit {process.returncode}) before it was busy enough to kill:\n"
                    + stderr.read_text(encoding="utf-8", errors="replace")
                )
            if busy():
                os.kill(process.pid, signal.SIGKILL)
                assert process.wait(timeout=10) == KILLED
                return
            time.sleep(0.005)
        pytest.fail("never got busy")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


def assert_whole(path: Path) -> None:
    """SQLite's own check passes, and the app opens the file again."""
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()
    db = open_database(path)
    try:
        prepare_database(db)
    finally:
        db.dispose()


def count(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


def new_database(path: Path) -> Path:
    db = open_database(path)
    try:
        prepare_database(db)
    finally:
        db.dispose()  # NullPool: the WAL is checkpointed and removed here
    return path


def write_big_roster(path: Path, rows: int = BIG_ROWS) -> Path:
    lines = ["職員番号,氏名,フリガナ,団体名"]
    lines += [f"K{n:07d},山田　太郎{n % 97},ヤマダ　タロウ,かもめ市" for n in range(rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_big_roster(tmp_path_factory.mktemp("roster") / "大きな名簿.csv")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    """The demo office (131 or so current plans), made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path)
    try:
        prepare_database(db)
        seed_demo_office(db)
    finally:
        db.dispose()
    connection = sqlite3.connect(path)
    [(year, plans)] = connection.execute(
        "SELECT fiscal_year, count(*) FROM learning_plans WHERE current = 1 GROUP BY fiscal_year"
        " ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()
    connection.close()
    assert plans >= 50
    yield path, int(year)


@pytest.mark.parametrize("wal_bytes", [1_000_000, 16_000_000], ids=["early", "late"])
def test_killed_roster_import_leaves_all_or_nothing(tmp_path: Path, big_roster: Path, wal_bytes: int) -> None:
    database = new_database(tmp_path / "office.sqlite")
    wal = database.with_name(database.name + "-wal")
    err = tmp_path / "stderr.txt"
    process = spawn("--db", str(database), "roster", "import", str(big_roster), stderr=err)
    # The WAL grows only once the file has been read and checked and the rows are being written.
    kill_when(process, lambda: size(wal) > wal_bytes, err)

    assert_whole(database)
    assert count(database, "learners") in (0, BIG_ROWS)
    assert count(database, "import_batches") == (count(database, "learners") == BIG_ROWS)
    assert count(database, "organizations") in (0, 1)


def test_killed_folder_print_leaves_no_pdf_in_the_folder(tmp_path: Path, demo_file: tuple[Path, int]) -> None:
    source, year = demo_file
    database = Path(shutil.copy(source, tmp_path / "office.sqlite"))
    before = database.read_bytes()
    folder = tmp_path / "計画書"
    folder.mkdir()
    old = folder / "昨年度.pdf"
    old.write_bytes(b"%PDF-1.4 last year's file")
    err = tmp_path / "stderr.txt"
    process = spawn(
        "--db", str(database), "plan", "print", "--all", "--fiscal-year", str(year), "--out", str(folder),
        stderr=err,
    )  # fmt: skip

    def made() -> int:
        return sum(len(list(staging.glob("*.pdf"))) for staging in folder.glob(".作成中-*"))

    kill_when(process, lambda: made() >= 3, err)

    # All or nothing: the new PDFs were still in the hidden staging folder, none is in the folder.
    visible = [p.name for p in folder.iterdir() if not p.name.startswith(".作成中-")]
    assert visible == ["昨年度.pdf"]
    assert old.read_bytes() == b"%PDF-1.4 last year's file"
    assert not list(folder.glob("*.part"))
    assert_whole(database)
    assert count(database, "learning_plans") == count(source, "learning_plans")
    assert database.read_bytes() == before  # printing only reads


def test_killed_single_pdf_print_keeps_the_old_file(tmp_path: Path, demo_file: tuple[Path, int]) -> None:
    source, year = demo_file
    database = Path(shutil.copy(source, tmp_path / "office.sqlite"))
    target = tmp_path / "計画書.pdf"
    target.write_bytes(b"%PDF-1.4 the copy the clerk printed last week")
    part = target.with_name(target.name + ".part")
    err = tmp_path / "stderr.txt"
    process = spawn(
        "--db", str(database), "plan", "print", "--all", "--fiscal-year", str(year), "--out", str(target),
        stderr=err,
    )  # fmt: skip
    opened: list[float] = []

    def busy() -> bool:
        if part.exists() and not opened:
            opened.append(time.monotonic())
        return bool(opened) and time.monotonic() - opened[0] > 1.0  # a second into the build

    kill_when(process, busy, err)

    assert target.read_bytes() == b"%PDF-1.4 the copy the clerk printed last week"
    # Only the .part may be left (SIGKILL runs no clean-up); never a half PDF under the final name.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("計画書")) in (
        ["計画書.pdf"],
        ["計画書.pdf", "計画書.pdf.part"],
    )
    assert_whole(database)


def backup_command_exists() -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "backup", "--help"],
        cwd=ROOT,
        capture_output=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return result.returncode == 0


def test_killed_backup_leaves_the_database_and_no_broken_backup(tmp_path: Path, big_roster: Path) -> None:
    if not backup_command_exists():
        pytest.skip("`python -m desktop backup` does not exist yet (its --help does not exit 0)")
    from desktop.store.roster_import import RosterImporter, RosterImportOptions, RosterSource

    database = new_database(tmp_path / "office.sqlite")
    db = open_database(database)
    try:
        RosterImporter(db, user_name="tester").run(RosterSource(big_roster), RosterImportOptions())
    finally:
        db.dispose()
    before = database.read_bytes()
    target = tmp_path / "backup" / "office-backup.sqlite"
    target.parent.mkdir()
    err = tmp_path / "stderr.txt"
    process = spawn("--db", str(database), "backup", "--out", str(target), stderr=err)

    def busy() -> bool:  # whatever the backup writes first, under any name, in the target folder
        return any(p.stat().st_size > 0 for p in target.parent.iterdir() if p.is_file())

    kill_when(process, busy, err)  # the first bytes of the copy are out: mid-copy

    assert_whole(database)
    assert count(database, "learners") == BIG_ROWS
    assert database.read_bytes() == before
    if target.exists():  # a backup under its final name is a whole one
        assert_whole(target)
        assert count(target, "learners") == BIG_ROWS
