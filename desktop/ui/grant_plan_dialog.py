"""One 訓練計画: the training, its trainees and their terms, with the estimate shown as it is typed.

The live estimate covers this plan alone (the establishment's other plans of
the 年度 come into the annual cap on the page, after saving). It is computed
by the same domain functions the page and the sheets use.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from html import escape

from PySide6.QtCore import QDate
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from desktop.domain.grant import (
    EstimateInputError,
    TraineeInput,
    TrainingTerms,
    estimate_plan,
    subscription_months,
    yen,
)
from desktop.domain.grant_drafts import GrantPlanDraft, parse_hours, parse_yen
from desktop.domain.grant_plan import EmploymentType
from desktop.domain.grant_rules import GrantRuleSet, NoRuleSet, TrainingMethod, select_rule_set
from desktop.store.errors import StaleEditError
from desktop.store.grant_service import GrantService
from desktop.store.grant_views import EstablishmentRow, GrantPlanView
from desktop.ui.field_marks import FieldMarks, reload_after_stale, save_or_mark
from desktop.ui.forms import child, load_form
from desktop.ui.trainee_pick_model import EMPLOYMENT, EmploymentDelegate, TraineePick, TraineePickModel

TITLE = "訓練計画"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class GrantPlanDialog(QDialog):
    def __init__(
        self,
        service: GrantService,
        establishments: list[EstablishmentRow],
        plan: GrantPlanView | None = None,
        *,
        organization_id: int | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._establishments = {row.id: row for row in establishments}
        self._plan = plan
        self._today = today or date.today()
        self._rule_sets: list[GrantRuleSet] = service.rules.rule_sets()
        self._dirty = False
        self.saved_id: int | None = None

        form = load_form("grant_plan_dialog.ui", self)
        self.establishment = child(form, QComboBox, "establishmentCombo")
        self.title_edit = child(form, QLineEdit, "titleEdit")
        self.provider = child(form, QLineEdit, "providerEdit")
        self.method = child(form, QComboBox, "methodCombo")
        self.start = child(form, QDateEdit, "startEdit")
        self.end = child(form, QDateEdit, "endEdit")
        self.hours = child(form, QLineEdit, "hoursEdit")
        self.fee = child(form, QLineEdit, "feeEdit")
        self.fee_label = child(form, QLabel, "feeEditLabel")
        self.notes = child(form, QPlainTextEdit, "notesEdit")
        self.table = child(form, QTableView, "traineeTable")
        self.estimate_label = child(form, QLabel, "estimateLabel")
        search = child(form, QLineEdit, "traineeSearchEdit")
        self.marks = FieldMarks(
            child(form, QLabel, "errorLabel"),
            {
                "organization_id": self.establishment,
                "title": self.title_edit,
                "provider": self.provider,
                "method": self.method,
                "start": self.start,
                "end": self.end,
                "hours": self.hours,
                "fee": self.fee,
                "notes": self.notes,
                "trainees": self.table,
            },
        )

        for row in establishments:
            self.establishment.addItem(row.name, row.id)
        for method in TrainingMethod:
            self.method.addItem(method.label, method.value)  # Qt hands a StrEnum back as str
        self.model = TraineePickModel(self)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(EMPLOYMENT, EmploymentDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        search.textChanged.connect(self.model.set_filter)
        child(form, QPushButton, "selectAllButton").clicked.connect(lambda: self.model.choose_shown(True))
        child(form, QPushButton, "selectNoneButton").clicked.connect(lambda: self.model.choose_shown(False))

        buttons = child(form, QDialogButtonBox, "buttonBox")
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("保存 (Ctrl+S)")
        save.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        self._show(plan, organization_id)
        for signal in (
            self.title_edit.textEdited,
            self.provider.textEdited,
            self.hours.textEdited,
            self.fee.textEdited,
            self.notes.textChanged,
            self.start.dateChanged,
            self.end.dateChanged,
            self.method.currentIndexChanged,
        ):
            signal.connect(self._edited)
        self.establishment.currentIndexChanged.connect(self._establishment_changed)
        self.model.on_change.append(self._edited)
        self.setWindowTitle(f"{TITLE}の編集" if plan else f"{TITLE}の作成")
        self.resize(900, 760)
        self._dirty = False
        self._update_estimate()
        self.title_edit.setFocus()

    # -- filling ----------------------------------------------------------------------------

    def _show(self, plan: GrantPlanView | None, organization_id: int | None) -> None:
        if plan is None:
            chosen = organization_id if organization_id in self._establishments else None
            self.establishment.setCurrentIndex(max(0, self.establishment.findData(chosen)))
            start = self._today.replace(day=1)
            self.start.setDate(_qdate(start).addMonths(2))
            self.end.setDate(_qdate(start).addMonths(3).addDays(-1))
            self._load_candidates([])
            return
        self._plan = plan
        self.establishment.setCurrentIndex(max(0, self.establishment.findData(plan.organization_id)))
        self.establishment.setEnabled(False)  # trainees belong to the firm: a plan does not move
        self.title_edit.setText(plan.title)
        self.provider.setText(plan.provider)
        self.method.setCurrentIndex(max(0, self.method.findData(plan.method.value)))
        self.start.setDate(_qdate(plan.start))
        self.end.setDate(_qdate(plan.end))
        self.hours.setText(format(plan.hours.normalize(), "f"))
        self.fee.setText(str(plan.fee))
        self.notes.setPlainText(plan.notes)
        self._load_candidates(
            [
                TraineePick(
                    t.learner_id,
                    t.number,
                    t.name,
                    t.furigana,
                    t.department,
                    t.insured_number,
                    t.employment,
                    "" if t.wage_hours == plan.hours else format(t.wage_hours.normalize(), "f"),
                    True,
                )
                for t in plan.trainees
            ]
        )

    def _load_candidates(self, chosen: list[TraineePick]) -> None:
        organization_id = self.establishment.currentData()
        picks = list(chosen)
        taken = {pick.learner_id for pick in chosen}
        if organization_id is not None:
            for candidate in self._service.candidates(organization_id):
                if candidate.learner_id in taken:
                    continue
                picks.append(
                    TraineePick(
                        candidate.learner_id,
                        candidate.number,
                        candidate.name,
                        candidate.furigana,
                        candidate.department,
                        candidate.insured_number,
                        EmploymentType.REGULAR,
                        "",
                        False,
                    )
                )
        self.model.set_picks(picks)
        self.table.resizeColumnsToContents()

    def _establishment_changed(self) -> None:
        if self.model.chosen():
            QMessageBox.information(
                self,
                TITLE,
                "事業所を変えたので、受講者の選択を解除しました。受講者は事業所の名簿から選びます。",
            )
        self._load_candidates([])
        self._edited()

    def _method(self) -> TrainingMethod:
        return TrainingMethod(self.method.currentData())

    # -- the live estimate ------------------------------------------------------------------

    def _edited(self) -> None:
        self._dirty = True
        self._update_estimate()

    def _update_estimate(self) -> None:
        subscription = self._method() is TrainingMethod.SUBSCRIPTION
        self.fee_label.setText("月額（1人あたり）(&F) *" if subscription else "受講料（1人あたり）(&F) *")
        self.estimate_label.setText(self._estimate_text())

    def _estimate_text(self) -> str:
        row = self._establishments.get(self.establishment.currentData())
        hours = parse_hours(self.hours.text())
        fee = parse_yen(self.fee.text())
        method = self._method()
        start, end = _pydate(self.start.date()), _pydate(self.end.date())
        if row is None or row.size is None:
            return _muted("見込額: 事業所の企業規模（中小企業・大企業）を登録すると計算します。")
        if hours is None or fee is None or hours <= 0 or end < start:
            return _muted("見込額: 訓練時間・受講料・期間を入力すると計算します。")
        try:
            rule = select_rule_set(self._rule_sets, start)
            months = subscription_months(start, end) if method is TrainingMethod.SUBSCRIPTION else Fraction(1)
            picks = self.model.chosen()
            trainees = [
                TraineeInput(p.name, parse_hours(p.wage_hours) if p.wage_hours else None) for p in picks
            ]
            if any(t.wage_hours is None for t, p in zip(trainees, picks, strict=True) if p.wage_hours):
                return _muted("見込額: 賃金助成の時間は数で入力してください。")
            estimate = estimate_plan(
                rule, TrainingTerms(row.size, method, hours, fee, start, months), trainees
            )
        except (NoRuleSet, EstimateInputError) as exc:
            return f"<span style='color:#b3261e'>{escape(str(exc))}</span>"
        if not estimate.shares:
            return _muted(f"見込額: 受講者を選ぶと計算します（ルール {escape(rule.id)}）。")
        first = estimate.shares[0].estimate
        if not first.eligible:
            return f"<span style='color:#b3261e'>{escape(first.reason or '')}</span>"
        return (
            f"見込額（この計画のみ）: <b>{yen(estimate.total)}</b>　{len(estimate.shares)}名"
            f"　1人目 経費助成 {yen(first.expense)}（上限 {yen(first.expense_cap)}）・賃金助成 {yen(first.wage)}"
            f"<br><span style='color:#6b6b6b'>ルール: {escape(rule.name)}（{escape(rule.id)}）"
            "　同じ年度の他の計画との年度上限は、保存後の一覧で反映されます。</span>"
        )

    # -- saving -----------------------------------------------------------------------------

    def draft(self) -> GrantPlanDraft:
        return GrantPlanDraft(
            organization_id=self.establishment.currentData(),
            title=self.title_edit.text(),
            method=self._method(),
            start=_pydate(self.start.date()),
            end=_pydate(self.end.date()),
            hours=self.hours.text(),
            fee=self.fee.text(),
            provider=self.provider.text(),
            notes=self.notes.toPlainText(),
            trainees=self.model.drafts(),
        )

    def save(self) -> None:
        plan = self._plan
        saved = save_or_mark(
            self,
            self.marks,
            lambda: self._service.save_plan(
                plan.id if plan else None, self.draft(), plan.version if plan else None
            ),
            self._refused_as_stale,
        )
        if saved is not None:
            self.saved_id = saved
            self._dirty = False
            self.accept()

    def _refused_as_stale(self, exc: StaleEditError) -> None:
        plan = self._plan
        reload = (lambda: self._show(self._service.plan(plan.id, self._today), None)) if plan else None
        if reload_after_stale(self, self.marks, exc, reload):
            self._dirty = False
            self._update_estimate()

    def reject(self) -> None:
        if self._dirty and not self._confirm_discard():
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._dirty and not self._confirm_discard():
            event.ignore()
            return
        super().closeEvent(event)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            TITLE,
            "保存していない変更があります。変更を捨てて閉じますか？",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self._dirty = False
            return True
        return False


def _muted(text: str) -> str:
    return f"<span style='color:#6b6b6b'>{text}</span>"
