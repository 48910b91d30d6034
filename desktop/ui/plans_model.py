"""The 学習計画 page's list: each learner with the 年度's plan, its progress and overdue lines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from desktop.domain.dates import to_wareki
from desktop.domain.plan import PlanStatus
from desktop.domain.plan_proposal import hours_text
from desktop.domain.text import fold_for_search, fold_many
from desktop.store.plan_views import PlanOverviewRow
from desktop.ui.sorting import number_order, reading_keys

HEADERS = (
    "受講者番号",
    "氏名",
    "所属",
    "育成区分",
    "計画の状態",
    "版",
    "期間",
    "講座",
    "計画時間",
    "実施時間",
    "進捗",
    "期限超過",
    "ラーニングパートナー",
)
STATUS_COLUMN, PROGRESS_COLUMN, OVERDUE_COLUMN = 4, 10, 11
_RIGHT = {5, 7, 8, 9, 10, 11}

# The page's 状態 filter: a plan status, or one of these.
NO_PLAN = "none"
OVERDUE = "overdue"

OVERDUE_COLOR = QColor("#b3261e")
DRAFT_COLOR = QColor("#8a5a00")
MUTED_COLOR = QColor("#6b6b6b")


def status_text(row: PlanOverviewRow) -> str:
    if row.plan is not None:
        return row.plan.status.label
    return "未作成" if row.diagnosed else "未作成（診断なし）"


def month_text(day: date, *, with_year: bool = True) -> str:
    """令和7年5月 (or 5月): plans are made in whole months."""
    text = to_wareki(day)
    return text[: text.index("月") + 1] if with_year else f"{day.month}月"


def period_text(start: date, end: date) -> str:
    return f"{month_text(start)}〜{month_text(end, with_year=end.year != start.year)}"


def _period(row: PlanOverviewRow) -> str:
    return "" if row.plan is None else period_text(row.plan.period_start, row.plan.period_end)


class PlansModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[PlanOverviewRow] = []
        self._keys: list[str] = []
        self._rows: list[PlanOverviewRow] = []
        self._text = ""
        self._status: str | None = None
        self._name_keys: dict[int, Any] | None = None

    def set_rows(self, rows: list[PlanOverviewRow]) -> None:
        self._name_keys = None
        self._all = rows
        self._keys = fold_many(
            [f"{r.learner.number} {r.learner.name} {r.learner.reading} {r.learner.department}" for r in rows]
        )
        self._apply()

    def set_filter(self, text: str) -> None:
        self._text = text
        self._apply()

    def set_status_filter(self, status: str | None) -> None:
        """A PlanStatus value, NO_PLAN, OVERDUE, or None for everyone."""
        self._status = status
        self._apply()

    def _wanted(self, row: PlanOverviewRow) -> bool:
        if self._status is None:
            return True
        if self._status == NO_PLAN:
            return row.plan is None
        if self._status == OVERDUE:
            return row.plan is not None and row.plan.progress.overdue > 0
        return row.plan is not None and row.plan.status.value == self._status

    def _apply(self) -> None:
        text = fold_for_search(self._text)
        self.beginResetModel()
        self._rows = [
            row
            for row, key in zip(self._all, self._keys, strict=True)
            if (not text or text in key) and self._wanted(row)
        ]
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS) or not self._all:
            return
        key = self._sort_key(column)
        order_of = sorted(range(len(self._all)), key=lambda i: key(self._all[i]))
        if order == Qt.SortOrder.DescendingOrder:
            order_of.reverse()
        self._all = [self._all[i] for i in order_of]
        self._keys = [self._keys[i] for i in order_of]
        self._apply()

    def _sort_key(self, column: int) -> Callable[[PlanOverviewRow], Any]:
        if column == 0:
            return lambda r: number_order(r.learner.number)
        if column == 1:
            if self._name_keys is None:
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
        if column == 4:
            order = list(PlanStatus)
            return lambda r: (-1, r.diagnosed) if r.plan is None else (order.index(r.plan.status), True)
        if 5 <= column <= 11:
            return lambda r: (r.plan is not None, self._number(r, column))
        return lambda r: str(self._display(r, column))

    @staticmethod
    def _number(row: PlanOverviewRow, column: int) -> Any:
        plan = row.plan
        if plan is None:
            return 0
        progress = plan.progress
        return {
            5: plan.revision,
            6: plan.period_start.toordinal(),
            7: progress.lines,
            8: progress.planned_hours,
            9: progress.done_hours,
            10: progress.percent,
            11: progress.overdue,
        }[column]

    def row_at(self, row: int) -> PlanOverviewRow:
        return self._rows[row]

    def rows(self) -> list[PlanOverviewRow]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def _display(self, row: PlanOverviewRow, column: int) -> str:
        learner, plan = row.learner, row.plan
        if column < 4:
            return (learner.number, learner.name, learner.department, learner.role_text)[column]
        if column == STATUS_COLUMN:
            return status_text(row)
        if plan is None:
            return ""
        progress = plan.progress
        values = {
            5: f"第{plan.revision}版",
            6: _period(row),
            7: str(progress.lines),
            8: hours_text(progress.planned_hours),
            9: hours_text(progress.done_hours),
            10: f"{progress.percent}%",
            11: f"{progress.overdue}件" if progress.overdue else "",
            12: plan.mentor,
        }
        return values[column]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._color(row, column)
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and column == OVERDUE_COLUMN
            and row.plan
            and row.plan.progress.overdue
        ):
            return "予定の月を過ぎても修了していない講座があります。"
        return None

    @staticmethod
    def _color(row: PlanOverviewRow, column: int) -> QColor | None:
        plan = row.plan
        if column == OVERDUE_COLUMN and plan is not None and plan.progress.overdue:
            return OVERDUE_COLOR
        if column == STATUS_COLUMN:
            if plan is None:
                return MUTED_COLOR
            if plan.status is PlanStatus.DRAFT:
                return DRAFT_COLOR
        return None


def hours_sum(rows: list[PlanOverviewRow]) -> tuple[Decimal, Decimal]:
    """Planned and done hours over the rows that have plans."""
    planned = sum((r.plan.progress.planned_hours for r in rows if r.plan), Decimal(0))
    done = sum((r.plan.progress.done_hours for r in rows if r.plan), Decimal(0))
    return planned, done
