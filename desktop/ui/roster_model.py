"""The 名簿 table: a source model of every learner and a proxy that filters and sorts.

QSortFilterProxyModel calls back into Python once per row to filter and once
per comparison to sort; at 50,000 learners that is hundreds of thousands of
calls per keystroke. The proxy here keeps the same contract (a proxy model over
an unchanged source) but computes its row mapping with list operations on
precomputed keys, so a keystroke costs a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop.domain.roster import LearnerKind, LearnerStatus
from desktop.domain.text import fold_for_search, fold_many, reading_sort_keys
from desktop.store.roster_service import RosterRow
from desktop.ui.sorting import number_order

Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[RosterRow], str]


def _tr(text: str) -> str:
    return QCoreApplication.translate("RosterTableModel", text)


COLUMNS: tuple[Column, ...] = (
    Column("受講者番号", lambda r: r.number),
    Column("氏名", lambda r: r.name),
    Column("フリガナ", lambda r: r.furigana),
    Column("団体", lambda r: r.organization),
    Column("所属", lambda r: r.department),
    Column("職名", lambda r: r.job_title),
    Column("区分", lambda r: r.kind.label),
    Column("育成区分", lambda r: r.role),
    Column("在籍状況", lambda r: r.status.label),
    Column("メールアドレス", lambda r: r.email),
)
COL_NUMBER, COL_NAME, COL_FURIGANA = 0, 1, 2
_READING_COLUMNS = {COL_NAME, COL_FURIGANA}
_RETIRED_BRUSH = QBrush(QColor("#7a7a7a"))


def _search_text(row: RosterRow) -> str:
    # \x01 (not whitespace, so folding keeps it) stops a query matching across fields.
    return "\x01".join((row.number, row.name, row.furigana, row.email))


def search_keys(rows: Sequence[RosterRow]) -> list[str]:
    return fold_many([_search_text(row) for row in rows])


@dataclass(frozen=True)
class PreparedRoster:
    """Rows with their search keys and first sort order, computed off the UI thread."""

    rows: list[RosterRow]
    search_keys: list[str]
    orders: dict[int, list[int]]


def prepare_roster(rows: list[RosterRow], sort_column: int = COL_FURIGANA) -> PreparedRoster:
    return PreparedRoster(rows, search_keys(rows), {sort_column: sorted_order(rows, sort_column)})


def sorted_order(rows: Sequence[RosterRow], column: int) -> list[int]:
    """Row positions in ascending order of `column`."""
    keys = sort_keys(rows, column)
    return sorted(range(len(keys)), key=keys.__getitem__)


def sort_keys(rows: Sequence[RosterRow], column: int) -> list[str]:
    # One string per row, levels joined by \x00 (below every character), so
    # the sort compares strings in C instead of tuples in Python.
    if column == COL_NUMBER:
        # Numbers of different lengths sort by value where they are numeric.
        return [number_order(row.number) for row in rows]
    readings = ["\x00".join(key) for key in reading_sort_keys([row.furigana for row in rows])]
    if column in _READING_COLUMNS:
        return [f"{reading}\x00{row.number}" for reading, row in zip(readings, rows, strict=True)]
    texts = fold_many([COLUMNS[column].text(row) for row in rows])
    return [f"{text}\x00{reading}" for text, reading in zip(texts, readings, strict=True)]


class RosterTableModel(QAbstractTableModel):
    """Every learner the service returned, in load order; never filtered here."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RosterRow] = []
        self._search_keys: list[str] = []
        self._orders: dict[int, list[int]] = {}

    # -- Qt model contract --------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return COLUMNS[index.column()].text(row)
        if role == Qt.ItemDataRole.ForegroundRole and row.status is LearnerStatus.RETIRED:
            return _RETIRED_BRUSH
        if role == ROW_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return _tr(COLUMNS[section].title)
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    # -- what the proxy and the page use --------------------------------

    @property
    def rows(self) -> Sequence[RosterRow]:
        return self._rows

    @property
    def search_keys(self) -> Sequence[str]:
        return self._search_keys

    def order(self, column: int) -> Sequence[int]:
        """Source rows in ascending order of `column`, computed once per change of data."""
        order = self._orders.get(column)
        if order is None:
            order = sorted_order(self._rows, column)
            self._orders[column] = order
        return order

    def set_rows(self, rows: Sequence[RosterRow] | PreparedRoster) -> None:
        prepared = (
            rows if isinstance(rows, PreparedRoster) else PreparedRoster(list(rows), search_keys(rows), {})
        )
        self.beginResetModel()
        self._rows = prepared.rows
        self._search_keys = prepared.search_keys
        self._orders = dict(prepared.orders)
        self.endResetModel()

    def position_of(self, learner_id: int) -> int:
        for position, row in enumerate(self._rows):
            if row.id == learner_id:
                return position
        return -1

    def upsert(self, row: RosterRow) -> None:
        """Show a saved learner: replace the old line or append a new one."""
        position = self.position_of(row.id)
        self._orders.clear()
        if position < 0:
            position = len(self._rows)
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.append(row)
            self._search_keys.extend(search_keys([row]))
            self.endInsertRows()
            return
        self._rows[position] = row
        self._search_keys[position] = search_keys([row])[0]
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))

    def remove(self, learner_id: int) -> None:
        position = self.position_of(learner_id)
        if position < 0:
            return
        self._orders.clear()
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        del self._search_keys[position]
        self.endRemoveRows()


