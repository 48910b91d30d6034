"""The 助成金 page's tables: 訓練計画 with estimates and deadlines, establishments, rule sets.

The lists are short (an office supports tens of firms, not thousands), so each
model sorts its own rows on a header click instead of sitting behind a proxy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from desktop.domain.grant import hours_text, yen
from desktop.domain.grant_plan import AlertLevel
from desktop.store.grant_rule_store import RuleSetInfo
from desktop.store.grant_views import EstablishmentRow, GrantPlanView

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_COLOR = QColor("#b3261e")
WARNING_COLOR = QColor("#8a5a00")
MUTED_COLOR = QColor("#6b6b6b")


def day_text(day: date | None) -> str:
    return "" if day is None else f"{day:%Y/%m/%d}"


class Column(Generic[T]):
    """One column: its header, the text shown, the value it sorts by, and where it aligns."""

    def __init__(
        self,
        header: str,
        text: Callable[[T], str],
        sort: Callable[[T], Any] | None = None,
        *,
        right: bool = False,
    ) -> None:
        self.header = header
        self.text = text
        self.sort = sort or text
        self.right = right


class RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only list of plain rows described by columns; sorts by each column's sort value."""

    columns: Sequence[Column[T]] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.extra(row, index.column(), role)

    def extra(self, row: T, column: int, role: int) -> Any:
        """Colours and tooltips, for subclasses."""
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column].sort
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


def _amount(view: GrantPlanView) -> str:
    return yen(view.estimate.total) if view.estimate is not None else "—"


def _hours(value: Decimal) -> str:
    return hours_text(value).removesuffix("時間")


def _alert_order(view: GrantPlanView) -> tuple[int, str]:
    ranks = {AlertLevel.OVERDUE: 0, AlertLevel.WARNING: 1, AlertLevel.INFO: 2}
    return (ranks[view.alert.level], view.alert.text) if view.alert else (3, "")


class GrantPlansModel(RowsModel[GrantPlanView]):
    columns = (
        Column("事業所", lambda v: v.establishment),
        Column("訓練コース", lambda v: v.title),
        Column("訓練方法", lambda v: v.method.label),
        Column("開始", lambda v: day_text(v.start), lambda v: v.start),
        Column("終了", lambda v: day_text(v.end), lambda v: v.end),
        Column("時間", lambda v: _hours(v.hours), lambda v: v.hours, right=True),
        Column("受講者", lambda v: f"{len(v.trainees)}名", lambda v: len(v.trainees), right=True),
        Column("状態", lambda v: v.status.label, lambda v: list(type(v.status)).index(v.status)),
        Column("見込額", _amount, lambda v: v.estimate.total if v.estimate else -1, right=True),
        Column("ルールセット", lambda v: v.estimate.rule_set.id if v.estimate else (v.problem or "")),
        Column("次の期限", lambda v: v.alert.text if v.alert else "", _alert_order),
    )
    AMOUNT_COLUMN, RULE_COLUMN, ALERT_COLUMN = 8, 9, 10

    def extra(self, row: GrantPlanView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.ALERT_COLUMN and row.alert is not None:
                return {
                    AlertLevel.OVERDUE: OVERDUE_COLOR,
                    AlertLevel.WARNING: WARNING_COLOR,
                    AlertLevel.INFO: None,
                }[row.alert.level]
            if column == self.AMOUNT_COLUMN and row.estimate is None:
                return MUTED_COLOR
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.AMOUNT_COLUMN and row.estimate is None:
                return row.problem
            if column == self.AMOUNT_COLUMN and row.estimate is not None:
                return f"{row.estimate.rule_set.name}（{row.estimate.rule_set.id}）による見込み"
            if column in (0, 1, 2, self.RULE_COLUMN, self.ALERT_COLUMN):
                return self.columns[column].text(row)
        return None


class EstablishmentsModel(RowsModel[EstablishmentRow]):
    columns = (
        Column("事業所名", lambda e: e.name),
        Column("企業規模", lambda e: e.size.label if e.size else "未設定"),
        Column("雇用保険適用事業所番号", lambda e: e.office_number),
        Column("法人番号", lambda e: e.corporate_number),
        Column("主たる事業", lambda e: e.main_business),
        Column("管轄労働局", lambda e: e.labour_bureau),
        Column("担当者", lambda e: e.contact_name),
        Column("名簿の従業員", lambda e: f"{e.employee_count}名", lambda e: e.employee_count, right=True),
        Column("訓練計画", lambda e: f"{e.plan_count}件", lambda e: e.plan_count, right=True),
    )

    def extra(self, row: EstablishmentRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and row.size is None:
            return OVERDUE_COLOR  # the estimate cannot be made until it is set
        return None


class RuleSetsModel(RowsModel[RuleSetInfo]):
    columns = (
        Column("ルールセット", lambda i: i.rule_set.id),
        Column("適用開始", lambda i: day_text(i.rule_set.applies_from), lambda i: i.rule_set.applies_from),
        Column("適用終了", lambda i: day_text(i.rule_set.applies_to), lambda i: i.rule_set.applies_to),
        Column("名称", lambda i: i.rule_set.name),
        Column("入手元", lambda i: "同梱" if i.bundled else f"読込（{i.source}）"),
        Column("出典", lambda i: i.rule_set.source),
    )

    def extra(self, row: RuleSetInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.rule_set.source
        return None
