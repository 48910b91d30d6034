"""サインイン, and the first-run choice between sign-in and a single-user office.

Both run before the window shows the data: Startup asks `authenticate`,
which answers the Actor the window acts as, or None when the clerk gave up.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.accounts import MAX_FAILED_ATTEMPTS, MIN_PASSWORD_LENGTH, Actor, AuthMode
from desktop.store.account_service import AccountService, auth_mode
from desktop.store.database import Database, os_actor
from desktop.store.errors import SignInError, UserFacingError
from desktop.ui.dialog_parts import answer_buttons, password_field
from desktop.ui.field_marks import FieldMarks


class SignInDialog(QDialog):
    """ログイン名とパスワード. A window allows a few tries, then closes: guessing means starting again."""

    def __init__(self, service: AccountService, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("まなび台帳 — サインイン")
        self.setMinimumWidth(520)
        self._service = service
        self._tries = 0
        self.actor: Actor | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(f"ログイン名とパスワードを入力してください。\nデータベース: {where}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.login = QLineEdit()
        self.login.setObjectName("loginEdit")
        self.login.setMaxLength(32)
        self.password = password_field("passwordEdit")
        form.addRow("ログイン名(&L)", self.login)
        form.addRow("パスワード(&P)", self.password)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("messageLabel")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        buttons = answer_buttons(self, "サインイン", "終了", self.try_sign_in)
        layout.addWidget(buttons)
        self.login.setFocus()

    def try_sign_in(self) -> None:
        try:
            self.actor = self._service.sign_in(self.login.text(), self.password.text())
        except SignInError as exc:
            self._tries += 1
            self.password.clear()
            self.password.setFocus()
            if self._tries >= MAX_FAILED_ATTEMPTS:
                self.message.setText(exc.message + "\n入力を続けて間違えたため、まなび台帳を終了します。")
                self.reject()
                return
            self.message.setText(exc.message)
            return
        self.accept()


class FirstRunDialog(QDialog):
    """The one-time choice: no sign-in (a small office), or users with roles and a first 管理者."""

    def __init__(self, service: AccountService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("まなび台帳 — はじめての設定")
        self.setMinimumWidth(560)
        self._service = service
        self.actor: Actor | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "このデータベースの使い方を選んでください。あとから 設定 で変えられます。\n"
            "名簿には職員の個人情報が入ります。複数の人が使うときは、サインインを使ってください。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.single = QRadioButton(
            "サインインなしで使う（1人で使う小さな事務所向け。操作は「" + os_actor().login + "」として記録）"
        )
        self.single.setObjectName("singleUserRadio")
        self.signin = QRadioButton("利用者ごとにサインインして使う（管理者・担当者・閲覧者の権限を分ける）")
        self.signin.setObjectName("signInRadio")
        group = QButtonGroup(self)
        for radio in (self.signin, self.single):
            group.addButton(radio)
            layout.addWidget(radio)
        self.signin.setChecked(True)
        self.admin_box = QWidget()
        form = QFormLayout(self.admin_box)
        form.setContentsMargins(24, 4, 0, 4)
        self.login = QLineEdit()
        self.login.setObjectName("loginEdit")
        self.login.setPlaceholderText("半角英数字（例: kanri）")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("displayNameEdit")
        self.display_name.setPlaceholderText("例: 総務課　山田")
        self.password = password_field("passwordEdit", f"{MIN_PASSWORD_LENGTH}文字以上")
        self.confirm = password_field("confirmEdit")
        form.addRow(QLabel("最初の管理者を登録します。"))
        form.addRow("ログイン名(&L)", self.login)
        form.addRow("表示名(&N)", self.display_name)
        form.addRow("パスワード(&P)", self.password)
        form.addRow("パスワード（確認）", self.confirm)
        layout.addWidget(self.admin_box)
        self.message = QLabel()
        self.message.setObjectName("messageLabel")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.marks = FieldMarks(
            self.message,
            {
                "login": self.login,
                "display_name": self.display_name,
                "password": self.password,
                "confirm": self.confirm,
            },
        )
        self.single.toggled.connect(lambda single: self.admin_box.setEnabled(not single))
        buttons = answer_buttons(self, "始める", "終了", self.start)
        layout.addWidget(buttons)
        self.login.setFocus()

    def start(self) -> None:
        self.marks.clear()
        try:
            if self.single.isChecked():
                self._service.choose_single_user()
                self.actor = os_actor()
            else:
                if self.password.text() != self.confirm.text():
                    self.marks.show([("confirm", "確認のパスワードが一致しません。")])
                    return
                self.actor = self._service.create_first_admin(
                    self.login.text(), self.display_name.text(), self.password.text()
                )
        except UserFacingError as exc:
            problems = getattr(exc, "problems", None)
            self.marks.show(problems if problems else [("", exc.message)])
            return
        self.accept()


def authenticate(db: Database, parent: QWidget | None = None) -> Actor | None:
    """Who the window acts as: asked at sign-in, chosen at first run, or the PC's login."""
    service = AccountService(db)
    mode = auth_mode(db)
    if mode is None:
        if db.read_only:  # nothing can be chosen or stored; a later window will ask
            return os_actor()
        first = FirstRunDialog(service, parent)
        first.setWindowModality(Qt.WindowModality.ApplicationModal)
        return first.actor if first.exec() == QDialog.DialogCode.Accepted else None
    if mode is AuthMode.SINGLE_USER:
        return os_actor()
    dialog = SignInDialog(service, db.display_name, parent)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None
