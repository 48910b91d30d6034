"""backup --out FILE and restore FILE: the headless contract, on real SQLite files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.store.database import Database, open_database
from desktop.store.instance_lock import acquire_instance_lock
from desktop.store.migrate import HEAD_REVISION, current_revision, prepare_database
from tests.factories import RosterFactory
from tests.test_cli_exchange import cli


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("MANABI_DATA_DIR", str(folder))
    return folder


def names_in(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return [row[0] for row in connection.execute("SELECT name FROM learners ORDER BY id")]
    finally:
        connection.close()


def side_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name) and p != path)


def test_backup_then_restore_brings_the_older_data_back(
    sqlite_db: Database, tmp_path: Path, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factory = RosterFactory(sqlite_db)
    org = factory.organization()
    factory.learner(org, name="秋山　一")
    path = sqlite_db.sqlite_path
    assert path is not None
    out = tmp_path / "手元の控え.sqlite"

    code, printed, err = cli(capsys, "--db", str(path), "backup", "--out", str(out))
    assert (code, err) == (0, "")
    assert printed.startswith("手元の控え.sqlite: ") and f"版 {HEAD_REVISION}" in printed
    assert printed.count("\n") == 1
    factory.learner(org, name="髙橋　二郎")
    sqlite_db.dispose()

    code, printed, err = cli(capsys, "--db", str(path), "restore", str(out))
    assert (code, err) == (0, "")
    assert printed.count("\n") == 1 and "戻しました" in printed and "before-restore" in printed
    assert names_in(path) == ["秋山　一"]
    kept = list((data_folder / "backups").iterdir())
    assert [p.name[:19] for p in kept] == ["test-before-restore"]
    assert names_in(kept[0]) == ["秋山　一", "髙橋　二郎"]
    reopened = open_database(path)
    try:
        assert prepare_database(reopened).to_revision == HEAD_REVISION
        assert [row.name for row in RosterFactory(reopened).service.roster_rows()] == ["秋山　一"]
    finally:
        reopened.dispose()
    assert not list(tmp_path.glob("*.part"))


def test_the_wal_of_the_replaced_database_does_not_leak_into_the_restored_one(
    sqlite_db: Database, tmp_path: Path, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    factory = RosterFactory(sqlite_db)
    org = factory.organization()
    factory.learner(org, name="秋山　一")
    path = sqlite_db.sqlite_path
    assert path is not None
    out = tmp_path / "old.sqlite"
    assert cli(capsys, "--db", str(path), "backup", "--out", str(out))[0] == 0
    sqlite_db.dispose()

    # A crash: 髙橋 committed into the WAL only, never checkpointed into the main file.
    main_before = path.read_bytes()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE learners SET name='髙橋　二郎'")
    wal = Path(str(path) + "-wal").read_bytes()
    writer.close()  # this checkpoints; put the crashed state back
    path.write_bytes(main_before)
    Path(str(path) + "-wal").write_bytes(wal)
    Path(str(path) + "-shm").unlink(missing_ok=True)
    assert names_in(Path(shutil.copy(path, tmp_path / "peek.sqlite"))) == ["秋山　一"]  # main file alone

    code, _, err = cli(capsys, "--db", str(path), "restore", str(out))
    assert code == 0, err
    assert side_files(path) == ["test.sqlite.lock"]  # no WAL, SHM or journal of the old database left
    (kept,) = (data_folder / "backups").iterdir()
    assert names_in(kept) == ["髙橋　二郎"]  # the WAL's change is in the kept copy …
    reopened = open_database(path)
    try:
        prepare_database(reopened)
        assert [row.name for row in RosterFactory(reopened).service.roster_rows()] == [
            "秋山　一"
        ]  # … not here
    finally:
        reopened.dispose()


def test_an_older_backup_is_migrated_on_restore_and_nothing_is_clobbered(
    tmp_path: Path, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "2025年の控え.sqlite"
    db = open_database(old)
    prepare_database(db, "0001_roster")
    db.dispose()
    old_bytes = old.read_bytes()
    target = tmp_path / "office" / "manabi.sqlite"
    target.parent.mkdir()
    current = open_database(target)
    prepare_database(current)
    RosterFactory(current).organization("みらい市")
    current.dispose()

    code, printed, err = cli(capsys, "--db", str(target), "restore", str(old))
    assert code == 0, err
    assert f"版 0001_roster から {HEAD_REVISION} に更新" in printed
    assert old.read_bytes() == old_bytes  # the file restored from is never changed
    assert sorted(p.name for p in target.parent.iterdir()) == ["manabi.sqlite", "manabi.sqlite.lock"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["2025年の控え.sqlite", "office", "data"])
    reopened = open_database(target)
    try:
        assert current_revision(reopened)[0] == HEAD_REVISION
    finally:
        reopened.dispose()
    (kept,) = (data_folder / "backups").iterdir()
    assert kept.name.startswith("manabi-before-restore-")


def not_ours(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    return path


def newer(path: Path) -> Path:
    db = open_database(path)
    prepare_database(db)
    db.dispose()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num='0099_future'")
    connection.commit()
    connection.close()
    return path


def damaged(path: Path) -> Path:
    db = open_database(path)
    prepare_database(db)
    factory = RosterFactory(db)
    org = factory.organization()
    for _ in range(200):
        factory.learner(org)
    db.dispose()
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(
        3 * page, len(data) - page, 2 * page
    ):  # scribble over every other page after the schema
        data[start + 8 : start + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))
    return path


def bad_index(path: Path) -> Path:
    """Pages that read fine, an index that disagrees with its table: only integrity_check sees it."""
    newer(path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num=?", (HEAD_REVISION,))
    connection.execute("CREATE TABLE scratch (a, b)")
    connection.execute("CREATE INDEX scratch_a ON scratch (a)")
    connection.execute("INSERT INTO scratch VALUES (1, 2), (3, 4)")
    connection.commit()
    connection.execute("PRAGMA writable_schema=ON")
    connection.execute(
        "UPDATE sqlite_master SET sql='CREATE INDEX scratch_a ON scratch (b)' WHERE name='scratch_a'"
    )
    connection.commit()
    connection.close()
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_text("職員番号,氏名\n", encoding="utf-8") and p,
            "SQLite のデータベースファイルではありません",
        ),
        (not_ours, "まなび台帳のデータベースではありません"),
        (newer, "より新しいバージョンのまなび台帳"),
        (damaged, "壊れて"),
        (bad_index, "壊れています（integrity_check: "),
        (lambda p: p, "バックアップファイルがありません"),
    ],
    ids=["text file", "not ours", "newer version", "damaged", "bad index", "missing"],
)
def test_restore_refuses_bad_input_and_changes_nothing(
    sqlite_db: Database,
    tmp_path: Path,
    data_folder: Path,
    capsys: pytest.CaptureFixture[str],
    make: object,
    message: str,
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    RosterFactory(sqlite_db).organization()
    sqlite_db.dispose()
    before = path.read_bytes()
    source = make(tmp_path / "持ち込み.sqlite")  # type: ignore[operator]

    code, printed, err = cli(capsys, "--db", str(path), "restore", str(source))
    assert (code, printed) == (2, "")
    assert message in err and "持ち込み.sqlite" in err
    assert path.read_bytes() == before
    assert not (data_folder / "backups").exists()
    assert not list(tmp_path.glob("*.part*"))


def test_restore_refuses_while_the_window_has_the_database(
    sqlite_db: Database, tmp_path: Path, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    out = tmp_path / "b.sqlite"
    assert cli(capsys, "--db", str(path), "backup", "--out", str(out))[0] == 0
    before = path.read_bytes()
    lock = acquire_instance_lock(path)
    try:
        code, _, err = cli(capsys, "--db", str(path), "restore", str(out))
    finally:
        if lock is not None:
            lock.release()
    assert code == 2 and "まなび台帳を閉じてから" in err and str(path) in err
    assert path.read_bytes() == before


def test_restore_refuses_while_another_program_reads_it(
    sqlite_db: Database, tmp_path: Path, data_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    out = tmp_path / "b.sqlite"
    assert cli(capsys, "--db", str(path), "backup", "--out", str(out))[0] == 0
    RosterFactory(sqlite_db).organization("残る市")
    other = sqlite3.connect(path)
    try:
        other.execute("SELECT count(*) FROM organizations").fetchall()
        code, _, err = cli(capsys, "--db", str(path), "restore", str(out))
    finally:
        other.close()
    assert code == 2 and "使用中" in err
    assert not list(path.parent.glob("*.part*"))
    check = open_database(path)
    try:
        prepare_database(check)
        with check.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT name FROM organizations").scalars().all() == ["残る市"]
    finally:
        check.dispose()


def test_a_failed_copy_leaves_the_database_as_it_was(
    sqlite_db: Database,
    tmp_path: Path,
    data_folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    out = tmp_path / "b.sqlite"
    assert cli(capsys, "--db", str(path), "backup", "--out", str(out))[0] == 0
    sqlite_db.dispose()
    before = path.read_bytes()
    real_connect = sqlite3.connect

    def disk_full(target: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        if str(target).endswith(".part"):
            raise sqlite3.OperationalError("database or disk is full")
        return real_connect(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("desktop.store.migrate.sqlite3.connect", disk_full)
    code, _, err = cli(capsys, "--db", str(path), "restore", str(out))
    assert code == 2 and "disk is full" in err and "b.sqlite" in err
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.part*"))


def test_backup_refuses_bad_input(
    sqlite_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    foreign = not_ours(tmp_path / "会計.sqlite")
    cases = [
        (
            ["--db", str(foreign), "backup", "--out", str(tmp_path / "x.sqlite")],
            "まなび台帳のデータベースではありません",
            "会計.sqlite",
        ),
        (
            ["--db", str(tmp_path / "無い.sqlite"), "backup", "--out", str(tmp_path / "x.sqlite")],
            "データベースがありません",
            "無い.sqlite",
        ),
        (["--db", str(path), "backup", "--out", str(tmp_path)], "フォルダです", str(tmp_path)),
        (["--db", str(path), "backup", "--out", str(tmp_path / "無い" / "x.sqlite")], "がありません", "無い"),
        (["--db", str(path), "backup", "--out", str(path)], "データベースそのもの", "test.sqlite"),
        (
            ["--db", "postgresql://clerk@127.0.0.1:9/manabi", "backup", "--out", str(tmp_path / "x.sqlite")],
            "pg_dump",
            "",
        ),
        (
            ["--db", "postgresql://clerk@127.0.0.1:9/manabi", "restore", str(tmp_path / "x.sqlite")],
            "pg_restore",
            "",
        ),
    ]
    for args, message, named in cases:
        code, printed, err = cli(capsys, *args)
        assert (code, printed) == (2, ""), args
        assert message in err and named in err, (args, err)
    assert not (tmp_path / "x.sqlite").exists()
    assert not (tmp_path / "無い.sqlite").exists()  # never created by asking for a backup of it


def test_a_damaged_database_is_not_backed_up_over_an_earlier_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = bad_index(tmp_path / "manabi.sqlite")
    out = tmp_path / "控え.sqlite"
    out.write_bytes(b"yesterday's copy")
    code, printed, err = cli(capsys, "--db", str(broken), "backup", "--out", str(out))
    assert (code, printed) == (2, "")
    assert "integrity_check" in err and "manabi.sqlite" in err
    assert out.read_bytes() == b"yesterday's copy"
    assert not list(tmp_path.glob("*.part"))
