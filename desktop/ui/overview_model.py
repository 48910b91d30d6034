"""The スキル診断 page's learner list: each learner with the newest diagnosis of each kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.diagnosis_service import LearnerOverview
from desktop.store.models import DiagnosisStatus
from desktop.ui.learner_rows_model import LearnerRowsModel

KINDS = (DiagnosisKind.PRE, DiagnosisKind.POST, DiagnosisKind.PERIODIC)
_HEADERS = ("受講者番号", "氏名", "所属", "育成区分", "事前", "事後", "定期")


class OverviewModel(LearnerRowsModel[LearnerOverview]):
    """Learners with the newest diagnosis of each kind; filtered by folded text with list operations."""

    headers = _HEADERS

    def sort_key(self, column: int) -> Callable[[LearnerOverview], Any]:
        if column <= 1:
            return super().sort_key(column)
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
