"""受講記録: every training record, filtered, sorted and totalled; hand entry and the Udemy import.

Usable with half a million records: the page loads in a worker, filters
with list operations (records_model) and totals only what the 集計 tab shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QWidget,
)

from desktop.domain.records import Totals
from desktop.domain.text import fold_for_search, fold_many
from desktop.store.errors import UserFacingError
from desktop.store.models import TrainingStatus
from desktop.store.records_service import STATUS_LABELS, CourseInfo, RecordRow, RecordsService
from desktop.store.roster_service import DepartmentInfo, OrganizationInfo, RosterService
from desktop.store.udemy_import import UdemyImporter, UdemyOutcome
from desktop.ui.forms import child, load_form
from desktop.ui.record_dialog import LearnerIndex, LearnerPicker, RecordDialog
from desktop.ui.records_model import (
    COL_COURSE,
    COL_DATE,
    COL_HOURS,
    COL_NAME,
    COL_NUMBER,
    COL_PLACE,
    COL_PROGRESS,
    COL_SOURCE,
    COL_STATUS,
    COL_YEAR,
    DEFAULT_SORT,
    STATUS_ORDER,
    UNDATED,
    PreparedRecords,
    RecordsFilter,
    RecordsProxyModel,
    RecordsTableModel,
    RecordTotals,
    TotalsTableModel,
    compute_totals,
    fiscal_year_label,
    format_date,
    format_hours,
    is_imported,
    prepare_records,
)
from desktop.ui.role_limits import editing
from desktop.ui.udemy_import_dialog import UdemyImportDialog
from desktop.ui.workers import BackgroundTask

if TYPE_CHECKING:
    from desktop.store.database import Database

TOTALS_DELAY_MS = 150
# Up to this many records the 集計 is computed at once; beyond, in a worker.
TOTALS_AT_ONCE = 20_000
_TOTALS_STYLE = (
    "QLabel { background: #eef4fb; border: 1px solid #c5d5e8; border-radius: 3px; padding: 2px 10px; }"
)
_NO_EDIT_IMPORTED = "取り込んだ受講記録は編集できません。元のレポートを取り込み直してください。"
_NO_DELETE_IMPORTED = "取り込んだ受講記録は削除できません。取込履歴から取込ごと取り消してください。"


@dataclass(frozen=True)
class _Loaded:
    """Everything one load reads, prepared off the UI thread."""

    organizations: list[OrganizationInfo]
    departments: list[DepartmentInfo]
    courses: list[CourseInfo]
    learners: LearnerIndex
    records: PreparedRecords
    years: list[int | None]
    course_titles: dict[int, str]  # courses that have records: id → title


def _years_and_courses(rows: Sequence[RecordRow]) -> tuple[list[int | None], dict[int, str]]:
    years = {row.fiscal_year for row in rows}
    titles = {row.course_id: row.course_title for row in rows}
    return sorted(years, key=lambda year: -1 if year is None else year, reverse=True), titles


def _prepare_view(view: QTableView, samples: dict[int, str]) -> None:
    """Fixed row heights (the view never measures every row) and columns wide enough for
    each column's typical text and for its title beside the sort arrow."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSortIndicatorShown(True)
    header.setHighlightSections(False)
    metrics = view.fontMetrics()
    # A stretched last column never gets narrower than its size when stretching began.
    if header.stretchLastSection():
        header.setStretchLastSection(False)
        view.setColumnWidth(header.count() - 1, metrics.horizontalAdvance("備考") + 32)
        header.setStretchLastSection(True)
    model = view.model()
    for column, sample in samples.items():
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        width = max(metrics.horizontalAdvance(sample) + 16, metrics.horizontalAdvance(title) + 32)
        view.setColumnWidth(column, width)
    vertical = view.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(metrics.height() + 10)


