"""Table models for the diagnosis heatmap (levels per learner or group) and the before/after effect view.

Colour is never the only signal: every cell shows its number, cells below a
learner's target are also bold, and changes carry their sign, so the tables
read the same on a monochrome printer or for colour-blind staff.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.domain.framework import Framework
from desktop.store.diagnosis_views import Effect, EffectGroup, EffectRow, GroupMean, Heatmap, HeatRow
from desktop.ui.records_model import format_date
from desktop.ui.sorting import number_order, reading_keys, sorted_rows

Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
# A value that sorts as the column means (numbers as numbers, 「—」 first), for a proxy's setSortRole.
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

NONE_TEXT = "—"
MODES_HEATMAP = ("learners", "departments", "roles")
MODES_EFFECT = ("learners", "departments")

# Light tints so black digits stay legible and a grey-scale print still shows the number.
_BAND_COLORS = ("#f4c2bc", "#f9d3a5", "#f6eaa0", "#cde6bd", "#93cf95")
# Where each band after the first starts, as a share of the scale (1..4 gives 1.5, 2.3, 2.8, 3.5).
_BAND_STARTS = (0.5 / 3, 1.3 / 3, 1.8 / 3, 2.5 / 3)
NONE_COLOR = QColor("#e3e3e3")
IMPROVED_COLOR = QColor("#cde6bd")
SAME_COLOR = QColor("#f2f2f2")
WORSE_COLOR = QColor("#f4c2bc")
_BELOW_TARGET_COLOR = QColor("#7a1f14")

_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _band_edges(bottom: int, top: int) -> list[float]:
    # Levels are kept to one decimal: round each edge up to the first level it contains.
    span = top - bottom
    return [math.ceil((bottom + share * span) * 10 - 1e-6) / 10 for share in _BAND_STARTS]


def level_color(level: float | None, bottom: int = 1, top: int = 4) -> QColor:
    """The heatmap colour of a level on the framework's scale (bottom..top)."""
    if level is None:
        return QColor(NONE_COLOR)
    band = sum(1 for edge in _band_edges(bottom, top) if level + 1e-9 >= edge)
    return QColor(_BAND_COLORS[band])


def level_legend(bottom: int = 1, top: int = 4) -> list[tuple[str, QColor]]:
    """Swatch labels and colours of level_color's bands, then 未回答."""
    starts = [float(bottom), *_band_edges(bottom, top)]
    entries = [
        (f"{start:.1f}–{starts[i + 1] - 0.1:.1f}", QColor(_BAND_COLORS[i]))
        for i, start in enumerate(starts[:-1])
    ]
    entries.append((f"{starts[-1]:.1f}以上", QColor(_BAND_COLORS[-1])))
    entries.append(("未回答", QColor(NONE_COLOR)))
    return entries


LEVEL_LEGEND: list[tuple[str, QColor]] = level_legend()
CHANGE_LEGEND: list[tuple[str, QColor]] = [
    ("向上", QColor(IMPROVED_COLOR)),
    ("変化なし", QColor(SAME_COLOR)),
    ("低下", QColor(WORSE_COLOR)),
    ("比較できない", QColor(NONE_COLOR)),
]


def change_color(change: float | None) -> QColor:
    if change is None:
        return QColor(NONE_COLOR)
    if change > 0:
        return QColor(IMPROVED_COLOR)
    return QColor(WORSE_COLOR) if change < 0 else QColor(SAME_COLOR)


def format_level(level: float | None) -> str:
    return NONE_TEXT if level is None else f"{level:.1f}"


def format_change(before: float | None, after: float | None, change: float | None) -> str:
    """「2.0→3.0（+1.0）」; the change is left out when either side is missing."""
    if before is None and after is None:
        return NONE_TEXT
    text = f"{format_level(before)}→{format_level(after)}"
    if change is None:
        return text
    sign = "±" if change == 0 else ("+" if change > 0 else "−")
    return f"{text}（{sign}{abs(change):.1f}）"


