"""What a page hides from someone who may not use it: a 閲覧者, a read-only window, a 担当者.

The write guard under the services refuses the change anyway; hiding the
buttons saves the clerk from pressing one only to be told no.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QWidget

from desktop.domain.accounts import Role

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


def limit_page(page: QWidget, page_key: str, role: Role, read_only: bool) -> list[str]:
    """Hide what `role` may not press on `page`; the names hidden, for tests."""
    hidden = []
    for name in hidden_buttons(page_key, role, read_only):
        button = page.findChild(QAbstractButton, name)
        if button is not None:
            button.setVisible(False)
            hidden.append(name)
    return hidden