class RecordsPage(QWidget):
    status_message = Signal(str)

    def __init__(
        self,
        service: RecordsService,
        roster: RosterService,
        importer: UdemyImporter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._roster = roster
        self._importer = importer
        self._loaded = False
        self._loading: BackgroundTask | None = None
        self._reload_again = False
        self._generation = 0  # bumped by every change made here; older loads are stale
        self._organizations: list[OrganizationInfo] = []
        self._departments: list[DepartmentInfo] = []
        self._courses: list[CourseInfo] = []
        self._years: list[int | None] = []
        self._course_titles: dict[int, str] = {}
        self._course_ids_by_title: dict[str, frozenset[int]] = {}
        self._course_keys: dict[int, str] = {}
        self._totals_generation = 0  # bumped whenever the shown records change
        self._totals_shown = -1  # the generation the 集計 tab shows
        self._totals_task: BackgroundTask | None = None

        form = load_form("records_page.ui", self)
        title = child(form, QLabel, "titleLabel")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.count_label = child(form, QLabel, "countLabel")
        self.all_radio = child(form, QRadioButton, "allRadio")
        self.learner_radio = child(form, QRadioButton, "learnerRadio")
        self.learner_edit = child(form, QLineEdit, "learnerEdit")
        self.learner_totals_label = child(form, QLabel, "learnerTotalsLabel")
        self.learner_totals_label.setStyleSheet(_TOTALS_STYLE)
        self.search = child(form, QLineEdit, "searchEdit")
        self.year_filter = child(form, QComboBox, "yearCombo")
        self.course_filter = child(form, QComboBox, "courseCombo")
        self.department_filter = child(form, QComboBox, "departmentCombo")
        self.status_filter = child(form, QComboBox, "statusCombo")
        self.tabs = child(form, QTabWidget, "viewTabs")
        self.totals_tab = child(form, QWidget, "totalsTab")
        self.table = child(form, QTableView, "tableView")
        self.overall_totals_label = child(form, QLabel, "overallTotalsLabel")
        self.totals_splitter = child(form, QSplitter, "totalsSplitter")
        self.learner_totals_view = child(form, QTableView, "learnerTotalsView")
        self.department_totals_view = child(form, QTableView, "departmentTotalsView")
        self.add_button = child(form, QPushButton, "addButton")
        self.edit_button = child(form, QPushButton, "editButton")
        self.delete_button = child(form, QPushButton, "deleteButton")
        self.import_button = child(form, QPushButton, "importButton")
        self.refresh_button = child(form, QPushButton, "refreshButton")

        self.model = RecordsTableModel(self)
        self.proxy = RecordsProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.learner_totals_model = TotalsTableModel(("受講者番号", "氏名", "所属"), self)
        self.department_totals_model = TotalsTableModel(("所属",), self)
        self.picker = LearnerPicker(self.learner_edit, self)
        self._totals_timer = QTimer(self)
        self._totals_timer.setSingleShot(True)
        self._totals_timer.setInterval(TOTALS_DELAY_MS)
        self._totals_timer.timeout.connect(self._refresh_totals)
        self._setup_table()
        self._setup_totals()
        self._setup_filters()
        self._setup_actions()
        self._mode_changed()

    @classmethod
    def for_database(cls, db: Database, parent: QWidget | None = None) -> RecordsPage:
        return cls(RecordsService(db), RosterService(db), UdemyImporter(db), parent)

    # -- setup -----------------------------------------------------------

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.proxy)
        _prepare_view(
            table,
            {
                COL_NUMBER: "M0000000",
                COL_NAME: "長谷川　恵美子",
                COL_PLACE: "市民生活部／デジタル推進",
                COL_COURSE: "情報セキュリティ研修（基礎編）",
                COL_STATUS: "登録のみ",
                COL_DATE: "2025/04/01",
                COL_YEAR: "2025",
                COL_HOURS: "999.9",
                COL_PROGRESS: "100%",
                COL_SOURCE: "Udemy",
            },
        )
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.sortByColumn(*DEFAULT_SORT)
        table.doubleClicked.connect(lambda _index: self.edit_selected())
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        table.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())

    def _setup_totals(self) -> None:
        figures = {"件数": "99,999", "修了数": "99,999", "合計時間": "99,999.9"}
        for view, model, labels in (
            (self.learner_totals_view, self.learner_totals_model, ("M0000000", "長谷川　恵美子", "")),
            (self.department_totals_view, self.department_totals_model, ("",)),
        ):
            view.setModel(model)
            _prepare_view(view, dict(enumerate([*labels, *figures.values()])))
            # The 所属 column takes what the figures leave.
            view.horizontalHeader().setSectionResizeMode(len(labels) - 1, QHeaderView.ResizeMode.Stretch)
            view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.totals_splitter.setSizes([5500, 4500])  # proportions: the splitter scales them
        self.totals_splitter.setStretchFactor(0, 11)
        self.totals_splitter.setStretchFactor(1, 9)
        self.tabs.currentChanged.connect(lambda _index: self._schedule_totals(now=True))

    def _setup_filters(self) -> None:
        self.status_filter.addItem(self.tr("すべて"), None)
        for status in STATUS_ORDER:
            self.status_filter.addItem(STATUS_LABELS[status], status)
        self._fill_year_filter()
        self._fill_course_filter()
        self._fill_department_filter()
        completer = self.course_filter.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.search.textChanged.connect(self._apply_filter)
        self.course_filter.editTextChanged.connect(self._apply_filter)
        for combo in (self.year_filter, self.department_filter, self.status_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.all_radio.toggled.connect(self._mode_changed)
        self.picker.changed.connect(self._learner_chosen)

    def _setup_actions(self) -> None:
        self.add_button.clicked.connect(self.add_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.open_udemy_import)
        self.refresh_button.clicked.connect(self.reload)
        page_shortcuts = (
            (QKeySequence.StandardKey.Find, self._focus_search),
            (QKeySequence.StandardKey.New, self.add_record),
            (QKeySequence(Qt.Key.Key_F5), self.reload),
        )
        # Enter and Delete act on the selected record only while the table has focus.
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

    # -- loading ---------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded and self._loading is None:
            self.reload()

    @property
    def loaded(self) -> bool:
        return self._loaded

    def reload(self) -> None:
        """Read every record again in the background; the page stays usable meanwhile."""
        if self._loading is not None:
            self._reload_again = True
            return
        self.count_label.setText(self.tr("受講記録を読み込んでいます…"))
        service, roster = self._service, self._roster
        sort_column, generation = self.proxy.sortColumn(), self._generation

        def work() -> _Loaded:
            organizations = roster.organizations()
            departments = roster.departments()
            learners = roster.roster_rows()
            courses = service.courses()
            rows = service.rows()
            years, titles = _years_and_courses(rows)
            return _Loaded(
                organizations,
                departments,
                courses,
                LearnerIndex.build(learners),
                prepare_records(rows, learners, sort_column),
                years,
                titles,
            )

        self._loading = BackgroundTask(
            self, work, lambda result: self._loaded_rows(result, generation), self._load_failed
        )
        self._loading.start()

    def _changed(self) -> None:
        self._generation += 1

    def _loaded_rows(self, loaded: _Loaded, generation: int) -> None:
        self._loading = None
        if generation != self._generation:
            # Read before a change made here meanwhile: showing it would undo that change on screen.
            self._reload_again = False
            self.reload()
            return
        selected = self.selected_id()
        self._organizations = loaded.organizations
        self._departments = loaded.departments
        self._courses = loaded.courses
        self._years = loaded.years
        self._set_course_titles(loaded.course_titles)
        self.picker.set_learners(loaded.learners)
        self._fill_year_filter()
        self._fill_course_filter()
        self._fill_department_filter()
        self.model.set_rows(loaded.records)
        self._loaded = True
        self._apply_filter()
        if selected is not None:
            self.select_id(selected)
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = None
        message = error.message if isinstance(error, UserFacingError) else str(error)
        self.count_label.setText(self.tr("受講記録を読み込めませんでした"))
        QMessageBox.warning(self, self.tr("受講記録を読み込めません"), message)

    # -- filter choices --------------------------------------------------

    def _set_course_titles(self, titles: dict[int, str]) -> None:
        self._course_titles = dict(titles)
        by_title: dict[str, set[int]] = {}
        for course_id, title in titles.items():
            by_title.setdefault(title, set()).add(course_id)
        self._course_ids_by_title = {title: frozenset(ids) for title, ids in by_title.items()}
        ids = list(titles)
        self._course_keys = dict(zip(ids, fold_many([titles[i] for i in ids]), strict=True))

    def _fill_year_filter(self) -> None:
        combo = self.year_filter
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("すべての年度"), None)
        for year in self._years:
            if year is None:
                combo.addItem(self.tr("日付なし"), UNDATED)
            else:
                combo.addItem(fiscal_year_label(year), year)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def _fill_course_filter(self) -> None:
        combo = self.course_filter
        current = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("すべての講座"))
        combo.addItems(sorted(self._course_ids_by_title))
        position = combo.findText(current, Qt.MatchFlag.MatchExactly)
        if position >= 0 or not current:
            combo.setCurrentIndex(max(position, 0))
        else:
            combo.setEditText(current)  # a typed part of a title stays a filter
        combo.blockSignals(False)

    def _fill_department_filter(self) -> None:
        combo = self.department_filter
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("すべての所属"), None)
        names = {o.id: o.name for o in self._organizations}
        several = len(self._organizations) > 1
        for department in self._departments:
            label = department.path
            if several:
                label = f"{names.get(department.organization_id, '')}／{label}"
            combo.addItem(label, department.id)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def _note_choices(self, row: RecordRow) -> None:
        """A saved record may bring a new 年度 or 講座 to the filters."""
        if row.fiscal_year not in self._years:
            self._years = sorted(
                {*self._years, row.fiscal_year}, key=lambda year: -1 if year is None else year, reverse=True
            )
            self._fill_year_filter()
        if self._course_titles.get(row.course_id) != row.course_title:
            self._set_course_titles({**self._course_titles, row.course_id: row.course_title})
            self._fill_course_filter()

    # -- filtering -------------------------------------------------------

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

    def _course_ids(self) -> frozenset[int] | None:
        text = self.course_filter.currentText().strip()
        if not text or (self.course_filter.currentIndex() == 0 and text == self.course_filter.itemText(0)):
            return None
        exact = self._course_ids_by_title.get(text)
        if exact is not None:
            return exact
        needle = fold_for_search(text)
        return frozenset(course_id for course_id, key in self._course_keys.items() if needle in key)

    @property
    def per_learner(self) -> bool:
        return self.learner_radio.isChecked()

    def current_filter(self) -> RecordsFilter:
        status = self.status_filter.currentData()
        year = self.year_filter.currentData()
        return RecordsFilter(
            text=self.search.text(),
            learner_id=self.picker.learner_id() if self.per_learner else None,
            only_learner=self.per_learner,
            fiscal_year=None if year is None else int(year),
            course_ids=self._course_ids(),
            department_ids=self._department_subtree(self.department_filter.currentData()),
            status=None if status is None else TrainingStatus(str(status)),
        )

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.current_filter())
        self._update_count()
        self._update_learner_totals()
        self._schedule_totals()

    def _mode_changed(self) -> None:
        self.learner_totals_label.setVisible(self.per_learner)
        self._apply_filter()
        if self.per_learner and self.picker.learner_id() is None:
            self.learner_edit.setFocus()

    def _learner_chosen(self) -> None:
        # Choosing someone is asking to see their records.
        if self.picker.learner_id() is not None and not self.per_learner:
            self.learner_radio.setChecked(True)  # applies the filter through _mode_changed
            return
        if self.per_learner:
            self._apply_filter()

    def _update_count(self) -> None:
        if not self._loaded:
            return
        self.count_label.setText(
            self.tr("{shown}件（全 {total}件）").format(
                shown=f"{self.proxy.rowCount():,}", total=f"{self.model.rowCount():,}"
            )
        )
        self._update_buttons()

    def _totals_text(self, totals: Totals) -> str:
        return self.tr("{records}件 ／ 修了 {completed}件 ／ 合計 {hours}時間").format(
            records=f"{totals.records:,}", completed=f"{totals.completed:,}", hours=format_hours(totals.hours)
        )

    def _update_learner_totals(self) -> None:
        if not self.per_learner:
            self.learner_totals_label.clear()
            return
        learner = self.picker.learner()
        if learner is None:
            self.learner_totals_label.setText(self.tr("受講者を選んでください。"))
            return
        totals = compute_totals(self.proxy.shown_rows()).overall  # one learner's: a few rows
        self.learner_totals_label.setText(
            self.tr("{name} さん（{number}）: {totals}").format(
                name=learner.name, number=learner.number, totals=self._totals_text(totals)
            )
        )

    def _schedule_totals(self, now: bool = False) -> None:
        self._totals_generation += 1
        if self.tabs.currentWidget() is not self.totals_tab:
            return  # totalled when the tab is shown
        if now:
            self._refresh_totals()
        else:
            self._totals_timer.start()

    @property
    def totals_ready(self) -> bool:
        """The 集計 tab shows the totals of the records the filters let through now."""
        return self._totals_shown == self._totals_generation and self._totals_task is None

    def _refresh_totals(self) -> None:
        generation = self._totals_generation
        if self._totals_shown == generation or self._totals_task is not None:
            return  # up to date, or a worker is on it and will look again when done
        rows = self.proxy.shown_rows()
        if len(rows) <= TOTALS_AT_ONCE:
            self._show_totals(compute_totals(rows), generation)
            return
        self.overall_totals_label.setText(
            self.tr("{count}件の記録を集計しています…").format(count=f"{len(rows):,}")
        )
        self._totals_task = BackgroundTask(
            self,
            lambda: compute_totals(rows),
            lambda result: self._totals_done(result, generation),
            self._totals_failed,
        )
        self._totals_task.start()

    def _totals_done(self, result: RecordTotals, generation: int) -> None:
        self._totals_task = None
        self._show_totals(result, generation)
        if generation != self._totals_generation and self.tabs.currentWidget() is self.totals_tab:
            self._refresh_totals()  # the filters changed while it ran

    def _totals_failed(self, error: BaseException) -> None:
        self._totals_task = None
        self.overall_totals_label.setText(self.tr("集計できませんでした: {error}").format(error=error))

    def _show_totals(self, result: RecordTotals, generation: int) -> None:
        self._totals_shown = generation
        self.learner_totals_model.set_lines(result.learners)
        self.department_totals_model.set_lines(result.departments)
        self.overall_totals_label.setText(
            self.tr("絞り込み条件に合う記録の合計: {totals}（受講者 {learners}名）").format(
                totals=self._totals_text(result.overall), learners=f"{len(result.learners):,}"
            )
        )

    def refresh_totals_now(self) -> None:
        """Total the shown records now, whichever tab is shown."""
        self._refresh_totals()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # -- selection -------------------------------------------------------

    def selected_row(self) -> RecordRow | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.proxy.row_at(rows[0].row())
        current = self.table.currentIndex()
        return self.proxy.row_at(current.row()) if current.isValid() else None

    def selected_id(self) -> int | None:
        row = self.selected_row()
        return None if row is None else row.id

    def select_id(self, record_id: int) -> None:
        row = self.proxy.proxy_row_of(record_id)
        if row < 0:
            return
        index = self.proxy.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        imported = row is not None and is_imported(row)
        for button, refusal in (
            (self.edit_button, _NO_EDIT_IMPORTED),
            (self.delete_button, _NO_DELETE_IMPORTED),
        ):
            button.setEnabled(row is not None and not imported)
            button.setToolTip(self.tr(refusal) if imported else "")

    # -- actions ---------------------------------------------------------

    def _refuse_imported(self, row: RecordRow, refusal: str) -> bool:
        if not is_imported(row):
            return False
        QMessageBox.information(self, self.tr("取り込んだ記録です"), self.tr(refusal))
        return True

    def _dialog(self, record: RecordRow | None) -> RecordDialog:
        default = self.picker.learner_id() if self.per_learner else None
        return RecordDialog(self._service, self.picker.index, self._courses, record, default, self)

    @editing
    def add_record(self) -> None:
        if not self._loaded:
            return
        dialog = self._dialog(None)
        if dialog.exec() and dialog.saved_row is not None:
            self._after_save(dialog.saved_row, self.tr("{name} さんの「{course}」の記録を追加しました。"))

    @editing
    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None or self._refuse_imported(row, _NO_EDIT_IMPORTED):
            return
        try:
            current = self._service.row(row.id)  # the latest version, not the one loaded
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("受講記録を開けません"), exc.message)
            self.reload()
            return
        dialog = self._dialog(current)
        if dialog.exec() and dialog.saved_row is not None:
            self._after_save(dialog.saved_row, self.tr("{name} さんの「{course}」の記録を保存しました。"))

    def _after_save(self, row: RecordRow, message: str) -> None:
        self._changed()
        if all(course.id != row.course_id for course in self._courses):
            self._courses = self._service.courses()  # the save made a new course
        self.model.upsert(row)
        self._note_choices(row)
        self._apply_filter()
        text = message.format(name=row.learner_name, course=row.course_title)
        if self.proxy.proxy_row_of(row.id) < 0:
            text += self.tr("（今の絞り込み条件では表示されません）")
        self.select_id(row.id)
        self.status_message.emit(text)

    @editing
    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None or self._refuse_imported(row, _NO_DELETE_IMPORTED):
            return
        when = format_date(row.activity_on)
        answer = QMessageBox.question(
            self,
            self.tr("受講記録の削除"),
            self.tr(
                "{name} さん（{number}）の「{course}」（{when}）の受講記録を削除します。"
                "削除は元に戻せません。\n\n削除してよろしいですか？"
            ).format(name=row.learner_name, number=row.learner_number, course=row.course_title, when=when),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self._service.delete(row)
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("削除できません"), exc.message)
            self.reload()
            return
        self._changed()
        self.model.remove(row.id)
        self._apply_filter()
        self.status_message.emit(
            self.tr("{name} さんの「{course}」の記録を削除しました。").format(
                name=row.learner_name, course=row.course_title
            )
        )

    @editing
    def open_udemy_import(self) -> None:
        dialog = UdemyImportDialog(self._importer, self)
        dialog.imported.connect(self._after_import)
        dialog.exec()

    def _after_import(self, outcome: UdemyOutcome) -> None:
        self._changed()
        self.reload()
        self.status_message.emit(outcome.summary())
