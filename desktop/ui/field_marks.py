"""Red marks on the fields a refused save names, and the reasons in one label under the form."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QWidget

from desktop.store.errors import NotFoundError, StaleEditError, UserFacingError, ValidationFailed

T = TypeVar("T")

ERROR_STYLE = "border: 2px solid #c62828;"


class FieldMarks:
    """Marks fields by the names the service's ValidationFailed uses; "" names no field."""

    def __init__(self, label: QLabel, fields: Mapping[str, QWidget]) -> None:
        self.label = label
        self.fields = dict(fields)
        label.setStyleSheet("color: #c62828;")

    def clear(self) -> None:
        self.label.clear()
        for widget in self.fields.values():
            widget.setStyleSheet("")
            widget.setToolTip("")

    def show(self, problems: Sequence[tuple[str, str]]) -> None:
        """Mark every named field, list every reason, and put the cursor in the first marked field."""
        self.clear()
        self.label.setText("\n".join(message for _, message in problems))
        first: QWidget | None = None
        for field_name, message in problems:
            widget = self.fields.get(field_name)
            if widget is None:
                continue
            widget.setStyleSheet(ERROR_STYLE)
            widget.setToolTip(message)
            first = first or widget
        if first is not None:
            first.setFocus()


def save_or_mark(
    dialog: QDialog,
    marks: FieldMarks,
    save: Callable[[], T],
    on_stale: Callable[[StaleEditError], None],
) -> T | None:
    """Run a dialog's save; a refusal is marked on the form (or, for a vanished row, closes it)."""
    marks.clear()
    try:
        return save()
    except ValidationFailed as exc:
        marks.show(exc.problems)
    except StaleEditError as exc:
        on_stale(exc)
    except NotFoundError as exc:
        QMessageBox.warning(dialog, "保存できません", exc.message)
        dialog.reject()
    except UserFacingError as exc:
        marks.show([("", exc.message)])
    return None


def ask_reload(parent: QWidget, message: str) -> bool:
    """Say why a save was refused as stale; True when the person wants the latest data."""
    box = QMessageBox(QMessageBox.Icon.Warning, "他の人が先に保存しました", message, parent=parent)
    reload_button = box.addButton("最新の内容を読み込む", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("入力画面に戻る", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload_button)
    box.exec()
    return box.clickedButton() is reload_button


RELOADED = "最新の内容を読み込みました。必要な変更をもう一度入力して保存してください。"


def reload_after_stale(
    dialog: QDialog, marks: FieldMarks, exc: StaleEditError, reload: Callable[[], None] | None
) -> bool:
    """Offer the latest data after a stale save; True when it was read into the dialog."""
    if reload is None or not ask_reload(dialog, exc.message):
        marks.show([("", exc.message)])
        return False
    try:
        reload()
    except NotFoundError as gone:
        QMessageBox.warning(dialog, "保存できません", gone.message)
        dialog.reject()
        return False
    marks.show([("", RELOADED)])
    return True
