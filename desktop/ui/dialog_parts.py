"""Small pieces the sign-in and user dialogs share: a password field, and the OK/cancel row."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit

from desktop.domain.accounts import MAX_PASSWORD_LENGTH


def password_field(name: str, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(MAX_PASSWORD_LENGTH)
    field.setPlaceholderText(placeholder)
    return field


def answer_buttons(
    dialog: QDialog, accept_text: str, reject_text: str, on_accept: Callable[[], None]
) -> QDialogButtonBox:
    """OK (named `accept_text`, running `on_accept`, which accepts when it is done) and cancel."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(accept_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(reject_text)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
