"""The 助成金 page's tables: 訓練計画 with estimates and deadlines, establishments, rule sets.

The lists are short (an office supports tens of firms, not thousands): plain
row models (ui/rows_model) that sort on a header click.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from desktop.domain.grant import hours_text, yen
from desktop.domain.grant_plan import AlertLevel
from desktop.store.grant_rule_store import RuleSetInfo
from desktop.store.grant_views import EstablishmentRow, GrantPlanView
from desktop.ui.rows_model import Column, RowsModel

OVERDUE_COLOR = QColor("#b3261e")
WARNING_COLOR = QColor("#8a5a00")
MUTED_COLOR = QColor("#6b6b6b")


def day_text(day: date | None) -> str:
    return "" if day is None else f"{day:%Y/%m/%d}"


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
