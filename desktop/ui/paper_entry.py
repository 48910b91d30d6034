"""Typing a paper answer sheet into a diagnosis: one row per question, one digit per answer.

Unlike the on-screen wizard, edits stay in memory until 「保存」 and are then
written in one transaction: someone copying a sheet wants it saved whole or
not at all, and a mistyped row is fixed before anything reaches the database.
Closing with edits asks first, so no sheet is lost by a stray Escape.

A completed diagnosis opens read-only: the answers are shown, nothing can be typed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dates import to_wareki
from desktop.domain.diagnosis import DiagnosisScore
from desktop.domain.framework import Framework, Item, ItemKind
from desktop.store.diagnosis_service import DiagnosisService, DiagnosisState
from desktop.store.errors import UserFacingError
from desktop.store.models import DiagnosisStatus
from desktop.ui.diagnosis_wizard import confirm_completion, digit_of, range_text, value_for_digit

COL_ID, COL_CATEGORY, COL_KIND, COL_TEXT, COL_ANSWER, COL_MEANING = range(6)
HEADERS = ("設問ID", "分類", "種類", "設問文", "回答", "回答の意味")
_UNSAVED = QColor("#fff4cc")
_READ_ONLY_NOTE = "この診断は完了しているため、表示のみです。"

_Index = QModelIndex | QPersistentModelIndex


def answer_meaning(framework: Framework, item: Item, value: int | None) -> str:
    if value is None:
        return ""
    if item.kind is ItemKind.KNOWLEDGE:
        return item.choices[value - 1] if 0 < value <= len(item.choices) else ""
    return framework.level_label(value)


class PaperEntryModel(QAbstractTableModel):
    """The questions with the answers being typed; `changes()` is what 「保存」 writes."""

    def __init__(self, framework: Framework, saved: dict[str, int], parent: Any = None) -> None:
        super().__init__(parent)
        self.framework = framework
        self.items = list(framework.items)
        self._saved = dict(saved)
        self._values: dict[str, int] = dict(saved)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return super().headerData(section, orientation, role)

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        value = self._values.get(item.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column, value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column, value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_ANSWER:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole and self._saved.get(item.id) != value:
            return QBrush(_UNSAVED)
        return None

    def _text(self, item: Item, column: int, value: int | None) -> str:
        if column == COL_ID:
            return item.id
        if column == COL_CATEGORY:
            return self.framework.category(item.category).name
        if column == COL_KIND:
            return item.kind.label
        if column == COL_TEXT:
            return item.text
        if column == COL_ANSWER:
            return "" if value is None else str(value)
        return answer_meaning(self.framework, item, value)

    def _tooltip(self, item: Item, column: int, value: int | None) -> str:
        if column in (COL_TEXT, COL_ANSWER):
            if item.kind is ItemKind.KNOWLEDGE:
                choices = "\n".join(f"{n}  {c}" for n, c in enumerate(item.choices, 1))
            else:
                choices = "\n".join(f"{s.level}  {s.label}" for s in self.framework.scale)
            return f"{item.text}\n\n{choices}"
        if column == COL_MEANING:
            return answer_meaning(self.framework, item, value)
        if column == COL_CATEGORY:
            category = self.framework.category(item.category)
            return f"{self.framework.group(category.group).name} ／ {category.name}"
        return ""

    # -- answers -------------------------------------------------------------

    def value(self, row: int) -> int | None:
        return self._values.get(self.items[row].id)

    def set_value(self, row: int, value: int | None) -> None:
        item_id = self.items[row].id
        if value is None:
            self._values.pop(item_id, None)
        else:
            self._values[item_id] = value
        # The background marks unsaved rows, so the whole row changes.
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def row_of(self, item_id: str) -> int:
        return next(r for r, item in enumerate(self.items) if item.id == item_id)

    def changes(self) -> dict[str, int | None]:
        return {
            item.id: self._values.get(item.id)
            for item in self.items
            if self._values.get(item.id) != self._saved.get(item.id)
        }

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def mark_saved(self) -> None:
        self._saved = dict(self._values)
        if self.items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.items) - 1, len(HEADERS) - 1))

    def answered(self) -> int:
        return sum(1 for item in self.items if item.id in self._values)

    def unanswered(self) -> list[str]:
        return [item.id for item in self.items if item.id not in self._values]


class AnswerTable(QTableView):
    """Digits and clearing are the dialog's business; everything else is a normal table."""

    digit_typed = Signal(int)
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # With an input method on, a digit becomes a composition to confirm, not a keystroke.
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        digit = digit_of(event)
        if digit is not None:
            self.digit_typed.emit(digit)
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear_requested.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            current = self.currentIndex()
            self.setCurrentIndex(current.siblingAtRow(min(current.row() + 1, self.model().rowCount() - 1)))
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class PaperEntryDialog(QDialog):
    def __init__(self, service: DiagnosisService, diagnosis_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._id = diagnosis_id
        self.completed_score: DiagnosisScore | None = None
        state = service.state(diagnosis_id)
        self._framework = state.framework
        self._read_only = state.status is DiagnosisStatus.COMPLETED
        self.model = PaperEntryModel(state.framework, state.answers, self)
        self.setWindowTitle(f"紙の回答の入力 — {state.learner.name}（{state.kind.label}）")
        self._build(state)
        self.model.dataChanged.connect(self._update_counts)
        self._update_counts()
        self.table.setCurrentIndex(self.model.index(0, COL_ANSWER))
        self.table.setFocus()
        self.resize(940, 680)
        self.setMinimumSize(820, 520)

    def _build(self, state: DiagnosisState) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        header = QGridLayout()
        header.setHorizontalSpacing(10)
        header.setVerticalSpacing(4)
        learner = state.learner
        day = state.diagnosed_on
        fields = (
            ("受講者番号", learner.number),
            ("氏名", learner.name),
            ("所属", learner.department or learner.organization or "（未設定）"),
            ("種類", f"{state.kind.label}診断"),
            ("実施日", f"{to_wareki(day)}（{day:%Y/%m/%d}）"),
            ("役割", state.role.name),
        )
        for position, (name, value) in enumerate(fields):
            row, column = divmod(position, 3)
            caption = QLabel(name)
            caption.setStyleSheet("color: #546e7a;")
            text = QLabel(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            header.addWidget(caption, row, column * 2)
            header.addWidget(text, row, column * 2 + 1)
            header.setColumnStretch(column * 2 + 1, 1)
        layout.addLayout(header)
        layout.addSpacing(6)

        self.table = AnswerTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setAlternatingRowColors(True)
        self.table.setStyleSheet(
            "QTableView::item:selected { background: #1565c0; color: #ffffff; }"
            "QTableView::item:selected:!active { background: #5c8fd6; color: #ffffff; }"
        )
        heading = self.table.horizontalHeader()
        widths = {COL_ID: 84, COL_CATEGORY: 136, COL_KIND: 76, COL_ANSWER: 52, COL_MEANING: 190}
        for column, width in widths.items():
            heading.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        heading.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.digit_typed.connect(self.type_digit)
        self.table.clear_requested.connect(self.clear_current)
        layout.addWidget(self.table, 1)

        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #c62828;")
        self.count_label = QLabel()
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.count_label)
        layout.addLayout(status_row)
        hint = QLabel(
            _READ_ONLY_NOTE
            if self._read_only
            else "数字キーで回答を入力すると次の行へ進みます（Backspace / Delete: 消去　↑↓: 行の移動　"
            "Ctrl+S: 保存）。\n黄色の行は未保存です。保存するまでデータベースには書き込まれません。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #546e7a;")
        layout.addWidget(hint)

        buttons = QHBoxLayout()
        self.close_button = QPushButton("閉じる")
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.complete_button = QPushButton("保存して完了")
        for button in (self.close_button, self.save_button, self.complete_button):
            button.setAutoDefault(False)
            button.setMinimumHeight(34)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.complete_button)
        layout.addLayout(buttons)
        self.close_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.complete_button.clicked.connect(self.save_and_complete)
        self.save_button.setEnabled(not self._read_only)
        self.complete_button.setEnabled(not self._read_only)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    # -- typing --------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def type_digit(self, digit: int) -> bool:
        """What a digit key does: set the current row's answer and go on to the next row."""
        row = self.current_row()
        if row < 0:
            return False
        if self._read_only:
            self._refuse(_READ_ONLY_NOTE)
            return False
        item = self.model.items[row]
        value = value_for_digit(self._framework, item, digit)
        if value is None:
            self._refuse(f"{item.id} は {range_text(self._framework.valid_answers(item))} で入力してください")
            return False
        self.status_label.clear()
        self.model.set_value(row, value)
        self._go_to_row(min(row + 1, self.model.rowCount() - 1))
        return True

    def clear_current(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        if self._read_only:
            self._refuse(_READ_ONLY_NOTE)
            return
        self.status_label.clear()
        self.model.set_value(row, None)

    def _refuse(self, message: str) -> None:
        QApplication.beep()
        self.status_label.setText(message)

    def _go_to_row(self, row: int) -> None:
        self.table.setCurrentIndex(self.model.index(row, COL_ANSWER))

    def _update_counts(self) -> None:
        unsaved = len(self.model.changes())
        text = f"回答済み {self.model.answered()} / {self.model.rowCount()} 問"
        self.count_label.setText(f"{text}　未保存 {unsaved} 問（黄色の行）" if unsaved else text)

    # -- saving --------------------------------------------------------------

    def save(self) -> bool:
        """Write every edit in one transaction; False (and a message) when refused."""
        if self._read_only:
            return False
        changes = self.model.changes()
        if not changes:
            self.status_label.setText("変更はありません。")
            return True
        try:
            self._service.answer_many(self._id, changes)
        except UserFacingError as exc:
            QMessageBox.warning(self, "保存できません", exc.message)
            return False
        self.model.mark_saved()
        self.status_label.setText(f"{len(changes)} 問の回答を保存しました。")
        return True

    def save_and_complete(self) -> bool:
        if self._read_only or not self.save():
            return False
        missing = self.model.unanswered()
        if not confirm_completion(self, missing):
            if missing:
                self._go_to_row(self.model.row_of(missing[0]))
                self.table.setFocus()
            return False
        try:
            self.completed_score = self._service.complete(self._id, allow_unanswered=True)
        except UserFacingError as exc:
            QMessageBox.warning(self, "診断を完了できません", exc.message)
            return False
        self.accept()
        return True

    def reject(self) -> None:
        """Escape, 「閉じる」 and the window's × all come here: unsaved edits are never dropped unasked."""
        if self.model.is_dirty():
            Button = QMessageBox.StandardButton
            answer = QMessageBox.question(
                self,
                "保存しますか",
                f"保存していない回答が {len(self.model.changes())} 問あります。保存しますか？",
                Button.Save | Button.Discard | Button.Cancel,
                Button.Save,
            )
            if answer == Button.Save:
                if not self.save():
                    return
            elif answer != Button.Discard:  # キャンセル, or the box closed with Escape
                return
        super().reject()
