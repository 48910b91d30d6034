"""The SQLite file's place: who else holds it (an OS lock), read-only opening, and network shares."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest
from sqlalchemy import text

from desktop.store.database import (
    READ_ONLY_MESSAGE,
    ReadOnlyDatabaseError,
    open_database,
    sqlite_read_only_uri,
)
from desktop.store.errors import DatabaseOpenError, UserFacingError
from desktop.store.instance_lock import (
    AlreadyOpenError,
    LockHolder,
    acquire_instance_lock,
    lock_path,
    read_holder,
)
from desktop.store.migrate import HEAD_REVISION, current_revision, prepare_database
from desktop.store.network_path import DRIVE_REMOTE, NetworkLocation, network_location
from desktop.store.roster_service import RosterService
from tests.factories import RosterFactory

ROOT = Path(__file__).resolve().parents[2]
_HOLDER_SCRIPT = """
import sys, time
from pathlib import Path
from desktop.store.instance_lock import acquire_instance_lock
lock = acquire_instance_lock(Path(sys.argv[1]))
print("held" if lock is not None else "no-lock", flush=True)
time.sleep(120)
"""


@contextmanager
def lock_held_by_child(database: Path) -> Iterator[subprocess.Popen[str]]:
    """Another instance: a separate process holding the lock until it is killed."""
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER_SCRIPT, str(database)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "held"
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()


# ---------------------------------------------------------------- the lock


def test_a_second_lock_on_the_same_file_is_refused_and_says_who(tmp_path: Path) -> None:
    database = tmp_path / "manabi.sqlite"
    first = acquire_instance_lock(database)
    assert first is not None and first.held
    with pytest.raises(AlreadyOpenError) as refused:
        acquire_instance_lock(database)
    assert refused.value.holder == first.holder
    assert refused.value.holder is not None and refused.value.holder.pid == os.getpid()
    first.release()
    assert not first.held
    assert read_holder(database) is None  # blanked on release
    assert lock_path(database).exists()  # never deleted: see the module's docstring
    with acquire_instance_lock(database) as again:
        assert again is not None and again.held
    first.release()  # twice is harmless


def test_another_process_holds_the_lock_until_it_is_killed(tmp_path: Path) -> None:
    database = tmp_path / "manabi.sqlite"
    with lock_held_by_child(database) as child:
        with pytest.raises(AlreadyOpenError) as refused:
            acquire_instance_lock(database)
        holder = refused.value.holder
        assert holder is not None
        assert holder.pid == child.pid
        assert holder.user and holder.host and holder.started
        assert "プロセス番号" in holder.describe() and holder.host in holder.describe()
        if sys.platform != "win32":
            os.kill(child.pid, signal.SIGKILL)  # a crash: nothing cleans up
        else:  # pragma: no cover - TerminateProcess is Windows' kill -9
            child.kill()
        child.wait(timeout=10)
        # The kernel freed the lock with the process; the stale details do not block.
        assert read_holder(database) == holder
        lock = acquire_instance_lock(database)
        assert lock is not None
        try:
            current = read_holder(database)
            assert current is not None and current.pid == os.getpid()
        finally:
            lock.release()


def test_stale_or_garbled_details_never_block(tmp_path: Path) -> None:
    database = tmp_path / "manabi.sqlite"
    stale = LockHolder(host="OLD-PC", user="tanaka", pid=999_999, started="2025-04-01T09:00:00")
    lock_path(database).write_text(json.dumps(stale.__dict__), encoding="utf-8")
    assert read_holder(database) == stale
    with acquire_instance_lock(database) as lock:
        assert lock is not None
        assert read_holder(database) == lock.holder
    lock_path(database).write_bytes(b"\xff\xfe not json")
    assert read_holder(database) is None
    lock_path(database).write_text('{"host": "x"}', encoding="utf-8")
    assert read_holder(database) is None
    with acquire_instance_lock(database) as lock:
        assert lock is not None


def test_japanese_user_and_host_names_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "山田　太郎")
    database = tmp_path / "名簿.sqlite"
    with acquire_instance_lock(database) as lock:
        assert lock is not None
        holder = read_holder(database)
        assert holder is not None and holder.user == "山田　太郎"
        assert "山田　太郎" in holder.describe()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores file modes")
def test_a_folder_without_write_access_gives_no_lock_rather_than_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert acquire_instance_lock(folder / "manabi.sqlite") is None
    finally:
        folder.chmod(0o755)


# ---------------------------------------------------------------- read-only opening


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_read_only_open_reads_and_refuses_every_write_in_japanese(tmp_path: Path) -> None:
    path = tmp_path / "共有 #1" / "manabi.sqlite"
    path.parent.mkdir()
    writer = open_database(path)
    prepare_database(writer)
    factory = RosterFactory(writer)
    org = factory.organization()
    factory.learner(org)
    writer.dispose()  # checkpointed: the main file holds everything
    before = _digest(path)

    reader = open_database(path, read_only=True)
    try:
        assert reader.read_only and reader.sqlite_path == path
        assert str(path) == reader.display_name
        assert current_revision(reader)[0] == HEAD_REVISION
        assert RosterService(reader).count() == 1
        with pytest.raises(ReadOnlyDatabaseError) as refused:
            RosterFactory(reader).learner(org, number="R00001")
        assert "読み取り専用で開いているため保存できません" in refused.value.message
        assert refused.value.message == READ_ONLY_MESSAGE
        assert isinstance(refused.value, UserFacingError)
        with pytest.raises(ReadOnlyDatabaseError), reader.transaction() as session:
            session.execute(text("CREATE TABLE intruder (a)"))
    finally:
        reader.dispose()
    assert _digest(path) == before


def test_read_only_sees_what_the_writer_commits_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "manabi.sqlite"
    writer = open_database(path)
    prepare_database(writer)
    reader = open_database(path, read_only=True)
    try:
        factory = RosterFactory(writer)
        factory.learner(factory.organization())
        assert RosterService(reader).count() == 1
    finally:
        reader.dispose()
        writer.dispose()


def test_read_only_open_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none.sqlite"
    with pytest.raises(DatabaseOpenError, match="ありません"):
        open_database(path, read_only=True)
    assert not path.exists()


def test_read_only_uris_encode_what_sqlite_would_misread() -> None:
    assert sqlite_read_only_uri(PurePosixPath("/home/a b/#1?.sqlite")) == "file:///home/a%20b/%231%3F.sqlite"
    assert sqlite_read_only_uri(PureWindowsPath(r"C:\Users\田中\manabi.sqlite")) == (
        "file:///C:/Users/%E7%94%B0%E4%B8%AD/manabi.sqlite"
    )
    assert sqlite_read_only_uri(PureWindowsPath(r"\\nas01\share\manabi.sqlite")) == (
        "file:////nas01/share/manabi.sqlite"
    )


# ---------------------------------------------------------------- network shares

MOUNTS = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda3 /home ext4 rw,relatime 0 0
//nas01/kyoyu /mnt/nas cifs rw,relatime,vers=3.1.1 0 0
nas02:/export/dx /home/tanaka/dx nfs4 rw,relatime 0 0
tanaka@srv:/data /mnt/sftp\\040space fuse.sshfs rw,nosuid 0 0
/dev/sdb1 /mnt/nas/usb ext4 rw 0 0
tmpfs /mnt/over tmpfs rw 0 0
//nas03/top /mnt/over cifs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/tanaka/manabi.sqlite", None),
        ("/mnt/nas/manabi.sqlite", NetworkLocation("//nas01/kyoyu", "cifs", "/mnt/nas")),
        ("/mnt/nas", NetworkLocation("//nas01/kyoyu", "cifs", "/mnt/nas")),
        ("/mnt/nasty/manabi.sqlite", None),  # a prefix of the name is not a parent folder
        ("/mnt/nas/usb/manabi.sqlite", None),  # the longest mount point wins: a local disk inside
        (
            "/home/tanaka/dx/2026/manabi.sqlite",
            NetworkLocation("nas02:/export/dx", "nfs4", "/home/tanaka/dx"),
        ),
        ("/mnt/sftp space/a.sqlite", NetworkLocation("tanaka@srv:/data", "fuse.sshfs", "/mnt/sftp space")),
        ("/mnt/over/a.sqlite", NetworkLocation("//nas03/top", "cifs", "/mnt/over")),  # mounted on top
        ("/mnt/nas/../local.sqlite", None),
    ],
)
def test_linux_mount_table_decides(path: str, expected: NetworkLocation | None) -> None:
    assert network_location(path, platform="linux", mounts=lambda: MOUNTS) == expected


def test_no_mount_table_means_local() -> None:
    assert network_location("/mnt/nas/a.sqlite", platform="darwin", mounts=lambda: "") is None


def _never(_root: str) -> int:
    raise AssertionError("a UNC path needs no drive probe")


@pytest.mark.parametrize(
    "path",
    [r"\\nas01\kyoyu\manabi.sqlite", "//nas01/kyoyu/manabi.sqlite", r"\\?\UNC\nas01\kyoyu\manabi.sqlite"],
)
def test_unc_paths_are_shares(path: str) -> None:
    found = network_location(path, platform="win32", drive_type=_never)
    assert found == NetworkLocation(r"\\nas01\kyoyu", "unc")
    assert "共有フォルダ" in found.describe()


def test_mapped_drives_are_asked_of_windows() -> None:
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return DRIVE_REMOTE if root == "Z:\\" else 3  # DRIVE_FIXED

    found = network_location(r"z:\台帳\manabi.sqlite", platform="win32", drive_type=drive_type)
    assert found == NetworkLocation("Z:", "network-drive")
    assert "ネットワークドライブ Z:" in found.describe()
    assert network_location(r"C:\Users\tanaka\manabi.sqlite", platform="win32", drive_type=drive_type) is None
    assert network_location(r"\\?\C:\data\manabi.sqlite", platform="win32", drive_type=drive_type) is None
    assert asked == ["Z:\\", "C:\\", "C:\\"]


def test_a_failing_probe_means_no_warning() -> None:
    def broken(_root: str) -> int:
        raise OSError("no")

    assert network_location(r"Y:\a.sqlite", platform="win32", drive_type=broken) is None


def test_the_real_probes_answer_for_a_local_folder(tmp_path: Path) -> None:
    found = network_location(tmp_path.resolve() / "a.sqlite")
    assert found is None or isinstance(found, NetworkLocation)  # a CI tmp on NFS would be a share
