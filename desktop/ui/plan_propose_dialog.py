"""Proposing plans for many learners at once: set the hours and period, review every proposal, save the chosen.

Nothing is written until 保存: the proposals are computed off the UI thread
and shown one row per learner with what each would get; the user unticks the
ones to leave out, and the ticked ones are saved as drafts in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain import dates
from desktop.domain.plan import PlanStatus, fiscal_year_bounds
from desktop.domain.plan_proposal import add_months, first_of_month, hours_text
from desktop.store.errors import UserFacingError
from desktop.store.plan_service import LearnerProposal, PlanService, PlanSettings
from desktop.ui.forms import child, load_form
from desktop.ui.plans_model import month_text
from desktop.ui.workers import BackgroundTask

if TYPE_CHECKING:
    from desktop.store.database import Database

TITLE = "学習計画の提案"
_LEARNER_COLUMNS = ("保存", "受講者番号", "氏名", "所属", "講座", "時間", "注意")
_LINE_COLUMNS = ("月", "コード", "講座名", "実施方法", "時間", "区分", "選んだ理由")
_WARN = QColor("#b3261e")


class PlanProposeDialog(QDialog):
    def __init__(
        self,
        db: Database,
        learner_ids: Sequence[int],
        fiscal_year: int,
        existing: Mapping[int, PlanStatus],
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        """`existing`: the status of each learner's current plan for the 年度, for those who have one."""
        super().__init__(parent)
        self.service = PlanService(db)
        self.learner_ids = list(learner_ids)
        self.fiscal_year = fiscal_year
        self.existing = dict(existing)
        self.changed = False
        self.proposals: list[LearnerProposal] = []
        self._settings: PlanSettings | None = None
        self._task: BackgroundTask | None = None
        self.setWindowTitle(f"{TITLE}（{fiscal_year}年度）")
        self.resize(1080, 720)
        host = QWidget(self)
        QVBoxLayout(self).addWidget(host)
        form = load_form("plan_propose_dialog.ui", host)
        self.intro = child(form, QLabel, "introLabel")
        self.start_combo = child(form, QComboBox, "startCombo")
        self.months = child(form, QSpinBox, "monthsSpin")
        self.hours = child(form, QDoubleSpinBox, "hoursSpin")
        self.learner_table = child(form, QTableWidget, "learnerTable")
        self.line_table = child(form, QTableWidget, "lineTable")
        self.summary = child(form, QLabel, "summaryLabel")
        self.propose_button = child(form, QPushButton, "proposeButton")
        self.save_button = child(form, QPushButton, "saveButton")
        self.intro.setText(
            f"{len(self.learner_ids)}名の学習計画の案を、最新の完了したスキル診断と育成区分の学習パスから作ります。"
            "必修講座を先に、次に目標との差が大きい分類を補う講座を、時間の上限の中で選びます。"
            "内容を確認し、保存する受講者にチェックを付けて保存してください。"
        )
        begin, _end = fiscal_year_bounds(fiscal_year)
        today = today or date.today()
        months = [add_months(begin, n) for n in range(12)]
        for month in months:
            self.start_combo.addItem(month_text(month), month)
        default = first_of_month(today) if dates.fiscal_year(today) == fiscal_year else begin
        self.start_combo.setCurrentIndex(months.index(default))  # findData cannot match a Python date
        for table, headers in ((self.learner_table, _LEARNER_COLUMNS), (self.line_table, _LINE_COLUMNS)):
            table.setColumnCount(len(headers))
            table.setHorizontalHeaderLabels(list(headers))
            table.verticalHeader().setVisible(False)
        self.learner_table.itemSelectionChanged.connect(self._show_lines)
        self.learner_table.itemChanged.connect(lambda _item: self._update_summary())
        self.propose_button.clicked.connect(self.propose)
        self.save_button.clicked.connect(self.save)
        child(form, QPushButton, "checkAllButton").clicked.connect(lambda: self._check_all(True))
        child(form, QPushButton, "uncheckAllButton").clicked.connect(lambda: self._check_all(False))
        child(form, QPushButton, "closeButton").clicked.connect(self.reject)
        self.save_button.setEnabled(False)
        self.summary.setText("「提案を作る」を押すと、ここに結果が出ます。")

    def settings(self) -> PlanSettings:
        return PlanSettings(
            self.fiscal_year,
            Decimal(str(self.hours.value())).normalize(),
            self.months.value(),
            self.start_combo.currentData(),
        )

    # -- proposing ---------------------------------------------------------------------

    def propose(self) -> None:
        try:
            settings = self.settings()
            settings.period()
        except UserFacingError as exc:
            QMessageBox.warning(self, TITLE, exc.message)
            return
        self.propose_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.summary.setText("提案を作っています…")
        ids = self.learner_ids
        self._task = BackgroundTask(
            self, lambda: (settings, self.service.propose(ids, settings)), self._proposed, self._failed
        )
        self._task.start()

    def _failed(self, error: BaseException) -> None:
        self.propose_button.setEnabled(True)
        self.summary.setText("")
        message = error.message if isinstance(error, UserFacingError) else f"提案を作れませんでした: {error}"
        QMessageBox.warning(self, TITLE, message)

    def _proposed(self, result: tuple[PlanSettings, list[LearnerProposal]]) -> None:
        self._settings, self.proposals = result
        self.propose_button.setEnabled(True)
        table = self.learner_table
        table.blockSignals(True)
        table.setRowCount(len(self.proposals))
        for row, entry in enumerate(self.proposals):
            savable, note = self._savable(entry)
            check = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
            check.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable if savable else flags)
            check.setCheckState(Qt.CheckState.Checked if savable else Qt.CheckState.Unchecked)
            check.setData(Qt.ItemDataRole.AccessibleTextRole, "保存する" if savable else "保存できない")
            table.setItem(row, 0, check)
            proposal = entry.proposal
            texts = (
                entry.learner.number,
                entry.learner.name,
                entry.learner.department,
                f"{len(proposal.lines)}講座" if proposal else "",
                f"{hours_text(proposal.hours)}時間" if proposal else "",
                note,
            )
            for column, text in enumerate(texts, 1):
                item = QTableWidgetItem(text)
                item.setFlags(flags)
                if column in (4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 6 and not savable:
                    item.setForeground(QBrush(_WARN))
                table.setItem(row, column, item)
        table.blockSignals(False)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        if self.proposals:
            table.selectRow(0)
        self._update_summary()

    def _savable(self, entry: LearnerProposal) -> tuple[bool, str]:
        status = self.existing.get(entry.learner.id)
        if entry.proposal is None:
            return False, f"計画を作れません（{entry.problem}）"
        if status is not None and status.frozen:
            return False, f"{status.label}の計画があるため保存しません（変更は計画を開いて改訂します）"
        notes = []
        if status is PlanStatus.DRAFT:
            notes.append("今の下書きを作り直します")
        if entry.problem:
            notes.append(entry.problem)
        return True, "／".join(notes)

    def _show_lines(self) -> None:
        rows = self.learner_table.selectionModel().selectedRows()
        entry = self.proposals[rows[0].row()] if rows else None
        lines = entry.proposal.lines if entry and entry.proposal else ()
        self.line_table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            course = line.course
            texts = (
                month_text(line.month),
                course.code,
                course.title,
                course.method.value,
                hours_text(course.hours),
                line.reason.label,
                line.why,
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.line_table.setItem(row, column, item)
        self.line_table.resizeColumnsToContents()
        self.line_table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)

    # -- choosing and saving --------------------------------------------------------------

    def checked(self) -> list[LearnerProposal]:
        return [
            entry
            for row, entry in enumerate(self.proposals)
            if self._check(row).checkState() == Qt.CheckState.Checked
        ]

    def _check(self, row: int) -> QTableWidgetItem:
        item = self.learner_table.item(row, 0)
        assert item is not None  # every row gets its check item when the proposals arrive
        return item

    def _check_all(self, on: bool) -> None:
        for row in range(self.learner_table.rowCount()):
            item = self._check(row)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _update_summary(self) -> None:
        made = sum(1 for entry in self.proposals if entry.proposal is not None)
        chosen = len(self.checked())
        self.summary.setText(
            f"{len(self.proposals)}名中 {made}名に提案があります。保存するのは {chosen}名です。"
        )
        self.save_button.setEnabled(chosen > 0)

    def save(self) -> None:
        chosen = self.checked()
        if not chosen or self._settings is None:
            return
        try:
            outcomes = self.service.save_drafts(chosen, self._settings)
        except UserFacingError as exc:
            QMessageBox.warning(self, TITLE, exc.message)
            return
        self.changed = True
        saved = sum(1 for _entry, plan_id, _text in outcomes if plan_id is not None)
        kept = [
            f"{entry.learner.number} {entry.learner.name}: {text}"
            for entry, plan_id, text in outcomes
            if plan_id is None
        ]
        message = f"{saved}名の学習計画を下書きとして保存しました。"
        if kept:
            message += "\n\n保存しなかった受講者:\n" + "\n".join(kept[:20])
            if len(kept) > 20:
                message += f"\nほか{len(kept) - 20}名"
        QMessageBox.information(self, TITLE, message)
        self.accept()
