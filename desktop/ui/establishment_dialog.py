"""Registering or editing an establishment (事業所): the firm whose employees the grant pays for."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget

from desktop.domain.grant_drafts import EstablishmentDraft
from desktop.domain.roster import SizeClass
from desktop.store.errors import StaleEditError
from desktop.store.grant_service import GrantService
from desktop.store.grant_views import EstablishmentRow
from desktop.ui.field_marks import FieldMarks, reload_after_stale, save_or_mark
from desktop.ui.forms import child, load_form


class EstablishmentDialog(QDialog):
    """Saves through the service itself, so a refused save keeps what was typed on screen."""

    def __init__(
        self, service: GrantService, row: EstablishmentRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._row = row
        self.saved_id: int | None = None
        form = load_form("establishment_dialog.ui", self)
        self.name = child(form, QLineEdit, "nameEdit")
        self.size_combo = child(form, QComboBox, "sizeCombo")
        self.office_number = child(form, QLineEdit, "officeNumberEdit")
        self.corporate_number = child(form, QLineEdit, "corporateNumberEdit")
        self.main_business = child(form, QLineEdit, "mainBusinessEdit")
        self.labour_bureau = child(form, QLineEdit, "labourBureauEdit")
        self.contact_name = child(form, QLineEdit, "contactNameEdit")
        self.contact_phone = child(form, QLineEdit, "contactPhoneEdit")
        self.size_combo.addItem("選んでください", None)
        for size in SizeClass:
            self.size_combo.addItem(size.label, size.value)  # Qt hands a StrEnum back as str
        self.marks = FieldMarks(
            child(form, QLabel, "errorLabel"),
            {
                "name": self.name,
                "size": self.size_combo,
                "office_number": self.office_number,
                "corporate_number": self.corporate_number,
                "main_business": self.main_business,
                "labour_bureau": self.labour_bureau,
                "contact_name": self.contact_name,
                "contact_phone": self.contact_phone,
            },
        )
        buttons = child(form, QDialogButtonBox, "buttonBox")
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("保存 (Ctrl+S)")
        save.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        if row is not None:
            self._show(row)
        self.setWindowTitle("事業所の編集" if row else "事業所の登録")
        self.setMinimumWidth(560)
        self.name.setFocus()

    def _show(self, row: EstablishmentRow) -> None:
        self._row = row
        self.name.setText(row.name)
        self.size_combo.setCurrentIndex(max(0, self.size_combo.findData(row.size.value)) if row.size else 0)
        self.office_number.setText(row.office_number)
        self.corporate_number.setText(row.corporate_number)
        self.main_business.setText(row.main_business)
        self.labour_bureau.setText(row.labour_bureau)
        self.contact_name.setText(row.contact_name)
        self.contact_phone.setText(row.contact_phone)

    def draft(self) -> EstablishmentDraft:
        return EstablishmentDraft(
            name=self.name.text(),
            size=SizeClass(chosen) if (chosen := self.size_combo.currentData()) else None,
            office_number=self.office_number.text(),
            corporate_number=self.corporate_number.text(),
            main_business=self.main_business.text(),
            labour_bureau=self.labour_bureau.text(),
            contact_name=self.contact_name.text(),
            contact_phone=self.contact_phone.text(),
        )

    def save(self) -> None:
        row = self._row
        saved = save_or_mark(
            self,
            self.marks,
            lambda: self._service.save_establishment(
                row.id if row else None, self.draft(), row.version if row else None
            ),
            self._offer_reload,
        )
        if saved is not None:
            self.saved_id = saved
            self.accept()

    def _offer_reload(self, exc: StaleEditError) -> None:
        row = self._row
        reload = (lambda: self._show(self._service.establishment(row.id))) if row else None
        reload_after_stale(self, self.marks, exc, reload)
