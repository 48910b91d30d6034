"""The 学習計画 page's list: each learner with the 年度's plan, its progress and overdue lines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from desktop.domain.dates import to_wareki
from desktop.domain.plan import PlanStatus
from desktop.domain.plan_proposal import hours_text
from desktop.store.plan_views import PlanOverviewRow
from desktop.ui.learner_rows_model import LearnerRowsModel

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


class PlansModel(LearnerRowsModel[PlanOverviewRow]):
    headers = HEADERS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status: str | None = None

    def search_text(self, row: PlanOverviewRow) -> str:
        learner = row.learner
        return f"{learner.number} {learner.name} {learner.reading} {learner.department}"

    def set_status_filter(self, status: str | None) -> None:
        """A PlanStatus value, NO_PLAN, OVERDUE, or None for everyone."""
        self._status = status
        self.refilter()

    def wanted(self, row: PlanOverviewRow) -> bool:
        if self._status is None:
            return True
        if self._status == NO_PLAN:
            return row.plan is None
        if self._status == OVERDUE:
            return row.plan is not None and row.plan.progress.overdue > 0
        return row.plan is not None and row.plan.status.value == self._status

    def sort_key(self, column: int) -> Callable[[PlanOverviewRow], Any]:
        if column <= 1:
            return super().sort_key(column)
        if column == STATUS_COLUMN:
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
