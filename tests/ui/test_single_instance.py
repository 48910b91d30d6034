"""A SQLite file another window holds opens read-only, says who holds it; a network share is warned about."""

from __future__ import annotations

import argparse
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop import APP_NAME
from desktop.domain.roster import LearnerDraft, LearnerKind, LearnerStatus
from desktop.store.account_service import AccountService
from desktop.store.database import ReadOnlyDatabaseError, open_database
from desktop.store.errors import DatabaseOpenError
from desktop.store.instance_lock import AlreadyOpenError, acquire_instance_lock, read_holder
from desktop.store.migrate import prepare_database
from desktop.store.network_path import NetworkLocation
from desktop.store.roster_service import RosterService
from desktop.ui import app as app_module
from desktop.ui.app import Startup, create_application, open_locked
from tests.factories import RosterFactory
from tests.store.test_instance_lock import lock_held_by_child

ROOT = Path(__file__).resolve().parents[2]


def arguments(db: Path, *, quit_after_show: bool = False) -> argparse.Namespace:
    return argparse.Namespace(
        db=str(db), demo=False, page=None, quit_after_window=False, quit_after_show=quit_after_show
    )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "manabi.sqlite"
    db = open_database(path)
    prepare_database(db)
    factory = RosterFactory(db)
    factory.learner(factory.organization())
    AccountService(db).choose_single_user()  # no first-run question: these tests are about the lock
    db.dispose()
    return path


@pytest.fixture
def started(qtbot: QtBot) -> Iterator[list[Startup]]:
    """Startups made by a test, closed and finished (lock released) after it."""
    made: list[Startup] = []
    yield made
    for startup in made:
        for notice in startup.notices:
            notice.close()
        startup.window.close()
        startup.finish()


def start(qtbot: QtBot, started: list[Startup], args: argparse.Namespace) -> Startup:
    startup = Startup(create_application(), args)
    qtbot.addWidget(startup.window)
    started.append(startup)
    startup.open_database()
    return startup


def badge(startup: Startup, name: str) -> QLabel | None:
    return startup.window.statusBar().findChild(QLabel, name)


def draft(organization_id: int) -> LearnerDraft:
    return LearnerDraft(
        organization_id=organization_id,
        number="R00001",
        name="佐藤　花子",
        furigana="サトウ　ハナコ",
        email="sato@example.lg.jp",
        kind=LearnerKind.STAFF,
        status=LearnerStatus.ACTIVE,
    )


def test_the_first_window_locks_the_file_and_frees_it_when_done(
    qtbot: QtBot, started: list[Startup], database: Path
) -> None:
    startup = start(qtbot, started, arguments(database))
    assert startup.db is not None and not startup.db.read_only
    assert startup.lock is not None and startup.lock.held
    assert badge(startup, "readOnlyLabel") is None and not startup.notices
    with pytest.raises(AlreadyOpenError):
        acquire_instance_lock(database)
    startup.window.close()
    startup.finish()
    started.clear()
    with acquire_instance_lock(database) as lock:
        assert lock is not None


def test_a_second_window_opens_read_only_and_names_the_holder(
    qtbot: QtBot, started: list[Startup], database: Path
) -> None:
    with lock_held_by_child(database) as child:
        startup = start(qtbot, started, arguments(database))
        db = startup.db
        assert db is not None and db.read_only and startup.lock is None
        label = badge(startup, "readOnlyLabel")
        assert label is not None and label.text() == "読み取り専用"
        assert startup.window.windowTitle().endswith("（読み取り専用）")
        assert len(startup.notices) == 1
        notice = startup.notices[0]
        assert notice.isVisible() and not notice.isModal()  # the window stays usable behind it
        holder = read_holder(database)
        assert holder is not None and holder.pid == child.pid
        assert f"プロセス番号 {child.pid}" in notice.text() and holder.host in notice.text()
        assert "読み取り専用で開きました" in notice.text()
        # Data shows; a save is refused with the store's Japanese message.
        service = RosterService(db)
        assert service.count() == 1
        with pytest.raises(ReadOnlyDatabaseError, match="読み取り専用で開いているため保存できません"):
            service.create_learner(draft(service.organizations()[0].id))
        assert service.count() == 1


