"""スキル診断: who has been diagnosed, starting and resuming diagnoses, results, the heatmap and the effect.

The page only calls services; the wizard, the paper grid and the result
dialog do the answering and showing. Lists load off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from desktop.domain.audit import AuditAction
from desktop.domain.dates import fiscal_year
from desktop.domain.diagnosis import DiagnosisKind
from desktop.store.audit_log import recorded_output
from desktop.store.diagnosis_service import (
    METHOD_PAPER,
    DiagnosisService,
    LearnerOverview,
    overview,
)
from desktop.store.diagnosis_views import DiagnosisViews, Effect, Heatmap, ViewFilter
from desktop.store.errors import UserFacingError
from desktop.store.models import DiagnosisStatus
from desktop.store.roster_service import RosterService
from desktop.ui.focus_banner import add_banner
from desktop.ui.forms import child, load_form
from desktop.ui.overview_model import KINDS, OverviewModel
from desktop.ui.role_limits import editing
from desktop.ui.sorting import keep_sorted, make_sortable
from desktop.ui.workers import BackgroundTask

if TYPE_CHECKING:
    from desktop.store.database import Database


class DiagnosisPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.service = DiagnosisService(db)
        self.views = DiagnosisViews(db, self.service.frameworks)
        self._roster = RosterService(db)
        self._loading: BackgroundTask | None = None
        self._views_task: BackgroundTask | None = None
        self._views_wanted: ViewFilter | None = None
        form = load_form("diagnosis_page.ui", self)
        self.table = child(form, QTableView, "learnerTable")
        self.heat_table = child(form, QTableView, "heatTable")
        self.effect_table = child(form, QTableView, "effectTable")
        self.tabs = child(form, QTabWidget, "tabs")
        self.search = child(form, QLineEdit, "searchEdit")
        self.department_combo = child(form, QComboBox, "departmentCombo")
        self.kind_combo = child(form, QComboBox, "kindCombo")
        self.year_combo = child(form, QComboBox, "yearCombo")
        self.heat_mode = child(form, QComboBox, "heatModeCombo")
        self.effect_mode = child(form, QComboBox, "effectModeCombo")
        self.status_label = child(form, QLabel, "statusLabel")
        self.framework_label = child(form, QLabel, "frameworkLabel")
        self.effect_summary = child(form, QLabel, "effectSummaryLabel")
        title = child(form, QLabel, "titleLabel")
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")

        self.banner = add_banner(self)
        self.banner.cleared.connect(lambda: self._show_only(None))
        self.model = OverviewModel(self)
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _index: self.show_result())
        make_sortable(self.table)

        from desktop.ui.heatmap_model import EffectModel, HeatmapModel
        from desktop.ui.level_legend import LevelLegend

        self.heat_model = HeatmapModel(self)
        self.heat_table.setModel(self.heat_model)
        self.effect_model = EffectModel(self)
        self.effect_table.setModel(self.effect_model)
        make_sortable(self.heat_table)
        make_sortable(self.effect_table)
        legend_host = child(form, QWidget, "legendHost")
        legend_layout = QHBoxLayout(legend_host)
        legend_layout.setContentsMargins(0, 0, 0, 0)
        legend_layout.addWidget(LevelLegend(parent=legend_host))

        self.department_combo.addItem("すべての所属", None)
        for department in self._roster.departments():
            self.department_combo.addItem(department.path, department.id)
        self.kind_combo.addItem("すべて", None)
        for kind in KINDS:
            self.kind_combo.addItem(kind.label, kind)
        self.year_combo.addItem("すべての年度", None)
        this_year = fiscal_year(date.today())
        for year in range(this_year, this_year - 6, -1):
            self.year_combo.addItem(f"{year}年度", year)
        for label, mode in (
            ("受講者ごと", "learners"),
            ("所属の平均", "departments"),
            ("育成区分の平均", "roles"),
        ):
            self.heat_mode.addItem(label, mode)
        for label, mode in (("受講者ごと", "learners"), ("所属の平均", "departments")):
            self.effect_mode.addItem(label, mode)

        buttons = {
            "startButton": self.start_diagnosis,
            "resumeButton": self.resume,
            "paperButton": self.enter_paper,
            "resultButton": self.show_result,
            "printButton": self.print_results,
            "answerSheetButton": self.print_answer_sheets,
            "templateButton": self.write_template,
            "importButton": self.import_answers,
            "frameworkButton": self.manage_frameworks,
        }
        for name, slot in buttons.items():
            child(form, QPushButton, name).clicked.connect(slot)
        self.search.textChanged.connect(self.model.set_filter)
        self.department_combo.currentIndexChanged.connect(lambda _i: self.reload())
        for combo in (self.kind_combo, self.year_combo, self.heat_mode, self.effect_mode):
            combo.currentIndexChanged.connect(lambda _i: self._refresh_views())
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        QShortcut(QKeySequence.StandardKey.New, self, self.start_diagnosis)
        enter = QShortcut(QKeySequence("Return"), self.table, self.show_result)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.reload()

    @classmethod
    def for_database(cls, db: Database, parent: QWidget) -> DiagnosisPage:
        return cls(db, parent)

    def apply_navigation(self, options: dict[str, Any]) -> None:
        """Show what the home page asked for: only some learners (to diagnose), or the effect tab."""
        if options.get("tab") == "effect":
            self.tabs.setCurrentIndex(2)
            return
        self.tabs.setCurrentIndex(0)
        learner_ids = options.get("learner_ids")
        self._show_only(learner_ids)
        if learner_ids is not None:
            self.banner.show_for(str(options.get("label", f"{len(learner_ids)}名")))

    def _show_only(self, learner_ids: Any) -> None:
        if learner_ids is None:
            self.banner.hide()
        self.model.set_only(learner_ids)

    # -- loading -------------------------------------------------------------

    def reload(self) -> None:
        department_id = self.department_combo.currentData()
        self.status_label.setText("読み込み中…")
        self._loading = BackgroundTask(
            self, lambda: _gc_paused(lambda: overview(self._db, department_id)), self._loaded, self._failed
        )
        self._loading.start()

    def _loaded(self, rows: list[LearnerOverview]) -> None:
        # The views start once the list is on screen: run together, the two share one
        # interpreter and the list would wait for the heatmap.
        self._refresh_views()
        self.model.set_rows(rows)
        keep_sorted(self.table)
        self.model.set_filter(self.search.text())
        self.table.resizeColumnsToContents()
        done = sum(1 for r in rows if any(m.status is DiagnosisStatus.COMPLETED for m in r.latest.values()))
        self.status_label.setText(f"{len(rows)}名（診断済み {done}名）")
        try:
            _id, framework = self.service.frameworks.current()
            self.framework_label.setText(f"診断フレームワーク: {framework.name} 第{framework.version}版")
        except UserFacingError as exc:
            self.framework_label.setText(exc.message)

    def _failed(self, error: BaseException) -> None:
        self.status_label.setText("")
        self._warn(error)

    def _filter(self) -> ViewFilter:
        return ViewFilter(
            department_id=self.department_combo.currentData(),
            fiscal_year=self.year_combo.currentData(),
            kind=self.kind_combo.currentData(),
        )

    def _refresh_views(self) -> None:
        """Heatmap and effect are computed off the UI thread; only the newest request is shown."""
        view = self._filter()
        self._views_wanted = view
        self.effect_summary.setText("集計中…")
        self._views_task = BackgroundTask(
            self,
            lambda: _gc_paused(lambda: (view, self.views.heatmap(view), self.views.effect(view))),
            self._views_ready,
            self._views_failed,
        )
        self._views_task.start()

    def _views_failed(self, error: BaseException) -> None:
        self.effect_summary.setText("")
        self._warn(error)

    def _views_ready(self, result: tuple[ViewFilter, Heatmap, Effect]) -> None:
        view, heat, effect = result
        if view != self._views_wanted:
            return  # the filters changed while this was computed; a newer result is on its way
        self.heat_model.set_heatmap(heat, self.heat_mode.currentData() or "learners")
        self.effect_model.set_effect(effect, self.effect_mode.currentData() or "learners")
        keep_sorted(self.heat_table)
        keep_sorted(self.effect_table)
        self.heat_table.resizeColumnsToContents()
        self.effect_table.resizeColumnsToContents()
        if effect.rows:
            self.effect_summary.setText(f"事前・事後がそろった {effect.overall.count}名")
        else:
            self.effect_summary.setText("事前と事後の両方の診断がある受講者はまだいません。")

    # -- helpers -------------------------------------------------------------

    def selected(self) -> list[LearnerOverview]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def _one(self) -> LearnerOverview | None:
        chosen = self.selected()
        if len(chosen) != 1:
            QMessageBox.information(self, "スキル診断", "受講者を1名選んでください。")
            return None
        return chosen[0]

    def _warn(self, error: BaseException) -> None:
        message = error.message if isinstance(error, UserFacingError) else f"処理できませんでした: {error}"
        QMessageBox.warning(self, "スキル診断", message)

    def _ask_kind(self, title: str) -> DiagnosisKind | None:
        labels = [k.label for k in KINDS]
        label, ok = QInputDialog.getItem(self, title, "診断の種類:", labels, 0, False)
        return KINDS[labels.index(label)] if ok else None

    def _in_progress(self, entry: LearnerOverview) -> int | None:
        for mark in entry.latest.values():
            if mark.status is DiagnosisStatus.IN_PROGRESS:
                return mark.id
        return None

    def _latest_completed(self, entry: LearnerOverview) -> int | None:
        done = [m for m in entry.latest.values() if m.status is DiagnosisStatus.COMPLETED]
        return max(done, key=lambda m: (m.diagnosed_on, m.id)).id if done else None

    # -- actions -------------------------------------------------------------

    @editing
    def start_diagnosis(self) -> None:
        chosen = self.selected()
        if not chosen:
            department_id = self.department_combo.currentData()
            if department_id is None:
                QMessageBox.information(self, "スキル診断", "受講者を選ぶか、所属を選んでください。")
                return
            ids = self.service.learners_in(department_id)
            question = f"{self.department_combo.currentText()} の {len(ids)}名の診断を始めますか？"
            if QMessageBox.question(self, "スキル診断", question) != QMessageBox.StandardButton.Yes:
                return
        else:
            ids = [entry.learner.id for entry in chosen]
        kind = self._ask_kind("診断を開始")
        if kind is None:
            return
        try:
            diagnosis_ids = self.service.start(ids, kind)
        except UserFacingError as exc:
            self._warn(exc)
            return
        if len(diagnosis_ids) == 1:
            self._open_wizard(diagnosis_ids[0])
        else:
            QMessageBox.information(
                self,
                "スキル診断",
                f"{len(diagnosis_ids)}名の{kind.label}診断を用意しました。"
                "一覧で受講者を選び「続きから回答」または「紙の回答を入力」で回答を入れてください。",
            )
        self.reload()

    @editing
    def resume(self) -> None:
        entry = self._one()
        if entry is None:
            return
        diagnosis_id = self._in_progress(entry)
        if diagnosis_id is None:
            QMessageBox.information(
                self, "スキル診断", "この受講者に回答中の診断はありません。「診断を開始」を使ってください。"
            )
            return
        self._open_wizard(diagnosis_id)
        self.reload()

    def _open_wizard(self, diagnosis_id: int) -> None:
        from desktop.ui.diagnosis_wizard import DiagnosisWizard

        wizard = DiagnosisWizard(self.service, diagnosis_id, self)
        if wizard.exec() and getattr(wizard, "completed_score", None) is not None:
            self._show_result_for(diagnosis_id)

    @editing
    def enter_paper(self) -> None:
        entry = self._one()
        if entry is None:
            return
        diagnosis_id = self._in_progress(entry)
        if diagnosis_id is None:
            kind = self._ask_kind("紙の回答を入力")
            if kind is None:
                return
            try:
                [diagnosis_id] = self.service.start([entry.learner.id], kind, method=METHOD_PAPER)
            except UserFacingError as exc:
                self._warn(exc)
                return
        from desktop.ui.paper_entry import PaperEntryDialog

        PaperEntryDialog(self.service, diagnosis_id, self).exec()
        self.reload()

    def show_result(self) -> None:
        entry = self._one()
        if entry is None:
            return
        diagnosis_id = self._latest_completed(entry)
        if diagnosis_id is None:
            QMessageBox.information(self, "スキル診断", "この受講者には完了した診断がまだありません。")
            return
        self._show_result_for(diagnosis_id)

    def _show_result_for(self, diagnosis_id: int) -> None:
        from desktop.ui.diagnosis_result_dialog import DiagnosisResultDialog

        try:
            DiagnosisResultDialog(self._db, self.service, diagnosis_id, self).exec()
        except UserFacingError as exc:
            self._warn(exc)

    def print_results(self) -> None:
        chosen = self.selected()
        ids = [d for d in (self._latest_completed(e) for e in chosen) if d is not None]
        if not ids:
            QMessageBox.information(self, "スキル診断", "完了した診断がある受講者を選んでください。")
            return
        path = self._save_path("診断結果票.pdf", "PDF (*.pdf)")
        if path is not None:
            print_result_sheets(self, self._db, ids, path)

    def print_answer_sheets(self) -> None:
        from desktop.reports.answer_sheet import AnswerSheetLearner, write_answer_sheets

        chosen = self.selected()
        kind = self._ask_kind("回答用紙を印刷")
        if kind is None:
            return
        path = self._save_path("回答用紙.pdf", "PDF (*.pdf)")
        if path is None:
            return
        _id, framework = self.service.frameworks.current()
        learners = [
            AnswerSheetLearner(e.learner.number, e.learner.name, e.learner.organization, e.learner.department)
            for e in chosen
        ]
        run_in_background(
            self,
            "回答用紙を作成しています…",
            max(1, len(learners)),
            lambda progress: _recorded(
                self._db,
                AuditAction.PRINT,
                "スキル診断の回答用紙",
                len(learners),
                path,
                lambda: write_answer_sheets(path, framework, learners, kind.label, date.today(), progress),
            ),
            f"{path.name} に {max(1, len(learners))}名分の回答用紙を書き出しました。",
        )

    def write_template(self) -> None:
        from desktop.exchange.diagnosis_file import TemplateLearner, write_answer_template

        kind = self._ask_kind("一括回答シート")
        if kind is None:
            return
        path = self._save_path("一括回答シート.xlsx", "Excel (*.xlsx)")
        if path is None:
            return
        chosen = self.selected() or [self.model.row_at(r) for r in range(self.model.rowCount())]
        _id, framework = self.service.frameworks.current()
        learners = [
            TemplateLearner(e.learner.organization, e.learner.number, e.learner.name, e.learner.department)
            for e in chosen
        ]
        try:
            with recorded_output(
                self._db,
                AuditAction.EXPORT,
                "スキル診断の一括回答シート",
                people=len(learners),
                target=str(path),
            ):
                write_answer_template(path, framework, learners, kind)
        except Exception as exc:  # shown to the clerk as it stands
            self._warn(exc)
            return
        QMessageBox.information(
            self, "スキル診断", f"{path.name} に {len(learners)}名分の一括回答シートを書き出しました。"
        )

    @editing
    def import_answers(self) -> None:
        from desktop.store.diagnosis_import import DiagnosisImporter
        from desktop.store.import_common import ImportRejected

        name, _ = QFileDialog.getOpenFileName(
            self, "一括回答シートを取り込む", "", "Excel/CSV (*.xlsx *.csv)"
        )
        if not name:
            return
        try:
            result = DiagnosisImporter(self._db, self.service.frameworks).run(Path(name))
        except ImportRejected as rejected:
            QMessageBox.warning(self, "一括取込", rejected.message)
            return
        except UserFacingError as exc:
            self._warn(exc)
            return
        QMessageBox.information(self, "一括取込", result.summary())
        self.reload()

    @editing
    def manage_frameworks(self) -> None:
        from desktop.ui.framework_list_dialog import FrameworkListDialog

        dialog = FrameworkListDialog(self.service.frameworks, self)
        dialog.exec()
        if dialog.changed:
            self.reload()

    def _save_path(self, suggested: str, pattern: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, "保存先", str(Path.home() / suggested), pattern)
        return Path(name) if name else None


def _gc_paused(work: Callable[[], Any]) -> Any:
    """Build a list of tens of thousands of rows without the cycle collector walking them each time."""
    from desktop.store.import_common import cyclic_gc_paused

    with cyclic_gc_paused():
        return work()


def _recorded(
    db: Database, action: AuditAction, what: str, people: int, path: Path, work: Callable[[], Any]
) -> Any:
    with recorded_output(db, action, what, people=people, target=str(path)):
        return work()


def print_result_sheets(parent: QWidget, db: Database, diagnosis_ids: Sequence[int], path: Path) -> None:
    from desktop.diagnosis_printing import result_sheets
    from desktop.reports.diagnosis_sheet import write_result_sheets

    def work(progress: Any) -> None:
        with recorded_output(
            db, AuditAction.PRINT, "診断結果票", people=len(diagnosis_ids), target=str(path)
        ):
            write_result_sheets(path, result_sheets(db, diagnosis_ids), date.today(), progress)

    run_in_background(
        parent,
        "診断結果票を作成しています…",
        len(diagnosis_ids),
        work,
        f"{path.name} に {len(diagnosis_ids)}名分の診断結果票を書き出しました。",
    )


def run_in_background(parent: QWidget, title: str, total: int, work: Any, done_message: str) -> None:
    from desktop.ui.progress_task import run_with_progress

    def done(_result: object) -> None:
        QMessageBox.information(parent, "印刷", done_message)

    run_with_progress(parent, title, total, work, done)
