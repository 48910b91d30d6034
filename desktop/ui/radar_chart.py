"""A radar (spider) chart of levels per category, painted with QPainter.

PySide6-Essentials has no QtCharts, and a radar needs little: rings, spokes,
polygons and labels. The hard part is the labels: category names are long
Japanese phrases. Each name has a few ways to be shown (one line; two lines
broken after 「・」 or before 「（」, or, at a cost, inside a word; elided), and
the layout picks, per label, the way that leaves the largest chart for the
least loss of readability, with every label inside the widget and none
touching another. Hovering a label shows the full name and the values."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

CURRENT_COLOR = QColor("#1f5fbf")  # 現在: the filled series
TARGET_COLOR = QColor("#d9730d")  # 目標: dashed
BEFORE_COLOR = QColor("#7f7f7f")  # 事前: grey

NONE_LEGEND = "未回答"
EMPTY_TEXT = "表示するデータがありません"

_MARGIN = 6.0
_LABEL_GAP = 8.0  # between the outer ring and an axis label
_POINT_RADIUS = 3.5
_GRID = QColor("#c9c9c9")
_GRID_OUTER = QColor("#9a9a9a")
_MIN_RADIUS = 24.0

# A line may not start with these (closing brackets, small kana, the long-vowel mark …).
_NO_START = set("）」』】〕、。・ー…ァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎ!?！？：:,.)]")
# … nor end with these.
_NO_END = set("（「『【〔([")
_PREFERRED_AFTER = set("・、）」/／")
_PREFERRED_BEFORE = set("（「")


@dataclass(frozen=True)
class RadarSeries:
    label: str
    values: Sequence[float | None]  # Sequence, not list: a list[float] is accepted too
    color: QColor
    dashed: bool = False
    filled: bool = False


@dataclass(frozen=True)
class AxisLabel:
    rect: QRectF
    lines: list[str]
    alignment: Qt.AlignmentFlag
    elided: bool


@dataclass(frozen=True)
class _LegendItem:
    rect: QRectF
    text: str
    color: QColor
    dashed: bool
    filled: bool
    hollow_point: bool


@dataclass(frozen=True)
class _Layout:
    center: QPointF
    radius: float
    labels: list[AxisLabel]
    legend: list[_LegendItem]


def _script(char: str) -> str:
    if "\u3040" <= char <= "\u309f":
        return "hiragana"
    if "\u30a0" <= char <= "\u30ff":
        return "katakana"
    if "\u4e00" <= char <= "\u9fff" or char in "々〆":
        return "kanji"
    return "word" if char.isascii() and char.isalnum() else "other"


def _break_allowed(text: str, at: int) -> bool:
    before, after = text[at - 1], text[at]
    if after in _NO_START or before in _NO_END:
        return False
    return not (_script(before) == "word" and _script(after) == "word")


# What a break between two characters of one script costs, in ems: splitting
# 「サービス」 or 「改善」 reads far worse than a break where the script changes.
_SAME_SCRIPT_COST = {"katakana": 3.0, "kanji": 2.0, "hiragana": 1.0}


def _break_cost(text: str, at: int, em: float) -> float:
    """How much worse a break here reads than the best kind, in pixels."""
    before, after = text[at - 1], text[at]
    if before in _PREFERRED_AFTER or after in _PREFERRED_BEFORE:
        return 0.0
    script = _script(before)
    if script == _script(after):
        return _SAME_SCRIPT_COST.get(script, 1.0) * em
    if script == "hiragana":  # after a particle: 「社会の変化と｜DXの必要性」
        return 0.5 * em
    return 1.0 * em


@dataclass(frozen=True)
class Wrapped:
    lines: list[str]
    elided: bool
    cost: float  # how much worse this reads than the whole name on one line, in pixels
    width: float


def _wrapped(lines: list[str], elided: bool, cost: float, metrics: QFontMetricsF) -> Wrapped:
    return Wrapped(lines, elided, cost, max(metrics.horizontalAdvance(line) for line in lines))


# One line reads best: a name is wrapped only where that gains the chart at least this many ems.
_TWO_LINES_COST = 1.0


def _elide_cost(em: float) -> float:
    # A lost part of a name is worse than any awkward break: the reader has to hover to see it.
    return 4 * em


def wrap_label(text: str, metrics: QFontMetricsF, width: float) -> Wrapped:
    """At most two lines no wider than `width`, broken where it reads best."""
    text = " ".join(text.split())
    if not text or metrics.horizontalAdvance(text) <= width:
        return _wrapped([text], False, 0.0, metrics)
    em = metrics.horizontalAdvance("あ")
    breaks = [i for i in range(1, len(text)) if _break_allowed(text, i)]
    best: tuple[float, int, float] | None = None
    for at in breaks:
        first, second = text[:at].rstrip(), text[at:].lstrip()
        widest = max(metrics.horizontalAdvance(first), metrics.horizontalAdvance(second))
        if widest <= width:
            cost = _break_cost(text, at, em)
            # Balanced lines look better, but a natural break is worth a few characters of imbalance.
            if best is None or widest + cost < best[0]:
                best = (widest + cost, at, cost)
    if best is not None:
        lines = [text[: best[1]].rstrip(), text[best[1] :].lstrip()]
        return _wrapped(lines, False, _TWO_LINES_COST * em + best[2], metrics)
    # Too long for two lines: fill the first line, at a natural break if one is near its end.
    fitting = [at for at in breaks if metrics.horizontalAdvance(text[:at]) <= width] or [
        _longest_prefix(text, metrics, width)
    ]
    natural = [at for at in fitting if _break_cost(text, at, em) == 0 and at >= 0.6 * fitting[-1]]
    at = natural[-1] if natural else fitting[-1]
    rest = metrics.elidedText(text[at:].lstrip(), Qt.TextElideMode.ElideRight, width)
    cost = _elide_cost(em) + _TWO_LINES_COST * em + (_break_cost(text, at, em) if at < len(text) else 0.0)
    return _wrapped([text[:at].rstrip(), rest], True, cost, metrics)


def label_options(text: str, metrics: QFontMetricsF) -> list[Wrapped]:
    """The ways to show a name, widest first; each narrower one reads worse (costs more)."""
    text = " ".join(text.split())
    em = metrics.horizontalAdvance("あ")
    found = [_wrapped([text], False, 0.0, metrics)]
    for at in range(1, len(text)):
        if _break_allowed(text, at):
            lines = [text[:at].rstrip(), text[at:].lstrip()]
            found.append(_wrapped(lines, False, _TWO_LINES_COST * em + _break_cost(text, at, em), metrics))
    width = min(option.width for option in found) - em / 2
    while width >= 3 * em:
        found.append(wrap_label(text, metrics, width))
        width -= em
    # Keep only options that read better than every narrower one.
    kept: list[Wrapped] = []
    for option in sorted(found, key=lambda o: (o.width, o.cost)):
        if not kept or option.cost < kept[-1].cost:
            kept.append(option)
    return kept[::-1]


def _longest_prefix(text: str, metrics: QFontMetricsF, width: float) -> int:
    at = 1
    while at < len(text) and metrics.horizontalAdvance(text[: at + 1]) <= width:
        at += 1
    return at


class RadarChart(QWidget):
    """Levels per axis for a few series (現在・目標・事前), on rings from `minimum` to `maximum`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._axes: list[str] = []
        self._series: list[RadarSeries] = []
        self._directions: list[tuple[float, float]] = []
        self._minimum = 1
        self._maximum = 4
        self._layout_cache: tuple[tuple[int, int, str], _Layout] | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("レーダーチャート")

    # -- data ------------------------------------------------------------------

    def set_data(self, axes: list[str], series: list[RadarSeries], minimum: int, maximum: int) -> None:
        if maximum <= minimum:
            raise ValueError("maximum must be above minimum")
        for one in series:
            if len(one.values) != len(axes):
                raise ValueError(f"series {one.label!r} has {len(one.values)} values for {len(axes)} axes")
        self._axes = list(axes)
        self._series = list(series)
        count = max(1, len(axes))
        # The first axis points up, then clockwise.
        self._directions = [
            (math.sin(2 * math.pi * axis / count), -math.cos(2 * math.pi * axis / count))
            for axis in range(len(axes))
        ]
        self._minimum, self._maximum = minimum, maximum
        self._layout_cache = None
        self.setAccessibleDescription(self._describe())
        self.updateGeometry()
        self.update()

    @property
    def axes(self) -> list[str]:
        return list(self._axes)

    @property
    def series(self) -> list[RadarSeries]:
        return list(self._series)

    def _describe(self) -> str:
        parts = []
        for index, axis in enumerate(self._axes):
            values = "、".join(f"{s.label} {self._value_text(s.values[index])}" for s in self._series)
            parts.append(f"{axis}: {values}")
        return "。".join(parts)

    @staticmethod
    def _value_text(value: float | None) -> str:
        return "未回答" if value is None else f"{value:.1f}"

    # -- geometry --------------------------------------------------------------

    def minimumSizeHint(self) -> QSize:
        return QSize(360, 320)

    def sizeHint(self) -> QSize:
        return QSize(520, 440)

    def label_rects(self) -> list[QRectF]:
        """Where each axis label is drawn, in widget coordinates (all inside the widget)."""
        return [label.rect for label in self._layout().labels]

    def axis_labels(self) -> list[AxisLabel]:
        return list(self._layout().labels)

    def plot_geometry(self) -> tuple[QPointF, float]:
        """The centre and the radius of the outer ring."""
        layout = self._layout()
        return QPointF(layout.center), layout.radius

    def point_for(self, axis: int, value: float | None) -> QPointF:
        """Where `value` on axis `axis` is drawn; None is drawn at the minimum."""
        layout = self._layout()
        return self._point(layout.center, layout.radius, axis, value)

    def _direction(self, axis: int) -> tuple[float, float]:
        return self._directions[axis]

    def _ring_share(self, value: float) -> float:
        # The minimum sits on the innermost ring, not the centre: level-1 answers keep a visible shape.
        steps = self._maximum - self._minimum + 1
        clamped = min(max(value, self._minimum), self._maximum)
        return (clamped - self._minimum + 1) / steps

    def _point(self, center: QPointF, radius: float, axis: int, value: float | None) -> QPointF:
        share = self._ring_share(self._minimum if value is None else value)
        dx, dy = self._direction(axis)
        return QPointF(center.x() + dx * radius * share, center.y() + dy * radius * share)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout_cache = None
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._layout_cache = None
        super().changeEvent(event)

    def _layout(self) -> _Layout:
        key = (self.width(), self.height(), self.font().key())
        if self._layout_cache is None or self._layout_cache[0] != key:
            self._layout_cache = (key, self._compute_layout())
        return self._layout_cache[1]

    def _compute_layout(self) -> _Layout:
        metrics = QFontMetricsF(self.font())
        bounds = QRectF(self.rect()).adjusted(_MARGIN, _MARGIN, -_MARGIN, -_MARGIN)
        legend = self._legend_items(bounds, metrics)
        legend_top = min((item.rect.top() for item in legend), default=bounds.bottom() + _MARGIN)
        area = QRectF(
            bounds.left(), bounds.top(), bounds.width(), max(0.0, legend_top - _MARGIN - bounds.top())
        )
        if not self._axes:
            return _Layout(area.center(), 0.0, [], legend)
        spacing = metrics.lineSpacing()
        options = [label_options(axis, metrics) for axis in self._axes]

        def sizes_of(picked: list[int]) -> list[tuple[float, float]]:
            return [
                (option[i].width + 2, len(option[i].lines) * spacing)
                for option, i in zip(options, picked, strict=True)
            ]

        # Each option's edges, worked out once: the search below tries hundreds of combinations.
        edges = [
            [self._edge(axis, o.width + 2, len(o.lines) * spacing) for o in option]
            for axis, option in enumerate(options)
        ]
        scores: dict[tuple[int, ...], float] = {}

        def score(picked: list[int]) -> float:
            key = tuple(picked)
            if key not in scores:
                sizes = sizes_of(picked)
                chosen = [edges[axis][i] for axis, i in enumerate(picked)]
                radius = _max_radius(area, chosen, sizes)
                if radius is None:
                    scores[key] = -1e9
                else:
                    boxes = [
                        (ax * radius + bx, ay * radius + by, width, height)
                        for (ax, bx, ay, by), (width, height) in zip(chosen, sizes, strict=True)
                    ]
                    cost = sum(option[i].cost for option, i in zip(options, picked, strict=True))
                    scores[key] = radius - cost - 1000 * _overlap_count(boxes)
            return scores[key]

        # A local search over each label's options, from two ends: every label on one line where
        # possible, and every label as narrow as it goes without eliding. Each round makes the one
        # change that gains the most radius for what it costs in readability, until none pays.
        def improve(picked: list[int]) -> tuple[float, list[int]]:
            current = score(picked)
            while True:
                best: tuple[float, list[int]] | None = None
                for axis, option in enumerate(options):
                    for i in range(len(option)):
                        if i == picked[axis]:
                            continue
                        trial = [*picked[:axis], i, *picked[axis + 1 :]]
                        value = score(trial)
                        if value > current + 0.5 and (best is None or value > best[0]):
                            best = (value, trial)
                if best is None:
                    return current, picked
                current, picked = best

        narrow = [max(i for i, o in enumerate(option) if not o.elided) for option in options]
        _, choice = max(improve([0] * len(options)), improve(narrow), key=lambda result: result[0])
        picked = [option[i] for option, i in zip(options, choice, strict=True)]
        return self._place(area, picked, sizes_of(choice), legend)

    def _edge(self, axis: int, width: float, height: float) -> tuple[float, float, float, float]:
        """A label's left and top edge as a·radius + b: (a_x, b_x, a_y, b_y)."""
        dx, dy = self._direction(axis)
        # Slide the rect so the edge facing the chart touches the anchor. Only a spoke pointing
        # (almost) straight up or down centres its label: the two labels either side of the
        # bottom spoke then grow away from each other instead of into each other.
        side = max(-1.0, min(1.0, 3 * dx))
        return dx, dx * _LABEL_GAP - width * (1 - side) / 2, dy, dy * _LABEL_GAP - height * (1 - dy) / 2

    def _alignment(self, axis: int) -> Qt.AlignmentFlag:
        side = 3 * self._direction(axis)[0]
        if side > 0.5:
            return Qt.AlignmentFlag.AlignLeft
        return Qt.AlignmentFlag.AlignRight if side < -0.5 else Qt.AlignmentFlag.AlignHCenter

    def _edges(self, sizes: list[tuple[float, float]]) -> list[tuple[float, float, float, float]]:
        return [self._edge(axis, width, height) for axis, (width, height) in enumerate(sizes)]

    def _label_rects_at(
        self, radius: float, sizes: list[tuple[float, float]]
    ) -> list[tuple[QRectF, Qt.AlignmentFlag]]:
        """Label rects relative to the centre, each anchored just outside its spoke's end."""
        return [
            (QRectF(ax * radius + bx, ay * radius + by, width, height), self._alignment(axis))
            for axis, ((ax, bx, ay, by), (width, height)) in enumerate(
                zip(self._edges(sizes), sizes, strict=True)
            )
        ]

    def _place(
        self, area: QRectF, picked: list[Wrapped], sizes: list[tuple[float, float]], legend: list[_LegendItem]
    ) -> _Layout:
        half = max(0.0, min(area.width(), area.height()) / 2)
        # Below the minimum radius the chart is unreadable anyway; labels are then pushed inside.
        radius = max(_max_radius(area, self._edges(sizes), sizes) or 0.0, min(_MIN_RADIUS, half))
        placed = self._label_rects_at(radius, sizes)
        box = QRectF(-radius, -radius, 2 * radius, 2 * radius)
        for rect, _ in placed:
            box = box.united(rect)
        # Centre what is drawn (rings and labels together), not the rings alone; in a tall widget
        # the legend moves up with the chart rather than staying alone at the bottom.
        slack = max(0.0, area.height() - box.height()) / 2
        center = area.center() - box.center()
        legend = [replace(item, rect=item.rect.translated(0, -slack)) for item in legend]
        labels = [
            AxisLabel(_keep_inside(rect.translated(center), area), w.lines, align, w.elided)
            for (rect, align), w in zip(placed, picked, strict=True)
        ]
        return _Layout(center, radius, labels, legend)

    def _legend_items(self, bounds: QRectF, metrics: QFontMetricsF) -> list[_LegendItem]:
        entries = [(s.label, s.color, s.dashed, s.filled, False) for s in self._series]
        if any(value is None for s in self._series for value in s.values):
            entries.append(
                (NONE_LEGEND, self.palette().color(QPalette.ColorRole.WindowText), False, False, True)
            )
        sample, spacing = 24.0, 16.0
        line_height = metrics.height() + 4
        rows: list[list[tuple[float, str, QColor, bool, bool, bool]]] = [[]]
        used = 0.0
        for entry in entries:
            text = metrics.elidedText(entry[0], Qt.TextElideMode.ElideRight, bounds.width() - sample - 6)
            width = sample + 6 + metrics.horizontalAdvance(text)
            if rows[-1] and used + spacing + width > bounds.width():
                rows.append([])
                used = 0.0
            used += (spacing if rows[-1] else 0.0) + width
            rows[-1].append((width, text, *entry[1:]))
        items: list[_LegendItem] = []
        top = bounds.bottom() - len([r for r in rows if r]) * line_height
        for row in rows:
            if not row:
                continue
            total = sum(entry[0] for entry in row) + spacing * (len(row) - 1)
            x = bounds.left() + (bounds.width() - total) / 2
            for width, text, color, dashed, filled, hollow in row:
                items.append(
                    _LegendItem(QRectF(x, top, width, line_height), text, color, dashed, filled, hollow)
                )
                x += width + spacing
            top += line_height
        return items

    # -- painting ----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            layout = self._layout()
            if not self._axes:
                painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
                return
            self._paint_grid(painter, layout)
            self._paint_series(painter, layout)
            self._paint_level_numbers(painter, layout)
            self._paint_labels(painter, layout)
            self._paint_legend(painter, layout)
        finally:
            painter.end()

    def _ring(self, layout: _Layout, level: float) -> QPolygonF:
        return QPolygonF(
            [self._point(layout.center, layout.radius, axis, level) for axis in range(len(self._axes))]
        )

    def _paint_grid(self, painter: QPainter, layout: _Layout) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for level in range(self._minimum, self._maximum + 1):
            painter.setPen(QPen(_GRID_OUTER if level == self._maximum else _GRID, 1))
            painter.drawPolygon(self._ring(layout, level))
        painter.setPen(QPen(_GRID, 1))
        for axis in range(len(self._axes)):
            painter.drawLine(layout.center, self._point(layout.center, layout.radius, axis, self._maximum))

    def _paint_series(self, painter: QPainter, layout: _Layout) -> None:
        points = [
            [self._point(layout.center, layout.radius, i, v) for i, v in enumerate(s.values)]
            for s in self._series
        ]
        polygons = [QPolygonF(corners) for corners in points]
        # Every fill first, so no area hides another series' outline.
        painter.setPen(Qt.PenStyle.NoPen)
        for one, polygon in zip(self._series, polygons, strict=True):
            if one.filled:
                fill = QColor(one.color)
                fill.setAlpha(70)
                painter.setBrush(fill)
                painter.drawPolygon(polygon)
        base = self.palette().color(QPalette.ColorRole.Base)
        for one, polygon, corners in zip(self._series, polygons, points, strict=True):
            pen = QPen(one.color, 2.0)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            if one.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolygon(polygon)
            painter.setPen(QPen(one.color, 1.5))
            for point, value in zip(corners, one.values, strict=True):
                painter.setBrush(base if value is None else QBrush(one.color))
                painter.drawEllipse(point, _POINT_RADIUS, _POINT_RADIUS)

    def _paint_level_numbers(self, painter: QPainter, layout: _Layout) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        halo = QColor(self.palette().color(QPalette.ColorRole.Base))
        halo.setAlpha(200)
        for level in range(self._minimum, self._maximum + 1):
            point = self._point(layout.center, layout.radius, 0, level)
            text = str(level)
            width = metrics.horizontalAdvance(text) + 4
            # Left of the top spoke, so the number never sits on the spoke or its axis label.
            rect = QRectF(point.x() - width - 3, point.y() - metrics.height() / 2, width, metrics.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(halo)
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(self.font())

    def _paint_labels(self, painter: QPainter, layout: _Layout) -> None:
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.setFont(self.font())
        for label in layout.labels:
            painter.drawText(
                label.rect, int(label.alignment | Qt.AlignmentFlag.AlignVCenter), "\n".join(label.lines)
            )

    def _paint_legend(self, painter: QPainter, layout: _Layout) -> None:
        base = self.palette().color(QPalette.ColorRole.Base)
        for item in layout.legend:
            middle = item.rect.center().y()
            left = item.rect.left()
            if item.hollow_point:
                painter.setPen(QPen(item.color, 1.5))
                painter.setBrush(base)
                painter.drawEllipse(QPointF(left + 12, middle), _POINT_RADIUS, _POINT_RADIUS)
            else:
                if item.filled:
                    fill = QColor(item.color)
                    fill.setAlpha(70)
                    painter.fillRect(QRectF(left, middle - 6, 24, 12), fill)
                pen = QPen(item.color, 2.0)
                if item.dashed:
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.drawLine(QPointF(left, middle), QPointF(left + 24, middle))
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            text_rect = QRectF(left + 30, item.rect.top(), item.rect.width() - 30, item.rect.height())
            painter.drawText(
                text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), item.text
            )

    # -- hover -------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def tooltip_at(self, position: QPointF) -> str | None:
        """The full axis name and each series' value, for the label under `position`."""
        for axis, label in enumerate(self._layout().labels):
            if label.rect.contains(position):
                lines = [self._axes[axis]]
                lines += [f"{s.label}: {self._value_text(s.values[axis])}" for s in self._series]
                return "\n".join(lines)
        return None


