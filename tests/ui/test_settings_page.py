"""設定: a backup made from the window, and a backup put back while the window stays open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.store.backup import backup_to
from desktop.store.database import Database, open_database
from desktop.store.roster_service import RosterService
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.settings_page import SettingsPage
from tests.factories import RosterFactory
from tests.ui.diagnosis_support import Asked
from tests.ui.test_plans_page import wait_until
from tests.ui.test_single_instance import Startup, arguments, database, start, started  # noqa: F401


def numbers(db: Database) -> list[str]:
    return sorted(row.number for row in RosterService(db).roster_rows())


def test_a_backup_from_the_page_is_a_checked_copy(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    RosterFactory(sqlite_db).learner(RosterFactory(sqlite_db).organization(), number="A1")
    page = SettingsPage(sqlite_db)
    qtbot.addWidget(page)
    told = Asked()
    monkeypatch.setattr(QMessageBox, "information", told)
    out = tmp_path / "控え"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(out), ""))
    page.backup()
    wait_until(lambda: bool(told.texts))
    copy = tmp_path / "控え.sqlite"
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT number FROM learners").fetchall() == [("A1",)]
    assert "控え.sqlite" in told.texts[-1]


def test_a_restore_reopens_the_window_on_the_backup(
    qtbot: QtBot,
    started: list[Startup],  # noqa: F811
    database: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    saved = tmp_path / "before.sqlite"
    backup_to(database, saved)
    later = open_database(database)
    factory = RosterFactory(later)
    factory.learner(factory.organization("後から追加した団体"), number="LATER")
    later.dispose()
    startup = start(qtbot, started, arguments(database))
    assert startup.db is not None and "LATER" in numbers(startup.db)
    told = Asked()
    monkeypatch.setattr(QMessageBox, "information", told)
    monkeypatch.setattr(QMessageBox, "question", Asked(QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(saved), ""))
    startup.window.show_page("settings")
    page = startup.window.page("settings")
    assert isinstance(page, SettingsPage) and page.restore_button.isEnabled()
    page.restore()  # the page asks; the window's owner closes, restores and reopens
    assert "before.sqlite の内容に戻しました" in told.texts[-1]
    assert startup.db is not None and "LATER" not in numbers(startup.db)
    assert startup.lock is not None and startup.lock.held
    assert startup.window.page("settings") is not page  # rebuilt on the reopened database
    from desktop.store.backup import backups_dir

    assert "戻す前の内容は" in told.texts[-1]
    kept = sorted(backups_dir().glob("manabi-before-restore-*.sqlite"))
    assert kept, "the replaced database is kept before the restore"
    with sqlite3.connect(kept[-1]) as connection:
        assert ("LATER",) in connection.execute("SELECT number FROM learners").fetchall()
    with sqlite3.connect(database) as connection:  # the restored database says it was put back, and by whom
        restored = connection.execute(
            "SELECT entity_label, actor_login FROM audit_log WHERE action = 'restore'"
        )
        assert restored.fetchall() == [("before.sqlite", startup.db.actor.login)]


def test_without_an_owner_the_window_says_how_to_restore(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(sqlite_db)
    warned = Asked()
    monkeypatch.setattr(QMessageBox, "warning", warned)
    window.restore_backup(tmp_path / "x.sqlite")
    assert "restore コマンド" in warned.texts[-1]


def test_an_unexpected_failure_during_a_restore_still_reopens_the_database(
    qtbot: QtBot,
    started: list[Startup],  # noqa: F811
    database: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import desktop.store.backup as backup

    startup = start(qtbot, started, arguments(database))
    before = numbers(startup.db) if startup.db else []

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk went away")

    monkeypatch.setattr(backup, "restore_from", broken)
    warned = Asked()
    monkeypatch.setattr(QMessageBox, "warning", warned)
    startup.restore_backup(tmp_path / "whatever.sqlite")
    assert "戻せませんでした" in warned.texts[-1]
    assert startup.db is not None and numbers(startup.db) == before
    assert startup.lock is not None and startup.lock.held
