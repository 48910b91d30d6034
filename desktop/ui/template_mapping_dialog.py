"""Mapping a distributed Excel template's columns to the 利用者一覧's fields, once, saved by name."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from desktop.exchange.procurement_merge import FIELD_HEADERS, FIELD_KEYS
from desktop.exchange.tabular import TableFileError
from desktop.exchange.template_fill import SheetInfo, TemplateInfo, TemplateMapping, suggest_mapping
from desktop.store.errors import UserFacingError
from desktop.store.template_mappings import TemplateMappings
from desktop.ui.field_marks import FieldMarks
from desktop.ui.forms import child, load_form

NOT_WRITTEN = "（書かない）"


class TemplateMappingDialog(QDialog):
    def __init__(self, info: TemplateInfo, mappings: TemplateMappings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._info = info
        self._mappings = mappings
        self.mapping: TemplateMapping | None = None
        form = load_form("template_mapping_dialog.ui", self)
        child(form, QLabel, "fileLabel").setText(f"ひな形: {info.path.name}")
        notes = child(form, QLabel, "notesLabel")
        notes.setText("\n".join(info.notes))
        notes.setStyleSheet("color: #8a5a00;")
        self.saved = child(form, QComboBox, "savedCombo")
        self.sheet = child(form, QComboBox, "sheetCombo")
        self.header_row = child(form, QSpinBox, "headerRowSpin")
        self.first_row = child(form, QSpinBox, "firstRowSpin")
        self.name = child(form, QLineEdit, "nameEdit")
        self.marks = FieldMarks(child(form, QLabel, "errorLabel"), {"name": self.name})
        columns = child(form, QGroupBox, "columnsBox").layout()
        assert isinstance(columns, QFormLayout)
        self.columns: dict[str, QComboBox] = {}
        for key in FIELD_KEYS:
            combo = QComboBox()
            combo.setAccessibleName(FIELD_HEADERS[key])
            columns.addRow(f"{FIELD_HEADERS[key]}:", combo)
            self.columns[key] = combo

        self.saved.addItem("（新しく割り当てる）", None)
        for name in mappings.names():
            self.saved.addItem(name, name)
        for sheet in info.sheets:
            self.sheet.addItem(sheet.name, sheet.name)
        self.sheet.currentIndexChanged.connect(lambda _i: self._suggest())
        self.saved.currentIndexChanged.connect(lambda _i: self._load_saved())
        buttons = child(form, QDialogButtonBox, "buttonBox")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("この割り当てで書き込む")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self.accept_mapping)
        buttons.rejected.connect(self.reject)
        self.setWindowTitle("ひな形の列の割り当て")
        self.setMinimumWidth(620)
        self._suggest()

    def _sheet_info(self) -> SheetInfo:
        return self._info.sheet(self.sheet.currentData())

    def _fill_columns(self, sheet: SheetInfo) -> None:
        for combo in self.columns.values():
            combo.clear()
            combo.addItem(NOT_WRITTEN, None)
            for cell in sheet.headers:
                combo.addItem(f"{cell.column}列: {cell.text}", cell.column)

    def _suggest(self) -> None:
        sheet = self._sheet_info()
        self._fill_columns(sheet)
        self._show(suggest_mapping(sheet))

    def _show(self, mapping: TemplateMapping) -> None:
        self.header_row.setValue(mapping.header_row)
        self.first_row.setValue(mapping.first_data_row)
        for key, combo in self.columns.items():
            letter = mapping.columns.get(key)
            index = combo.findData(letter) if letter else 0
            if letter and index < 0:  # a saved column the header row does not name: keep it anyway
                combo.addItem(f"{letter}列", letter)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))

    def _load_saved(self) -> None:
        name = self.saved.currentData()
        if name is None:
            self._suggest()
            return
        try:
            mapping = self._mappings.load(name)
        except UserFacingError as exc:
            self.marks.show([("", exc.message)])
            return
        position = self.sheet.findData(mapping.sheet)
        if position < 0:
            self.marks.show(
                [("", f"保存した割り当ての「{mapping.sheet}」シートが、このひな形にありません。")]
            )
            return
        self.sheet.blockSignals(True)
        self.sheet.setCurrentIndex(position)
        self.sheet.blockSignals(False)
        self._fill_columns(self._sheet_info())
        self._show(mapping)
        self.name.setText(name)

    def current(self) -> TemplateMapping:
        return TemplateMapping(
            self.sheet.currentData(),
            self.header_row.value(),
            self.first_row.value(),
            {key: combo.currentData() for key, combo in self.columns.items() if combo.currentData()},
        )

    def accept_mapping(self) -> None:
        mapping = self.current()
        problems = mapping.problems()
        if problems:
            self.marks.show([("", problem) for problem in problems])
            return
        name = self.name.text().strip()
        if name:
            try:
                self._mappings.save(name, mapping)
            except (UserFacingError, TableFileError) as exc:
                self.marks.show([("name", getattr(exc, "message", None) or str(exc))])
                return
        self.mapping = mapping
        self.accept()
