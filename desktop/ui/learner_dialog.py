"""Add / edit one learner, with every problem shown beside the form before saving."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from desktop.domain.roster import DEFAULT_ROLES, LearnerDraft, LearnerKind, LearnerStatus, OrganizationKind
from desktop.domain.text import normalize_reading
from desktop.store.errors import (
    DuplicateNumberError,
    NotFoundError,
    StaleEditError,
    UserFacingError,
    ValidationFailed,
)
from desktop.store.roster_service import (
    DepartmentInfo,
    LearnerRecord,
    OrganizationInfo,
    RosterRow,
    RosterService,
)
from desktop.ui.forms import child, load_form

_ERROR_STYLE = "border: 2px solid #c62828;"


def _placeholder(combo: QComboBox, text: str) -> None:
    editor = combo.lineEdit()
    if editor is not None:
        editor.setPlaceholderText(text)


class LearnerDialog(QDialog):
    """Saves through the service itself, so a refused save keeps the dialog open."""

    def __init__(
        self,
        service: RosterService,
        organizations: list[OrganizationInfo],
        departments: list[DepartmentInfo],
        record: LearnerRecord | None = None,
        default_organization_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._organizations = list(organizations)
        self._departments = list(departments)
        self._record = record
        self.saved_row: RosterRow | None = None

        form = load_form("learner_dialog.ui", self)
        self.organization = child(form, QComboBox, "organizationCombo")
        self.number = child(form, QLineEdit, "numberEdit")
        self.name = child(form, QLineEdit, "nameEdit")
        self.furigana = child(form, QLineEdit, "furiganaEdit")
        self.email = child(form, QLineEdit, "emailEdit")
        self.department = child(form, QComboBox, "departmentCombo")
        self.job_title = child(form, QLineEdit, "jobTitleEdit")
        self.kind = child(form, QComboBox, "kindCombo")
        self.role = child(form, QComboBox, "roleCombo")
        self.status = child(form, QComboBox, "statusCombo")
        self.birth_date_check = child(form, QCheckBox, "birthDateCheck")
        self.birth_date = child(form, QDateEdit, "birthDateEdit")
        self.insured_number = child(form, QLineEdit, "insuredNumberEdit")
        self.notes = child(form, QPlainTextEdit, "notesEdit")
        self.error_label = child(form, QLabel, "errorLabel")
        self.error_label.setStyleSheet("color: #c62828;")
        buttons = child(form, QDialogButtonBox, "buttonBox")
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("保存 (Ctrl+S)"))
        save.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        self._fields: dict[str, QWidget] = {
            "organization_id": self.organization,
            "number": self.number,
            "name": self.name,
            "furigana": self.furigana,
            "email": self.email,
            "department_id": self.department,
            "job_title": self.job_title,
            "kind": self.kind,
            "role": self.role,
            "status": self.status,
            "birth_date": self.birth_date,
            "insured_number": self.insured_number,
            "notes": self.notes,
        }
        self._fill_choices(default_organization_id)
        self.organization.currentIndexChanged.connect(self._organization_changed)
        self.organization.editTextChanged.connect(self._organization_changed)
        self.birth_date_check.toggled.connect(self.birth_date.setEnabled)
        self.furigana.editingFinished.connect(self._tidy_furigana)
        self.birth_date.setMaximumDate(QDate.currentDate())
        self.birth_date.setMinimumDate(QDate(1900, 1, 1))
        self.birth_date.setDate(QDate(1985, 4, 1))
        if record is not None:
            self._show_record(record)
        self.setWindowTitle(self.tr("受講者の編集") if record else self.tr("受講者の追加"))
        self.setMinimumWidth(560)
        (self.name if record else self.number).setFocus()

    # -- filling ---------------------------------------------------------

    def _fill_choices(self, default_organization_id: int | None) -> None:
        for organization in self._organizations:
            self.organization.addItem(organization.name, organization.id)
        _placeholder(self.organization, self.tr("団体を選ぶか、新しい団体名を入力"))
        if default_organization_id is not None:
            self.organization.setCurrentIndex(self.organization.findData(default_organization_id))
        for kind in LearnerKind:
            self.kind.addItem(kind.label, kind)
        for status in LearnerStatus:
            self.status.addItem(status.label, status)
        self.role.addItem("")
        self.role.addItems(list(DEFAULT_ROLES))
        self._organization_changed()

    def _organization_changed(self) -> None:
        # The typed text decides: currentData() keeps the old item's id while a new name is typed.
        organization_id = self._chosen_id(self.organization)
        current = self.department.currentText()
        self.department.clear()
        self.department.addItem("", None)
        for department in self._departments:
            if department.organization_id == organization_id:
                self.department.addItem(department.path, department.id)
        _placeholder(self.department, self.tr("所属を選ぶか、新しい所属名を入力"))
        position = self.department.findText(current)
        self.department.setCurrentIndex(max(position, 0))

    def _show_record(self, record: LearnerRecord) -> None:
        self._record = record
        # The page's lists may predate an organization or department made on another PC.
        if self.organization.findData(record.organization_id) < 0:
            self._organizations.append(
                OrganizationInfo(record.organization_id, record.organization_name, OrganizationKind.OTHER)
            )
            self.organization.addItem(record.organization_name, record.organization_id)
        if record.department_id is not None and all(d.id != record.department_id for d in self._departments):
            self._departments.append(
                DepartmentInfo(
                    record.department_id,
                    record.organization_id,
                    None,
                    record.department_name,
                    record.department_name,
                )
            )
        self.organization.setCurrentIndex(self.organization.findData(record.organization_id))
        self._organization_changed()
        self.number.setText(record.number)
        self.name.setText(record.name)
        self.furigana.setText(record.furigana)
        self.email.setText(record.email)
        self.department.setCurrentIndex(max(self.department.findData(record.department_id), 0))
        self.job_title.setText(record.job_title)
        self.kind.setCurrentIndex(self.kind.findData(record.kind))
        self.role.setCurrentText(record.role)
        self.status.setCurrentIndex(self.status.findData(record.status))
        self.birth_date_check.setChecked(record.birth_date is not None)
        if record.birth_date is not None:
            self.birth_date.setDate(
                QDate(record.birth_date.year, record.birth_date.month, record.birth_date.day)
            )
        self.insured_number.setText(record.insured_number)
        self.notes.setPlainText(record.notes)

    def _tidy_furigana(self) -> None:
        tidy = normalize_reading(self.furigana.text())
        if tidy != self.furigana.text():
            self.furigana.setText(tidy)

    # -- saving ----------------------------------------------------------

    def draft(self) -> LearnerDraft:
        organization_id = self._chosen_id(self.organization)
        department_id = self._chosen_id(self.department)
        birth: date | None = None
        if self.birth_date_check.isChecked():
            birth = self.birth_date.date().toPython()  # type: ignore[assignment]
        return LearnerDraft(
            organization_id=organization_id,
            organization_name="" if organization_id is not None else self.organization.currentText(),
            number=self.number.text(),
            name=self.name.text(),
            furigana=self.furigana.text(),
            email=self.email.text(),
            department_id=department_id,
            department_name="" if department_id is not None else self.department.currentText(),
            job_title=self.job_title.text(),
            kind=LearnerKind(self.kind.currentData()),
            role=self.role.currentText(),
            status=LearnerStatus(self.status.currentData()),
            birth_date=birth,
            insured_number=self.insured_number.text(),
            notes=self.notes.toPlainText(),
        )

    @staticmethod
    def _chosen_id(combo: QComboBox) -> int | None:
        # An editable combo keeps the old item's data after the text is retyped.
        position = combo.findText(combo.currentText(), Qt.MatchFlag.MatchExactly)
        return combo.itemData(position) if position >= 0 else None

    def save(self) -> None:
        self._clear_problems()
        try:
            if self._record is None:
                self.saved_row = self._service.create_learner(self.draft())
            else:
                self.saved_row = self._service.update_learner(self._record, self.draft())
        except ValidationFailed as exc:
            self._show_problems(exc.problems)
            return
        except DuplicateNumberError as exc:
            self._show_problems([("number", exc.message)])
            return
        except StaleEditError as exc:
            self._offer_reload(exc)
            return
        except NotFoundError as exc:
            QMessageBox.warning(self, self.tr("保存できません"), exc.message)
            self.reject()
            return
        except UserFacingError as exc:
            self._show_problems([("", exc.message)])
            return
        self.accept()

    def ask_reload(self, message: str) -> bool:
        """Show why the save was refused; True when the person wants the latest data."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("他の人が先に保存しました"), message, parent=self)
        reload_button = box.addButton(self.tr("最新の内容を読み込む"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("このまま閉じる"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reload_button)
        box.exec()
        return box.clickedButton() is reload_button

    def _offer_reload(self, exc: StaleEditError) -> None:
        self.error_label.setText(exc.message)
        if not self.ask_reload(exc.message) or self._record is None:
            return
        try:
            self._show_record(self._service.learner(self._record.id))
        except NotFoundError as gone:
            QMessageBox.warning(self, self.tr("保存できません"), gone.message)
            self.reject()
            return
        self.error_label.setText(
            self.tr("最新の内容を読み込みました。必要な変更をもう一度入力して保存してください。")
        )

    def _clear_problems(self) -> None:
        self.error_label.clear()
        for widget in self._fields.values():
            widget.setStyleSheet("")
            widget.setToolTip("")

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        self.error_label.setText("\n".join(message for _, message in problems))
        first: QWidget | None = None
        for field_name, message in problems:
            widget = self._fields.get(field_name)
            if widget is None:
                continue
            widget.setStyleSheet(_ERROR_STYLE)
            widget.setToolTip(message)
            first = first or widget
        if first is not None:
            first.setFocus()
