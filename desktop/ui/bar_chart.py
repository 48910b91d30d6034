"""A horizontal bar chart for the dashboard: one row per label, one bar per series, click to open.

Drawn with QPainter rather than QtCharts (an add-on the bundle leaves out).
A row is chosen by mouse or by keyboard (↑↓ and Enter), and `activated`
says which, so the page can open the list behind the bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

ROW_HEIGHT = 24
LABEL_WIDTH = 190
VALUE_WIDTH = 64
LEGEND_HEIGHT = 20
GRID = QColor("#d5d9e0")
TEXT = QColor("#1a1a1a")
MUTED = QColor("#6b6b6b")
FOCUS = QColor("#2f6fb3")


@dataclass(frozen=True)
class Series:
    name: str
    color: QColor


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float | None, ...]  # one per series; None draws nothing
    texts: tuple[str, ...]  # what is written at the end of each bar
    tooltip: str = ""


class BarChart(QWidget):
    activated = Signal(int)  # the row clicked, or chosen with Enter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: tuple[Series, ...] = ()
        self._bars: tuple[Bar, ...] = ()
        self._maximum = 1.0
        self._unit = ""
        self._empty = "データがありません"
        self.current = -1
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_data(
        self,
        series: Sequence[Series],
        bars: Sequence[Bar],
        maximum: float,
        *,
        unit: str = "",
        empty: str = "データがありません",
    ) -> None:
        self._series = tuple(series)
        self._bars = tuple(bars)
        self._maximum = maximum if maximum > 0 else 1.0
        self._unit = unit
        self._empty = empty
        self.current = min(self.current, len(self._bars) - 1)
        self.updateGeometry()
        self.update()

    def bars(self) -> tuple[Bar, ...]:
        return self._bars

    def _row_height(self) -> int:
        return ROW_HEIGHT if len(self._series) < 2 else ROW_HEIGHT + 8

    def sizeHint(self) -> QSize:
        rows = max(len(self._bars), 2)
        return QSize(520, LEGEND_HEIGHT + rows * self._row_height() + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, self.sizeHint().height())

    # -- drawing ------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        self._legend(painter, metrics)
        if not self._bars:
            painter.setPen(MUTED)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._empty)
            return
        left = LABEL_WIDTH
        width = max(self.width() - left - VALUE_WIDTH - 8, 20)
        row_height = self._row_height()
        painter.setPen(QPen(GRID, 1))
        for quarter in range(5):
            x = left + width * quarter / 4
            painter.drawLine(int(x), LEGEND_HEIGHT, int(x), LEGEND_HEIGHT + len(self._bars) * row_height)
        for row, bar in enumerate(self._bars):
            top = LEGEND_HEIGHT + row * row_height
            if row == self.current and self.hasFocus():
                painter.fillRect(0, top, self.width(), row_height, QColor("#eaf1fa"))
            painter.setPen(TEXT)
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideMiddle, LABEL_WIDTH - 10)
            painter.drawText(
                QRectF(0, top, LABEL_WIDTH - 8, row_height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )
            self._row_bars(painter, bar, left, width, top, row_height)
        if self.current >= 0 and self.hasFocus():
            top = LEGEND_HEIGHT + self.current * row_height
            painter.setPen(QPen(FOCUS, 1, Qt.PenStyle.DotLine))
            painter.drawRect(1, top, self.width() - 2, row_height - 1)

    def _row_bars(
        self, painter: QPainter, bar: Bar, left: int, width: int, top: int, row_height: int
    ) -> None:
        count = max(len(self._series), 1)
        thickness = (row_height - 8) / count
        for index, series in enumerate(self._series):
            value = bar.values[index] if index < len(bar.values) else None
            y = top + 4 + index * thickness
            if value is not None:
                length = width * min(max(value, 0.0), self._maximum) / self._maximum
                painter.fillRect(QRectF(left, y, max(length, 1.0), thickness - 1), series.color)
                text = bar.texts[index] if index < len(bar.texts) else ""
                painter.setPen(TEXT)
                painter.drawText(
                    QRectF(left + length + 4, y - 2, VALUE_WIDTH + 40, thickness + 4),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    text,
                )

    def _legend(self, painter: QPainter, metrics: QFontMetrics) -> None:
        x = LABEL_WIDTH
        for series in self._series:
            painter.fillRect(x, 6, 14, 9, series.color)
            painter.setPen(TEXT)
            painter.drawText(x + 18, 15, series.name)
            x += 18 + metrics.horizontalAdvance(series.name) + 16
        if self._unit:
            painter.setPen(MUTED)
            painter.drawText(
                QRectF(0, 0, self.width() - 4, LEGEND_HEIGHT),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                self._unit,
            )

    # -- choosing a row -------------------------------------------------------------------

    def row_at(self, y: float) -> int:
        row = int((y - LEGEND_HEIGHT) // self._row_height())
        return row if 0 <= row < len(self._bars) and y >= LEGEND_HEIGHT else -1

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position().y())
        if row >= 0:
            self.current = row
            self.update()
            self.activated.emit(row)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position().y())
        self.setCursor(Qt.CursorShape.PointingHandCursor if row >= 0 else Qt.CursorShape.ArrowCursor)
        self.setToolTip(self._bars[row].tooltip if row >= 0 else "")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self._bars:
            step = 1 if key == Qt.Key.Key_Down else -1
            self.current = min(max(self.current + step, 0), len(self._bars) - 1)
            self.update()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.current >= 0:
            self.activated.emit(self.current)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        if self.current < 0 and self._bars:
            self.current = 0
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)