def _scale_bounds(framework: Framework | None) -> tuple[int, int]:
    return (framework.bottom_level, framework.top_level) if framework else (1, 4)


@dataclass(frozen=True)
class _TextColumn:
    title: str
    text: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    numeric: bool = False


def _name_key(rows: Sequence[HeatRow | EffectRow]) -> Callable[[Any], Any]:
    """Sorting by 氏名 follows the フリガナ; the keys are made once, for the whole list."""
    learners = [r.learner for r in rows]
    keys = dict(
        zip(
            (learner.id for learner in learners),
            reading_keys([learner.reading for learner in learners], [learner.name for learner in learners]),
            strict=True,
        )
    )
    return lambda r: keys[r.learner.id]


class _CategoryTable(QAbstractTableModel):
    """Fixed text columns, then one column per framework category."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._framework: Framework | None = None
        self._columns: list[_TextColumn] = []
        self._rows: list[Any] = []
        self._total_row: int | None = None  # the 全体 row, shown bold
        self._bold = QFont()
        self._bold.setBold(True)

    # -- shape ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._columns) + len(self._categories())

    def _categories(self) -> Sequence[Any]:
        return self._framework.categories if self._framework else ()

    def category_id(self, column: int) -> str | None:
        """The framework category a column shows; None for the text columns."""
        index = column - len(self._columns)
        categories = self._categories()
        return categories[index].id if 0 <= index < len(categories) else None

    @property
    def text_column_count(self) -> int:
        return len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < self.columnCount():
            return None
        if section < len(self._columns):
            return self._columns[section].title if role == Qt.ItemDataRole.DisplayRole else None
        category = self._categories()[section - len(self._columns)]
        if role == Qt.ItemDataRole.DisplayRole:
            return category.name
        if role == Qt.ItemDataRole.ToolTipRole and self._framework is not None:
            return f"{self._framework.group(category.group).name}：{category.name}"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        column = index.column()
        if column < len(self._columns):
            return self._text_data(row, self._columns[column], index.row(), role)
        category_id = self.category_id(column)
        if category_id is None:
            return None
        if role == Qt.ItemDataRole.FontRole and index.row() == self._total_row:
            return self._bold
        return self._category_data(row, category_id, role)

    def _text_data(self, row: Any, column: _TextColumn, position: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort(row) if column.sort else column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole and position == self._total_row:
            return self._bold
        return None

    def _category_data(self, row: Any, category_id: str, role: int) -> Any:
        raise NotImplementedError

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < self.columnCount() or not self._rows:
            return
        if column < len(self._columns):
            text = self._columns[column]
            key: Callable[[Any], Any] = text.sort or text.text
        else:
            category_id = self.category_id(column) or ""
            key = lambda row: self._category_data(row, category_id, SORT_ROLE)  # noqa: E731
        self.beginResetModel()
        self._rows = sorted_rows(self._rows, key, order, keep_last=self._total_row is not None)
        self.endResetModel()

    def _reset(self, framework: Framework | None, columns: list[_TextColumn], rows: list[Any]) -> None:
        self.beginResetModel()
        self._framework = framework
        self._columns = columns
        self._rows = rows
        self._total_row = None
        self.endResetModel()


class HeatmapModel(_CategoryTable):
    """Levels per category: one row per learner, or per 所属 / 育成区分 with a 全体 row last."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._mode = "learners"
        self._bounds = (1, 4)

    @property
    def mode(self) -> str:
        return self._mode

    def set_heatmap(self, heatmap: Heatmap, mode: str) -> None:
        if mode not in MODES_HEATMAP:
            raise ValueError(f"unknown heatmap mode: {mode}")
        self._mode = mode
        self._bounds = _scale_bounds(heatmap.framework)
        rows: list[Any]
        if mode == "learners":
            columns = [
                _TextColumn(
                    "受講者番号", lambda r: r.learner.number, lambda r: number_order(r.learner.number)
                ),
                _TextColumn("氏名", lambda r: r.learner.name, _name_key(heatmap.rows)),
                _TextColumn("所属", lambda r: r.learner.department),
                _TextColumn("育成区分", lambda r: r.role_name),
            ]
            rows = list(heatmap.rows)
        else:
            title = "所属" if mode == "departments" else "育成区分"
            columns = [
                _TextColumn(title, lambda g: g.name),
                _TextColumn("人数", lambda g: str(g.count), lambda g: g.count, numeric=True),
            ]
            groups = heatmap.by_department if mode == "departments" else heatmap.by_role
            rows = [*groups, heatmap.overall]
        self._reset(heatmap.framework, columns, rows)
        if mode != "learners":
            self._total_row = len(rows) - 1

    def _category_data(self, row: Any, category_id: str, role: int) -> Any:
        level: float | None = row.levels.get(category_id)
        target = row.targets.get(category_id) if isinstance(row, HeatRow) else None
        below = target is not None and level is not None and level < target
        if role == Qt.ItemDataRole.DisplayRole:
            return format_level(level)
        if role == SORT_ROLE:
            return -1.0 if level is None else level
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(level_color(level, *self._bounds))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER
        if role == Qt.ItemDataRole.ToolTipRole:
            if isinstance(row, HeatRow):
                return target_tooltip(level, target)
            assert isinstance(row, GroupMean)
            return f"{row.name}（{row.count}人）の平均 {format_level(level)}"
        if role == Qt.ItemDataRole.FontRole and below:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and below:
            return QBrush(_BELOW_TARGET_COLOR)
        return None


