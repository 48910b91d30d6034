"""What a page hides from someone who may not use it: a 閲覧者, a read-only window, a 担当者.

The write guard under the services refuses the change anyway; hiding the
buttons saves the clerk from pressing one only to be told no.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar, cast

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from desktop.domain.accounts import Role

P = ParamSpec("P")
R = TypeVar("R")
W = TypeVar("W", bound=QWidget)
EDIT_LOCK = "editing_locked"
ADMIN_LOCK = "administering_locked"

# The buttons that change data, by page and objectName in forms/*.ui.
EDIT_BUTTONS: dict[str, tuple[str, ...]] = {
    "roster": ("addButton", "editButton", "retireButton", "deleteButton", "importButton", "undoButton"),
    "diagnosis": ("frameworkButton", "startButton", "resumeButton", "paperButton", "importButton"),
    "plans": ("proposeButton", "approveButton", "catalogButton", "approvalBoxesButton"),
    "records": ("addButton", "editButton", "deleteButton", "importButton"),
    "grants": (
        "newPlanButton",
        "statusButton",
        "deletePlanButton",
        "newEstablishmentButton",
        "editEstablishmentButton",
        "importRulesButton",
    ),
    "settings": ("restoreButton", "saveUrlButton", "clearUrlButton"),
}
# Of those, the ones only a 管理者 may use (settings and rule files).
ADMIN_BUTTONS: dict[str, tuple[str, ...]] = {
    "plans": ("approvalBoxesButton",),
    "grants": ("importRulesButton",),
    "settings": ("restoreButton", "saveUrlButton", "clearUrlButton"),
}


def hidden_buttons(page_key: str, role: Role, read_only: bool) -> tuple[str, ...]:
    if read_only or not role.can_edit:
        return EDIT_BUTTONS.get(page_key, ())
    if not role.can_administer:
        return ADMIN_BUTTONS.get(page_key, ())
    return ()


def _refuse(page: QWidget, lock: str) -> None:
    # Imported here: the window is shown before the store is imported (tests/test_cli.py).
    from desktop.store.write_guard import ADMIN_REFUSAL, VIEWER_REFUSAL

    message = VIEWER_REFUSAL if lock == EDIT_LOCK else ADMIN_REFUSAL
    status = getattr(page, "status_message", None)
    if status is not None:
        status.emit(message)
    else:
        QMessageBox.information(page, "権限", message)


def _guarded(
    lock: str,
) -> Callable[[Callable[Concatenate[W, P], R]], Callable[Concatenate[W, P], R | None]]:
    def decorate(method: Callable[Concatenate[W, P], R]) -> Callable[Concatenate[W, P], R | None]:
        @functools.wraps(method)
        def guarded(page: W, *args: P.args, **kwargs: P.kwargs) -> R | None:
            if getattr(page, lock, False):  # a double-click or a shortcut, past the hidden buttons
                _refuse(page, lock)
                return None
            return method(page, *args, **kwargs)

        return cast(Callable[Concatenate[W, P], R | None], guarded)

    return decorate


# A page's action that changes data; refused (with the reason) on a page limit_page locked.
editing = _guarded(EDIT_LOCK)
# One that changes settings or rule files.
administering = _guarded(ADMIN_LOCK)


def limit_page(page: QWidget, page_key: str, role: Role, read_only: bool) -> list[str]:
    """Hide what `role` may not press on `page`, and lock its guarded actions; the names hidden, for tests."""
    setattr(page, EDIT_LOCK, read_only or not role.can_edit)
    setattr(page, ADMIN_LOCK, read_only or not role.can_administer)
    hidden = []
    for name in hidden_buttons(page_key, role, read_only):
        button = page.findChild(QAbstractButton, name)
        if button is not None:
            button.setVisible(False)
            hidden.append(name)
    return hidden
