"""The colour key under a heatmap: one swatch and its range per band."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from desktop.ui.heatmap_model import LEVEL_LEGEND

SWATCH_SIZE = 14


class LevelLegend(QWidget):
    def __init__(
        self,
        entries: Sequence[tuple[str, QColor]] = LEVEL_LEGEND,
        title: str = "レベル：",
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._title = QLabel(title)
        self._entries: list[tuple[str, QColor]] = []
        self.set_entries(entries)

    @property
    def entries(self) -> list[tuple[str, QColor]]:
        return list(self._entries)

    def set_entries(self, entries: Sequence[tuple[str, QColor]]) -> None:
        """Replace the swatches (a framework with another scale has other ranges)."""
        while (item := self._layout.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None and widget is not self._title:
                widget.setParent(None)  # gone at once, not only after the event loop deletes it
                widget.deleteLater()
        self._entries = list(entries)
        if self._title.text():
            self._layout.addWidget(self._title)
        for text, color in self._entries:
            swatch = QFrame()
            swatch.setFixedSize(SWATCH_SIZE, SWATCH_SIZE)
            # A dark border keeps the light tints distinguishable from the window background.
            swatch.setStyleSheet(f"background-color: {color.name()}; border: 1px solid #808080;")
            label = QLabel(text)
            self._layout.addWidget(swatch)
            self._layout.addWidget(label)
            self._layout.addSpacing(8)
        self._layout.addStretch(1)
        labels = "、".join(text for text, _ in self._entries)
        self.setAccessibleName(f"{self._title.text()}{labels}")
