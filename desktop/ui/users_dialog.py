"""利用者の管理 (管理者): the office's users, their roles, passwords and locks; and one's own password."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.accounts import MIN_PASSWORD_LENGTH, Role
from desktop.store.account_service import AccountService, UserInfo
from desktop.store.audit_log import local_time
from desktop.store.errors import StaleEditError, UserFacingError, ValidationFailed
from desktop.ui.dialog_parts import answer_buttons, password_field
from desktop.ui.field_marks import FieldMarks
from desktop.ui.rows_model import Column, RowsModel

TITLE = "利用者の管理"
NEW_PASSWORD_HINT = f"{MIN_PASSWORD_LENGTH}文字以上"


class UsersModel(RowsModel[UserInfo]):
    columns = (
        Column[UserInfo]("ログイン名", lambda u: u.login),
        Column[UserInfo]("表示名", lambda u: u.display_name),
        Column[UserInfo]("権限", lambda u: u.role.label),
        Column[UserInfo]("状態", lambda u: "無効" if not u.active else ("ロック中" if u.locked else "有効")),
        Column[UserInfo](
            "最終サインイン",
            lambda u: f"{local_time(u.last_sign_in_at):%Y/%m/%d %H:%M}" if u.last_sign_in_at else "",
        ),
    )


def _role_combo() -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(role.label, role.value)
    return combo


class UserEditDialog(QDialog):
    """Add a user (with a first password) or change one's name, role and whether they may sign in."""

    def __init__(self, service: AccountService, user: UserInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("利用者の追加" if user is None else f"利用者の変更 — {user.login}")
        self.setMinimumWidth(460)
        self._service, self._user = service, user
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.login = QLineEdit(user.login if user else "")
        self.login.setObjectName("loginEdit")
        self.login.setReadOnly(user is not None)
        self.display_name = QLineEdit(user.display_name if user else "")
        self.display_name.setObjectName("displayNameEdit")
        self.role = _role_combo()
        self.role.setObjectName("roleCombo")
        self.role.setCurrentIndex(list(Role).index(user.role if user else Role.STAFF))
        self.active = QCheckBox("サインインできる")
        self.active.setChecked(user.active if user else True)
        self.password = password_field("passwordEdit", NEW_PASSWORD_HINT)
        form.addRow("ログイン名(&L)", self.login)
        form.addRow("表示名(&N)", self.display_name)
        form.addRow("権限(&R)", self.role)
        if user is None:
            form.addRow("最初のパスワード(&P)", self.password)
        else:
            form.addRow("", self.active)
        layout.addLayout(form)
        layout.addWidget(
            QLabel("管理者: 設定・利用者・ルールファイル　担当者: 入力と編集　閲覧者: 見る・印刷だけ")
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.marks = FieldMarks(
            self.message,
            {
                "login": self.login,
                "display_name": self.display_name,
                "password": self.password,
                "role": self.role,
            },
        )
        buttons = answer_buttons(self, "保存", "キャンセル", self.save)
        layout.addWidget(buttons)

    def save(self) -> None:
        self.marks.clear()
        role = Role(self.role.currentData())
        try:
            if self._user is None:
                self._service.add_user(
                    self.login.text(), self.display_name.text(), role, self.password.text()
                )
            else:
                user = self._user
                self._service.update_user(
                    user.id, user.version, self.display_name.text(), role, self.active.isChecked()
                )
        except ValidationFailed as exc:
            self.marks.show(exc.problems)
            return
        except UserFacingError as exc:
            self.marks.show([("", exc.message)])
            return
        self.accept()


class PasswordDialog(QDialog):
    """A new password, typed twice; with the current one when it is one's own."""

    def __init__(self, title: str, *, ask_current: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.current = password_field("currentEdit")
        self.new = password_field("newEdit", NEW_PASSWORD_HINT)
        self.confirm = password_field("confirmEdit")
        if ask_current:
            form.addRow("今のパスワード", self.current)
        form.addRow("新しいパスワード", self.new)
        form.addRow("新しいパスワード（確認）", self.confirm)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.marks = FieldMarks(
            self.message, {"current": self.current, "password": self.new, "confirm": self.confirm}
        )
        buttons = answer_buttons(self, "変更", "キャンセル", self._check)
        layout.addWidget(buttons)
        self.apply: Callable[[], None] = lambda: None

    def _check(self) -> None:
        self.marks.clear()
        if self.new.text() != self.confirm.text():
            self.marks.show([("confirm", "確認のパスワードが一致しません。")])
            return
        try:
            self.apply()
        except ValidationFailed as exc:
            self.marks.show(exc.problems)
            return
        except UserFacingError as exc:
            self.marks.show([("", exc.message)])
            return
        self.accept()


def change_own_password(service: AccountService, parent: QWidget) -> bool:
    dialog = PasswordDialog("パスワードの変更", ask_current=True, parent=parent)
    dialog.apply = lambda: service.change_own_password(dialog.current.text(), dialog.new.text())
    return dialog.exec() == QDialog.DialogCode.Accepted


class UsersDialog(QDialog):
    def __init__(self, service: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.resize(760, 420)
        self._service = service
        layout = QVBoxLayout(self)
        self.model = UsersModel(self)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        layout.addWidget(self.table)
        row = QHBoxLayout()
        for text, name, slot in (
            ("追加(&A)…", "addButton", self.add),
            ("変更(&E)…", "editButton", self.edit),
            ("パスワードの再設定(&P)…", "resetButton", self.reset_password),
            ("ロックの解除(&U)", "unlockButton", self.unlock),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton("閉じる")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self._service.users())
        self.table.resizeColumnsToContents()

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def add(self) -> None:
        if UserEditDialog(self._service, None, self).exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def edit(self) -> None:
        user = self.selected()
        if user is None:
            return
        UserEditDialog(self._service, user, self).exec()
        self.reload()  # saved here or elsewhere meanwhile: one cheap query either way

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        dialog = PasswordDialog(f"パスワードの再設定 — {user.login}", ask_current=False, parent=self)
        dialog.apply = lambda: self._service.reset_password(user.id, dialog.new.text())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            QMessageBox.information(self, TITLE, f"{user.display_name} さんのパスワードを再設定しました。")
            self.reload()

    def unlock(self) -> None:
        user = self.selected()
        if user is None:
            return
        try:
            self._service.unlock(user.id)
        except (StaleEditError, UserFacingError) as exc:
            QMessageBox.warning(self, TITLE, exc.message)
        self.reload()