def target_tooltip(level: float | None, target: int | None) -> str | None:
    """「目標 3・差 1.0」 for a learner's cell; 到達 or 未回答 where there is no gap to show."""
    if target is None:
        return None
    if level is None:
        return f"目標 {target}・未回答"
    gap = round(target - level + 1e-9, 1)
    return f"目標 {target}・差 {gap:.1f}" if gap > 0 else f"目標 {target}・到達"


class EffectModel(_CategoryTable):
    """事前→事後 per category: one row per learner, or per 所属 with a 全体 row last."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._mode = "learners"

    @property
    def mode(self) -> str:
        return self._mode

    def set_effect(self, effect: Effect, mode: str) -> None:
        if mode not in MODES_EFFECT:
            raise ValueError(f"unknown effect mode: {mode}")
        self._mode = mode
        rows: list[Any]
        if mode == "learners":
            columns = [
                _TextColumn(
                    "受講者番号", lambda r: r.learner.number, lambda r: number_order(r.learner.number)
                ),
                _TextColumn("氏名", lambda r: r.learner.name, _name_key(effect.rows)),
                _TextColumn("所属", lambda r: r.learner.department),
                _TextColumn("事前日", lambda r: format_date(r.before_on), lambda r: r.before_on.isoformat()),
                _TextColumn("事後日", lambda r: format_date(r.after_on), lambda r: r.after_on.isoformat()),
            ]
            rows = list(effect.rows)
        else:
            columns = [
                _TextColumn("所属", lambda g: g.name),
                _TextColumn("人数", lambda g: str(g.count), lambda g: g.count, numeric=True),
            ]
            rows = [*effect.by_department, effect.overall]
        self._reset(effect.framework, columns, rows)
        if mode != "learners":
            self._total_row = len(rows) - 1

    def _category_data(self, row: Any, category_id: str, role: int) -> Any:
        assert isinstance(row, EffectRow | EffectGroup)
        before, after = row.before.get(category_id), row.after.get(category_id)
        change = row.change(category_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return format_change(before, after, change)
        if role == SORT_ROLE:
            return -99.0 if change is None else change
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(change_color(change))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"事前 {format_level(before)} → 事後 {format_level(after)}"
        return None
