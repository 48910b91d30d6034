"""設定: which database this is, and backing it up or putting a backup back.

A restore needs the database closed: the window's owner (ui/app.Startup)
closes it, releases the lock, restores, and opens it again; the page asks
through `restore_requested` and shows what came of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop.domain.accounts import AuthMode
from desktop.store.account_service import AccountService, auth_mode
from desktop.store.backup import backups_dir
from desktop.ui.forms import child, load_form
from desktop.ui.progress_task import run_with_progress

if TYPE_CHECKING:
    from desktop.store.database import Database

TITLE = "バックアップと復元"


class SettingsPage(QWidget):
    restore_requested = Signal(object)  # the backup file (Path) to put back

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        form = load_form("settings_page.ui", self)
        child(form, QLabel, "titleLabel").setStyleSheet("font-size: 16pt; font-weight: bold;")
        kind = "SQLite（このPCのファイル）" if db.is_sqlite else "PostgreSQL（共有サーバー）"
        state = "（読み取り専用で開いています）" if db.read_only else ""
        child(form, QLabel, "databaseLabel").setText(f"{kind}{state}\n{db.display_name}")
        info = child(form, QLabel, "backupInfoLabel")
        self.backup_button = child(form, QPushButton, "backupButton")
        self.restore_button = child(form, QPushButton, "restoreButton")
        self.backup_button.clicked.connect(self.backup)
        self.restore_button.clicked.connect(self.restore)
        child(form, QPushButton, "openFolderButton").clicked.connect(self.open_folder)
        if db.sqlite_path is None:
            info.setText("共有サーバー（PostgreSQL）のバックアップは、サーバーの pg_dump で取ってください。")
            for button in (self.backup_button, self.restore_button):
                button.setEnabled(False)
        else:
            info.setText(
                f"まなび台帳を閉じるたびに、その日のバックアップを自動で作ります（直近7日分と、4週分）。\n"
                f"保存先: {backups_dir()}"
            )
            self.restore_button.setEnabled(not db.read_only)
        self._accounts = AccountService(db)
        self.accounts_label = child(form, QLabel, "accountsLabel")
        self.users_button = child(form, QPushButton, "usersButton")
        self.mode_button = child(form, QPushButton, "modeButton")
        self.password_button = child(form, QPushButton, "passwordButton")
        self.audit_button = child(form, QPushButton, "auditButton")
        self.users_button.clicked.connect(self.manage_users)
        self.mode_button.clicked.connect(self.switch_mode)
        self.password_button.clicked.connect(self.change_password)
        self.audit_button.clicked.connect(self.show_audit)
        self.url_edit = child(form, QLineEdit, "urlEdit")
        self.connection_state = child(form, QLabel, "connectionStateLabel")
        child(form, QPushButton, "testButton").clicked.connect(self.test_connection)
        child(form, QPushButton, "saveUrlButton").clicked.connect(self.save_connection)
        child(form, QPushButton, "clearUrlButton").clicked.connect(self.clear_connection)
        self.show_accounts()
        self.show_connection()

    @classmethod
    def for_database(cls, db: Database, parent: QWidget) -> SettingsPage:
        return cls(db, parent)

    def backup(self) -> None:
        path = self._db.sqlite_path
        assert path is not None
        chosen, _ = QFileDialog.getSaveFileName(
            self, "バックアップの保存先", str(Path.home() / f"{path.stem}-backup.sqlite"), "SQLite (*.sqlite)"
        )
        if not chosen:
            return
        out = Path(chosen) if chosen.lower().endswith(".sqlite") else Path(f"{chosen}.sqlite")

        def work(progress: Any) -> str:
            from desktop.domain.audit import AuditAction
            from desktop.store.audit_log import recorded_output
            from desktop.store.backup import backup_to

            with recorded_output(self._db, AuditAction.EXPORT, "データベースのバックアップ", target=str(out)):
                revision = backup_to(path, out)
            progress(1)
            return revision

        def done(_revision: object) -> None:
            QMessageBox.information(self, TITLE, f"{out.name} にバックアップを書き出しました。")

        run_with_progress(self, "バックアップを書き出しています…", 1, work, done, heading=TITLE)

    def restore(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "戻すバックアップ", str(backups_dir()), "SQLite (*.sqlite)"
        )
        if not chosen:
            return
        answer = QMessageBox.question(
            self,
            TITLE,
            f"{Path(chosen).name} の内容にデータベースを戻しますか？\n"
            "今の内容は、戻す前にバックアップのフォルダへ残します。",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit(Path(chosen))

    def open_folder(self) -> None:
        folder = backups_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- sign-in and users ------------------------------------------------------------------

    def show_accounts(self) -> None:
        actor = self._db.actor
        mode = auth_mode(self._db)
        signing_in = mode is AuthMode.SIGN_IN
        how = (mode or AuthMode.SINGLE_USER).label
        self.accounts_label.setText(
            f"使い方: {how}\n今の利用者: {actor.describe()}\n"
            "管理者は設定・利用者・ルールファイルを、担当者は入力と編集を、閲覧者は表示と印刷・出力だけを行えます。"
            "個人情報の変更と、個人情報を含む印刷・出力は、すべて監査ログに残ります。"
        )
        admin = actor.role.can_administer and not self._db.read_only
        self.users_button.setEnabled(admin)
        self.mode_button.setEnabled(admin)
        self.mode_button.setText("サインインをやめる(&S)…" if signing_in else "サインインを使う(&S)…")
        self.password_button.setEnabled(actor.user_id is not None and not self._db.read_only)
        self.audit_button.setEnabled(actor.role.can_administer)

    def manage_users(self) -> None:
        from desktop.ui.users_dialog import UsersDialog

        UsersDialog(self._accounts, self).exec()
        self.show_accounts()

    def switch_mode(self) -> None:
        from desktop.store.errors import UserFacingError

        signing_in = auth_mode(self._db) is AuthMode.SIGN_IN
        title = "サインインと利用者"
        try:
            if signing_in:
                answer = QMessageBox.question(
                    self,
                    title,
                    "サインインをやめて、誰でもこのPCのログイン名で使えるようにしますか？\n"
                    "登録した利用者は残ります（あとで、またサインインを使えます）。",
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                self._accounts.set_mode(AuthMode.SINGLE_USER)
            elif not self._accounts.has_users():
                if not self._first_admin():
                    return
            else:
                self._accounts.set_mode(AuthMode.SIGN_IN)
        except UserFacingError as exc:
            QMessageBox.warning(self, title, exc.message)
            return
        QMessageBox.information(self, title, "次に起動したときから、この使い方になります。")
        self.show_accounts()

    def _first_admin(self) -> bool:
        from desktop.ui.sign_in_dialog import FirstRunDialog

        dialog = FirstRunDialog(self._accounts, self)
        dialog.signin.setChecked(True)
        dialog.single.setEnabled(False)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def change_password(self) -> None:
        from desktop.ui.users_dialog import change_own_password

        if change_own_password(self._accounts, self):
            QMessageBox.information(self, "パスワードの変更", "パスワードを変更しました。")

    def show_audit(self) -> None:
        from desktop.ui.audit_dialog import AuditDialog

        AuditDialog(self._db, self).exec()

    # -- the shared database ----------------------------------------------------------------

    def show_connection(self) -> None:
        from desktop.store.connection_setting import saved_target

        saved = saved_target()
        self.url_edit.setText(saved or "")
        where = "保存した PostgreSQL" if saved else "このPCの SQLite ファイル"
        self.connection_state.setText(f"次の起動で開くもの: {where}")

    def test_connection(self) -> None:
        from desktop.store.connection_setting import try_connection
        from desktop.store.errors import UserFacingError

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            version = try_connection(self.url_edit.text())
        except UserFacingError as exc:
            self.connection_state.setText(exc.message)
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.connection_state.setText(f"接続できました（PostgreSQL {version}）。")

    def save_connection(self) -> None:
        from desktop.store.connection_setting import save_target
        from desktop.store.errors import UserFacingError

        try:
            save_target(self.url_edit.text())
        except UserFacingError as exc:
            self.connection_state.setText(exc.message)
            return
        self.show_connection()
        self.connection_state.setText(self.connection_state.text() + "（保存しました。次の起動から使います）")

    def clear_connection(self) -> None:
        from desktop.store.connection_setting import save_target

        save_target(None)
        self.show_connection()
