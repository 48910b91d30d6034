"""Choosing a course from the catalogue to add to a plan: filter by code, title, method or level."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.catalog import CatalogCourse
from desktop.domain.plan_proposal import hours_text
from desktop.domain.text import fold_for_search

_COLUMNS = ("コード", "講座名", "提供元", "実施方法", "時間", "レベル")


class CoursePickerDialog(QDialog):
    def __init__(self, courses: Sequence[CatalogCourse], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("講座を追加")
        self.resize(860, 520)
        self.chosen: CatalogCourse | None = None
        self._courses = list(courses)
        self._keys = [
            fold_for_search(f"{c.code} {c.title} {c.provider.value} {c.method.value} {c.level.value}")
            for c in self._courses
        ]
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("研修カタログから、計画に加える講座を選んでください（ダブルクリックでも選べます）。")
        )
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("コード・講座名・実施方法・レベルで絞り込み")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("講座の絞り込み")
        layout.addWidget(self.search)
        self.table = QTableWidget(len(self._courses), len(_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAccessibleName("講座の一覧")
        for row, course in enumerate(self._courses):
            texts = (
                course.code,
                course.title,
                course.provider.value,
                course.method.value,
                hours_text(course.hours),
                course.level.value,
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("追加")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        self.buttons.accepted.connect(self._accept_selected)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.search.textChanged.connect(self._filter)
        self.table.doubleClicked.connect(lambda _index: self._accept_selected())
        if self._courses:
            self.table.selectRow(0)

    def _filter(self, text: str) -> None:
        wanted = fold_for_search(text)
        first = None
        for row, key in enumerate(self._keys):
            hidden = bool(wanted) and wanted not in key
            self.table.setRowHidden(row, hidden)
            if not hidden and first is None:
                first = row
        if first is not None:
            self.table.selectRow(first)
        else:
            self.table.clearSelection()

    def choose(self, code: str) -> None:
        """Select a course by code (for keyboard users typing a code, and for tests)."""
        for row, course in enumerate(self._courses):
            if course.code == code:
                self.table.selectRow(row)
                return

    def _accept_selected(self) -> None:
        rows = [
            i.row() for i in self.table.selectionModel().selectedRows() if not self.table.isRowHidden(i.row())
        ]
        if not rows:
            return
        self.chosen = self._courses[rows[0]]
        self.accept()
