"""サインイン in the window: the first-run choice, the sign-in dialog, what each role sees, the 設定 page."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from desktop.domain.accounts import MAX_FAILED_ATTEMPTS, Actor, AuthMode, Role
from desktop.store.account_service import AccountService, auth_mode, sign_in_as
from desktop.store.audit_views import AuditFilter, audit_rows
from desktop.store.database import Database, open_database, os_actor
from desktop.store.migrate import prepare_database
from desktop.ui import sign_in_dialog
from desktop.ui.audit_dialog import AuditDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.pages.settings_page import SettingsPage
from desktop.ui.role_limits import EDIT_BUTTONS, hidden_buttons
from desktop.ui.sign_in_dialog import FirstRunDialog, SignInDialog, authenticate
from desktop.ui.users_dialog import UserEditDialog, UsersDialog
from tests.factories import RosterFactory
from tests.pg_server import PostgresServer
from tests.ui.diagnosis_support import Asked
from tests.ui.test_plans_page import wait_until
from tests.ui.test_single_instance import arguments, start, started  # noqa: F401

PASSWORD = "sakura-2026"


def office(db: Database) -> AccountService:
    service = AccountService(db)
    sign_in_as(db, service.create_first_admin("kanri", "管理　花子", PASSWORD))
    service.add_user("tanaka", "田中　一郎", Role.STAFF, PASSWORD)
    service.add_user("sato", "佐藤　花子", Role.VIEWER, PASSWORD)
    sign_in_as(db, os_actor())
    return service


def office_file(tmp_path: Path) -> tuple[Path, Database]:
    """An office database file with its three users, open (the caller disposes of it)."""
    path = tmp_path / "office.sqlite"
    db = open_database(path)
    prepare_database(db)
    office(db)
    return path, db


def test_first_run_creates_the_admin(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = FirstRunDialog(AccountService(sqlite_db))
    qtbot.addWidget(dialog)
    dialog.login.setText("kanri")
    dialog.display_name.setText("総務課　管理")
    dialog.password.setText(PASSWORD)
    dialog.confirm.setText(PASSWORD + "x")
    dialog.start()
    assert "一致しません" in dialog.message.text() and dialog.result() != QDialog.DialogCode.Accepted
    assert auth_mode(sqlite_db) is None
    dialog.confirm.setText(PASSWORD)
    dialog.start()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.role is Role.ADMIN
    assert auth_mode(sqlite_db) is AuthMode.SIGN_IN


def test_first_run_marks_every_bad_field(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = FirstRunDialog(AccountService(sqlite_db))
    qtbot.addWidget(dialog)
    dialog.login.setText("管理者")
    dialog.start()
    text = dialog.message.text()
    assert "ログイン名は半角" in text and "表示名" in text and "8文字以上" in text
    assert dialog.login.styleSheet() and dialog.password.styleSheet()


def test_first_run_single_user(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = FirstRunDialog(AccountService(sqlite_db))
    qtbot.addWidget(dialog)
    dialog.single.setChecked(True)
    assert not dialog.admin_box.isEnabled()
    dialog.start()
    assert dialog.actor == os_actor() and auth_mode(sqlite_db) is AuthMode.SINGLE_USER


def test_sign_in_dialog_accepts_the_right_password(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = SignInDialog(office(sqlite_db), "test")
    qtbot.addWidget(dialog)
    dialog.login.setText("tanaka")
    dialog.password.setText("wrong-pass")
    dialog.try_sign_in()
    assert dialog.message.text() == "ログイン名またはパスワードが違います。" and dialog.password.text() == ""
    dialog.password.setText(PASSWORD)
    dialog.try_sign_in()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.role is Role.STAFF


def test_sign_in_dialog_gives_up_after_the_tries(qtbot: QtBot, sqlite_db: Database) -> None:
    dialog = SignInDialog(office(sqlite_db), "test")
    qtbot.addWidget(dialog)
    dialog.login.setText("nobody")
    for _ in range(MAX_FAILED_ATTEMPTS):
        dialog.password.setText("wrong-pass")
        dialog.try_sign_in()
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.actor is None
    assert "終了します" in dialog.message.text()


def test_authenticate_follows_the_mode(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def fake_exec(self: QDialog) -> int:
        shown.append(type(self).__name__)
        if isinstance(self, SignInDialog):
            self.login.setText("sato")
            self.password.setText(PASSWORD)
            self.try_sign_in()
        return int(self.result())

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    AccountService(sqlite_db).choose_single_user()
    assert authenticate(sqlite_db) == os_actor() and shown == []
    office(sqlite_db)
    actor = authenticate(sqlite_db)
    assert shown == ["SignInDialog"] and actor is not None and actor.login == "sato"


def test_a_window_that_needs_sign_in_refuses_a_headless_start(
    qtbot: QtBot,
    started: list,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, db = office_file(tmp_path)
    db.dispose()
    refused: list[str] = []
    monkeypatch.setattr("desktop.ui.app.Startup.refuse", lambda self, message, code: refused.append(message))
    start(qtbot, started, arguments(path, quit_after_show=True))
    assert refused == ["このデータベースはサインインが必要です。"]


def test_the_signed_in_user_is_who_the_window_acts_as(
    qtbot: QtBot,
    started: list,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, db = office_file(tmp_path)
    RosterFactory(db).learner(RosterFactory(db).organization())
    db.dispose()
    viewer = Actor("sato", "佐藤　花子", Role.VIEWER, 3)
    monkeypatch.setattr(sign_in_dialog, "authenticate", lambda db, parent=None: viewer)
    startup = start(qtbot, started, arguments(path))
    assert startup.db is not None and startup.db.actor == viewer
    window = startup.window
    assert window.user_label.text() == "利用者: 佐藤　花子（sato）・閲覧者"
    window.show_page("roster")
    roster = window.roster_page
    assert roster is not None
    for name in EDIT_BUTTONS["roster"]:
        button = roster.findChild(QPushButton, name)
        assert button is not None and not button.isVisibleTo(roster), name


def test_leaving_the_sign_in_closes_the_app(
    qtbot: QtBot,
    started: list,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, db = office_file(tmp_path)
    db.dispose()
    monkeypatch.setattr(sign_in_dialog, "authenticate", lambda db, parent=None: None)
    exits: list[int] = []
    from desktop.ui.app import Startup, create_application

    app = create_application()
    monkeypatch.setattr(app, "exit", lambda code=0: exits.append(code))
    made = Startup(app, arguments(path))
    qtbot.addWidget(made.window)
    started.append(made)
    made.open_database()
    assert exits == [0]
    assert made.window.roster_page is None or not made.window.roster_page.loaded


def test_role_limits() -> None:
    assert hidden_buttons("roster", Role.VIEWER, False) == EDIT_BUTTONS["roster"]
    assert hidden_buttons("roster", Role.STAFF, False) == ()
    assert hidden_buttons("roster", Role.ADMIN, True) == EDIT_BUTTONS["roster"]
    assert hidden_buttons("grants", Role.STAFF, False) == ("importRulesButton",)
    assert hidden_buttons("exports", Role.VIEWER, False) == ()


def test_main_window_hides_editing_from_a_viewer_and_rule_files_from_staff(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    sqlite_db.actor = Actor("tanaka", "田中", Role.STAFF, 2)
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(sqlite_db)
    window.show_page("grants")
    grants = window.findChild(QPushButton, "importRulesButton")
    assert grants is not None and not grants.isVisibleTo(window.stack.currentWidget())
    new_plan = window.stack.currentWidget().findChild(QPushButton, "newPlanButton")
    assert new_plan is not None and new_plan.isVisibleTo(window.stack.currentWidget())


def test_settings_page_for_admin_and_for_staff(qtbot: QtBot, sqlite_db: Database) -> None:
    office(sqlite_db)
    sign_in_as(sqlite_db, Actor("kanri", "管理　花子", Role.ADMIN, 1))
    page = SettingsPage(sqlite_db)
    qtbot.addWidget(page)
    assert (
        "サインインあり" in page.accounts_label.text()
        and "管理　花子（kanri）・管理者" in page.accounts_label.text()
    )
    assert (
        page.users_button.isEnabled() and page.audit_button.isEnabled() and page.password_button.isEnabled()
    )
    assert page.mode_button.text().startswith("サインインをやめる")
    sign_in_as(sqlite_db, Actor("tanaka", "田中　一郎", Role.STAFF, 2))
    staff = SettingsPage(sqlite_db)
    qtbot.addWidget(staff)
    assert not staff.users_button.isEnabled() and not staff.audit_button.isEnabled()
    assert staff.password_button.isEnabled()


def test_turning_sign_in_off_and_on_from_settings(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    office(sqlite_db)
    sign_in_as(sqlite_db, Actor("kanri", "管理　花子", Role.ADMIN, 1))
    page = SettingsPage(sqlite_db)
    qtbot.addWidget(page)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    told = Asked()
    monkeypatch.setattr(QMessageBox, "information", told)
    page.switch_mode()
    assert auth_mode(sqlite_db) is AuthMode.SINGLE_USER
    assert page.mode_button.text().startswith("サインインを使う")
    page.switch_mode()
    assert auth_mode(sqlite_db) is AuthMode.SIGN_IN


def test_users_dialog_adds_and_changes_a_user(qtbot: QtBot, sqlite_db: Database) -> None:
    service = office(sqlite_db)
    sign_in_as(sqlite_db, Actor("kanri", "管理　花子", Role.ADMIN, 1))
    dialogs = UsersDialog(service)
    qtbot.addWidget(dialogs)
    assert dialogs.model.rowCount() == 3
    add = UserEditDialog(service, None)
    qtbot.addWidget(add)
    add.login.setText("suzuki")
    add.display_name.setText("鈴木　次郎")
    add.role.setCurrentIndex(2)
    add.password.setText("short")
    add.save()
    assert "8文字以上" in add.message.text()
    add.password.setText(PASSWORD)
    add.save()
    assert add.result() == QDialog.DialogCode.Accepted
    dialogs.reload()
    suzuki = next(u for u in dialogs.model.rows() if u.login == "suzuki")
    assert suzuki.role is Role.VIEWER
    edit = UserEditDialog(service, suzuki)
    qtbot.addWidget(edit)
    edit.role.setCurrentIndex(1)
    edit.save()
    assert next(u for u in service.users() if u.login == "suzuki").role is Role.STAFF


def test_audit_dialog_filters_and_exports(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office(sqlite_db)
    sign_in_as(sqlite_db, Actor("tanaka", "田中　一郎", Role.STAFF, 2))
    RosterFactory(sqlite_db).learner(RosterFactory(sqlite_db).organization(), name="山田　太郎")
    sign_in_as(sqlite_db, Actor("kanri", "管理　花子", Role.ADMIN, 1))
    dialog = AuditDialog(sqlite_db)
    qtbot.addWidget(dialog)
    assert dialog.loading and dialog.count.text() == "読み込んでいます…"  # off the UI thread
    wait_until(lambda: not dialog.loading)
    total = audit_rows(sqlite_db, AuditFilter())[1]
    assert dialog.model.rowCount() == total and dialog.count.text().startswith(f"{total}件")
    dialog.action.setCurrentIndex(dialog.action.findData("delete"))  # changed while the next read runs
    dialog.actor.setCurrentIndex(dialog.actor.findData("tanaka"))
    dialog.action.setCurrentIndex(0)
    wait_until(lambda: not dialog.loading)
    assert [row.entity_label for row in dialog.model.rows()] == ["T00001 山田　太郎"]
    assert dialog.model.data(dialog.model.index(0, 4)) == "追加"
    out = tmp_path / "監査"
    monkeypatch.setattr("desktop.ui.audit_dialog.QFileDialog.getSaveFileName", lambda *a, **k: (str(out), ""))
    told = Asked()
    monkeypatch.setattr(QMessageBox, "information", told)
    dialog.export()  # off the UI thread, behind a progress dialog
    wait_until(lambda: bool(told.texts))
    assert (tmp_path / "監査.xlsx").is_file() and "1件" in told.texts[0]
    assert audit_rows(sqlite_db, AuditFilter())[1] == total + 1  # the export is in the log it exported


@pytest.mark.postgres
def test_a_saved_shared_database_is_what_the_window_opens(
    qtbot: QtBot,
    started: list,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_server: PostgresServer,
) -> None:
    from desktop.store.connection_setting import save_target

    monkeypatch.setenv("MANABI_DATA_DIR", str(tmp_path / "data"))
    url = pg_server.create_database("saved_target_test")
    try:
        save_target(url)
        args = arguments(tmp_path / "unused.sqlite", quit_after_show=True)
        args.db = None
        startup = start(qtbot, started, args)
        assert startup.db is not None and not startup.db.is_sqlite
        assert startup.db.url.database == "saved_target_test"
        assert "PostgreSQL" in startup.window.database_label.text()
        from desktop.ui.workers import wait_for_background_work

        wait_for_background_work()  # a page still reading holds a connection the drop below would orphan
        startup.finish()
        startup.db = None
    finally:
        pg_server.drop_database("saved_target_test")


def test_settings_page_saves_this_pcs_shared_database(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.store.connection_setting import saved_target

    monkeypatch.setenv("MANABI_DATA_DIR", str(tmp_path / "data"))
    page = SettingsPage(sqlite_db)
    qtbot.addWidget(page)
    page.url_edit.setText("postgresql://manabi@db-server/manabi")
    page.save_connection()
    assert saved_target() == "postgresql://manabi@db-server/manabi"
    assert "保存した PostgreSQL" in page.connection_state.text()
    page.url_edit.setText("manabi.sqlite")
    page.save_connection()
    assert (
        "postgresql://" in page.connection_state.text()
        and saved_target() == "postgresql://manabi@db-server/manabi"
    )
    page.clear_connection()
    assert saved_target() is None and page.url_edit.text() == ""


def test_a_viewers_double_click_or_shortcut_is_refused_too(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.learner_dialog import LearnerDialog

    RosterFactory(sqlite_db).learner(RosterFactory(sqlite_db).organization())
    sqlite_db.actor = Actor("sato", "佐藤", Role.VIEWER, 3)
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(sqlite_db)
    window.show_page("roster")
    window.show()
    roster = window.roster_page
    assert roster is not None
    wait_until(lambda: roster.loaded)
    opened: list[object] = []
    monkeypatch.setattr(LearnerDialog, "exec", lambda self: opened.append(self) or 0)
    roster.table.selectRow(0)
    roster.table.doubleClicked.emit(roster.proxy.index(0, 0))
    roster.add_learner()
    assert opened == []
    assert window.statusBar().currentMessage().startswith("閲覧者の権限では変更できません")


def test_staff_cannot_load_rule_files_even_past_the_hidden_button(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_db.actor = Actor("tanaka", "田中", Role.STAFF, 2)
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach_database(sqlite_db)
    window.show_page("grants")
    told = Asked()
    monkeypatch.setattr(QMessageBox, "information", told)
    picked: list[object] = []
    monkeypatch.setattr(
        "desktop.ui.pages.grants_page.QFileDialog.getOpenFileName",
        lambda *a, **k: picked.append(a) or ("", ""),
    )
    window.stack.currentWidget().import_rules()
    assert picked == [] and "管理者だけ" in told.texts[0]
