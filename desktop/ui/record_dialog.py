"""Add / edit one hand-entered 受講記録 (in-house or group training), and the learner picker it uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from desktop.domain.dates import fiscal_year, to_wareki
from desktop.domain.records import RecordDraft, parse_hours
from desktop.domain.text import fold_for_search, fold_many, reading_sort_keys
from desktop.store.errors import (
    NotFoundError,
    StaleEditError,
    UserFacingError,
    ValidationFailed,
)
from desktop.store.records_service import CourseInfo, RecordRow, RecordsService
from desktop.store.roster_service import RosterRow
from desktop.ui.forms import child, load_form

_ERROR_STYLE = "border: 2px solid #c62828;"
_HINT_STYLE = "color: #555555;"


def learner_label(row: RosterRow) -> str:
    return f"{row.number}\u3000{row.name}（{row.furigana}）"


@dataclass(frozen=True)
class LearnerIndex:
    """The learners a picker offers, in reading order, with their folded search keys.

    Plain data, so a page builds it in its loading worker, not on the UI thread.
    """

    rows: list[RosterRow]
    labels: list[str]
    keys: list[str]
    by_label: dict[str, int]
    by_number: dict[str, int | None]  # folded 受講者番号 → learner; None when two share it

    @classmethod
    def build(cls, rows: Sequence[RosterRow]) -> LearnerIndex:
        order = reading_sort_keys([row.furigana for row in rows])
        ordered = [row for _key, row in sorted(zip(order, rows, strict=True), key=lambda pair: pair[0])]
        labels = [learner_label(row) for row in ordered]
        seen: dict[str, int] = {}
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
        # Two 団体 may give namesakes the same 受講者番号: the 団体 tells them apart.
        labels = [
            f"{label}\u3000{row.organization}" if seen[label] > 1 else label
            for label, row in zip(labels, ordered, strict=True)
        ]
        keys = fold_many([f"{r.number}\x01{r.name}\x01{r.furigana}\x01{r.email}" for r in ordered])
        by_number: dict[str, int | None] = {}
        for number, row in zip(fold_many([r.number for r in ordered]), ordered, strict=True):
            by_number[number] = None if number in by_number else row.id
        return cls(
            ordered,
            labels,
            keys,
            {label: row.id for label, row in zip(labels, ordered, strict=True)},
            by_number,
        )


class LearnerPicker(QObject):
    """Turns a line edit into a learner search: 番号・氏名・フリガナ (any kana, any width) → a learner.

    The candidates are computed here with the 名簿's folding, not by QCompleter's
    prefix match, so 「やまだ」 or 「ﾔﾏﾀﾞ」 finds 山田 and a query costs one list
    scan. The chosen learner is the one whose label the edit shows, or whose
    受講者番号 was typed in full.
    """

    changed = Signal()
    SHOWN = 50

    def __init__(self, edit: QLineEdit, parent: QObject | None = None) -> None:
        super().__init__(parent or edit)
        self.edit = edit
        self._index = LearnerIndex.build([])
        self._rows: dict[int, RosterRow] = {}
        self._current: int | None = None
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        edit.setCompleter(self.completer)
        edit.textEdited.connect(self._edited)
        edit.textChanged.connect(self._resolve)

    def set_learners(self, learners: Sequence[RosterRow] | LearnerIndex) -> None:
        index = learners if isinstance(learners, LearnerIndex) else LearnerIndex.build(learners)
        self._index = index
        self._rows = {row.id: row for row in index.rows}
        self._resolve(self.edit.text())

    @property
    def index(self) -> LearnerIndex:
        return self._index

    def learner_id(self) -> int | None:
        return self._current

    def learner(self) -> RosterRow | None:
        return None if self._current is None else self._rows.get(self._current)

    def label_of(self, learner_id: int) -> str:
        for label, row in zip(self._index.labels, self._index.rows, strict=True):
            if row.id == learner_id:
                return label
        return ""

    def set_learner_id(self, learner_id: int | None) -> None:
        self.edit.setText("" if learner_id is None else self.label_of(learner_id))
        self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def matches(self, text: str) -> list[str]:
        """Labels of the learners `text` finds, in reading order, at most SHOWN of them."""
        needle = fold_for_search(text)
        if not needle:
            return []
        found: list[str] = []
        for label, key in zip(self._index.labels, self._index.keys, strict=True):
            if needle in key:
                found.append(label)
                if len(found) >= self.SHOWN:
                    break
        return found

    def _edited(self, text: str) -> None:
        if text in self._index.by_label:
            self._hide_popup()
            return
        found = self.matches(text)
        self.model.setStringList(found)
        if found:
            self.completer.complete()
        else:
            self._hide_popup()

    def _resolve(self, text: str) -> None:
        learner_id = self._index.by_label.get(text)
        if learner_id is None and text.strip():
            learner_id = self._index.by_number.get(fold_for_search(text))
        if learner_id != self._current:
            self._current = learner_id
            self.changed.emit()


def hours_text(hours: Decimal | None) -> str:
    """1.50 → '1.5', 2.00 → '2': what a clerk would have typed."""
    return "" if hours is None else format(hours.normalize(), "f")


def course_label(course: CourseInfo) -> str:
    return f"{course.title}（{course.provider}）" if course.provider else course.title


class RecordDialog(QDialog):
    """Saves through the service itself, so a refused save keeps the dialog open."""

    def __init__(
        self,
        service: RecordsService,
        learners: Sequence[RosterRow] | LearnerIndex,
        courses: Sequence[CourseInfo],
        record: RecordRow | None = None,
        default_learner_id: int | None = None,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._record = record
        self._today = today or date.today()
        self.saved_row: RecordRow | None = None

        form = load_form("record_dialog.ui", self)
        self.learner_edit = child(form, QLineEdit, "learnerEdit")
        self.learner_info = child(form, QLabel, "learnerInfoLabel")
        self.learner_info.setStyleSheet(_HINT_STYLE)
        self.course = child(form, QComboBox, "courseCombo")
        self.held_on = child(form, QDateEdit, "heldOnEdit")
        self.held_on_wareki = child(form, QLabel, "heldOnWarekiLabel")
        self.held_on_wareki.setStyleSheet(_HINT_STYLE)
        self.hours = child(form, QLineEdit, "hoursEdit")
        self.hours_hint = child(form, QLabel, "hoursHintLabel")
        self.hours_hint.setStyleSheet(_HINT_STYLE)
        self.completed = child(form, QCheckBox, "completedCheck")
        self.notes = child(form, QPlainTextEdit, "notesEdit")
        self.error_label = child(form, QLabel, "errorLabel")
        self.error_label.setStyleSheet("color: #c62828;")
        buttons = child(form, QDialogButtonBox, "buttonBox")
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存 (Ctrl+S)"))
        self.save_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        self.picker = LearnerPicker(self.learner_edit, self)
        self.picker.set_learners(learners)
        self.picker.changed.connect(self._learner_changed)
        self._fill_courses(courses)
        self.held_on.setMinimumDate(QDate(2000, 1, 1))
        self.held_on.dateChanged.connect(self._date_changed)
        self.hours.textChanged.connect(self._hours_changed)
        self._hint = self.hours_hint.text()

        self._fields: dict[str, QWidget] = {
            "learner_id": self.learner_edit,
            "course_id": self.course,
            "held_on": self.held_on,
            "hours": self.hours,
            "notes": self.notes,
        }
        if record is not None:
            self._show_record(record)
        else:
            self.held_on.setDate(_qdate(self._today))
            self.completed.setChecked(True)
            if default_learner_id is not None:
                self.picker.set_learner_id(default_learner_id)
        self._date_changed()
        self._learner_changed()
        self.setWindowTitle(self.tr("受講記録の編集") if record else self.tr("受講記録の追加"))
        self.setMinimumWidth(620)
        (self.course if self.picker.learner_id() is not None else self.learner_edit).setFocus()

    # -- filling ---------------------------------------------------------

    def _fill_courses(self, courses: Sequence[CourseInfo]) -> None:
        for course in courses:
            self.course.addItem(course_label(course), course.id)
        self.course.setCurrentIndex(-1)
        self.course.setEditText("")
        editor = self.course.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(self.tr("講座を選ぶか、新しい講座名を入力"))
        completer = self.course.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def _show_record(self, record: RecordRow) -> None:
        self._record = record
        self.picker.set_learner_id(record.learner_id)
        position = self.course.findData(record.course_id)
        if position < 0:  # a course made on another PC since the list was read
            self.course.addItem(record.course_title, record.course_id)
            position = self.course.count() - 1
        self.course.setCurrentIndex(position)
        self.held_on.setDate(_qdate(record.activity_on or self._today))
        self.hours.setText(hours_text(record.hours))
        self.completed.setChecked(record.completed)
        self.notes.setPlainText(record.notes)

    def _learner_changed(self) -> None:
        row = self.picker.learner()
        if row is None:
            text = self.learner_edit.text().strip()
            self.learner_info.setText(self.tr("候補から受講者を選んでください。") if text else "")
            return
        place = "／".join(part for part in (row.organization, row.department) if part)
        self.learner_info.setText(self.tr("所属: {place}").format(place=place))

    def _date_changed(self) -> None:
        day = self.held_on_date()
        try:
            self.held_on_wareki.setText(f"{to_wareki(day)}（{fiscal_year(day)}年度）")
        except ValueError:
            self.held_on_wareki.clear()

    def _hours_changed(self, text: str) -> None:
        hours = parse_hours(text)
        if not text.strip():
            self.hours_hint.setText(self._hint)
        elif hours is None:
            self.hours_hint.setText(self.tr("数字で入力してください（例: 1.5、90分、1時間30分）"))
        else:
            minutes = int(hours * 60)
            self.hours_hint.setText(
                self.tr("＝ {hours}時間（{minutes}分）").format(hours=hours_text(hours), minutes=minutes)
            )

    # -- saving ----------------------------------------------------------

    def held_on_date(self) -> date:
        value = self.held_on.date()
        return date(value.year(), value.month(), value.day())

    def draft(self) -> RecordDraft:
        course_id = self._chosen_course()
        return RecordDraft(
            learner_id=self.picker.learner_id(),
            course_id=course_id,
            course_title="" if course_id is not None else self.course.currentText(),
            held_on=self.held_on_date(),
            hours=self.hours.text(),
            completed=self.completed.isChecked(),
            notes=self.notes.toPlainText(),
        )

    def _chosen_course(self) -> int | None:
        # An editable combo keeps the old item's data after the text is retyped.
        position = self.course.findText(self.course.currentText(), Qt.MatchFlag.MatchExactly)
        return self.course.itemData(position) if position >= 0 else None

    def save(self) -> None:
        self._clear_problems()
        try:
            if self._record is None:
                self.saved_row = self._service.create_manual(self.draft())
            else:
                self.saved_row = self._service.update_manual(self._record, self.draft())
        except ValidationFailed as exc:
            self._show_problems(exc.problems)
            return
        except StaleEditError as exc:
            self._offer_reload(exc)
            return
        except NotFoundError as exc:
            if self._record is not None and self._record_is_gone():
                QMessageBox.warning(self, self.tr("保存できません"), exc.message)
                self.reject()
                return
            self._show_problems([("", exc.message)])
            return
        except UserFacingError as exc:  # an imported record (ConflictError), a busy database, …
            self._show_problems([("", exc.message)])
            return
        self.accept()

    def _record_is_gone(self) -> bool:
        assert self._record is not None
        try:
            self._service.row(self._record.id)
        except NotFoundError:
            return True
        return False

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
            self._show_record(self._service.row(self._record.id))
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

    def _show_problems(self, problems: Sequence[tuple[str, str]]) -> None:
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


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
