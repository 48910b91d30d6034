"""What the learner lists of the スキル診断 and 学習計画 pages share: folded-text filter and header sorting.

Rows are any objects with a `.learner` (a LearnerRef). Filtering and sorting
work on whole lists, not row by row through Qt, because the lists hold tens
of thousands of learners.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from desktop.domain.text import fold_for_search, fold_many
from desktop.store.diagnosis_service import LearnerRef
from desktop.ui.sorting import number_order, reading_keys


class HasLearner(Protocol):
    @property
    def learner(self) -> LearnerRef: ...


R = TypeVar("R", bound=HasLearner)


class LearnerRowsModel(QAbstractTableModel, Generic[R]):
    """Subclasses give the headers, the text searched, the data and any further filter or sort keys."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[R] = []
        self._keys: list[str] = []
        self._rows: list[R] = []
        self._filter_text = ""
        self._only: frozenset[int] | None = None  # learners the home page sent here, or everyone
        self._name_keys: dict[int, Any] | None = None

    def search_text(self, row: R) -> str:
        learner = row.learner
        return f"{learner.number} {learner.name} {learner.department}"

    def wanted(self, row: R) -> bool:
        """A further filter of the subclass's own; every row by default."""
        return True

    def sort_key(self, column: int) -> Callable[[R], Any]:
        """受講者番号 by value and 氏名 by フリガナ; subclasses add their columns."""
        if column == 0:
            return lambda r: number_order(r.learner.number)
        if self._name_keys is None:  # made once per load: one batch over every learner
            learners = [r.learner for r in self._all]
            self._name_keys = dict(
                zip(
                    (x.id for x in learners),
                    reading_keys([x.reading for x in learners], [x.name for x in learners]),
                    strict=True,
                )
            )
        keys = self._name_keys
        return lambda r: keys[r.learner.id]

    def set_rows(self, rows: list[R]) -> None:
        self._name_keys = None
        self._all = rows
        self._keys = fold_many([self.search_text(r) for r in rows])
        self.refilter()

    def set_filter(self, text: str) -> None:
        self._filter_text = text
        self.refilter()

    def set_only(self, learner_ids: Iterable[int] | None) -> None:
        """Show only these learners (the ones a next action on the home page is for), or everyone."""
        self._only = None if learner_ids is None else frozenset(learner_ids)
        self.refilter()

    @property
    def only(self) -> frozenset[int] | None:
        return self._only

    def refilter(self) -> None:
        wanted = fold_for_search(self._filter_text)
        only = self._only
        self.beginResetModel()
        self._rows = [
            row
            for row, key in zip(self._all, self._keys, strict=True)
            if (not wanted or wanted in key) and (only is None or row.learner.id in only) and self.wanted(row)
        ]
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.headers) or not self._all:
            return
        key = self.sort_key(column)
        order_of = sorted(range(len(self._all)), key=lambda i: key(self._all[i]))
        if order == Qt.SortOrder.DescendingOrder:
            order_of.reverse()
        self._all = [self._all[i] for i in order_of]
        self._keys = [self._keys[i] for i in order_of]
        self.refilter()

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rows(self) -> list[R]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None
