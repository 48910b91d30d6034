"""One learner's plan: goal, mentor and lines of a draft; status moves, revisions and the sheet preview.

A draft is edited here and saved in one transaction. An approved plan is
shown read-only: 「改訂して編集」 makes a new draft revision, keeping the
approved one. Line edits (order, month, adding and removing) can be undone
with Ctrl+Z until the plan is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.plan import PlanStatus, can_move
from desktop.domain.plan_proposal import Reason, add_months, hours_text
from desktop.store.errors import StaleEditError, UserFacingError
from desktop.store.plan_service import PlanService
from desktop.store.plan_views import PlanDetail, plan_detail
from desktop.ui.forms import child, load_form
from desktop.ui.plans_model import OVERDUE_COLOR, month_text, period_text

if TYPE_CHECKING:
    from desktop.store.database import Database

_COLUMNS = ("月", "コード", "講座名", "実施方法", "時間", "区分", "選んだ理由", "進み具合")
_MONTH, _WHY, _PROGRESS = 0, 6, 7
TITLE = "学習計画"


@dataclass(frozen=True)
class EditLine:
    code: str
    title: str
    method: str
    hours: Decimal
    month: date
    reason: Reason
    why: str
    progress: str = ""
    overdue: bool = False


class PlanEditorDialog(QDialog):
    def __init__(self, db: Database, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.service = PlanService(db)
        self.changed = False  # the page reloads its list when the dialog reports a change
        self.setWindowTitle(TITLE)
        self.resize(1240, 780)
        host = QWidget(self)
        QVBoxLayout(self).addWidget(host)
        form = load_form("plan_editor.ui", host)
        self.learner_label = child(form, QLabel, "learnerLabel")
        self.plan_label = child(form, QLabel, "planLabel")
        self.frozen_label = child(form, QLabel, "frozenLabel")
        self.totals_label = child(form, QLabel, "totalsLabel")
        self.goal = child(form, QLineEdit, "goalEdit")
        self.mentor = child(form, QLineEdit, "mentorEdit")
        self.table = child(form, QTableWidget, "lineTable")
        self.history = child(form, QListWidget, "historyList")
        self.learner_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.frozen_label.setStyleSheet("color: #8a5a00;")
        self.buttons = {
            name: child(form, QPushButton, name)
            for name in (
                "upButton",
                "downButton",
                "addButton",
                "removeButton",
                "undoButton",
                "approveButton",
                "startButton",
                "doneButton",
                "cancelPlanButton",
                "reviseButton",
                "previewButton",
                "saveButton",
                "closeButton",
            )
        }
        slots: dict[str, Callable[[], object]] = {
            "upButton": lambda: self.move_line(-1),
            "downButton": lambda: self.move_line(1),
            "addButton": self.add_course,
            "removeButton": self.remove_line,
            "undoButton": self.undo,
            "approveButton": lambda: self.change_status(PlanStatus.APPROVED),
            "startButton": lambda: self.change_status(PlanStatus.ACTIVE),
            "doneButton": lambda: self.change_status(PlanStatus.DONE),
            "cancelPlanButton": lambda: self.change_status(PlanStatus.CANCELLED),
            "reviseButton": self.revise,
            "previewButton": self.preview,
            "saveButton": self.save,
            "closeButton": self.close,
        }
        for name, slot in slots.items():
            self.buttons[name].clicked.connect(slot)
        self.table.setColumnCount(len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(_COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.horizontalHeader().setSectionResizeMode(_WHY, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._why_edited)
        self.goal.textEdited.connect(lambda _t: self._mark_dirty())
        self.mentor.textEdited.connect(lambda _t: self._mark_dirty())
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.detail: PlanDetail
        self.lines: list[EditLine] = []
        self._undo: list[list[EditLine]] = []
        self._dirty = False
        self._filling = False
        self.load(plan_id)

    # -- loading and showing -------------------------------------------------------

    def load(self, plan_id: int) -> None:
        self.detail = detail = plan_detail(self._db, plan_id)
        learner = detail.learner
        kana = f"（{detail.learner_kana}）" if detail.learner_kana else ""
        self.learner_label.setText(f"{learner.number}　{learner.name}{kana}　{learner.department}")
        role = f"　育成区分: {detail.role_name}" if detail.role_name else ""
        self.plan_label.setText(
            f"{detail.fiscal_year}年度　第{detail.revision}版　{detail.status.label}"
            f"　期間: {period_text(detail.period_start, detail.period_end)}"
            f"　時間の上限: {hours_text(detail.hours_budget)}時間{role}"
        )
        self.setWindowTitle(
            f"{TITLE} - {learner.number} {learner.name}（{detail.fiscal_year}年度 第{detail.revision}版）"
        )
        self.goal.setText(detail.goal)
        self.mentor.setText(detail.mentor)
        self.lines = [
            EditLine(
                line.course_code,
                line.course_title,
                line.method,
                line.hours,
                line.month,
                line.reason,
                line.why,
                _progress_text(line.progress.state.label, line.progress.done_hours, line.hours),
                line.progress.overdue,
            )
            for line in detail.lines
        ]
        self._undo.clear()
        self._dirty = False
        self.history.clear()
        for change in detail.history:
            note = f"　{change.note}" if change.note else ""
            self.history.addItem(
                f"{change.changed_at:%Y/%m/%d %H:%M}　{change.status.label}　{change.changed_by}{note}"
            )
        self._show_lines()
        self._update_controls()

    @property
    def editable(self) -> bool:
        return self.detail.current and self.detail.status is PlanStatus.DRAFT

    def _months(self) -> list[date]:
        months, month = [], self.detail.period_start
        while month <= self.detail.period_end:
            months.append(month)
            month = add_months(month, 1)
        return months

    def _show_lines(self, select: int | None = None) -> None:
        self._filling = True
        self.table.setRowCount(len(self.lines))
        months = self._months()
        for row, line in enumerate(self.lines):
            texts = (
                "",
                line.code,
                line.title,
                line.method,
                hours_text(line.hours),
                line.reason.label,
                line.why,
                line.progress,
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column in (2, _WHY):
                    item.setToolTip(text)  # a narrow window cuts long text with …
                editable = self.editable and column == _WHY
                flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags)
                if column == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == _PROGRESS and line.overdue:
                    item.setForeground(QBrush(OVERDUE_COLOR))
                    item.setToolTip("予定の月を過ぎても修了していません。")
                self.table.setItem(row, column, item)
            self.table.setCellWidget(row, _MONTH, self._month_cell(row, line, months))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(_WHY, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()  # a long reason wraps onto a second line rather than being cut
        if select is not None and 0 <= select < len(self.lines):
            self.table.selectRow(select)
        self._filling = False
        self._show_totals()

    def _month_cell(self, row: int, line: EditLine, months: list[date]) -> QWidget:
        if not self.editable:
            return QLabel(f" {month_text(line.month)}")
        combo = QComboBox()
        combo.setAccessibleName(f"{line.title}の月")
        for month in months:
            combo.addItem(month_text(month), month)
        # findData cannot match a Python date: it compares the wrapped objects.
        combo.setCurrentIndex(months.index(line.month) if line.month in months else 0)
        combo.currentIndexChanged.connect(lambda _i, r=row, c=combo: self._month_chosen(r, c.currentData()))
        return combo

    def _show_totals(self) -> None:
        hours = sum((line.hours for line in self.lines), Decimal(0))
        budget = self.detail.hours_budget
        text = f"合計 {len(self.lines)}講座　{hours_text(hours)}時間（上限 {hours_text(budget)}時間）"
        overdue = sum(1 for line in self.lines if line.overdue)
        if hours > budget:
            text += f"　上限を{hours_text(hours - budget)}時間超えています"
        if overdue:
            text += f"　期限超過 {overdue}件"
        progress = self.detail.progress
        if self.detail.status is not PlanStatus.DRAFT:
            text += f"　進捗 {progress.percent}%（{hours_text(progress.done_hours)}時間）"
        self.totals_label.setText(text)
        self.totals_label.setStyleSheet("color: #b3261e;" if hours > budget or overdue else "")

    def _update_controls(self) -> None:
        editable = self.editable
        for name in ("upButton", "downButton", "addButton", "removeButton", "saveButton"):
            self.buttons[name].setEnabled(editable)
        self.buttons["undoButton"].setEnabled(editable and bool(self._undo))
        self.goal.setReadOnly(not editable)
        self.mentor.setReadOnly(not editable)
        status, current = self.detail.status, self.detail.current
        for name, wanted in (
            ("approveButton", PlanStatus.APPROVED),
            ("startButton", PlanStatus.ACTIVE),
            ("doneButton", PlanStatus.DONE),
            ("cancelPlanButton", PlanStatus.CANCELLED),
        ):
            self.buttons[name].setEnabled(current and can_move(status, wanted))
        self.buttons["reviseButton"].setEnabled(current and status.frozen)
        if not current:
            self.frozen_label.setText("この版は新しい版に置き換えられています。記録として表示しています。")
        elif status.frozen:
            self.frozen_label.setText(
                f"{status.label}の計画は変更できません。変更するときは「改訂して編集」で新しい版を作ります。"
            )
        else:
            self.frozen_label.setText("")
        self.frozen_label.setVisible(bool(self.frozen_label.text()))

    # -- editing lines ---------------------------------------------------------------

    def _remember(self) -> None:
        self._undo.append(list(self.lines))
        self._mark_dirty()

    def _mark_dirty(self) -> None:
        self._dirty = True
        self.buttons["undoButton"].setEnabled(self.editable and bool(self._undo))

    def has_unsaved_edits(self) -> bool:
        return self._dirty

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def move_line(self, step: int) -> None:
        row = self._selected_row()
        if row is None or not 0 <= row + step < len(self.lines):
            return
        self._remember()
        self.lines[row], self.lines[row + step] = self.lines[row + step], self.lines[row]
        self._show_lines(select=row + step)

    def remove_line(self) -> None:
        row = self._selected_row()
        if row is None:
            QMessageBox.information(self, TITLE, "外す講座を選んでください。")
            return
        self._remember()
        del self.lines[row]
        self._show_lines(select=min(row, len(self.lines) - 1))

    def add_course(self) -> None:
        from desktop.ui.course_picker import CoursePickerDialog

        taken = {line.code for line in self.lines}
        courses = [c for c in self.service.catalog_courses() if c.code not in taken]
        if not courses:
            QMessageBox.information(self, TITLE, "追加できる講座が研修カタログにありません。")
            return
        picker = CoursePickerDialog(courses, self)
        if picker.exec() != QDialog.DialogCode.Accepted or picker.chosen is None:
            return
        course = picker.chosen
        row = self._selected_row()
        month = self.lines[row].month if row is not None else self.detail.period_start
        self._remember()
        line = EditLine(
            course.code,
            course.title,
            course.method.value,
            course.hours,
            month,
            Reason.MANUAL,
            "担当者が追加しました。",
        )
        at = len(self.lines) if row is None else row + 1
        self.lines.insert(at, line)
        self._show_lines(select=at)

    def undo(self) -> None:
        if not self.editable or not self._undo:
            return
        self.lines = self._undo.pop()
        self._show_lines()
        self._update_controls()

    def _month_chosen(self, row: int, month: date | None) -> None:
        if month is None or self.lines[row].month == month:
            return
        self._remember()
        self.lines[row] = replace(self.lines[row], month=month)
        self._show_totals()

    def _why_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != _WHY:
            return
        row = item.row()
        if self.lines[row].why != item.text():
            self._remember()
            self.lines[row] = replace(self.lines[row], why=item.text().strip())

    # -- saving, status, revisions ------------------------------------------------------

    def save(self) -> bool:
        """True when the plan is saved (or had nothing to save)."""
        if not self.editable:
            return True
        try:
            self.service.update_draft(
                self.detail.id,
                self.detail.version,
                goal=self.goal.text(),
                mentor=self.mentor.text(),
                lines=[(line.code, line.month, line.reason, line.why) for line in self.lines],
            )
        except StaleEditError as exc:
            self._stale(exc)
            return False
        except UserFacingError as exc:
            QMessageBox.warning(self, TITLE, exc.message)
            return False
        self.changed = True
        self.load(self.detail.id)
        return True

    def _stale(self, error: StaleEditError) -> None:
        answer = QMessageBox.question(
            self,
            TITLE,
            f"{error.message}\n\n最新の内容を読み込み直しますか？（この画面での変更は失われます）",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.changed = True
            self.load(self.detail.id)

    def change_status(self, wanted: PlanStatus) -> None:
        if self._dirty and not self._save_first(f"{wanted.label}にする前に、変更を保存します。"):
            return
        note = ""
        if wanted is PlanStatus.CANCELLED:
            text, ok = QInputDialog.getText(self, TITLE, "中止の理由（記録に残ります）:")
            if not ok:
                return
            note = text.strip()
        else:
            question = {
                PlanStatus.APPROVED: "この計画を承認しますか？\n承認後は変更できません。変更するときは改訂して新しい版を作ります。",
                PlanStatus.ACTIVE: "この計画を実施中にしますか？",
                PlanStatus.DONE: "この計画を完了にしますか？",
            }[wanted]
            if QMessageBox.question(self, TITLE, question) != QMessageBox.StandardButton.Yes:
                return
        try:
            self.service.set_status(self.detail.id, wanted, self.detail.version, note)
        except StaleEditError as exc:
            self._stale(exc)
            return
        except UserFacingError as exc:
            QMessageBox.warning(self, TITLE, exc.message)
            return
        self.changed = True
        self.load(self.detail.id)

    def revise(self) -> None:
        try:
            new_id = self.service.revise(self.detail.id, self.detail.version)
        except StaleEditError as exc:
            self._stale(exc)
            return
        except UserFacingError as exc:
            QMessageBox.warning(self, TITLE, exc.message)
            return
        self.changed = True
        self.load(new_id)

    def _save_first(self, why: str) -> bool:
        answer = QMessageBox.question(
            self,
            TITLE,
            f"{why}よろしいですか？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes and self.save()

    def preview(self) -> None:
        from desktop.ui.plan_printing_ui import preview_plans

        if self._dirty and not self._save_first("プレビューの前に、変更を保存します。"):
            return
        preview_plans(self, self._db, [self.detail.id])

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._dirty and self.editable:
            answer = QMessageBox.question(
                self,
                TITLE,
                "保存していない変更があります。保存しますか？",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel or (
                answer == QMessageBox.StandardButton.Save and not self.save()
            ):
                event.ignore()
                return
        event.accept()


def _progress_text(state: str, done: Decimal, planned: Decimal) -> str:
    if done and done < planned:
        return f"{state}（{hours_text(done)}/{hours_text(planned)}時間）"
    return state
