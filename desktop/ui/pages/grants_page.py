"""助成金: firms' 訓練計画 with their estimates and deadlines, the establishments, the rule sets.

The plan list says, for each plan, what the firm may expect (and under which
rule set) and which paper is due next; the pane below explains the selected
plan's figures rule by rule. Plans load off the UI thread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dates import fiscal_year
from desktop.domain.grant import ESTIMATE_NOTICE, yen
from desktop.domain.grant_plan import AlertLevel, GrantPlanStatus
from desktop.domain.text import fold_for_search
from desktop.store.errors import StaleEditError, UserFacingError
from desktop.store.grant_service import GrantService, can_move
from desktop.store.grant_views import GrantPlanView
from desktop.ui.forms import child, load_form
from desktop.ui.grant_detail import plan_detail_html
from desktop.ui.grant_models import EstablishmentsModel, GrantPlansModel, RuleSetsModel
from desktop.ui.role_limits import administering, editing
from desktop.ui.sorting import keep_sorted, make_sortable
from desktop.ui.workers import BackgroundTask

if TYPE_CHECKING:
    from desktop.store.database import Database

TITLE = "助成金"
ALERTS = "alerts"
COLUMN_CAPS = {
    0: 150,
    1: 210,
    2: 120,
    GrantPlansModel.RULE_COLUMN: 130,
}  # the 状態 filter's 「期限の注意あり」

# What the status menu offers from each status, in words for the paper that was sent.
_MOVE_LABELS = {
    (GrantPlanStatus.DRAFT, GrantPlanStatus.NOTIFIED): "計画届を提出した…",
    (GrantPlanStatus.NOTIFIED, GrantPlanStatus.CLAIMED): "支給申請を提出した…",
    (GrantPlanStatus.CLAIMED, GrantPlanStatus.DECIDED): "支給決定の通知を受けた",
    (GrantPlanStatus.NOTIFIED, GrantPlanStatus.DRAFT): "作成中に戻す（計画届の提出を取り消す）",
    (GrantPlanStatus.CLAIMED, GrantPlanStatus.NOTIFIED): "計画届提出済に戻す（支給申請を取り消す）",
    (GrantPlanStatus.DECIDED, GrantPlanStatus.CLAIMED): "支給申請済に戻す",
    (GrantPlanStatus.WITHDRAWN, GrantPlanStatus.DRAFT): "作成中に戻す",
}
_DATED = {
    (GrantPlanStatus.DRAFT, GrantPlanStatus.NOTIFIED): "計画届の提出日",
    (GrantPlanStatus.NOTIFIED, GrantPlanStatus.CLAIMED): "支給申請の提出日",
}


class GrantsPage(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._today = today or date.today()
        self.service = GrantService(db)
        self._loading: BackgroundTask | None = None
        self._generation = 0
        self._views: list[GrantPlanView] = []
        form = load_form("grants_page.ui", self)
        self.tabs = child(form, QTabWidget, "tabs")
        self.table = child(form, QTableView, "planTable")
        self.detail = child(form, QTextBrowser, "detailBrowser")
        self.establishment_combo = child(form, QComboBox, "establishmentCombo")
        self.year_combo = child(form, QComboBox, "yearCombo")
        self.status_combo = child(form, QComboBox, "statusCombo")
        self.search = child(form, QLineEdit, "searchEdit")
        self.count_label = child(form, QLabel, "countLabel")
        self.status_button = child(form, QPushButton, "statusButton")
        self.establishment_table = child(form, QTableView, "establishmentTable")
        self.rule_table = child(form, QTableView, "ruleTable")
        child(form, QLabel, "titleLabel").setStyleSheet("font-size: 16pt; font-weight: bold;")
        notice = child(form, QLabel, "noticeLabel")
        notice.setText(ESTIMATE_NOTICE + "　記入シートは公式様式に記入するための下書きです。")
        notice.setStyleSheet("color: #5a5a5a;")

        self.model = GrantPlansModel(self)
        self.establishments = EstablishmentsModel(self)
        self.rules = RuleSetsModel(self)
        for table, model in (
            (self.table, self.model),
            (self.establishment_table, self.establishments),
            (self.rule_table, self.rules),
        ):
            table.setModel(model)
            table.setWordWrap(False)
            table.verticalHeader().setVisible(False)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            table.horizontalHeader().setStretchLastSection(True)
            make_sortable(table)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.table.doubleClicked.connect(lambda _index: self.open_plan())
        self.establishment_table.doubleClicked.connect(lambda _index: self.edit_establishment())
        self.detail.setOpenLinks(False)
        splitter = child(form, QSplitter, "planSplitter")
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)

        self.year_combo.addItem("すべての年度", None)
        this_year = fiscal_year(self._today)
        for year in range(this_year + 1, this_year - 4, -1):
            self.year_combo.addItem(f"{year}年度", year)
        self.status_combo.addItem("すべて", None)
        for status in GrantPlanStatus:
            self.status_combo.addItem(status.label, status.value)  # Qt hands a StrEnum back as str
        self.status_combo.addItem("期限の注意あり", ALERTS)

        buttons = {
            "newPlanButton": self.new_plan,
            "openPlanButton": self.open_plan,
            "deletePlanButton": self.delete_plan,
            "previewButton": self.preview,
            "printButton": self.print_sheets,
            "traineesExcelButton": self.export_trainees,
            "newEstablishmentButton": self.new_establishment,
            "editEstablishmentButton": self.edit_establishment,
            "importRulesButton": self.import_rules,
        }
        for name, slot in buttons.items():
            child(form, QPushButton, name).clicked.connect(slot)
        self.status_button.clicked.connect(self.show_status_menu)
        for combo in (self.establishment_combo, self.year_combo, self.status_combo):
            combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.search.textChanged.connect(lambda _t: self._apply_filters())
        QShortcut(QKeySequence.StandardKey.Find, self, self._find)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_plan)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_sheets)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.reload)
        enter = QShortcut(QKeySequence("Return"), self.table, self.open_plan)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.reload()

    @classmethod
    def for_database(cls, db: Database, parent: QWidget) -> GrantsPage:
        return cls(db, parent)

    # -- loading ---------------------------------------------------------------------------

    def reload(self, select_plan: int | None = None) -> None:
        """Establishments and rule sets at once (a handful of rows), plans with estimates in a worker."""
        self._generation += 1
        generation = self._generation
        chosen = self.establishment_combo.currentData()
        self.establishments.set_rows(self.service.establishments())
        keep_sorted(self.establishment_table)
        self.establishment_table.resizeColumnsToContents()
        self.rules.set_rows(self.service.rules.infos())
        self.rule_table.resizeColumnsToContents()
        self.establishment_combo.blockSignals(True)
        self.establishment_combo.clear()
        self.establishment_combo.addItem("すべての事業所", None)
        for row in self.establishments.rows():
            self.establishment_combo.addItem(row.name, row.id)
        self.establishment_combo.setCurrentIndex(max(0, self.establishment_combo.findData(chosen)))
        self.establishment_combo.blockSignals(False)
        self.count_label.setText("読み込み中…")
        wanted = select_plan if select_plan is not None else self._current_id()
        today = self._today

        def work() -> list[GrantPlanView]:
            return self.service.plans(today)

        def done(views: list[GrantPlanView]) -> None:
            if generation != self._generation:
                return  # a newer load is on its way
            self._views = views
            self._apply_filters(select=wanted)

        self._loading = BackgroundTask(self, work, done, self._failed)
        self._loading.start()

    def _failed(self, error: BaseException) -> None:
        self.count_label.setText("")
        self._warn(error)

    def _apply_filters(self, select: int | None = None) -> None:
        keep = select if select is not None else self._current_id()
        organization = self.establishment_combo.currentData()
        year = self.year_combo.currentData()
        status = self.status_combo.currentData()
        text = fold_for_search(self.search.text().strip())
        rows = []
        for view in self._views:
            if organization is not None and view.organization_id != organization:
                continue
            if year is not None and view.fiscal_year != year:
                continue
            if status == ALERTS:
                if view.alert is None or view.alert.level is AlertLevel.INFO:
                    continue
            elif status is not None and view.status.value != status:
                continue
            if text and text not in fold_for_search(
                " ".join([view.establishment, view.title, view.provider, *(t.name for t in view.trainees)])
            ):
                continue
            rows.append(view)
        self.model.set_rows(rows)
        keep_sorted(self.table)
        self.table.resizeColumnsToContents()
        for column, widest in COLUMN_CAPS.items():  # long texts are in the tooltip and the pane below
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        self._select(keep)
        self._count(rows)
        self._show_detail()

    def _count(self, rows: list[GrantPlanView]) -> None:
        total = sum(view.estimate.total for view in rows if view.estimate is not None)
        attention = sum(
            1 for view in rows if view.alert is not None and view.alert.level is not AlertLevel.INFO
        )
        text = f"訓練計画 {len(rows)}件　見込額の合計 {yen(total)}"
        if attention:
            text += f"　期限の注意 {attention}件"
        self.count_label.setText(text)

    def _select(self, plan_id: int | None) -> None:
        rows = self.model.rows()
        position = next((n for n, view in enumerate(rows) if view.id == plan_id), 0 if rows else None)
        if position is not None:
            self.table.selectRow(position)

    def _current_id(self) -> int | None:
        view = self.current_plan()
        return view.id if view else None

    def current_plan(self) -> GrantPlanView | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row())

    def _show_detail(self) -> None:
        view = self.current_plan()
        if view is None:
            self.detail.setHtml(
                "<p style='color:#6b6b6b'>訓練計画を選ぶと、見込額の内訳と期限を表示します。</p>"
            )
            self.status_button.setEnabled(False)
            return
        self.detail.setHtml(plan_detail_html(view))
        self.status_button.setEnabled(True)

    def _find(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    # -- plans -----------------------------------------------------------------------------

    def _chosen(self, action: str) -> GrantPlanView | None:
        view = self.current_plan()
        if view is None:
            QMessageBox.information(self, TITLE, f"{action}訓練計画を一覧から選んでください。")
        return view

    @editing
    def new_plan(self) -> None:
        from desktop.ui.grant_plan_dialog import GrantPlanDialog

        rows = self.establishments.rows()
        if not rows:
            QMessageBox.information(
                self, TITLE, "先に「事業所」タブで、訓練を行う企業の事業所を登録してください。"
            )
            self.tabs.setCurrentIndex(1)
            return
        dialog = GrantPlanDialog(
            self.service,
            rows,
            organization_id=self.establishment_combo.currentData(),
            today=self._today,
            parent=self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(select_plan=dialog.saved_id)

    @editing
    def open_plan(self) -> None:
        from desktop.ui.grant_plan_dialog import GrantPlanDialog

        view = self._chosen("開く")
        if view is None:
            return
        if view.status not in (GrantPlanStatus.DRAFT, GrantPlanStatus.NOTIFIED):
            QMessageBox.information(
                self,
                TITLE,
                f"「{view.status.label}」の計画は変更できません。内容は下の欄と記入シートで確認できます。"
                "直すときは「状態を変更」で戻してください。",
            )
            return
        dialog = GrantPlanDialog(
            self.service, self.establishments.rows(), view, today=self._today, parent=self
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload(select_plan=view.id)

    @editing
    def show_status_menu(self) -> None:
        view = self._chosen("状態を変える")
        if view is None:
            return
        menu = QMenu(self)
        for wanted in GrantPlanStatus:
            if not can_move(view.status, wanted):
                continue
            label = _MOVE_LABELS.get((view.status, wanted), f"{wanted.label}にする")
            action = menu.addAction(label)
            action.triggered.connect(lambda _checked=False, w=wanted: self.move_status(view, w))
        menu.exec(self.status_button.mapToGlobal(self.status_button.rect().bottomLeft()))

    def move_status(self, view: GrantPlanView, wanted: GrantPlanStatus, on: date | None = None) -> bool:
        """Move the plan to `wanted`; the date a paper was sent is asked for unless given."""
        if on is None:
            asked = _DATED.get((view.status, wanted))
            if asked is not None:
                on = ask_date(self, asked, self._today)
                if on is None:
                    return False
            elif wanted is GrantPlanStatus.WITHDRAWN:
                answer = QMessageBox.question(
                    self, TITLE, f"「{view.title}」を取下げにしますか？\n見込額の合計から外れます。"
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return False
            on = on or self._today
        try:
            self.service.set_status(view.id, wanted, view.version, on)
        except (StaleEditError, UserFacingError) as exc:
            self._warn(exc)
            if isinstance(exc, StaleEditError):
                self.reload(select_plan=view.id)
            return False
        self.reload(select_plan=view.id)
        return True

    @editing
    def delete_plan(self) -> None:
        view = self._chosen("削除する")
        if view is None:
            return
        answer = QMessageBox.question(
            self,
            TITLE,
            f"「{view.title}」（{view.establishment}、受講者{len(view.trainees)}名）を削除しますか？\n"
            "削除すると元に戻せません。",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.service.delete_plan(view.id, view.version)
        except (StaleEditError, UserFacingError) as exc:
            self._warn(exc)
        self.reload()

    def preview(self) -> None:
        from desktop.ui.grant_printing_ui import preview_sheets

        view = self._printable("プレビューする")
        if view is not None:
            preview_sheets(self, self.service, view)

    def print_sheets(self) -> None:
        from desktop.ui.grant_printing_ui import export_sheets

        view = self._printable("記入シートを出力する")
        if view is not None:
            export_sheets(self, self.service, view)

    def export_trainees(self) -> None:
        from desktop.ui.grant_printing_ui import export_trainee_list

        view = self._printable("受講者一覧を出力する")
        if view is not None:
            export_trainee_list(self, self.service, view)

    def _printable(self, action: str) -> GrantPlanView | None:
        view = self._chosen(action)
        if view is not None and view.size is None:
            QMessageBox.information(
                self,
                TITLE,
                "事業所の企業規模が未設定です。「事業所」タブで中小企業か大企業を選んでください。",
            )
            return None
        return view

    # -- establishments and rules ------------------------------------------------------------

    @editing
    def new_establishment(self) -> None:
        from desktop.ui.establishment_dialog import EstablishmentDialog

        dialog = EstablishmentDialog(self.service, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    @editing
    def edit_establishment(self) -> None:
        from desktop.ui.establishment_dialog import EstablishmentDialog

        index = self.establishment_table.currentIndex()
        if not index.isValid():
            QMessageBox.information(self, TITLE, "編集する事業所を一覧から選んでください。")
            return
        row = self.establishments.row_at(index.row())
        dialog = EstablishmentDialog(self.service, row, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    @administering
    def import_rules(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "助成金のルールファイル", str(Path.home()), "ルールファイル (*.json)"
        )
        if chosen:
            self.load_rule_file(Path(chosen))

    def load_rule_file(self, path: Path) -> bool:
        from desktop.store.grant_rule_store import RuleFileRejected

        try:
            info = self.service.rules.load_file(path)
        except RuleFileRejected as exc:
            QMessageBox.warning(self, "ルールファイルを読み込めません", exc.message)
            return False
        QMessageBox.information(
            self,
            TITLE,
            f"ルールセット「{info.rule_set.name}」（{info.rule_set.id}）を読み込みました。\n"
            f"{info.rule_set.period_text}の見込額は、このルールで計算し直します。",
        )
        self.reload()
        return True

    def _warn(self, error: BaseException) -> None:
        message = error.message if isinstance(error, UserFacingError) else f"処理できませんでした: {error}"
        QMessageBox.warning(self, TITLE, message)


def ask_date(parent: QWidget, what: str, today: date) -> date | None:
    """The day a paper was sent, today unless changed; None when cancelled."""
    from PySide6.QtCore import QDate

    dialog = QDialog(parent)
    dialog.setWindowTitle(what)
    layout = QVBoxLayout(dialog)
    fields = QFormLayout()
    edit = QDateEdit(QDate(today.year, today.month, today.day), dialog)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy/MM/dd")
    fields.addRow(f"{what}(&D):", edit)
    layout.addLayout(fields)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText("記録する")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())
