"""The 受講記録 table: a source model of every record and a proxy that filters and sorts.

Built for half a million records. As in the 名簿 (roster_model), the proxy
never calls back into Python per row: filters are list operations over the
rows, search keys are folded once per learner and once per course (not once
per record), and each column's sort order is computed once per change of data.
The 集計 totals use the same filtered rows through a small sortable model.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
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

from desktop.domain.dates import wareki_year
from desktop.domain.records import Totals, totals_by
from desktop.domain.text import fold_for_search, fold_many, reading_sort_keys
from desktop.store.models import RECORD_SOURCE_MANUAL, TrainingStatus
from desktop.store.records_service import SOURCE_LABELS, STATUS_LABELS, RecordRow
from desktop.store.roster_service import RosterRow

Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
UNDATED = 0  # the 年度 filter's value for records without any date

# Filter and display order of the statuses: the outcome first.
STATUS_ORDER = (
    TrainingStatus.COMPLETED,
    TrainingStatus.IN_PROGRESS,
    TrainingStatus.ENROLLED,
    TrainingStatus.WITHDRAWN,
)
_TENTH = Decimal("0.1")
_IMPORTED_BRUSH = QBrush(QColor("#35506b"))
_WITHDRAWN_BRUSH = QBrush(QColor("#7a7a7a"))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)


def _tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def format_hours(hours: Decimal | None) -> str:
    """Hours to one decimal, rounded as a clerk rounds (0.25 → 0.3)."""
    return "" if hours is None else str(hours.quantize(_TENTH, ROUND_HALF_UP))


def format_date(day: date | None) -> str:
    return "" if day is None else f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def fiscal_year_label(year: int) -> str:
    """「2025年度（令和7年度）」. A 年度 is named by the era of most of its months: 2019 → 令和元年度."""
    era, era_year = wareki_year(date(year, 5, 1))
    return f"{year}年度（{era}{'元' if era_year == 1 else era_year}年度）"


def place_of(row: RecordRow) -> str:
    return row.department or row.organization


def is_imported(row: RecordRow) -> bool:
    return row.source != RECORD_SOURCE_MANUAL


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[RecordRow], str]
    alignment: int | None = None


COLUMNS: tuple[Column, ...] = (
    Column("受講者番号", lambda r: r.learner_number),
    Column("氏名", lambda r: r.learner_name),
    Column("所属", place_of),
    Column("講座", lambda r: r.course_title),
    Column("状況", lambda r: STATUS_LABELS[r.status]),
    Column("受講日", lambda r: format_date(r.activity_on), _CENTER),
    Column("年度", lambda r: "" if r.fiscal_year is None else str(r.fiscal_year), _CENTER),
    Column("時間", lambda r: format_hours(r.hours), _RIGHT),
    Column("進捗", lambda r: "" if r.progress_percent is None else f"{r.progress_percent}%", _RIGHT),
    Column("取込元", lambda r: SOURCE_LABELS.get(r.source, r.source)),
    Column("備考", lambda r: " ".join(r.notes.split())),
)
(
    COL_NUMBER,
    COL_NAME,
    COL_PLACE,
    COL_COURSE,
    COL_STATUS,
    COL_DATE,
    COL_YEAR,
    COL_HOURS,
    COL_PROGRESS,
    COL_SOURCE,
    COL_NOTES,
) = range(len(COLUMNS))
DEFAULT_SORT = (COL_DATE, Qt.SortOrder.DescendingOrder)


# -- keys, computed off the UI thread on load ---------------------------------


def _learner_text(row: RecordRow, furigana: str) -> str:
    # \x01 (kept by folding) stops a query matching across fields.
    return f"{row.learner_number}\x01{row.learner_name}\x01{furigana}"


def search_keys(rows: Sequence[RecordRow], readings: dict[int, str]) -> list[str]:
    """Folded 番号・氏名・フリガナ・講座 per record, folding each learner and course once."""
    learner_texts: dict[int, str] = {}
    course_texts: dict[int, str] = {}
    for row in rows:
        if row.learner_id not in learner_texts:
            learner_texts[row.learner_id] = _learner_text(row, readings.get(row.learner_id, ""))
        if row.course_id not in course_texts:
            course_texts[row.course_id] = row.course_title
    learners = dict(zip(learner_texts, fold_many(list(learner_texts.values())), strict=True))
    courses = dict(zip(course_texts, fold_many(list(course_texts.values())), strict=True))
    return [f"{learners[row.learner_id]}\x01{courses[row.course_id]}" for row in rows]


_DAY_BITS = 20  # date.toordinal() stays below 2**20 until the year 2870


def _ranked(
    values: Sequence[Any], days: Sequence[int], order_key: Callable[[Any], Any] | None = None
) -> list[int]:
    """Integer keys: the rank of each row's value among the distinct values, then its day.

    Half a million records hold a few thousand distinct learners or courses: those
    are sorted as text, and the rows as integers, which Python compares fastest.
    """
    distinct: list[Any] = sorted(set(values), key=order_key)
    rank = {value: position for position, value in enumerate(distinct)}
    return [(rank[value] << _DAY_BITS) | day for value, day in zip(values, days, strict=True)]


def sort_keys(rows: Sequence[RecordRow], column: int, readings: dict[int, str]) -> list[Any]:
    """One key per row, numbers where possible; ties fall back to the 受講日."""
    if column == COL_HOURS:
        return [-1.0 if r.hours is None else float(r.hours) for r in rows]
    if column == COL_PROGRESS:
        return [-1 if r.progress_percent is None else r.progress_percent for r in rows]
    days = [r.activity_on.toordinal() if r.activity_on else 0 for r in rows]
    if column in (COL_DATE, COL_YEAR):
        return days  # the 年度 follows the date
    if column in (COL_NUMBER, COL_NAME):
        # Ranked per learner: tens of thousands of learners, not every record, are compared as text.
        ids = [r.learner_id for r in rows]
        sample = dict(zip(ids, rows, strict=True))
        order: dict[int, tuple[Any, ...]]
        if column == COL_NUMBER:
            # Numbers of different lengths sort by value where they are numeric.
            order = {i: (len(r.learner_number), r.learner_number) for i, r in sample.items()}
        else:
            learner_ids = list(sample)
            reading_keys = reading_sort_keys([readings.get(i) or sample[i].learner_name for i in learner_ids])
            order = {
                i: (*key, sample[i].learner_number) for i, key in zip(learner_ids, reading_keys, strict=True)
            }
        return _ranked(ids, days, order.__getitem__)
    if column == COL_STATUS:
        return _ranked([r.status for r in rows], days, STATUS_ORDER.index)
    text = COLUMNS[column].text
    return _ranked([text(r) for r in rows], days)


def sorted_order(rows: Sequence[RecordRow], column: int, readings: dict[int, str]) -> list[int]:
    keys = sort_keys(rows, column, readings)
    return sorted(range(len(keys)), key=keys.__getitem__)


@dataclass(frozen=True)
class PreparedRecords:
    """Rows with their search keys and first sort order, computed off the UI thread."""

    rows: list[RecordRow]
    readings: dict[int, str]  # learner id → フリガナ, for sorting and searching by reading
    search_keys: list[str]
    orders: dict[int, list[int]] = field(default_factory=dict)


def prepare_records(
    rows: list[RecordRow], learners: Iterable[RosterRow] = (), sort_column: int = DEFAULT_SORT[0]
) -> PreparedRecords:
    readings = {learner.id: learner.furigana for learner in learners}
    return PreparedRecords(
        rows, readings, search_keys(rows, readings), {sort_column: sorted_order(rows, sort_column, readings)}
    )


# -- the source model -----------------------------------------------------------


class RecordsTableModel(QAbstractTableModel):
    """Every record the service returned, in load order; never filtered here."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RecordRow] = []
        self._readings: dict[int, str] = {}
        self._search_keys: list[str] = []
        self._orders: dict[int, list[int]] = {}
        self._ranks: dict[int, list[int]] = {}
        self._values: dict[str, list[Any]] = {}
        self._positions: dict[int, int] | None = None

    # -- Qt model contract --------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column].text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return COLUMNS[column].alignment
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.status is TrainingStatus.WITHDRAWN:
                return _WITHDRAWN_BRUSH
            if column == COL_SOURCE and is_imported(row):
                return _IMPORTED_BRUSH
            return None
        if role == ROW_ROLE:
            return row
        return None

    @staticmethod
    def _tooltip(row: RecordRow, column: int) -> str:
        if column == COL_PLACE:
            return "／".join(part for part in (row.organization, row.department) if part)
        if column == COL_YEAR and row.fiscal_year is not None:
            return fiscal_year_label(row.fiscal_year)
        if column == COL_HOURS and row.minutes is not None:
            return _tr("RecordsTableModel", "{minutes}分").format(minutes=f"{row.minutes:,}")
        if column == COL_NOTES:
            return row.notes
        if column == COL_SOURCE and is_imported(row):
            return _tr("RecordsTableModel", "取り込んだ記録です。編集・削除はできません。")
        return COLUMNS[column].text(row)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _tr("RecordsTableModel", COLUMNS[section].title)
            return None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    # -- what the proxy and the page use --------------------------------

    @property
    def rows(self) -> Sequence[RecordRow]:
        return self._rows

    @property
    def readings(self) -> dict[int, str]:
        return self._readings

    @property
    def search_keys(self) -> Sequence[str]:
        return self._search_keys

    def order(self, column: int) -> Sequence[int]:
        """Source rows in ascending order of `column`, computed once per change of data."""
        order = self._orders.get(column)
        if order is None:
            order = sorted_order(self._rows, column, self._readings)
            self._orders[column] = order
        return order

    def values(self, field_name: str) -> Sequence[Any]:
        """One field of every row as a plain list (filters scan it faster than the rows)."""
        values = self._values.get(field_name)
        if values is None:
            values = [getattr(row, field_name) for row in self._rows]
            self._values[field_name] = values
        return values

    def rank(self, column: int) -> Sequence[int]:
        """Each source row's position in order(column)."""
        rank = self._ranks.get(column)
        if rank is None:
            rank = [0] * len(self._rows)
            for position, source in enumerate(self.order(column)):
                rank[source] = position
            self._ranks[column] = rank
        return rank

    def set_rows(self, rows: Sequence[RecordRow] | PreparedRecords) -> None:
        prepared = rows if isinstance(rows, PreparedRecords) else prepare_records(list(rows))
        self.beginResetModel()
        self._rows = prepared.rows
        self._readings = prepared.readings
        self._search_keys = prepared.search_keys
        self._orders = dict(prepared.orders)
        self._ranks.clear()
        self._values.clear()
        self._positions = None
        self.endResetModel()

    def position_of(self, record_id: int) -> int:
        if self._positions is None:
            self._positions = {row.id: position for position, row in enumerate(self._rows)}
        return self._positions.get(record_id, -1)

    def upsert(self, row: RecordRow) -> None:
        """Show a saved record: replace the old line or append a new one."""
        position = self.position_of(row.id)
        self._orders.clear()
        self._ranks.clear()
        self._values.clear()
        key = search_keys([row], self._readings)[0]
        if position < 0:
            position = len(self._rows)
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.append(row)
            self._search_keys.append(key)
            self._positions = None
            self.endInsertRows()
            return
        self._rows[position] = row
        self._search_keys[position] = key
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))

    def remove(self, record_id: int) -> None:
        position = self.position_of(record_id)
        if position < 0:
            return
        self._orders.clear()
        self._ranks.clear()
        self._values.clear()
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        del self._search_keys[position]
        self._positions = None
        self.endRemoveRows()