def test_a_held_file_that_needs_migrating_is_refused(
    qtbot: QtBot,
    started: list[Startup],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "old.sqlite"
    old = open_database(path)
    prepare_database(old, destination="0007_record_lookup")
    old.dispose()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with acquire_instance_lock(path) as other:
        assert other is not None
        with pytest.raises(DatabaseOpenError, match="更新できないため、開きません") as refused:
            open_locked(str(path), demo=False)
        assert "0007_record_lookup" in refused.value.message
        assert "プロセス番号" in refused.value.message

        exits: list[int] = []
        # Startup.refuse ends the event loop; none runs here, and a stray exit() would end the next test's wait.
        monkeypatch.setattr(QApplication, "exit", staticmethod(lambda code=0: exits.append(code)))
        startup = start(qtbot, started, arguments(path, quit_after_show=True))
        assert startup.db is None and exits == [app_module.EXIT_BAD_INPUT]
        assert "ほかで開いているまなび台帳を閉じてから" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_file_that_is_not_ours_leaves_no_lock_file(tmp_path: Path) -> None:
    bogus = tmp_path / "roster.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    with pytest.raises(DatabaseOpenError, match="まなび台帳のデータベースではありません"):
        open_locked(str(bogus), demo=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.xlsx"]


def test_a_file_on_a_network_share_is_warned_about_once_without_blocking(
    qtbot: QtBot, started: list[Startup], database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Path] = []

    def fake(path: Path) -> NetworkLocation:
        asked.append(path)
        return NetworkLocation(r"\\nas01\kyoyu", "unc")

    monkeypatch.setattr(app_module, "detect_network_location", fake)
    startup = start(qtbot, started, arguments(database))
    assert asked == [database]
    label = badge(startup, "networkWarningLabel")
    assert label is not None and "PostgreSQL" in label.text()
    assert len(startup.notices) == 1
    notice = startup.notices[0]
    assert notice.icon() == QMessageBox.Icon.Warning and not notice.isModal()
    assert r"\\nas01\kyoyu" in notice.text()
    assert "PostgreSQL" in notice.text() and "壊れるおそれ" in notice.text()
    assert startup.db is not None and not startup.db.read_only  # a warning, not a refusal


def test_a_local_file_gets_no_network_warning(qtbot: QtBot, started: list[Startup], database: Path) -> None:
    startup = start(qtbot, started, arguments(database))
    assert badge(startup, "networkWarningLabel") is None and not startup.notices


def test_a_read_only_refusal_nobody_caught_is_a_notice_not_an_internal_error(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from desktop.ui import error_report

    create_application()
    monkeypatch.setenv("MANABI_DATA_DIR", str(tmp_path))
    passed_on: list[str] = []  # what reached the 「予期しないエラー」 dialog

    def unexpected(box: QMessageBox) -> int:
        passed_on.append(box.detailedText())
        return 0

    shown: list[tuple[str, str]] = []

    def warning(_parent: QWidget | None, title: str, text: str) -> None:
        shown.append((title, text))

    monkeypatch.setattr(QMessageBox, "exec", unexpected)
    monkeypatch.setattr(QMessageBox, "warning", warning)
    refusal = ReadOnlyDatabaseError("データベースを読み取り専用で開いているため保存できません。")
    error_report.handle_exception(ReadOnlyDatabaseError, refusal, None)
    assert shown == [(APP_NAME, refusal.message)] and not passed_on
    bug = RuntimeError("bug")
    error_report.handle_exception(RuntimeError, bug, None)
    assert len(passed_on) == 1 and "RuntimeError: bug" in passed_on[0] and len(shown) == 1


def _wait_for_lock(path: Path, pid: int, child: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        holder = read_holder(path)
        if holder is not None and holder.pid == pid:
            return
        assert child.poll() is None, "the first window exited"
        time.sleep(0.05)
    raise AssertionError("the first window never locked the database")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_two_real_windows_then_the_first_crashes(database: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MANABI_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "desktop", "--db", str(database)]
    first = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL, text=True)
    try:
        _wait_for_lock(database, first.pid, first)
        second = subprocess.run(
            [*command, "--quit-after-show"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 0, second.stderr
        assert "読み取り専用で開きました" in second.stderr
        assert f"プロセス番号 {first.pid}" in second.stderr
        os.kill(first.pid, signal.SIGKILL)  # a crash: no clean-up runs
        first.wait(timeout=10)
        third = subprocess.run(
            [*command, "--quit-after-show"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert third.returncode == 0, third.stderr
        assert "読み取り専用" not in third.stderr  # the stale lock did not block
    finally:
        if first.poll() is None:
            first.kill()
        first.wait(timeout=10)
