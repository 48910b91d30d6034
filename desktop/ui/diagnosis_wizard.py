"""スキル診断 on screen: one category per page, answered with number keys, saved answer by answer.

Every answer goes to the database the moment it is given (its own short
transaction), so closing the window loses nothing and the next opening resumes
on the same page. All keys are handled by the dialog itself: the answer
buttons and the scroll area take no focus, so ↑/↓, Enter and the digits never
end up moving a radio button or scrolling a view instead.

A completed diagnosis opens read-only: its answers can be looked through page
by page, but every answer button is disabled and nothing is saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.diagnosis import DiagnosisScore
from desktop.domain.framework import Framework, Item, ItemKind
from desktop.store.diagnosis_service import DiagnosisService, DiagnosisState
from desktop.store.errors import UserFacingError
from desktop.store.models import DiagnosisStatus

SAVED_NOTE = "回答はその都度保存されます。閉じても、次回は続きから再開できます。"
_HINT = "数字キー: 回答　↑↓: 設問の移動　Delete: 回答を消す　Enter / PageDown: 次の分類へ　PageUp: 前の分類へ"

_STYLE = """
QFrame#itemCard { border: 2px solid #d5dde3; border-radius: 6px; background: #ffffff; }
QFrame#itemCard[current="true"] { border: 3px solid #1565c0; background: #eaf2fc; }
QLabel#itemHead { color: #546e7a; }
QLabel#itemState { color: #e65100; font-weight: bold; }
QLabel#itemState[answered="true"] { color: #2e7d32; font-weight: normal; }
QPushButton#scaleButton {
    border: 1px solid #90a4ae; border-radius: 4px; background: #f7f9fa;
    padding: 6px 8px; min-height: 2.6em;
}
QPushButton#scaleButton:hover { border-color: #1565c0; }
QPushButton#scaleButton:checked {
    background: #1565c0; color: #ffffff; border: 1px solid #0d47a1; font-weight: bold;
}
QPushButton#scaleButton:disabled { color: #78909c; }
QPushButton#scaleButton:checked:disabled { background: #78909c; color: #ffffff; }
QRadioButton:checked { color: #0d47a1; font-weight: bold; }
QLabel#groupLabel, QLabel#hintLabel, QLabel#noteLabel { color: #546e7a; }
QLabel#statusLabel { color: #c62828; }
"""


def range_text(allowed: range) -> str:
    return f"{allowed.start}〜{allowed.stop - 1}"


def value_for_digit(framework: Framework, item: Item, digit: int) -> int | None:
    """The answer a typed digit means for `item`, or None when it is not one of its answers.

    0 stands for 10 on a ten-level scale, which has no single key of its own.
    """
    allowed = framework.valid_answers(item)
    if digit in allowed:
        return digit
    if digit == 0 and 10 in allowed:
        return 10
    return None


def digit_of(event: QKeyEvent) -> int | None:
    if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
        return None
    key = event.key()
    if Qt.Key.Key_0.value <= key <= Qt.Key.Key_9.value:
        return key - Qt.Key.Key_0.value
    return None


def confirm_completion(parent: QWidget, unanswered: list[str]) -> bool:
    """Ask before the irreversible step; False means: go back to the first unanswered item."""
    Button = QMessageBox.StandardButton
    if unanswered:
        text = (
            f"未回答の設問が {len(unanswered)} 問あります（最初の未回答: {unanswered[0]}）。\n"
            "未回答のまま診断を完了しますか？\n\n"
            "「いいえ」を選ぶと、最初の未回答の設問に移動します。"
        )
        default = Button.No
    else:
        text = "すべての設問に回答しました。診断を完了しますか？\n完了すると、回答は変更できなくなります。"
        default = Button.Yes
    answer = QMessageBox.question(parent, "診断の完了", text, Button.Yes | Button.No, default)
    return answer == Button.Yes


def _two_lines(label: str, limit: int = 11) -> str:
    """Break a long scale label where a Japanese reader would, so four buttons fit in a row."""
    if len(label) <= limit:
        return label
    cuts = [i + 1 for i, ch in enumerate(label) if ch in "・、）"] + [
        i for i, ch in enumerate(label) if ch == "（"
    ]
    cuts = [c for c in cuts if 0 < c < len(label)] or [len(label) // 2]
    cut = min(cuts, key=lambda c: abs(c - len(label) / 2))
    return f"{label[:cut]}\n{label[cut:]}"


def _restyle(widget: QWidget, name: str, value: bool) -> None:
    widget.setProperty(name, "true" if value else "false")
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class ItemCard(QFrame):
    """One question with its answer buttons; it only reports clicks, the wizard decides what they do."""

    chosen = Signal(str, int)

    def __init__(self, framework: Framework, item: Item, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName("itemCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)
        head = QHBoxLayout()
        head_label = QLabel(f"{item.id}・{item.kind.label}")
        head_label.setObjectName("itemHead")
        self.state_label = QLabel()
        self.state_label.setObjectName("itemState")
        head.addWidget(head_label)
        head.addStretch(1)
        head.addWidget(self.state_label)
        layout.addLayout(head)
        text = QLabel(item.text)
        text.setWordWrap(True)
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        text.setFont(font)
        layout.addWidget(text)

        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        if item.kind is ItemKind.SELF:
            row = QGridLayout()
            row.setHorizontalSpacing(8)
            for column, level in enumerate(framework.scale):
                button: QAbstractButton = QPushButton(f"{level.level}  {_two_lines(level.label)}")
                button.setObjectName("scaleButton")
                button.setCheckable(True)
                button.setToolTip(level.description or level.label)
                self.group.addButton(button, level.level)
                row.addWidget(button, 0, column)
                row.setColumnStretch(column, 1)
            layout.addLayout(row)
        else:
            for number, choice in enumerate(item.choices, 1):
                button = QRadioButton(f"{number}  {choice}")
                self.group.addButton(button, number)
                layout.addWidget(button)
        for button in self.group.buttons():
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        self.group.idClicked.connect(lambda value: self.chosen.emit(self.item.id, value))
        self.set_current(False)
        self.show_value(None)

    def show_value(self, value: int | None) -> None:
        if value is None:
            # An exclusive group never lets its last checked button go by itself.
            self.group.setExclusive(False)
            for button in self.group.buttons():
                button.setChecked(False)
            self.group.setExclusive(True)
        else:
            button = self.group.button(value)
            if button is not None:
                button.setChecked(True)
        self.state_label.setText("未回答" if value is None else "回答済み")
        _restyle(self.state_label, "answered", value is not None)

    def set_current(self, current: bool) -> None:
        _restyle(self, "current", current)

    def set_read_only(self, read_only: bool) -> None:
        for button in self.group.buttons():
            button.setEnabled(not read_only)


class DiagnosisWizard(QDialog):
    def __init__(self, service: DiagnosisService, diagnosis_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._id = diagnosis_id
        self.completed_score: DiagnosisScore | None = None
        state = service.state(diagnosis_id)
        self._framework = state.framework
        self._answers: dict[str, int] = dict(state.answers)
        self._read_only = state.status is DiagnosisStatus.COMPLETED
        self._categories = list(self._framework.categories)
        self._cards: list[list[ItemCard]] = []
        self._row = 0

        self.setWindowTitle(f"スキル診断 — {state.learner.name}（{state.kind.label}）")
        self.setStyleSheet(_STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build(state)
        start = 0 if self._read_only else min(max(state.current_page, 0), len(self._categories) - 1)
        self._show_page(start)
        self.resize(920, 680)
        self.setMinimumSize(760, 560)

    # -- building ------------------------------------------------------------

    def _build(self, state: DiagnosisState) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 12)
        outer.setSpacing(8)
        learner = state.learner
        who = "　".join(
            part
            for part in (learner.number, learner.name, learner.department, f"役割: {state.role.name}")
            if part
        )
        who_label = QLabel(who)
        who_label.setObjectName("groupLabel")
        outer.addWidget(who_label)

        self.group_label = QLabel()
        self.group_label.setObjectName("groupLabel")
        self.category_label = QLabel()
        font = self.category_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.category_label.setFont(font)
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        outer.addWidget(self.group_label)
        outer.addWidget(self.category_label)
        outer.addWidget(self.description_label)

        progress_row = QHBoxLayout()
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, max(1, len(self._framework.items)))
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(10)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress_bar, 1)
        outer.addLayout(progress_row)

        self.stack = QStackedWidget()
        for category in self._categories:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            body = QWidget()
            column = QVBoxLayout(body)
            column.setContentsMargins(2, 4, 8, 4)
            column.setSpacing(10)
            cards = []
            for item in self._framework.items_of(category.id):
                card = ItemCard(self._framework, item)
                card.show_value(self._answers.get(item.id))
                card.set_read_only(self._read_only)
                card.chosen.connect(self.select_answer)
                column.addWidget(card)
                cards.append(card)
            column.addStretch(1)
            scroll.setWidget(body)
            self.stack.addWidget(scroll)
            self._cards.append(cards)
        outer.addWidget(self.stack, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        hint = QLabel(_HINT)
        hint.setObjectName("hintLabel")
        hint.setWordWrap(True)
        outer.addWidget(self.status_label)
        outer.addWidget(hint)

        buttons = QHBoxLayout()
        self.close_button = QPushButton("閉じる" if self._read_only else "中断して閉じる")
        self.back_button = QPushButton("戻る (PageUp)")
        self.next_button = QPushButton()
        note = QLabel("この診断は完了しています（表示のみ）。" if self._read_only else SAVED_NOTE)
        note.setObjectName("noteLabel")
        note.setWordWrap(True)
        for button in (self.close_button, self.back_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoDefault(False)
            button.setMinimumHeight(34)
        self.next_button.setMinimumWidth(150)
        buttons.addWidget(self.close_button)
        buttons.addWidget(note, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        outer.addLayout(buttons)
        self.close_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)

    # -- what tests and callers can see --------------------------------------

    def page_index(self) -> int:
        return self.stack.currentIndex()

    def page_count(self) -> int:
        return len(self._categories)

    def focused_item_id(self) -> str | None:
        cards = self._cards[self.page_index()]
        return cards[self._row].item.id if cards else None

    def answers(self) -> dict[str, int]:
        """The answers as saved in the database."""
        return dict(self._answers)

    def is_read_only(self) -> bool:
        return self._read_only

    def unanswered(self) -> list[str]:
        return [item.id for item in self._framework.items if item.id not in self._answers]

    # -- answering -----------------------------------------------------------

    def select_answer(self, item_id: str, value: int | None) -> bool:
        """Save one answer (None clears it) at once, then move on to the next unanswered item."""
        self.status_label.clear()
        card = self.card(item_id)
        if self._read_only:
            self.status_label.setText("完了した診断のため、回答は変更できません。")
            if card is not None:
                card.show_value(self._answers.get(item_id))
            return False
        try:
            self._service.answer(self._id, item_id, value, page=self.page_index())
        except UserFacingError as exc:
            if card is not None:
                card.show_value(self._answers.get(item_id))  # back to what is really saved
            QMessageBox.warning(self, "回答を保存できません", exc.message)
            return False
        if value is None:
            self._answers.pop(item_id, None)
        else:
            self._answers[item_id] = value
        cards = self._cards[self.page_index()]
        if card is not None:
            card.show_value(value)
            if card in cards:
                row = cards.index(card)
                self._set_row(self._next_unanswered(row) if value is not None else row)
        self._update_progress()
        return True

    def _answer_digit(self, digit: int) -> None:
        item_id = self.focused_item_id()
        if item_id is None:
            return
        item = self._framework.item(item_id)
        value = value_for_digit(self._framework, item, digit)
        if self._read_only:
            self.status_label.setText("完了した診断のため、回答は変更できません。")
            return
        if value is None:
            QApplication.beep()
            allowed = range_text(self._framework.valid_answers(item))
            self.status_label.setText(f"{item_id} は {allowed} で答えてください。")
            return
        self.select_answer(item_id, value)

    def _next_unanswered(self, row: int) -> int:
        """The first unanswered item after `row` on this page; `row` itself when there is none."""
        cards = self._cards[self.page_index()]
        for later in range(row + 1, len(cards)):
            if cards[later].item.id not in self._answers:
                return later
        return row

    def card(self, item_id: str) -> ItemCard | None:
        return next((c for cards in self._cards for c in cards if c.item.id == item_id), None)

    def _set_row(self, row: int) -> None:
        cards = self._cards[self.page_index()]
        if not cards:
            return
        row = min(max(row, 0), len(cards) - 1)
        cards[self._row if self._row < len(cards) else 0].set_current(False)
        self._row = row
        cards[row].set_current(True)
        self._scroll_to_current()

    def _scroll_to_current(self) -> None:
        cards = self._cards[self.page_index()]
        scroll = self.stack.currentWidget()
        if cards and isinstance(scroll, QScrollArea):
            scroll.ensureWidgetVisible(cards[self._row], 0, 16)

    # -- paging --------------------------------------------------------------

    def _show_page(self, index: int) -> None:
        for card in self._cards[self.page_index()]:
            card.set_current(False)
        self.stack.setCurrentIndex(index)
        category = self._categories[index]
        self.group_label.setText(f"大分類: {self._framework.group(category.group).name}")
        self.category_label.setText(category.name)
        self.description_label.setText(category.description)
        self.description_label.setVisible(bool(category.description))
        cards = self._cards[index]
        first = 0
        if not self._read_only:
            first = next((r for r, c in enumerate(cards) if c.item.id not in self._answers), 0)
        self._row = first
        if cards:
            cards[first].set_current(True)
        last = index == len(self._categories) - 1
        if self._read_only:
            self.next_button.setText("閉じる" if last else "次へ (PageDown)")
        else:
            self.next_button.setText("完了" if last else "次へ (PageDown)")
        self.back_button.setEnabled(index > 0)
        self.status_label.clear()
        self._update_progress()
        QTimer.singleShot(0, self, self._scroll_to_current)

    def go_to_page(self, index: int) -> bool:
        if not 0 <= index < len(self._categories):
            return False
        if not self._read_only:
            try:
                self._service.answer_many(self._id, {}, page=index)
            except UserFacingError as exc:
                QMessageBox.warning(self, "ページを切り替えられません", exc.message)
                return False
        self._show_page(index)
        return True

    def next_page(self) -> None:
        if self.page_index() < len(self._categories) - 1:
            self.go_to_page(self.page_index() + 1)
        elif self._read_only:
            self.accept()
        else:
            self.finish()

    def previous_page(self) -> None:
        self.go_to_page(self.page_index() - 1)

    def _update_progress(self) -> None:
        answered = sum(1 for item in self._framework.items if item.id in self._answers)
        total = len(self._framework.items)
        self.progress_label.setText(
            f"{self.page_index() + 1} / {len(self._categories)} 分類・回答済み {answered} / {total} 問"
        )
        self.progress_bar.setValue(answered)

    # -- finishing -----------------------------------------------------------

    def finish(self) -> bool:
        """完了: asks first; with unanswered items, 「いいえ」 goes to the first of them."""
        if self._read_only:
            return False
        missing = self.unanswered()
        if not confirm_completion(self, missing):
            if missing:
                self.show_item(missing[0])
            return False
        try:
            self.completed_score = self._service.complete(self._id, allow_unanswered=True)
        except UserFacingError as exc:
            QMessageBox.warning(self, "診断を完了できません", exc.message)
            return False
        self.accept()
        return True

    def show_item(self, item_id: str) -> None:
        """Turn to the page of an item and put the focus on it."""
        category = self._framework.item(item_id).category
        page = next(i for i, c in enumerate(self._categories) if c.id == category)
        if page != self.page_index() and not self.go_to_page(page):
            return
        cards = self._cards[page]
        self._set_row(next(r for r, c in enumerate(cards) if c.item.id == item_id))

    # -- keys ----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        digit = digit_of(event)
        if digit is not None:
            self._answer_digit(digit)
        elif key == Qt.Key.Key_Down:
            self._set_row(self._row + 1)
        elif key == Qt.Key.Key_Up:
            self._set_row(self._row - 1)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            item_id = self.focused_item_id()
            if item_id is not None and item_id in self._answers:
                self.select_answer(item_id, None)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.next_page()
        elif key == Qt.Key.Key_PageUp:
            self.previous_page()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus()
        QTimer.singleShot(0, self, self._scroll_to_current)
