"""Typing Japanese as an input method does: QTest.keyClicks only knows ASCII keys."""

from __future__ import annotations

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Commit `text` one character at a time, each a keystroke's worth of change."""
    widget.setFocus()
    for char in text:
        event = QInputMethodEvent()
        event.setCommitString(char)
        QApplication.sendEvent(widget, event)
