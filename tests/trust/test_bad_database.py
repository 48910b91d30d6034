"""A --db that is not a healthy まなび台帳 database: refused in Japanese, exit 2, the file untouched.

Already covered elsewhere: a CSV given to the window (tests/test_cli.py) and a
zip-like file given to open_for_window (tests/ui/test_main_window.py). Here:
a damaged SQLite file, random bytes, a folder, a PNG and truncated or damaged
copies of a real database, through the headless CLI and through
open_for_window, and an empty file (which SQLite takes as a new database).
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop.__main__ import main
from desktop.store.database import open_database
from desktop.store.demo import seed_demo_roster
from desktop.store.errors import DatabaseOpenError
from desktop.store.migrate import prepare_database
from desktop.store.roster_service import RosterService

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\0" * 64


@pytest.fixture(scope="module")
def real_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / "office.sqlite"
    db = open_database(path)
    try:
        prepare_database(db)
        seed_demo_roster(db)
    finally:
        db.dispose()
    return path


def corrupt_after_header(real: Path, target: Path) -> None:
    data = real.read_bytes()
    target.write_bytes(data[:100] + random.Random(1).randbytes(len(data) - 100))


def random_bytes(_real: Path, target: Path) -> None:
    target.write_bytes(random.Random(2).randbytes(20_000))


def png(_real: Path, target: Path) -> None:
    target.write_bytes(PNG)


def truncated_half(real: Path, target: Path) -> None:
    data = real.read_bytes()
    target.write_bytes(data[: len(data) // 2])


def first_page_only(real: Path, target: Path) -> None:
    target.write_bytes(real.read_bytes()[:4096])


def wiped_learners_table(real: Path, target: Path) -> None:
    """Everything opens (schema, alembic_version) but the learners' B-tree root is garbage."""
    connection = sqlite3.connect(real)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'learners'").fetchone()[0]
    connection.close()
    data = bytearray(real.read_bytes())
    data[(root - 1) * page_size : root * page_size] = b"\xff" * page_size
    target.write_bytes(bytes(data))


MAKERS: dict[str, Callable[[Path, Path], None]] = {
    "corrupt": corrupt_after_header,
    "random": random_bytes,
    "png": png,
    "truncated": truncated_half,
    "first-page": first_page_only,
    "damaged-table": wiped_learners_table,
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make(kind: str, real: Path, folder: Path) -> Path:
    target = folder / ("office.png" if kind == "png" else "office.sqlite")
    MAKERS[kind](real, target)
    return target


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("kind", list(MAKERS))
def test_cli_refuses_a_bad_database_and_leaves_it_alone(
    kind: str, real_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    bad = make(kind, real_database, folder)
    before = digest(bad)
    out = tmp_path / "名簿.csv"
    code, _stdout, err = cli(capsys, "--db", str(bad), "roster", "export", str(out))
    assert code == 2, err
    assert "Traceback" not in err
    assert any(
        word in err for word in ("データベースではありません", "データベースを開けません", "壊れている")
    )
    assert digest(bad) == before
    assert sorted(p.name for p in folder.iterdir()) == [bad.name]  # no -wal, -shm or backup beside it
    assert not out.exists()


def test_cli_refuses_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "office.sqlite"
    folder.mkdir()
    code, _out, err = cli(capsys, "--db", str(folder), "roster", "export", str(tmp_path / "x.csv"))
    assert code == 2 and "データベースとしてフォルダが指定されました" in err
    assert folder.is_dir() and not list(folder.iterdir())
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("kind", [k for k in MAKERS if k != "damaged-table"])
def test_window_refuses_a_bad_database_and_leaves_it_alone(
    kind: str, real_database: Path, tmp_path: Path
) -> None:
    from desktop.ui.app import open_for_window

    bad = make(kind, real_database, tmp_path)
    before = digest(bad)
    with pytest.raises(DatabaseOpenError) as raised:
        open_for_window(str(bad), demo=False)
    assert any(
        word in raised.value.message for word in ("データベースではありません", "データベースを開けません")
    )
    assert digest(bad) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]


def test_window_refuses_a_folder(tmp_path: Path) -> None:
    from desktop.ui.app import open_for_window

    with pytest.raises(DatabaseOpenError, match="フォルダが指定されました"):
        open_for_window(str(tmp_path), demo=False)


def test_a_table_damaged_behind_a_good_header_is_a_message_when_read(
    real_database: Path, tmp_path: Path
) -> None:
    """The window opens it (only the header and schema are read at start-up); the page that
    reads the damaged table gets a message a clerk can act on, and nothing is written."""
    from desktop.store.errors import DatabaseDamagedError
    from desktop.ui.app import open_for_window

    bad = make("damaged-table", real_database, tmp_path)
    before = digest(bad)
    db, _report, _demo = open_for_window(str(bad), demo=False)
    try:
        with pytest.raises(DatabaseDamagedError, match="データベースファイルが壊れている"):
            RosterService(db).roster_rows()
    finally:
        db.dispose()
    assert digest(bad) == before


def test_an_empty_file_is_taken_as_a_new_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SQLite's own rule (check_sqlite_file): a 0-byte file is an empty database, so it is set up."""
    empty = tmp_path / "office.sqlite"
    empty.touch()
    code, out, err = cli(capsys, "--db", str(empty), "roster", "export", str(tmp_path / "名簿.csv"))
    assert code == 0, err
    assert "0人の名簿を書き出しました" in out
    with sqlite3.connect(empty) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_truncated_copy_does_not_spoil_the_original(real_database: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copy(real_database, tmp_path / "copy.sqlite"))
    truncated_half(copy, copy)
    with pytest.raises(DatabaseOpenError):
        prepare_database(open_database(copy))
    db = open_database(real_database)
    try:
        assert RosterService(db).count() > 0
    finally:
        db.dispose()