@dataclass
class RosterFilter:
    text: str = ""
    organization_id: int | None = None
    department_ids: frozenset[int] | None = None  # a 部 and every 課 below it
    kind: LearnerKind | None = None
    status: LearnerStatus | None = None
    show_retired: bool = False


class RosterProxyModel(QAbstractProxyModel):
    """Filters and sorts the roster by mapping proxy rows to source rows in one list."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._filter = RosterFilter()
        self._sort_column = COL_FURIGANA
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._to_source: list[int] = []
        self._from_source: dict[int, int] | None = None

    # -- configuration ------------------------------------------------

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        self.beginResetModel()
        old = self.sourceModel()
        if old is not None:
            old.disconnect(self)
        super().setSourceModel(model)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self._source_structure_changed)
        model.dataChanged.connect(self._source_data_changed)
        self._to_source = self._compute_mapping()
        self._from_source = None
        self.endResetModel()

    def roster(self) -> RosterTableModel:
        model = self.sourceModel()
        assert isinstance(model, RosterTableModel)
        return model

    @property
    def filter(self) -> RosterFilter:
        return self._filter

    def set_filter(self, roster_filter: RosterFilter) -> None:
        self._filter = roster_filter
        self._relayout()

    def sortColumn(self) -> int:
        return self._sort_column

    def sortOrder(self) -> Qt.SortOrder:
        return self._sort_order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column, self._sort_order = column, order
        self._relayout()

    # -- the mapping ----------------------------------------------------

    def _accepted(self) -> list[int] | None:
        """Source rows the filter lets through; None when it lets every row through."""
        source = self.roster()
        rows = source.rows
        candidates: list[int] | range = range(len(rows))
        f = self._filter
        needle = fold_for_search(f.text)
        if needle:
            keys = source.search_keys
            candidates = [i for i in candidates if needle in keys[i]]
        if f.organization_id is not None:
            candidates = [i for i in candidates if rows[i].organization_id == f.organization_id]
        if f.department_ids is not None:
            departments = f.department_ids
            candidates = [i for i in candidates if rows[i].department_id in departments]
        if f.kind is not None:
            candidates = [i for i in candidates if rows[i].kind == f.kind]
        if f.status is not None:
            candidates = [i for i in candidates if rows[i].status == f.status]
        elif not f.show_retired:
            candidates = [i for i in candidates if rows[i].status is not LearnerStatus.RETIRED]
        return None if isinstance(candidates, range) else candidates

    def _compute_mapping(self) -> list[int]:
        order = self.roster().order(self._sort_column)
        accepted = self._accepted()
        if accepted is None:
            mapping = list(order)
        else:
            mask = bytearray(len(order))
            for i in accepted:
                mask[i] = 1
            mapping = [i for i in order if mask[i]]
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            mapping.reverse()
        return mapping

    def _relayout(self) -> None:
        """Recompute the mapping, keeping selection and current row where they survive."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(self._to_source[p.row()], p.column()) for p in persistent]
        self._to_source = self._compute_mapping()
        self._from_source = None
        inverse = self._inverse()
        self.changePersistentIndexList(
            persistent,
            [
                self.index(inverse[row], column) if row in inverse else QModelIndex()
                for row, column in sources
            ],
        )
        self.layoutChanged.emit()

    def _inverse(self) -> dict[int, int]:
        if self._from_source is None:
            self._from_source = {source: proxy for proxy, source in enumerate(self._to_source)}
        return self._from_source

    def _source_structure_changed(self, *_args: Any) -> None:
        # Source row numbers shifted: persistent indexes cannot be carried over.
        self.beginResetModel()
        self._to_source = self._compute_mapping()
        self._from_source = None
        self.endResetModel()

    def _source_data_changed(self, *_args: Any) -> None:
        # An edited learner may now sort elsewhere or fall out of the filter.
        self._relayout()

    # -- Qt proxy contract ---------------------------------------------

    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        if not proxy_index.isValid() or not (0 <= proxy_index.row() < len(self._to_source)):
            return QModelIndex()
        return self.roster().index(self._to_source[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self._inverse().get(source_index.row())
        return QModelIndex() if row is None else self.index(row, source_index.column())

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._to_source)) or not (0 <= column < len(COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, _index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._to_source)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._to_source)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return self.roster().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._to_source):
            return section + 1
        return None

    def row_at(self, proxy_row: int) -> RosterRow:
        return self.roster().rows[self._to_source[proxy_row]]

    def proxy_row_of(self, learner_id: int) -> int:
        source_row = self.roster().position_of(learner_id)
        return self._inverse().get(source_row, -1) if source_row >= 0 else -1
