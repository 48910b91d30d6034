"""The line at the top of a list page that says it shows only the learners the home page sent."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class FocusBanner(QFrame):
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("focusBanner")
        self.setStyleSheet(
            "#focusBanner { background: #eaf1fa; border: 1px solid #b9cde6; border-radius: 3px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        self.label = QLabel(self)
        self.button = QPushButton("すべての受講者を表示", self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(self._clear)
        self.hide()

    def show_for(self, text: str) -> None:
        self.label.setText(f"ホームから: {text}")
        self.show()

    def _clear(self) -> None:
        self.hide()
        self.cleared.emit()


def add_banner(page: QWidget) -> FocusBanner:
    """A banner above the page's form (load_form put the form in the page's own layout)."""
    banner = FocusBanner(page)
    layout = page.layout()
    assert isinstance(layout, QBoxLayout)
    layout.insertWidget(0, banner)
    return banner