def _max_radius(
    area: QRectF, edges: list[tuple[float, float, float, float]], sizes: list[tuple[float, float]]
) -> float | None:
    """The largest radius at which rings and labels together fit `area`; None if none does.

    Every edge of every label moves linearly with the radius, so each pair of a far edge and
    a near edge bounds the radius by one linear inequality; no search is needed.
    """
    low, high = 0.0, math.inf
    horizontal = [(ax, bx, width) for (ax, bx, _, _), (width, _) in zip(edges, sizes, strict=True)]
    vertical = [(ay, by, height) for (_, _, ay, by), (_, height) in zip(edges, sizes, strict=True)]
    for limit, labels in ((area.width(), horizontal), (area.height(), vertical)):
        starts = [(-1.0, 0.0)] + [(a, b) for a, b, _ in labels]  # the ring, then each label
        ends = [(1.0, 0.0)] + [(a, b + size) for a, b, size in labels]
        for end_a, end_b in ends:
            for start_a, start_b in starts:
                slope, span = end_a - start_a, end_b - start_b
                if slope > 1e-9:
                    bound = (limit - span) / slope
                    if bound < high:
                        high = bound
                elif slope < -1e-9:
                    bound = (span - limit) / -slope
                    if bound > low:
                        low = bound
                elif span > limit + 1e-9:
                    return None
    return high if low <= high else None


def _overlap_count(boxes: Sequence[tuple[float, float, float, float]]) -> int:
    """Pairs of (x, y, width, height) boxes closer than a little clearance, so no two read as one."""
    clearance = 4.0
    return sum(
        1
        for i, (x1, y1, w1, h1) in enumerate(boxes)
        for x2, y2, w2, h2 in boxes[i + 1 :]
        if x1 < x2 + w2 + clearance
        and x2 < x1 + w1 + clearance
        and y1 < y2 + h2 + clearance
        and y2 < y1 + h1 + clearance
    )


def _keep_inside(rect: QRectF, bounds: QRectF) -> QRectF:
    """The rect moved (never resized beyond `bounds`) so that it lies within `bounds`."""
    width, height = min(rect.width(), bounds.width()), min(rect.height(), bounds.height())
    x = min(max(rect.left(), bounds.left()), bounds.right() - width)
    y = min(max(rect.top(), bounds.top()), bounds.bottom() - height)
    return QRectF(x, y, width, height)
