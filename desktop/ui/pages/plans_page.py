"""学習計画: every learner with the 年度's plan, its progress and overdue lines; proposing, editing, printing.

The page calls services and opens dialogs: the propose dialog reviews a batch
before saving, the editor edits one plan and moves its status. Lists load off
the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from desktop.domain.dates import fiscal_year
from desktop.domain.plan import PlanStatus
from desktop.domain.plan_proposal import hours_text
from desktop.store.errors import StaleEditError, UserFacingError
from desktop.store.plan_service import PlanService
from desktop.store.plan_views import PlanOverviewRow, plan_overview
from desktop.store.roster_service import RosterService
from desktop.store.settings import MAX_APPROVAL_BOXES, approval_boxes, set_approval_boxes
from desktop.ui.focus_banner import add_banner
from desktop.ui.forms import child, load_form
from desktop.ui.plans_model import NO_PLAN, OVERDUE, PlansModel, hours_sum
from desktop.ui.role_limits import administering, editing
from desktop.ui.sorting import keep_sorted, make_sortable
from desktop.ui.workers import BackgroundTask

if TYPE_CHECKING:
    from desktop.store.database import Database

TITLE = "学習計画"


class PlansPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._today = today or date.today()
        self.service = PlanService(db)
        self._loading: BackgroundTask | None = None
        self._wanted: tuple[int, int | None] | None = None
        form = load_form("plans_page.ui", self)
        self.table = child(form, QTableView, "planTable")
        self.year_combo = child(form, QComboBox, "yearCombo")
        self.department_combo = child(form, QComboBox, "departmentCombo")
        self.status_combo = child(form, QComboBox, "statusCombo")
        self.search = child(form, QLineEdit, "searchEdit")
        self.count_label = child(form, QLabel, "countLabel")
        child(form, QLabel, "titleLabel").setStyleSheet("font-size: 16pt; font-weight: bold;")
        legend = child(form, QLabel, "legendLabel")
        legend.setStyleSheet("color: #5a5a5a;")

        self.banner = add_banner(self)
        self.banner.cleared.connect(lambda: self._after_filter(lambda: self.model.set_only(None)))
        self.model = PlansModel(self)
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        make_sortable(self.table)
        self.table.doubleClicked.connect(lambda _index: self.open_plan())

        this_year = fiscal_year(self._today)
        for year in range(this_year + 1, this_year - 5, -1):
            self.year_combo.addItem(f"{year}年度", year)
        self.year_combo.setCurrentIndex(1)
        self.department_combo.addItem("すべての所属", None)
        for department in RosterService(db).departments():
            self.department_combo.addItem(department.path, department.id)
        self.status_combo.addItem("すべて", None)
        self.status_combo.addItem("未作成", NO_PLAN)
        for status in PlanStatus:
            self.status_combo.addItem(status.label, status.value)
        self.status_combo.addItem("期限超過あり", OVERDUE)

        buttons = {
            "proposeButton": self.propose,
            "openButton": self.open_plan,
            "approveButton": self.approve_selected,
            "previewButton": self.preview,
            "printButton": self.export,
            "catalogButton": self.show_catalog,
            "approvalBoxesButton": self.edit_approval_boxes,
        }
        for name, slot in buttons.items():
            child(form, QPushButton, name).clicked.connect(slot)
        self.search.textChanged.connect(self._filter_text)
        self.status_combo.currentIndexChanged.connect(
            lambda _i: self._after_filter(
                lambda: self.model.set_status_filter(self.status_combo.currentData())
            )
        )
        self.year_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.department_combo.currentIndexChanged.connect(lambda _i: self.reload())
        QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        QShortcut(QKeySequence.StandardKey.New, self, self.propose)
        enter = QShortcut(QKeySequence("Return"), self.table, self.open_plan)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.reload()

    @classmethod
    def for_database(cls, db: Database, parent: QWidget) -> PlansPage:
        return cls(db, parent)

    def apply_navigation(self, options: dict[str, Any]) -> None:
        """Show what the home page asked for: a 年度, a 状態, a 所属 (by its path), only some learners."""
        self.banner.hide()
        self.model.set_only(None)
        if "fiscal_year" in options:
            index = self.year_combo.findData(options["fiscal_year"])
            if index >= 0:
                self.year_combo.setCurrentIndex(index)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(options.get("status"))))
        if "department" in options:
            index = self.department_combo.findText(str(options["department"]))
            self.department_combo.setCurrentIndex(max(0, index))
        learner_ids = options.get("learner_ids")
        if learner_ids is not None:
            self.model.set_only(learner_ids)
            self.banner.show_for(str(options.get("label", f"{len(learner_ids)}名")))
        self._count()

    @property
    def fiscal_year(self) -> int:
        return int(self.year_combo.currentData())

    # -- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        wanted = (self.fiscal_year, self.department_combo.currentData())
        self._wanted = wanted
        self.count_label.setText("読み込み中…")
        today = self._today

        def work() -> tuple[tuple[int, int | None], list[PlanOverviewRow]]:
            from desktop.store.import_common import cyclic_gc_paused

            with cyclic_gc_paused():
                return wanted, plan_overview(self._db, wanted[0], wanted[1], today=today)

        self._loading = BackgroundTask(self, work, self._loaded, self._failed)
        self._loading.start()

    def _loaded(self, result: tuple[tuple[int, int | None], list[PlanOverviewRow]]) -> None:
        wanted, rows = result
        if wanted != self._wanted:
            return  # the year or 所属 changed meanwhile; the newer list is on its way
        self.model.set_rows(rows)
        keep_sorted(self.table)
        self.table.resizeColumnsToContents()
        self._count()

    def _failed(self, error: BaseException) -> None:
        self.count_label.setText("")
        self._warn(error)

    def _filter_text(self, text: str) -> None:
        self._after_filter(lambda: self.model.set_filter(text))

    def _after_filter(self, apply: Callable[[], None]) -> None:
        apply()
        self._count()

    def _count(self) -> None:
        rows = self.model.rows()
        planned = [r for r in rows if r.plan is not None]
        overdue = sum(1 for r in planned if r.plan and r.plan.progress.overdue)
        hours, done = hours_sum(rows)
        text = f"{len(rows)}名　計画あり {len(planned)}名"
        if planned:
            text += f"　計画 {hours_text(hours)}時間・実施 {hours_text(done)}時間"
        if overdue:
            text += f"　期限超過のある計画 {overdue}件"
        self.count_label.setText(text)

    # -- selection -------------------------------------------------------------------------

    def selected(self) -> list[PlanOverviewRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def _chosen_or_shown(self) -> list[PlanOverviewRow]:
        return self.selected() or self.model.rows()

    def _plans(self, rows: list[PlanOverviewRow]) -> list[int]:
        return [r.plan.plan_id for r in rows if r.plan is not None]

    # -- actions ------------------------------------------------------------------------

    @editing
    def propose(self) -> None:
        from desktop.ui.plan_propose_dialog import PlanProposeDialog

        rows = self._chosen_or_shown()
        if not rows:
            QMessageBox.information(self, TITLE, "計画を作る受講者がいません。")
            return
        existing = {r.learner.id: r.plan.status for r in rows if r.plan is not None}
        dialog = PlanProposeDialog(self._db, [r.learner.id for r in rows], self.fiscal_year, existing, self)
        dialog.exec()
        if dialog.changed:
            self.reload()

    def open_plan(self) -> None:
        from desktop.ui.plan_editor import PlanEditorDialog

        chosen = self.selected()
        if len(chosen) != 1:
            QMessageBox.information(self, TITLE, "受講者を1名選んでください。")
            return
        row = chosen[0]
        if row.plan is None:
            QMessageBox.information(
                self,
                TITLE,
                f"{row.learner.name}さんには{self.fiscal_year}年度の学習計画がまだありません。"
                "「計画を提案」で案を作ってください。",
            )
            return
        dialog = PlanEditorDialog(self._db, row.plan.plan_id, self)
        dialog.exec()
        if dialog.changed:
            self.reload()

    @editing
    def approve_selected(self) -> None:
        drafts = [r for r in self.selected() if r.plan is not None and r.plan.status is PlanStatus.DRAFT]
        if not drafts:
            QMessageBox.information(self, TITLE, "承認する下書きの計画がある受講者を選んでください。")
            return
        answer = QMessageBox.question(
            self,
            TITLE,
            f"{len(drafts)}名の学習計画を承認しますか？\n承認後は変更できません。変更するときは改訂して新しい版を作ります。",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        refused = []
        for row in drafts:
            assert row.plan is not None
            try:
                self.service.set_status(
                    row.plan.plan_id, PlanStatus.APPROVED, row.plan.version, "まとめて承認"
                )
            except (StaleEditError, UserFacingError) as exc:
                refused.append(f"{row.learner.number} {row.learner.name}: {exc.message}")
        self.reload()
        approved = len(drafts) - len(refused)
        message = f"{approved}名の学習計画を承認しました。"
        if refused:
            message += "\n\n承認できなかった計画:\n" + "\n".join(refused[:20])
        QMessageBox.information(self, TITLE, message)

    def preview(self) -> None:
        from desktop.ui.plan_printing_ui import preview_plans

        ids = self._plans(self.selected())
        if not ids:
            QMessageBox.information(self, TITLE, "学習計画がある受講者を選んでください。")
            return
        preview_plans(self, self._db, ids)

    def export(self) -> None:
        from desktop.reports.plan_sheet import learner_plan_file_name
        from desktop.ui.plan_printing_ui import export_plans

        rows = [r for r in self._chosen_or_shown() if r.plan is not None]
        if not rows:
            QMessageBox.information(self, TITLE, f"{self.fiscal_year}年度の学習計画がある受講者がいません。")
            return
        if len(rows) == 1:
            learner = rows[0].learner
            name = learner_plan_file_name(learner.number, learner.name, self.fiscal_year)
        else:
            name = f"{self.fiscal_year}年度学習計画書_{len(rows)}名.pdf"
        export_plans(self, self._db, self._plans(rows), name)

    @editing
    def show_catalog(self) -> None:
        from desktop.ui.catalog_dialog import CatalogDialog

        CatalogDialog(self._db, self).exec()

    @administering
    def edit_approval_boxes(self) -> None:
        current = "、".join(approval_boxes(self._db))
        text, ok = QInputDialog.getText(
            self,
            "押印欄の設定",
            f"学習計画書に印刷する押印欄を、左から順に「、」で区切って入力してください（{MAX_APPROVAL_BOXES}つまで）。\n"
            "例: 本人、ラーニングパートナー、所属長",
            text=current,
        )
        if not ok:
            return
        titles = text.replace(",", "、").replace("，", "、").split("、")
        try:
            saved = set_approval_boxes(self._db, titles)
        except ValueError as exc:
            QMessageBox.warning(self, "押印欄の設定", str(exc))
            return
        QMessageBox.information(self, "押印欄の設定", f"押印欄を「{'・'.join(saved)}」にしました。")

    def _warn(self, error: BaseException) -> None:
        message = error.message if isinstance(error, UserFacingError) else f"処理できませんでした: {error}"
        QMessageBox.warning(self, TITLE, message)