# -- filtering and sorting ------------------------------------------------------


@dataclass(frozen=True)
class RecordsFilter:
    text: str = ""
    learner_id: int | None = None
    only_learner: bool = False  # 受講者ごと: with no learner chosen, nothing is shown
    fiscal_year: int | None = None  # UNDATED for records without a date
    course_ids: frozenset[int] | None = None
    department_ids: frozenset[int] | None = None  # a 部 and every 課 below it
    status: TrainingStatus | None = None


class RecordsProxyModel(QAbstractProxyModel):
    """Filters and sorts the records by mapping proxy rows to source rows in one list."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._filter = RecordsFilter()
        self._sort_column, self._sort_order = DEFAULT_SORT
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

    def records(self) -> RecordsTableModel:
        model = self.sourceModel()
        assert isinstance(model, RecordsTableModel)
        return model

    @property
    def filter(self) -> RecordsFilter:
        return self._filter

    def set_filter(self, records_filter: RecordsFilter) -> None:
        if records_filter != self._filter:
            self._filter = records_filter
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
        source = self.records()
        f = self._filter
        candidates: list[int] | range = range(source.rowCount())
        # The narrowest test first: each later one scans only what is left.
        if f.only_learner or f.learner_id is not None:
            learners, learner_id = source.values("learner_id"), f.learner_id
            candidates = [i for i in candidates if learners[i] == learner_id]
        if f.course_ids is not None:
            courses, chosen = source.values("course_id"), f.course_ids
            candidates = [i for i in candidates if courses[i] in chosen]
        if f.fiscal_year is not None:
            years, year = source.values("fiscal_year"), None if f.fiscal_year == UNDATED else f.fiscal_year
            candidates = [i for i in candidates if years[i] == year]
        if f.department_ids is not None:
            departments, within = source.values("department_id"), f.department_ids
            candidates = [i for i in candidates if departments[i] in within]
        if f.status is not None:
            statuses, status = source.values("status"), f.status
            candidates = [i for i in candidates if statuses[i] is status]
        needle = fold_for_search(f.text)
        if needle:
            keys = source.search_keys
            candidates = [i for i in candidates if needle in keys[i]]
        return None if isinstance(candidates, range) else candidates

    def _compute_mapping(self) -> list[int]:
        source = self.records()
        order = source.order(self._sort_column)
        accepted = self._accepted()
        if accepted is None:
            mapping = list(order)
        elif len(accepted) < len(order) // 3:
            # Fewer rows: sorting them by rank beats scanning the whole order.
            mapping = sorted(accepted, key=source.rank(self._sort_column).__getitem__)
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
        where = self._positions_of({row for row, _column in sources})
        self.changePersistentIndexList(
            persistent,
            [self.index(where[row], column) if row in where else QModelIndex() for row, column in sources],
        )
        self.layoutChanged.emit()

    def _positions_of(self, source_rows: set[int]) -> dict[int, int]:
        """Proxy rows of a few source rows (the selection) without inverting the whole mapping."""
        if len(source_rows) > 4:
            inverse = self._inverse()
            return {row: inverse[row] for row in source_rows if row in inverse}
        found = {}
        for row in source_rows:
            with contextlib.suppress(ValueError):  # filtered out
                found[row] = self._to_source.index(row)
        return found

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
        # An edited record may now sort elsewhere or fall out of the filter.
        self._relayout()

    # -- Qt proxy contract ---------------------------------------------

    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        if not proxy_index.isValid() or not (0 <= proxy_index.row() < len(self._to_source)):
            return QModelIndex()
        return self.records().index(self._to_source[proxy_index.row()], proxy_index.column())

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
            return self.records().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._to_source):
            return section + 1
        return None

    def row_at(self, proxy_row: int) -> RecordRow:
        return self.records().rows[self._to_source[proxy_row]]

    def proxy_row_of(self, record_id: int) -> int:
        source_row = self.records().position_of(record_id)
        return self._inverse().get(source_row, -1) if source_row >= 0 else -1

    def shown_rows(self) -> list[RecordRow]:
        """The records the filter lets through, in the shown order."""
        rows = self.records().rows
        return [rows[i] for i in self._to_source]


# -- 集計 --------------------------------------------------------------------


@dataclass(frozen=True)
class TotalsLine:
    labels: tuple[str, ...]
    totals: Totals


@dataclass(frozen=True)
class RecordTotals:
    learners: list[TotalsLine]  # 受講者番号, 氏名, 所属
    departments: list[TotalsLine]  # 所属 (団体／所属 when several 団体 appear)
    overall: Totals


def compute_totals(rows: Sequence[RecordRow]) -> RecordTotals:
    """件数, 修了数, 合計時間 per learner, per 所属 and overall, in one pass over the records.

    Plain Python over plain data: a page runs it in a worker for large selections.
    A record's 所属 is its learner's, so the 所属 totals add up the learners'.
    """
    completed = TrainingStatus.COMPLETED
    by_learner = totals_by((row.learner_id, row.hours, row.status is completed) for row in rows)
    sample = {row.learner_id: row for row in rows}
    learners: list[TotalsLine] = []
    by_place: dict[tuple[str, str], Totals] = {}
    for learner_id, totals in by_learner.items():
        row = sample[learner_id]  # type: ignore[index]
        learners.append(TotalsLine((row.learner_number, row.learner_name, place_of(row)), totals))
        place = by_place.setdefault((row.organization, row.department), Totals())
        place.records += totals.records
        place.completed += totals.completed
        place.hours += totals.hours
    several = len({organization for organization, _department in by_place}) > 1
    no_department = _tr("RecordsTotals", "（所属なし）")
    departments = []
    for (organization, department), totals in by_place.items():
        name = department or no_department
        departments.append(TotalsLine((f"{organization}／{name}" if several else name,), totals))
    overall = Totals()
    for totals in by_place.values():
        overall.records += totals.records
        overall.completed += totals.completed
        overall.hours += totals.hours
    return RecordTotals(learners, departments, overall)


class TotalsTableModel(QAbstractTableModel):
    """Totals per learner or per 所属: label columns, then 件数, 修了数, 合計時間. Sorts itself."""

    def __init__(self, label_titles: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._titles = [*label_titles, "件数", "修了数", "合計時間"]
        self._labels = len(label_titles)
        self._lines: list[TotalsLine] = []
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.AscendingOrder

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._titles)

    def _cell(self, line: TotalsLine, column: int) -> str:
        if column < self._labels:
            return line.labels[column]
        totals = line.totals
        if column == self._labels:
            return f"{totals.records:,}"
        if column == self._labels + 1:
            return f"{totals.completed:,}"
        return format_hours(totals.hours)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._lines)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._cell(self._lines[index.row()], index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= self._labels:
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._titles):
            return _tr("TotalsTableModel", self._titles[section])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    @property
    def lines(self) -> Sequence[TotalsLine]:
        return self._lines

    def set_lines(self, lines: list[TotalsLine]) -> None:
        self.beginResetModel()
        self._lines = lines
        self._sort_lines()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._titles):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved = [(id(self._lines[p.row()]), p.column()) for p in persistent]
        self._sort_lines()
        row_of = {id(line): row for row, line in enumerate(self._lines)}
        self.changePersistentIndexList(persistent, [self.index(row_of[key], col) for key, col in moved])
        self.layoutChanged.emit()

    def _sort_lines(self) -> None:
        column, labels = self._sort_column, self._labels
        key: Callable[[TotalsLine], Any]
        if column < labels:
            key = lambda line: line.labels[column]  # noqa: E731
        elif column == labels:
            key = lambda line: line.totals.records  # noqa: E731
        elif column == labels + 1:
            key = lambda line: line.totals.completed  # noqa: E731
        else:
            key = lambda line: line.totals.hours  # noqa: E731
        self._lines.sort(key=key, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
