"""The headers of the lead prefecture's own 様式, so the merge reads participants' lists written in it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from desktop.exchange.procurement_merge import FIELD_HEADERS, FIELD_KEYS
from desktop.store.column_mappings import ColumnMappings
from desktop.ui.field_marks import FieldMarks, save_or_mark
from desktop.ui.forms import child, load_form

KIND = "procurement_merge"  # ColumnMappings kind: {field key: header text}


class MergeMappingDialog(QDialog):
    def __init__(self, mappings: ColumnMappings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mappings = mappings
        self.saved_name: str | None = None
        form = load_form("merge_mapping_dialog.ui", self)
        layout = child(form, QGroupBox, "headersBox").layout()
        assert isinstance(layout, QFormLayout)
        self.headers: dict[str, QLineEdit] = {}
        for key in FIELD_KEYS:
            edit = QLineEdit()
            edit.setPlaceholderText(f"（空欄: {FIELD_HEADERS[key]} など）")
            edit.setAccessibleName(FIELD_HEADERS[key])
            layout.addRow(f"{FIELD_HEADERS[key]}:", edit)
            self.headers[key] = edit
        self.name = child(form, QLineEdit, "nameEdit")
        self.marks = FieldMarks(child(form, QLabel, "errorLabel"), {"name": self.name})
        buttons = child(form, QDialogButtonBox, "buttonBox")
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.setWindowTitle("取りまとめる様式の見出し")
        self.setMinimumWidth(520)

    def mapping(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.headers.items() if edit.text().strip()}

    def save(self) -> None:
        mapping = self.mapping()
        if not mapping:
            self.marks.show([("", "見出しを1つ以上入力してください。")])
            return
        name = self.name.text().strip()

        def saved() -> str:
            self._mappings.save(name, mapping)
            return name

        if save_or_mark(self, self.marks, saved, lambda _stale: None) is not None:
            self.saved_name = name
            self.accept()
