"""A QTableWidget that edits a list of plain records (dicts), column by column.

The framework editor keeps its working copy as the framework's JSON shape; each
of its tables shows some keys of some records and gives the records back with
every key it did not show left as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

_RECORD = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # "text", "int" (edited with a spin box) or "choice" (a combo box)
    choices: Sequence[tuple[str, Any]] = field(default_factory=tuple)  # (label, value) for "choice"
    read_only: bool = False
    stretch: bool = False
    tooltip: str = ""


class RecordTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns: list[Column] = []
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(False)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.on_changed: Callable[[], None] = lambda: None
        self.itemChanged.connect(lambda _item: self.on_changed())

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = list(columns)
        self.setColumnCount(len(columns))
        self.setHorizontalHeaderLabels([c.header for c in columns])
        header = self.horizontalHeader()
        for number, column in enumerate(columns):
            mode = (
                QHeaderView.ResizeMode.Stretch if column.stretch else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(number, mode)
            if column.tooltip:
                heading = self.horizontalHeaderItem(number)
                if heading is not None:
                    heading.setToolTip(column.tooltip)

    # -- records in and out --------------------------------------------------------

    def set_records(self, records: Sequence[dict[str, Any]]) -> None:
        self.blockSignals(True)
        try:
            self.setRowCount(0)
            for record in records:
                self._append(record)
        finally:
            self.blockSignals(False)

    def records(self) -> list[dict[str, Any]]:
        return [self.record(row) for row in range(self.rowCount())]

    def record(self, row: int) -> dict[str, Any]:
        first = self.item(row, 0)
        record: dict[str, Any] = copy.deepcopy(first.data(_RECORD)) if first is not None else {}
        for number, column in enumerate(self._columns):
            record[column.key] = self._value(row, number, column)
        return record

    def set_hidden(self, row: int, key: str, value: Any) -> None:
        """Keep a value the table does not show (a knowledge item's choices, say)."""
        first = self.item(row, 0)
        if first is None:
            return
        record = dict(first.data(_RECORD) or {})
        record[key] = value
        first.setData(_RECORD, record)
        self.on_changed()

    def insert_record(self, record: dict[str, Any], at: int | None = None) -> int:
        row = self.rowCount() if at is None else at
        self._append(record, row)
        self.selectRow(row)
        self.on_changed()
        return row

    def remove_current(self) -> dict[str, Any] | None:
        row = self.currentRow()
        if row < 0:
            return None
        removed = self.record(row)
        self.removeRow(row)
        if self.rowCount():
            self.selectRow(min(row, self.rowCount() - 1))
        self.on_changed()
        return removed

    def move_current(self, step: int) -> None:
        row = self.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.rowCount():
            return
        record = self.record(row)
        self.removeRow(row)
        self._append(record, target)
        self.selectRow(target)
        self.on_changed()

    def find_row(self, key: str, value: Any) -> int:
        column = next((n for n, c in enumerate(self._columns) if c.key == key), None)
        if column is None:
            return -1
        return next(
            (r for r in range(self.rowCount()) if self._value(r, column, self._columns[column]) == value), -1
        )

    # -- cells ---------------------------------------------------------------------

    def _append(self, record: dict[str, Any], row: int | None = None) -> None:
        row = self.rowCount() if row is None else row
        self.blockSignals(True)
        try:
            self.insertRow(row)
            for number, column in enumerate(self._columns):
                value = record.get(column.key)
                if column.kind == "choice":
                    self._set_combo(row, number, column, value)
                    holder = QTableWidgetItem()
                    holder.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    self.setItem(row, number, holder)
                    continue
                cell = QTableWidgetItem()
                if column.kind == "int":
                    cell.setData(
                        Qt.ItemDataRole.EditRole, int(value) if isinstance(value, int | float) else 0
                    )
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                else:
                    text = "" if value is None else str(value)
                    cell.setText(text)
                    cell.setToolTip(text)  # long 設問文 and 説明 are cut off in the cell
                if column.read_only:
                    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.setItem(row, number, cell)
            first = self.item(row, 0)
            if first is not None:
                first.setData(_RECORD, copy.deepcopy(record))
        finally:
            self.blockSignals(False)

    def _set_combo(self, row: int, number: int, column: Column, value: Any) -> None:
        combo = QComboBox()
        for label, choice in column.choices:
            combo.addItem(label, choice)
        found = combo.findData(value)
        if found < 0 and value is not None:  # a value the choices do not know stays visible, to be fixed
            combo.addItem(f"（不明: {value}）", value)
            found = combo.count() - 1
        combo.setCurrentIndex(max(found, 0))
        combo.currentIndexChanged.connect(lambda _index: self.on_changed())
        combo.setAccessibleName(column.header)
        self.setCellWidget(row, number, combo)

    def _value(self, row: int, number: int, column: Column) -> Any:
        if column.kind == "choice":
            widget = self.cellWidget(row, number)
            return widget.currentData() if isinstance(widget, QComboBox) else None
        cell = self.item(row, number)
        if cell is None:
            return None
        if column.kind == "int":
            return int(cell.data(Qt.ItemDataRole.EditRole) or 0)
        return cell.text().strip()
