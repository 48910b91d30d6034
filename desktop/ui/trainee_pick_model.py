"""Choosing a 訓練計画's trainees from the establishment's roster, with each one's own terms.

Each row is an employee; the check says who takes the training, and the
editable cells hold what the grant asks per trainee: the 雇用保険被保険者番号
(kept on the roster), 正規/有期, and the wage-subsidised hours (blank: the
training's hours). What was typed stays as typed; the service validates it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.domain.grant_drafts import TraineeDraft
from desktop.domain.grant_plan import EmploymentType
from desktop.domain.registration_numbers import format_insured_number
from desktop.domain.text import fold_for_search

Index = QModelIndex | QPersistentModelIndex

HEADERS = (
    "受講",
    "受講者番号",
    "氏名",
    "フリガナ",
    "所属",
    "雇用保険被保険者番号",
    "雇用形態",
    "賃金助成の時間",
)
CHECK, NUMBER, NAME, FURIGANA, DEPARTMENT, INSURED, EMPLOYMENT, WAGE_HOURS = range(len(HEADERS))
_EDITABLE = {INSURED, EMPLOYMENT, WAGE_HOURS}
MUTED_COLOR = QColor("#6b6b6b")


@dataclass(frozen=True)
class TraineePick:
    learner_id: int
    number: str
    name: str
    furigana: str
    department: str
    insured_number: str  # as shown and typed
    employment: EmploymentType
    wage_hours: str  # as typed; "" means the training's hours
    chosen: bool
    folded: str = ""  # what the search box matches

    def draft(self, roster_insured: str) -> TraineeDraft:
        typed = self.insured_number.strip()
        unchanged = typed.replace("-", "") == roster_insured
        return TraineeDraft(self.learner_id, self.employment, self.wage_hours, "" if unchanged else typed)


class TraineePickModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[TraineePick] = []
        self._shown: list[int] = []  # positions in _all that pass the filter
        self._roster_insured: dict[int, str] = {}
        self._filter = ""
        self.on_change: list[Any] = []  # callables run after any edit (the live estimate)

    def set_picks(self, picks: list[TraineePick]) -> None:
        self.beginResetModel()
        self._all = [
            replace(
                pick,
                insured_number=format_insured_number(pick.insured_number) if pick.insured_number else "",
                folded=fold_for_search(f"{pick.number} {pick.name} {pick.furigana} {pick.department}"),
            )
            for pick in picks
        ]
        self._roster_insured = {pick.learner_id: pick.insured_number for pick in picks}
        self._apply_filter()
        self.endResetModel()
        self._changed()

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._filter = fold_for_search(text.strip())
        self._apply_filter()
        self.endResetModel()

    def _apply_filter(self) -> None:
        self._shown = [i for i, pick in enumerate(self._all) if self._filter in pick.folded]

    def chosen(self) -> list[TraineePick]:
        return [pick for pick in self._all if pick.chosen]

    def drafts(self) -> tuple[TraineeDraft, ...]:
        return tuple(pick.draft(self._roster_insured.get(pick.learner_id, "")) for pick in self.chosen())

    def choose_shown(self, chosen: bool) -> None:
        for position in self._shown:
            self._all[position] = replace(self._all[position], chosen=chosen)
        if self._shown:
            self.dataChanged.emit(self.index(0, CHECK), self.index(len(self._shown) - 1, CHECK))
        self._changed()

    def _changed(self) -> None:
        for callback in self.on_change:
            callback()

    # -- Qt ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == CHECK:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        elif index.column() in _EDITABLE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        pick = self._all[self._shown[index.row()]]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == CHECK:
            return Qt.CheckState.Checked if pick.chosen else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == EMPLOYMENT:
                return pick.employment.label if role == Qt.ItemDataRole.DisplayRole else pick.employment.value
            if column == WAGE_HOURS and not pick.wage_hours and role == Qt.ItemDataRole.DisplayRole:
                return "訓練時間と同じ"
            values = {
                NUMBER: pick.number,
                NAME: pick.name,
                FURIGANA: pick.furigana,
                DEPARTMENT: pick.department,
                INSURED: pick.insured_number,
                WAGE_HOURS: pick.wage_hours,
            }
            return values.get(column, "")
        if role == Qt.ItemDataRole.ForegroundRole and column == WAGE_HOURS and not pick.wage_hours:
            return MUTED_COLOR
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and column == INSURED
            and pick.chosen
            and not pick.insured_number
        ):
            return "計画届の前に入力してください（11桁）。"
        return None

    def setData(self, index: Index, value: Any, role: int = 0) -> bool:
        if not index.isValid():
            return False
        position = self._shown[index.row()]
        column = index.column()
        if column == CHECK and role == Qt.ItemDataRole.CheckStateRole:
            changes: dict[str, Any] = {"chosen": Qt.CheckState(value) == Qt.CheckState.Checked}
        elif role == Qt.ItemDataRole.EditRole and column == INSURED:
            changes = {"insured_number": str(value).strip()}
        elif role == Qt.ItemDataRole.EditRole and column == EMPLOYMENT:
            changes = {"employment": EmploymentType(value)}
        elif role == Qt.ItemDataRole.EditRole and column == WAGE_HOURS:
            changes = {"wage_hours": str(value).strip()}
        else:
            return False
        self._all[position] = replace(self._all[position], **changes)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        self._changed()
        return True


class EmploymentDelegate(QStyledItemDelegate):
    """正規 / 有期 picked from a list rather than typed."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QComboBox(parent)
        for kind in EmploymentType:
            editor.addItem(kind.label, kind.value)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
