"""名簿: search, filter, sort and edit learners; usable with 50,000 of them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from desktop.domain.roster import LearnerKind, LearnerStatus
from desktop.store.errors import UserFacingError
from desktop.store.roster_service import (
    DepartmentInfo,
    LearnerRecord,
    OrganizationInfo,
    RosterRow,
    RosterService,
)
from desktop.ui.forms import child, load_form
from desktop.ui.learner_dialog import LearnerDialog
from desktop.ui.role_limits import editing
from desktop.ui.roster_model import (
    COL_FURIGANA,
    COLUMNS,
    PreparedRoster,
    RosterFilter,
    RosterProxyModel,
    RosterTableModel,
    prepare_roster,
)
from desktop.ui.workers import BackgroundTask

if TYPE_CHECKING:
    from desktop.store.database import Database

E = TypeVar("E", LearnerKind, LearnerStatus)


def _optional(enum_class: type[E], value: object) -> E | None:
    # Combo item data comes back from Qt as the enum's plain string value.
    return None if value is None else enum_class(str(value))


_COLUMN_WIDTHS = (96, 140, 170, 150, 190, 90, 90, 150, 76)


@dataclass(frozen=True)
class _Undo:
    description: str
    record: LearnerRecord  # as it stood after the action, to detect a later edit
    previous_status: LearnerStatus


class RosterPage(QWidget):
    status_message = Signal(str)

    def __init__(
        self, service: RosterService, parent: QWidget | None = None, db: Database | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        # 取込 and 取込履歴 need the database itself; the window builds this page from the service alone.
        self._db: Database = db if db is not None else service._db
        self._loaded = False
        self._organizations: list[OrganizationInfo] = []
        self._departments: list[DepartmentInfo] = []
        self._undo: _Undo | None = None
        self._loading: BackgroundTask | None = None
        self._reload_again = False
        # Bumped by every change made here; a load that started before one is stale.
        self._generation = 0

        form = load_form("roster_page.ui", self)
        title = child(form, QLabel, "titleLabel")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.count_label = child(form, QLabel, "countLabel")
        self.search = child(form, QLineEdit, "searchEdit")
        self.organization_filter = child(form, QComboBox, "organizationCombo")
        self.department_filter = child(form, QComboBox, "departmentCombo")
        self.kind_filter = child(form, QComboBox, "kindCombo")
        self.status_filter = child(form, QComboBox, "statusCombo")
        self.show_retired = child(form, QCheckBox, "showRetiredCheck")
        self.table = child(form, QTableView, "tableView")
        self.add_button = child(form, QPushButton, "addButton")
        self.edit_button = child(form, QPushButton, "editButton")
        self.retire_button = child(form, QPushButton, "retireButton")
        self.delete_button = child(form, QPushButton, "deleteButton")
        self.undo_button = child(form, QPushButton, "undoButton")
        self.refresh_button = child(form, QPushButton, "refreshButton")
        self.import_button = child(form, QPushButton, "importButton")
        self.history_button = child(form, QPushButton, "historyButton")

        self.model = RosterTableModel(self)
        self.proxy = RosterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self._setup_table()
        self._setup_filters()
        self._setup_actions()
        self._update_buttons()

    # -- setup -----------------------------------------------------------

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.proxy)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        header.setHighlightSections(False)
        for column, width in enumerate(_COLUMN_WIDTHS):
            table.setColumnWidth(column, width)
        # Fixed row heights: the view never measures 50,000 rows.
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.sortByColumn(COL_FURIGANA, Qt.SortOrder.AscendingOrder)
        table.doubleClicked.connect(lambda _index: self.edit_selected())
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

    def _setup_filters(self) -> None:
        self.kind_filter.addItem(self.tr("すべての区分"), None)
        for kind in LearnerKind:
            self.kind_filter.addItem(kind.label, kind)
        self.status_filter.addItem(self.tr("すべての在籍状況"), None)
        for status in LearnerStatus:
            self.status_filter.addItem(status.label, status)
        self.search.textChanged.connect(self._apply_filter)
        self.organization_filter.currentIndexChanged.connect(self._organization_filter_changed)
        for combo in (self.department_filter, self.kind_filter, self.status_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.show_retired.toggled.connect(self._apply_filter)

    def _setup_actions(self) -> None:
        self.add_button.clicked.connect(self.add_learner)
        self.edit_button.clicked.connect(self.edit_selected)
        self.retire_button.clicked.connect(self.toggle_retired)
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button.clicked.connect(self.undo)
        self.refresh_button.clicked.connect(self.reload)
        self.import_button.clicked.connect(self.open_import)
        self.history_button.clicked.connect(self.open_history)
        page_shortcuts = (
            (QKeySequence.StandardKey.Find, self._focus_search),
            (QKeySequence.StandardKey.New, self.add_learner),
            (QKeySequence.StandardKey.Undo, self.undo),
            (QKeySequence(Qt.Key.Key_F5), self.reload),
        )
        # Enter and Delete act on the selected learner only while the table has focus:
        # Enter in the search box or on a button must not open or delete anyone.
        table_shortcuts = (
            (QKeySequence(Qt.Key.Key_Return), self.edit_selected),
            (QKeySequence(Qt.Key.Key_Enter), self.edit_selected),
            (QKeySequence(Qt.Key.Key_Delete), self.delete_selected),
        )
        for widget, shortcuts in ((self, page_shortcuts), (self.table, table_shortcuts)):
            for sequence, slot in shortcuts:
                shortcut = QShortcut(sequence, widget)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

    # -- loading -------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded and self._loading is None:
            self.reload()

    def reload(self) -> None:
        """Read the roster again in the background; the page stays usable meanwhile."""
        if self._loading is not None:
            self._reload_again = True
            return
        self.count_label.setText(self.tr("名簿を読み込んでいます…"))
        service, sort_column, generation = self._service, self.proxy.sortColumn(), self._generation

        def work() -> tuple[list[OrganizationInfo], list[DepartmentInfo], PreparedRoster]:
            return (
                service.organizations(),
                service.departments(),
                prepare_roster(service.roster_rows(), sort_column),
            )

        self._loading = BackgroundTask(
            self, work, lambda result: self._loaded_rows(result, generation), self._load_failed
        )
        self._loading.start()

    def _changed(self) -> None:
        self._generation += 1

    def _loaded_rows(
        self, result: tuple[list[OrganizationInfo], list[DepartmentInfo], PreparedRoster], generation: int
    ) -> None:
        self._loading = None
        if generation != self._generation:
            # Read before a change made here meanwhile: showing it would undo that change on screen.
            self._reload_again = False
            self.reload()
            return
        selected = self.selected_ids()
        self._organizations, self._departments, prepared = result
        self._fill_organization_filter()
        self.model.set_rows(prepared)
        self._loaded = True
        self._update_count()
        self.select_ids(selected)
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = None
        message = error.message if isinstance(error, UserFacingError) else str(error)
        self.count_label.setText(self.tr("名簿を読み込めませんでした"))
        QMessageBox.warning(self, self.tr("名簿を読み込めません"), message)

    @property
    def loaded(self) -> bool:
        return self._loaded

    def _fill_organization_filter(self) -> None:
        current = self.organization_filter.currentData()
        self.organization_filter.blockSignals(True)
        self.organization_filter.clear()
        self.organization_filter.addItem(self.tr("すべての団体"), None)
        for organization in self._organizations:
            self.organization_filter.addItem(organization.name, organization.id)
        self.organization_filter.setCurrentIndex(max(self.organization_filter.findData(current), 0))
        self.organization_filter.blockSignals(False)
        self._fill_department_filter()

    def _fill_department_filter(self) -> None:
        organization_id = self.organization_filter.currentData()
        current = self.department_filter.currentData()
        self.department_filter.blockSignals(True)
        self.department_filter.clear()
        self.department_filter.addItem(self.tr("すべての所属"), None)
        for department in self._departments:
            if organization_id is None or department.organization_id == organization_id:
                label = department.path
                if organization_id is None:
                    label = f"{self._organization_name(department.organization_id)}／{label}"
                self.department_filter.addItem(label, department.id)
        self.department_filter.setCurrentIndex(max(self.department_filter.findData(current), 0))
        self.department_filter.blockSignals(False)

    def _organization_name(self, organization_id: int) -> str:
        return next((o.name for o in self._organizations if o.id == organization_id), "")

    # -- filtering -----------------------------------------------------

    def _organization_filter_changed(self) -> None:
        self._fill_department_filter()
        self._apply_filter()

    def _department_subtree(self, department_id: int | None) -> frozenset[int] | None:
        if department_id is None:
            return None
        children: dict[int | None, list[int]] = {}
        for department in self._departments:
            children.setdefault(department.parent_id, []).append(department.id)
        found, stack = {department_id}, [department_id]
        while stack:
            for child_id in children.get(stack.pop(), []):
                if child_id not in found:
                    found.add(child_id)
                    stack.append(child_id)
        return frozenset(found)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(
            RosterFilter(
                text=self.search.text(),
                organization_id=self.organization_filter.currentData(),
                department_ids=self._department_subtree(self.department_filter.currentData()),
                kind=_optional(LearnerKind, self.kind_filter.currentData()),
                status=_optional(LearnerStatus, self.status_filter.currentData()),
                show_retired=self.show_retired.isChecked(),
            )
        )
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(
            self.tr("表示 {shown} 名 ／ 全 {total} 名").format(
                shown=f"{self.proxy.rowCount():,}", total=f"{self.model.rowCount():,}"
            )
        )
        self._update_buttons()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- selection -----------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.proxy.row_at(row).id for row in rows]

    def selected_row(self) -> RosterRow | None:
        rows = self.table.selectionModel().selectedRows()
        if len(rows) != 1:
            current = self.table.currentIndex()
            if len(rows) == 0 and current.isValid():
                return self.proxy.row_at(current.row())
            return None
        return self.proxy.row_at(rows[0].row())

    def select_ids(self, learner_ids: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = True
        for learner_id in learner_ids:
            row = self.proxy.proxy_row_of(learner_id)
            if row < 0:
                continue
            index = self.proxy.index(row, 0)
            if first:
                selection.setCurrentIndex(index, flags)
                self.table.scrollTo(index)
                first = False
            else:
                selection.select(index, flags)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)
        self.retire_button.setEnabled(row is not None)
        if row is not None and row.status is LearnerStatus.RETIRED:
            self.retire_button.setText(self.tr("在籍に戻す"))
        else:
            self.retire_button.setText(self.tr("退職にする"))
        self.undo_button.setEnabled(self._undo is not None)
        self.undo_button.setToolTip(self._undo.description if self._undo else "")

    # -- actions -------------------------------------------------------

    def _default_organization_id(self) -> int | None:
        chosen = self.organization_filter.currentData()
        if chosen is not None:
            return int(chosen)
        return self._organizations[0].id if self._organizations else None

    @editing
    def add_learner(self) -> None:
        dialog = LearnerDialog(
            self._service, self._organizations, self._departments, None, self._default_organization_id(), self
        )
        if dialog.exec() and dialog.saved_row is not None:
            self._after_save(dialog.saved_row, self.tr("{name} さんを追加しました。"))

    @editing
    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        record = self._load_record(row)
        if record is None:
            return
        dialog = LearnerDialog(self._service, self._organizations, self._departments, record, None, self)
        if dialog.exec() and dialog.saved_row is not None:
            self._after_save(dialog.saved_row, self.tr("{name} さんの情報を保存しました。"))

    def _after_save(self, row: RosterRow, message: str) -> None:
        self._changed()
        if self._undo is not None and self._undo.record.id == row.id:
            self._undo = None  # undoing the retirement would now overwrite this edit
        if row.organization_id not in {o.id for o in self._organizations} or (
            row.department_id is not None and row.department_id not in {d.id for d in self._departments}
        ):
            # The save created an organization or department: refresh the choices.
            self._organizations = self._service.organizations()
            self._departments = self._service.departments()
            self._fill_organization_filter()
        self.model.upsert(row)
        self._update_count()
        if self.proxy.proxy_row_of(row.id) < 0:
            message += self.tr("（今の絞り込み条件では表示されません）")
        self.select_ids([row.id])
        self.status_message.emit(message.format(name=row.name))

    def _load_record(self, row: RosterRow) -> LearnerRecord | None:
        try:
            return self._service.learner(row.id)
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("受講者を開けません"), exc.message)
            self.reload()
            return None

    @editing
    def toggle_retired(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        record = self._load_record(row)
        if record is None:
            return
        # The direction is what the clerk saw on the button, never the database's
        # current state: a row changed elsewhere meanwhile is refused, not flipped.
        retiring = row.status is not LearnerStatus.RETIRED
        new_status = LearnerStatus.RETIRED if retiring else LearnerStatus.ACTIVE
        try:
            if record.version != row.version:
                seen = replace(
                    record,
                    version=row.version,
                    status=row.status,
                    name=row.name,
                    furigana=row.furigana,
                    number=row.number,
                    email=row.email,
                    job_title=row.job_title,
                    kind=row.kind,
                    role=row.role,
                )
                raise self._service.stale_error(seen)
            saved = self._service.set_status(record, new_status)
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("変更できません"), exc.message)
            self.reload()
            return
        self._changed()
        text = (
            self.tr("{name} さんを退職にしました。")
            if retiring
            else self.tr("{name} さんを在籍に戻しました。")
        )
        self._undo = _Undo(
            text.format(name=saved.name),
            replace(record, status=new_status, version=saved.version),
            record.status,
        )
        self.model.upsert(saved)
        self._update_count()
        self.status_message.emit(text.format(name=saved.name) + self.tr("（Ctrl+Z で元に戻せます）"))

    @editing
    def undo(self) -> None:
        undo = self._undo
        if undo is None:
            return
        self._undo = None
        try:
            saved = self._service.set_status(undo.record, undo.previous_status)
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("元に戻せません"), exc.message)
            self.reload()
            return
        self._changed()
        self.model.upsert(saved)
        self._update_count()
        self.select_ids([saved.id])
        self.status_message.emit(self.tr("元に戻しました: {what}").format(what=undo.description))

    @editing
    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        record = self._load_record(row)
        if record is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("受講者の削除"),
            self.tr(
                "{name} さん（{number}）を名簿から削除します。削除は元に戻せません。\n"
                "異動や退職の場合は、削除せずに「退職にする」を使ってください。\n\n削除してよろしいですか？"
            ).format(name=record.name, number=record.number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._service.delete_learner(record)
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("削除できません"), exc.message)
            self.reload()
            return
        self._changed()
        self._undo = None
        self.model.remove(record.id)
        self._update_count()
        self.status_message.emit(self.tr("{name} さんを削除しました。").format(name=record.name))

    # -- 取込 ------------------------------------------------------------

    @editing
    def open_import(self) -> None:
        """名簿取込 wizard; after an import, the table is read again."""
        from desktop.ui.import_wizard import ImportWizard

        chosen = self.organization_filter.currentData()
        default = self._organization_name(int(chosen)) if chosen is not None else None
        organizations = [o.name for o in self._organizations] if self._loaded else None
        wizard = ImportWizard(self._db, organizations, default, self)
        wizard.exec()
        batch_id, summary = wizard.batch_id, wizard.result_summary
        wizard.deleteLater()
        if batch_id is None:
            return
        self._after_bulk_change(summary)

    def open_history(self) -> None:
        """取込履歴; after an undo, the table is read again."""
        from desktop.ui.import_history_dialog import ImportHistoryDialog

        dialog = ImportHistoryDialog(self._db, self)
        dialog.exec()
        undone, message = list(dialog.undone_batches), dialog.last_message
        dialog.deleteLater()
        if undone:
            self._after_bulk_change(message)

    def _after_bulk_change(self, message: str) -> None:
        self._changed()
        self._undo = None  # the import may have changed that learner: its undo would be refused
        self._update_buttons()
        self.reload()
        self.status_message.emit(message)


assert len(_COLUMN_WIDTHS) == len(COLUMNS) - 1  # the last column stretches
