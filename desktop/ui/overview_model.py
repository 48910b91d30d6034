"""The スキル診断 page's learner list: each learner with the newest diagnosis of each kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.text import fold_for_search, fold_many
from desktop.store.diagnosis_service import LearnerOverview
from desktop.store.models import DiagnosisStatus
from desktop.ui.sorting import number_order, reading_keys

KINDS = (DiagnosisKind.PRE, DiagnosisKind.POST, DiagnosisKind.PERIODIC)
_HEADERS = ("受講者番号", "氏名", "所属", "育成区分", "事前", "事後", "定期")


class OverviewModel(QAbstractTableModel):
    """Learners with the newest diagnosis of each kind; filtered by folded text with list operations."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[LearnerOverview] = []
        self._keys: list[str] = []
        self._rows: list[LearnerOverview] = []
        self._filter_text = ""
        self._name_keys: dict[int, Any] | None = None

    def set_rows(self, rows: list[LearnerOverview]) -> None:
        self._name_keys = None
        self.beginResetModel()
        self._all = rows
        self._keys = fold_many([f"{r.learner.number} {r.learner.name} {r.learner.department}" for r in rows])
        self._rows = rows
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(_HEADERS) or not self._all:
            return
        key = self._sort_key(column)
        order_of = sorted(range(len(self._all)), key=lambda i: key(self._all[i]))
        if order == Qt.SortOrder.DescendingOrder:
            order_of.reverse()
        self._all = [self._all[i] for i in order_of]
        self._keys = [self._keys[i] for i in order_of]
        self.set_filter(self._filter_text)

    def _sort_key(self, column: int) -> Callable[[LearnerOverview], Any]:
        if column == 0:
            return lambda r: number_order(r.learner.number)
        if column == 1:
            if self._name_keys is None:  # made once per load: a batch over every learner
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
        if column == 2:
            return lambda r: r.learner.department
        if column == 3:
            return lambda r: r.learner.role_text
        kind = KINDS[column - 4]

        def by_mark(row: LearnerOverview) -> tuple[int, str, float]:
            mark = row.latest.get(kind)
            if mark is None:
                return (0, "", 0.0)  # never diagnosed first: those are the ones to chase
            return (
                1 if mark.status is DiagnosisStatus.IN_PROGRESS else 2,
                mark.diagnosed_on.isoformat(),
                mark.mean_level or 0.0,
            )

        return by_mark

    def set_filter(self, text: str) -> None:
        self._filter_text = text
        wanted = fold_for_search(text)
        self.beginResetModel()
        self._rows = (
            [r for r, key in zip(self._all, self._keys, strict=True) if wanted in key]
            if wanted
            else self._all
        )
        self.endResetModel()

    def row_at(self, row: int) -> LearnerOverview:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column < 4:
                learner = entry.learner
                return (
                    learner.number,
                    learner.name,
                    learner.department,
                    learner.role_text or "（一般職員）",
                )[column]
            mark = entry.latest.get(KINDS[column - 4])
            return mark.text if mark else "—"
        if role == Qt.ItemDataRole.ForegroundRole and column >= 4:
            mark = entry.latest.get(KINDS[column - 4])
            if mark is not None and mark.status is DiagnosisStatus.IN_PROGRESS:
                return QColor("#b35c00")
        return None
