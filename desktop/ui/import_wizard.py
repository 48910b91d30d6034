"""名簿取込: choose a file, match its columns, check every line, then import all or nothing.

The wizard is a dialog with four pages (forms/import_wizard.ui). It does what
``manabi roster import`` does — the same RosterImporter, the same options —
but shows the preview line by line before anything is written. Reading the
file, the preview and the import run in a BackgroundTask; a cancel request is
a flag the importer's progress callback checks, so a cancelled import rolls
back as one transaction.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QWidget,
)

from desktop.exchange.columns import guess_mapping, mapping_by_header, missing_required, resolve_saved_mapping
from desktop.exchange.roster_file import ROSTER_COLUMNS
from desktop.exchange.tabular import ENCODINGS, TableFileError, detect_encoding, open_table, sheet_names
from desktop.store.column_mappings import ColumnMappings
from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.import_common import ImportCancelled
from desktop.store.roster_import import (
    PreviewLine,
    RosterImporter,
    RosterImportOptions,
    RosterImportResult,
    RosterPreview,
    RosterSource,
    RowAction,
)
from desktop.store.roster_service import RosterService
from desktop.ui.forms import child, load_form
from desktop.ui.workers import BackgroundTask

Index = QModelIndex | QPersistentModelIndex

PAGE_FILE, PAGE_MAPPING, PAGE_CHECK, PAGE_RUN = range(4)
SAMPLE_ROWS = 5
UNUSED = -1  # combo data of 「（使わない）」
ACTION_ROLE = Qt.ItemDataRole.UserRole + 1
_PROGRESS_POLL_MS = 100
_MAPPING_GROUP_ROWS = 7  # fields per column group on the mapping page

_RED = "#c62828"
_ERROR_TEXT = QBrush(QColor("#b71c1c"))
_ERROR_BACKGROUND = QBrush(QColor("#fdecea"))
_RETIRE_TEXT = QBrush(QColor("#8d4e00"))
_NEW_TEXT = QBrush(QColor("#1b5e20"))
_CHANGED_TEXT = QBrush(QColor("#0d47a1"))
_UNUSED_TEXT = QBrush(QColor("#9e9e9e"))
_DETAIL_STYLE = (
    "QLabel {{ background: #fafafa; border: 1px solid #dddddd; padding: 4px 6px; color: {color}; }}"
)
_NOTE_COLOR = "#5d4037"
_CHIP_STYLES = {
    RowAction.NEW: ("#e8f5e9", "#1b5e20"),
    RowAction.CHANGED: ("#e3f2fd", "#0d47a1"),
    RowAction.UNCHANGED: ("#f1f1f1", "#424242"),
    RowAction.RETIRE: ("#fff3e0", "#8d4e00"),
    RowAction.INVALID: ("#fdecea", "#b71c1c"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportWizard", text)


def _message(error: BaseException) -> str:
    if isinstance(error, UserFacingError):
        return error.message
    return str(error)


# -- work done off the UI thread ------------------------------------------------


class _Job:
    """What the UI thread and one worker share: a cancel flag and the rows done. No Qt inside."""

    def __init__(self) -> None:
        self.cancel_requested = threading.Event()
        self.rows_done = 0

    def progress(self, done: int) -> None:
        self.rows_done = done
        if self.cancel_requested.is_set():
            raise ImportCancelled()


@dataclass(frozen=True)
class FileFacts:
    """What choosing a file tells the first page: its kind, detected encoding, sheets."""

    path: Path
    kind: str  # 'csv' | 'xlsx'
    detected_encoding: str | None
    encoding_problem: str
    sheets: list[str]


@dataclass(frozen=True)
class FileSample:
    """The header and first rows, read with the encoding and sheet chosen on the first page."""

    path: Path
    encoding_choice: str | None  # None: 自動判定, as the importer is told
    sheet: str | None
    encoding_used: str | None
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (file line, cells)
    mapping_name: str | None
    saved_mapping: dict[str, str] | None


def inspect_file(path: Path) -> FileFacts:
    sheets = sheet_names(path)  # refuses .xls, unknown kinds and missing files in the reader's words
    if path.suffix.lower() not in (".csv", ".txt"):
        return FileFacts(path, "xlsx", None, "", sheets)
    try:
        return FileFacts(path, "csv", detect_encoding(path), "", [])
    except TableFileError as exc:
        if not path.is_file():
            raise
        return FileFacts(path, "csv", None, str(exc), [])


def read_sample(
    db: Database, path: Path, encoding: str | None, sheet: str | None, mapping_name: str | None
) -> FileSample:
    table, rows = open_table(path, encoding=encoding, sheet=sheet)
    try:
        sample: list[tuple[int, list[str]]] = []
        for line, cells in rows:
            sample.append((line, cells))
            if len(sample) >= SAMPLE_ROWS:
                break
    finally:
        close = getattr(rows, "close", None)  # a generator owning the open file, typed as an Iterator
        if close is not None:
            close()
    saved = ColumnMappings(db).load(mapping_name) if mapping_name else None
    return FileSample(path, encoding, table.sheet, table.encoding, table.headers, sample, mapping_name, saved)


# -- models ---------------------------------------------------------------------


def header_text(headers: Sequence[str], index: int) -> str:
    title = headers[index] if 0 <= index < len(headers) else ""
    return title or _tr("（{n}列目・見出しなし）").format(n=index + 1)


class SampleModel(QAbstractTableModel):
    """The file's first rows under its own headers; each header says which field it feeds."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._rows: list[tuple[int, list[str]]] = []
        self._fields_of: dict[int, list[str]] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not 0 <= index.column() < len(self._headers):
            return None
        cells = self._rows[index.row()][1]
        text = cells[index.column()] if index.column() < len(cells) else ""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.ForegroundRole and index.column() not in self._fields_of:
            return _UNUSED_TEXT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return _tr("{line}行目").format(line=self._rows[section][0])
            return None
        if not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            fields = self._fields_of.get(section)
            used = "・".join(fields) if fields else _tr("使わない")
            return f"{header_text(self._headers, section)}\n→ {used}"
        if role == Qt.ItemDataRole.ForegroundRole and section not in self._fields_of:
            return _UNUSED_TEXT
        return None

    def set_sample(self, headers: list[str], rows: list[tuple[int, list[str]]]) -> None:
        self.beginResetModel()
        self._headers = list(headers)
        self._rows = list(rows)
        self.endResetModel()

    def set_mapping(self, mapping: dict[str, int]) -> None:
        names = {column.key: column.header for column in ROSTER_COLUMNS}
        fields_of: dict[int, list[str]] = {}
        for column in ROSTER_COLUMNS:
            index = mapping.get(column.key)
            if index is not None:
                fields_of.setdefault(index, []).append(names[column.key])
        self._fields_of = fields_of
        if self._headers:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)
            if self._rows:
                self.dataChanged.emit(
                    self.index(0, 0),
                    self.index(len(self._rows) - 1, len(self._headers) - 1),
                    [Qt.ItemDataRole.ForegroundRole],
                )


PREVIEW_COLUMNS = ("行", "処理", "団体", "番号", "氏名", "内容")
COL_LINE, COL_ACTION, COL_ORGANIZATION, COL_NUMBER, COL_NAME, COL_DETAIL = range(len(PREVIEW_COLUMNS))


class PreviewModel(QAbstractTableModel):
    """Every line of the preview; a filter by action picks the lines shown.

    Filtering here, not in a QSortFilterProxyModel: a 50,000-line file would
    call back into Python once per line on every change of the filter.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[PreviewLine] = []
        self._shown: list[PreviewLine] = []
        self._actions: frozenset[RowAction] | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PREVIEW_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._shown)):
            return None
        line = self._shown[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return line.detail or self._text(line, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.action is RowAction.INVALID:
                return _ERROR_TEXT
            if line.action is RowAction.RETIRE:
                return _RETIRE_TEXT
            if column == COL_ACTION and line.action is RowAction.NEW:
                return _NEW_TEXT
            if column == COL_ACTION and line.action is RowAction.CHANGED:
                return _CHANGED_TEXT
            return None
        if role == Qt.ItemDataRole.BackgroundRole and line.action is RowAction.INVALID:
            return _ERROR_BACKGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ACTION_ROLE:
            return line.action.value
        return None

    @staticmethod
    def _text(line: PreviewLine, column: int) -> str:
        if column == COL_LINE:
            return str(line.line) if line.line is not None else "—"
        if column == COL_ACTION:
            return line.action.label
        if column == COL_ORGANIZATION:
            return line.organization
        if column == COL_NUMBER:
            return line.number
        if column == COL_NAME:
            return line.name
        return line.detail

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(PREVIEW_COLUMNS):
            return _tr(PREVIEW_COLUMNS[section])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def set_lines(self, lines: Sequence[PreviewLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self._shown = self._filtered()
        self.endResetModel()

    def set_filter(self, actions: frozenset[RowAction] | None) -> None:
        """Show only lines with these actions; None shows every line."""
        self.beginResetModel()
        self._actions = actions
        self._shown = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[PreviewLine]:
        if self._actions is None:
            return list(self._lines)
        return [line for line in self._lines if line.action in self._actions]

    def line_at(self, row: int) -> PreviewLine:
        return self._shown[row]


_FILTERS: tuple[tuple[str, frozenset[RowAction] | None], ...] = (
    ("すべて", None),
    ("エラーのみ", frozenset({RowAction.INVALID})),
    ("新規", frozenset({RowAction.NEW})),
    ("更新", frozenset({RowAction.CHANGED})),
    ("変更なし", frozenset({RowAction.UNCHANGED})),
    ("退職にする", frozenset({RowAction.RETIRE})),
)


# -- the wizard -----------------------------------------------------------------


class ImportWizard(QDialog):
    """名簿取込. After a successful import `batch_id` holds the import's number."""

    imported = Signal(int)

    def __init__(
        self,
        db: Database,
        organizations: Sequence[str] | None = None,
        default_organization: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self.batch_id: int | None = None
        self.import_result: RosterImportResult | None = None
        self.preview: RosterPreview | None = None
        self._facts: FileFacts | None = None
        self._facts_generation = 0
        self._sample: FileSample | None = None
        self._mapping: dict[str, int] = {}
        self._task: BackgroundTask | None = None
        self._job: _Job | None = None
        self._inspecting: BackgroundTask | None = None
        self._missing_saved: list[str] = []
        self._progress_text = ""

        self.setWindowTitle(self.tr("名簿の取込"))
        form = load_form("import_wizard.ui", self)
        self.step_label = child(form, QLabel, "stepLabel")
        self.stack = child(form, QStackedWidget, "pageStack")
        # 1. ファイルを選ぶ
        self.path_edit = child(form, QLineEdit, "pathEdit")
        self.browse_button = child(form, QPushButton, "browseButton")
        self.encoding_combo = child(form, QComboBox, "encodingCombo")
        self.sheet_combo = child(form, QComboBox, "sheetCombo")
        self.organization_combo = child(form, QComboBox, "organizationCombo")
        self.saved_mapping_combo = child(form, QComboBox, "savedMappingCombo")
        self.file_error_label = child(form, QLabel, "fileErrorLabel")
        # 2. 列の割り当て
        self.mapping_grid = child(form, QGridLayout, "mappingGrid")
        self.save_mapping_button = child(form, QPushButton, "saveMappingButton")
        self.mapping_status_label = child(form, QLabel, "mappingStatusLabel")
        self.missing_label = child(form, QLabel, "missingLabel")
        self.sample_table = child(form, QTableView, "sampleTable")
        # 3. 確認
        self.check_summary_label = child(form, QLabel, "checkSummaryLabel")
        self.count_labels = {
            RowAction.NEW: child(form, QLabel, "newCountLabel"),
            RowAction.CHANGED: child(form, QLabel, "changedCountLabel"),
            RowAction.UNCHANGED: child(form, QLabel, "unchangedCountLabel"),
            RowAction.RETIRE: child(form, QLabel, "retireCountLabel"),
            RowAction.INVALID: child(form, QLabel, "errorCountLabel"),
        }
        self.filter_combo = child(form, QComboBox, "filterCombo")
        self.preview_table = child(form, QTableView, "previewTable")
        self.retire_missing_check = child(form, QCheckBox, "retireMissingCheck")
        self.valid_only_check = child(form, QCheckBox, "validOnlyCheck")
        self.blocked_label = child(form, QLabel, "blockedLabel")
        self.detail_label = child(form, QLabel, "detailLabel")
        # 4. 取り込み
        self.run_title_label = child(form, QLabel, "runTitleLabel")
        self.result_label = child(form, QLabel, "resultLabel")
        # shared
        self.progress_panel = child(form, QWidget, "progressPanel")
        self.progress_label = child(form, QLabel, "progressLabel")
        self.progress_bar = child(form, QProgressBar, "progressBar")
        self.cancel_task_button = child(form, QPushButton, "cancelTaskButton")
        self.back_button = child(form, QPushButton, "backButton")
        self.next_button = child(form, QPushButton, "nextButton")
        self.import_button = child(form, QPushButton, "importButton")
        self.close_button = child(form, QPushButton, "closeButton")

        self._progress_timer = QTimer(self)
        self._progress_timer.setInterval(_PROGRESS_POLL_MS)
        self._progress_timer.timeout.connect(self._show_progress)

        self._setup_file_page(organizations, default_organization)
        self._setup_mapping_page()
        self._setup_check_page()
        self._setup_run_page()
        self._setup_buttons()
        self.progress_panel.hide()
        self.resize(1060, 720)
        self._show_page(PAGE_FILE)
        self.path_edit.setFocus()

    # -- setup -------------------------------------------------------------

    def _setup_file_page(self, organizations: Sequence[str] | None, default_organization: str | None) -> None:
        self.file_error_label.setStyleSheet(f"color: {_RED};")
        self.encoding_combo.addItem(self.tr("自動判定"), None)
        for code, label in ENCODINGS.items():
            self.encoding_combo.addItem(label, code)
        self.sheet_combo.setPlaceholderText(self.tr("（Excel ファイルのときに選べます）"))
        self.sheet_combo.setEnabled(False)
        if organizations is None:
            organizations = [o.name for o in RosterService(self._db).organizations()]
        self.organization_combo.addItems(list(organizations))
        editor = self.organization_combo.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(self.tr("団体を選ぶか、団体名を入力"))
        chosen = default_organization or (organizations[0] if organizations else "")
        self.organization_combo.setCurrentText(chosen)
        self._fill_saved_mappings()
        for hint in ("organizationHint", "savedMappingHint"):
            child(self, QLabel, hint).setStyleSheet("color: #616161;")
        self.browse_button.clicked.connect(self.browse)
        self.path_edit.textChanged.connect(self._path_edited)
        self.path_edit.editingFinished.connect(self._inspect_path)

    def _fill_saved_mappings(self, select: str | None = None) -> None:
        current = select if select is not None else self.saved_mapping_combo.currentData()
        self.saved_mapping_combo.blockSignals(True)
        self.saved_mapping_combo.clear()
        self.saved_mapping_combo.addItem(self.tr("自動（ファイルの見出しから判断する）"), None)
        for name in ColumnMappings(self._db).names():
            self.saved_mapping_combo.addItem(name, name)
        self.saved_mapping_combo.setCurrentIndex(max(self.saved_mapping_combo.findData(current), 0))
        self.saved_mapping_combo.blockSignals(False)

    def _setup_mapping_page(self) -> None:
        self.missing_label.setStyleSheet(f"color: {_RED};")
        self.mapping_combos: dict[str, QComboBox] = {}
        self.mapping_samples: dict[str, QLabel] = {}
        grid = self.mapping_grid
        heading_style = "color: #616161;"
        groups = (len(ROSTER_COLUMNS) + _MAPPING_GROUP_ROWS - 1) // _MAPPING_GROUP_ROWS
        for group in range(groups):
            base = group * 4
            for offset, title in enumerate((self.tr("項目"), self.tr("ファイルの列"), self.tr("1行目の値"))):
                heading = QLabel(title)
                heading.setStyleSheet(heading_style)
                grid.addWidget(heading, 0, base + offset)
            grid.setColumnStretch(base + 2, 1)
            if group + 1 < groups:
                grid.setColumnMinimumWidth(base + 3, 24)
        previous: QWidget = self.saved_mapping_combo
        for position, column in enumerate(ROSTER_COLUMNS):
            group, row = divmod(position, _MAPPING_GROUP_ROWS)
            base = group * 4
            mark = f' <span style="color:{_RED}">＊</span>' if column.required else ""
            label = QLabel(f"{column.header}{mark}")
            label.setTextFormat(Qt.TextFormat.RichText)
            combo = QComboBox()
            combo.setAccessibleName(column.header)
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(lambda _i, key=column.key: self._mapping_combo_changed(key))
            label.setBuddy(combo)
            sample = QLabel()
            sample.setStyleSheet("color: #616161;")
            sample.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            sample.setMinimumWidth(90)
            grid.addWidget(label, row + 1, base)
            grid.addWidget(combo, row + 1, base + 1)
            grid.addWidget(sample, row + 1, base + 2)
            self.mapping_combos[column.key] = combo
            self.mapping_samples[column.key] = sample
            QWidget.setTabOrder(previous, combo)
            previous = combo
        QWidget.setTabOrder(previous, self.save_mapping_button)
        self.sample_model = SampleModel(self)
        table = self.sample_table
        table.setModel(self.sample_model)
        table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 10)
        self.save_mapping_button.clicked.connect(self.save_mapping)

    def _setup_check_page(self) -> None:
        for title, actions in _FILTERS:
            self.filter_combo.addItem(self.tr(title), actions)
        self.filter_combo.currentIndexChanged.connect(self._filter_changed)
        self.preview_model = PreviewModel(self)
        table = self.preview_table
        table.setModel(self.preview_model)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        for column, width in ((COL_LINE, 64), (COL_ACTION, 96), (COL_ORGANIZATION, 150), (COL_NUMBER, 100)):
            table.setColumnWidth(column, width)
        table.setColumnWidth(COL_NAME, 150)
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_detail(current)
        )
        lines = self.detail_label.fontMetrics().lineSpacing() * 2 + 10
        self.detail_label.setMinimumHeight(lines)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.retire_missing_check.toggled.connect(self._retire_missing_toggled)
        self.valid_only_check.toggled.connect(lambda _checked: self._update_check_state())
        self.valid_only_check.setEnabled(False)
        for action, label in self.count_labels.items():
            background, color = _CHIP_STYLES[action]
            label.setStyleSheet(
                f"QLabel {{ background: {background}; color: {color}; border-radius: 10px; padding: 3px 12px; }}"
            )
            label.hide()

    def _setup_run_page(self) -> None:
        font = self.run_title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.run_title_label.setFont(font)

    def _setup_buttons(self) -> None:
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)
        self.cancel_task_button.clicked.connect(self.cancel_task)
        self.progress_bar.setMinimumWidth(280)

    # -- state -------------------------------------------------------------

    @property
    def page(self) -> int:
        return self.stack.currentIndex()

    @property
    def busy(self) -> bool:
        return self._task is not None

    def mapping(self) -> dict[str, int]:
        """Field key → file column index, as the combos show it."""
        return dict(self._mapping)

    def _show_page(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        steps = (self.tr("ファイルを選ぶ"), self.tr("列の割り当て"), self.tr("確認"), self.tr("取り込み"))
        parts = []
        for number, title in enumerate(steps):
            text = f"{number + 1}. {title}"
            if number == page:
                parts.append(f"<b>{text}</b>")
            else:
                parts.append(f'<span style="color:#9e9e9e">{text}</span>')
        self.step_label.setText('<span style="color:#9e9e9e">　›　</span>'.join(parts))
        self._update_buttons()

    def _update_buttons(self) -> None:
        page, busy = self.page, self.busy
        done = self.batch_id is not None
        self.back_button.setVisible(page != PAGE_FILE and not done)
        self.back_button.setEnabled(not busy and page != PAGE_FILE)
        self.next_button.setVisible(page in (PAGE_FILE, PAGE_MAPPING))
        self.import_button.setVisible(page == PAGE_CHECK)
        if page == PAGE_FILE:
            self.next_button.setEnabled(not busy and bool(self.path_edit.text().strip()))
        elif page == PAGE_MAPPING:
            self.next_button.setEnabled(not busy and not missing_required(ROSTER_COLUMNS, self._mapping))
        self.import_button.setEnabled(not busy and self.can_import())
        finished = page == PAGE_RUN and not busy
        self.close_button.setText(self.tr("閉じる") if finished else self.tr("キャンセル"))
        if page in (PAGE_FILE, PAGE_MAPPING):
            self.next_button.setDefault(True)
        elif page == PAGE_CHECK:
            self.import_button.setDefault(True)
        else:
            self.close_button.setDefault(True)

    def _start(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        text: str,
        *,
        job: _Job | None = None,
        maximum: int = 0,
    ) -> None:
        """Run `work` in the background with the progress strip shown; the page waits meanwhile."""
        self._job = job
        self.stack.setEnabled(False)
        self.progress_label.setText(text)
        self._progress_text = text
        self.progress_bar.setRange(0, maximum)
        self.progress_bar.setValue(0)
        self.cancel_task_button.setVisible(job is not None)
        self.cancel_task_button.setEnabled(True)
        self.progress_panel.show()

        def done(result: Any) -> None:
            self._finish_task()
            on_done(result)

        def failed(error: BaseException) -> None:
            self._finish_task()
            on_error(error)

        self._task = BackgroundTask(self, work, done, failed)
        self._task.start()
        if job is not None:
            self._progress_timer.start()
        self._update_buttons()

    def _finish_task(self) -> None:
        self._task = None
        self._progress_timer.stop()
        self.progress_panel.hide()
        self.stack.setEnabled(True)
        self._update_buttons()

    def _show_progress(self) -> None:
        job = self._job
        if job is None or job.cancel_requested.is_set():
            return
        done = job.rows_done
        if done:
            self.progress_label.setText(
                self.tr("{text}（{done} 行）").format(text=self._progress_text, done=f"{done:,}")
            )
            if self.progress_bar.maximum() > 0:
                self.progress_bar.setValue(min(done, self.progress_bar.maximum()))

    def cancel_task(self) -> None:
        """中止: the worker stops at its next progress report and writes nothing."""
        job = self._job
        if job is None or not self.busy:
            return
        job.cancel_requested.set()
        self.cancel_task_button.setEnabled(False)
        self.progress_label.setText(self.tr("中止しています…"))

    def reject(self) -> None:
        if self.busy:
            # Closing while the import runs must not leave it running unseen: ask it to stop instead.
            self.cancel_task()
            return
        if self.batch_id is not None:
            self.accept()
            return
        super().reject()

    # -- navigation ----------------------------------------------------------

    def go_next(self) -> None:
        if self.busy:
            return
        if self.page == PAGE_FILE:
            self._load_sample()
        elif self.page == PAGE_MAPPING:
            missing = missing_required(ROSTER_COLUMNS, self._mapping)
            if missing:
                self._update_mapping_notes()
                return
            self._show_page(PAGE_CHECK)
            self.run_preview()

    def go_back(self) -> None:
        if self.busy or self.page == PAGE_FILE or self.batch_id is not None:
            return
        self._show_page(self.page - 1)

    # -- 1. ファイルを選ぶ -------------------------------------------------------

    def browse(self) -> None:
        start = self.path_edit.text().strip()
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("名簿ファイルを選ぶ"),
            str(Path(start).parent) if start else "",
            self.tr("名簿ファイル (*.csv *.txt *.xlsx)"),
        )
        if chosen:
            self.path_edit.setText(chosen)
            self._inspect_path()

    def chosen_path(self) -> Path | None:
        text = self.path_edit.text().strip().strip('"')
        return Path(text).expanduser() if text else None

    def _path_edited(self) -> None:
        self._facts = None
        self._facts_generation += 1
        self.file_error_label.clear()
        self._update_buttons()

    def _inspect_path(self) -> None:
        """Detect the encoding (CSV) or list the sheets (Excel) as soon as a file is chosen."""
        path = self.chosen_path()
        if path is None or (self._facts is not None and self._facts.path == path):
            return
        generation = self._facts_generation

        def done(facts: FileFacts) -> None:
            self._inspecting = None
            if generation == self._facts_generation:
                self._show_facts(facts)

        def failed(error: BaseException) -> None:
            self._inspecting = None
            if generation == self._facts_generation:
                self._show_facts(None)
                self.file_error_label.setText(_message(error))

        self._inspecting = BackgroundTask(self, lambda: inspect_file(path), done, failed)
        self._inspecting.start()

    def _show_facts(self, facts: FileFacts | None) -> None:
        self._facts = facts
        auto = self.tr("自動判定")
        if facts is not None and facts.kind == "csv":
            if facts.detected_encoding:
                auto = self.tr("自動判定（{label}）").format(label=ENCODINGS[facts.detected_encoding])
            else:
                auto = self.tr("自動判定（判別できません）")
            self.file_error_label.setText(facts.encoding_problem)
        self.encoding_combo.setItemText(0, auto)
        self.encoding_combo.setEnabled(facts is None or facts.kind == "csv")
        current_sheet = self.sheet_combo.currentText()
        self.sheet_combo.clear()
        if facts is not None and facts.kind == "xlsx":
            self.sheet_combo.addItems(facts.sheets)
            self.sheet_combo.setCurrentIndex(max(self.sheet_combo.findText(current_sheet), 0))
            self.sheet_combo.setEnabled(True)
        else:
            self.sheet_combo.setEnabled(False)

    def _load_sample(self) -> None:
        path = self.chosen_path()
        if path is None:
            return
        self.file_error_label.clear()
        facts = self._facts if self._facts is not None and self._facts.path == path else None
        encoding = self.encoding_combo.currentData()
        sheet = self.sheet_combo.currentText() if facts is not None and facts.kind == "xlsx" else None
        mapping_name = self.saved_mapping_combo.currentData()
        db = self._db

        def work() -> tuple[FileFacts, FileSample]:
            found = facts or inspect_file(path)
            chosen_sheet = sheet if sheet else (found.sheets[0] if found.sheets else None)
            chosen_encoding = encoding if found.kind == "csv" else None
            return found, read_sample(db, path, chosen_encoding, chosen_sheet, mapping_name)

        self._start(work, self._sample_loaded, self._sample_failed, self.tr("ファイルを読んでいます…"))

    def _sample_failed(self, error: BaseException) -> None:
        if not isinstance(error, UserFacingError | TableFileError | OSError):
            raise error
        self.file_error_label.setText(_message(error))

    def _sample_loaded(self, result: tuple[FileFacts, FileSample]) -> None:
        facts, sample = result
        if self._facts != facts:
            self._show_facts(facts)
        previous = self._sample
        self._sample = sample
        missing_saved: list[str] = []
        if (
            previous is not None
            and previous.headers == sample.headers
            and previous.mapping_name == sample.mapping_name
        ):
            mapping = self._mapping  # the same columns: keep what the clerk chose
        elif sample.saved_mapping is not None:
            mapping, missing_saved = resolve_saved_mapping(sample.saved_mapping, sample.headers)
        else:
            mapping = guess_mapping(ROSTER_COLUMNS, sample.headers)
        self._missing_saved = missing_saved
        self._fill_mapping_page(sample, mapping)
        self._show_page(PAGE_MAPPING)
        combo = self.mapping_combos[ROSTER_COLUMNS[0].key]
        combo.setFocus()

    # -- 2. 列の割り当て ---------------------------------------------------------

    def _fill_mapping_page(self, sample: FileSample, mapping: dict[str, int]) -> None:
        self._mapping = dict(mapping)
        for column in ROSTER_COLUMNS:
            combo = self.mapping_combos[column.key]
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("（使わない）"), UNUSED)
            for index in range(len(sample.headers)):
                combo.addItem(header_text(sample.headers, index), index)
            combo.setCurrentIndex(max(combo.findData(mapping.get(column.key, UNUSED)), 0))
            combo.blockSignals(False)
        self.sample_model.set_sample(sample.headers, sample.rows)
        self.sample_model.set_mapping(self._mapping)
        header = self.sample_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.sample_table.resizeColumnsToContents()
        for index in range(len(sample.headers)):
            width = self.sample_table.columnWidth(index)
            self.sample_table.setColumnWidth(index, max(96, min(width + 20, 260)))
        where = sample.path.name
        if sample.sheet:
            where += self.tr("（シート「{sheet}」）").format(sheet=sample.sheet)
        elif sample.encoding_used:
            where += self.tr("（{label}）").format(
                label=ENCODINGS.get(sample.encoding_used, sample.encoding_used)
            )
        child(self, QLabel, "sampleLabel").setText(
            self.tr("{where} の先頭 {count} 行").format(where=where, count=len(sample.rows))
        )
        self.mapping_status_label.clear()
        self._update_mapping_notes()

    def _mapping_combo_changed(self, key: str) -> None:
        index = self.mapping_combos[key].currentData()
        if index is None or index == UNUSED:
            self._mapping.pop(key, None)
        else:
            self._mapping[key] = int(index)
        self.sample_model.set_mapping(self._mapping)
        self.mapping_status_label.clear()
        self._update_mapping_notes()

    def set_mapping_column(self, key: str, index: int | None) -> None:
        """Choose the file column (None: 「（使わない）」) for one field, as the combo would."""
        combo = self.mapping_combos[key]
        combo.setCurrentIndex(max(combo.findData(UNUSED if index is None else index), 0))

    def _update_mapping_notes(self) -> None:
        sample = self._sample
        for column in ROSTER_COLUMNS:
            index = self._mapping.get(column.key)
            value = ""
            if sample is not None and index is not None and sample.rows:
                cells = sample.rows[0][1]
                value = cells[index] if index < len(cells) else ""
            label = self.mapping_samples[column.key]
            label.setText(value)
            label.setToolTip(value)
        notes: list[str] = []
        missing = missing_required(ROSTER_COLUMNS, self._mapping)
        if missing:
            names = "、".join(f"「{c.header}」" for c in missing)
            notes.append(self.tr("{names} に使う列を選んでください（必須の項目です）。").format(names=names))
        if self._missing_saved and sample is not None:
            names = "、".join(f"「{h}」" for h in self._missing_saved)
            notes.append(
                self.tr("保存した割り当て「{name}」の列 {names} がこのファイルにありません。").format(
                    name=sample.mapping_name, names=names
                )
            )
        used: dict[int, list[str]] = {}
        for column in ROSTER_COLUMNS:
            if column.key in self._mapping:
                used.setdefault(self._mapping[column.key], []).append(column.header)
        for index, fields in used.items():
            if len(fields) > 1 and sample is not None:
                notes.append(
                    self.tr("列「{header}」を {fields} の両方に使っています。").format(
                        header=header_text(sample.headers, index), fields="・".join(fields)
                    )
                )
        self.missing_label.setText("\n".join(notes))
        self.missing_label.setVisible(bool(notes))
        self._update_buttons()

    def save_mapping(self) -> None:
        sample = self._sample
        if sample is None:
            return
        mappings = ColumnMappings(self._db)
        suggested = sample.mapping_name or sample.path.stem
        name, ok = QInputDialog.getText(
            self,
            self.tr("列の割り当ての保存"),
            self.tr("この割り当てに付ける名前（次回、最初の画面で選べます）:"),
            QLineEdit.EchoMode.Normal,
            suggested,
        )
        name = name.strip()
        if not ok or not name:
            return
        try:
            if name in mappings.names() and name != sample.mapping_name:
                answer = QMessageBox.question(
                    self,
                    self.tr("列の割り当ての保存"),
                    self.tr("「{name}」という割り当てはすでにあります。置き換えますか？").format(name=name),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
            mappings.save(name, mapping_by_header(self._mapping, sample.headers))
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("保存できません"), exc.message)
            return
        self._fill_saved_mappings(select=name)
        # The file page now names this mapping, so coming back keeps these columns.
        self._sample = FileSample(
            sample.path,
            sample.encoding_choice,
            sample.sheet,
            sample.encoding_used,
            sample.headers,
            sample.rows,
            name,
            mapping_by_header(self._mapping, sample.headers),
        )
        self._missing_saved = []
        self._update_mapping_notes()
        self.mapping_status_label.setText(self.tr("「{name}」として保存しました。").format(name=name))

    # -- 3. 確認 -----------------------------------------------------------------

    def source(self) -> RosterSource:
        sample = self._sample
        assert sample is not None
        return RosterSource(sample.path, sample.encoding_choice, sample.sheet, dict(self._mapping))

    def options(self) -> RosterImportOptions:
        organization = self.organization_combo.currentText().strip()
        return RosterImportOptions(
            default_organization=organization or None,
            retire_missing=self.retire_missing_check.isChecked(),
            valid_rows_only=self.valid_only_check.isChecked(),
        )

    def run_preview(self) -> None:
        """Read the whole file against the database, writing nothing, and show every line."""
        if self.busy or self._sample is None:
            return
        self.preview = None
        self.preview_model.set_lines([])
        self._show_counts(None)
        self.check_summary_label.setText(self.tr("ファイルの内容を名簿と照らし合わせています…"))
        self.blocked_label.clear()
        self._show_detail(QModelIndex())
        source, options, db, job = self.source(), self.options(), self._db, _Job()

        def work() -> RosterPreview:
            return RosterImporter(db).preview(source, options, job.progress)

        self._start(
            work, self._preview_done, self._preview_failed, self.tr("ファイルを確認しています…"), job=job
        )

    def _preview_done(self, preview: RosterPreview) -> None:
        self.preview = preview
        self.preview_model.set_lines(preview.lines)
        self._show_counts(preview)
        table = preview.table
        if table.sheet:
            where = self.tr("シート「{sheet}」").format(sheet=table.sheet)
        else:
            where = ENCODINGS.get(table.encoding or "", table.encoding or "")
        text = self.tr("{name}（{where}）: データ {rows} 行").format(
            name=preview.file_name, where=where, rows=f"{preview.row_count:,}"
        )
        if preview.new_organizations:
            names = "、".join(f"「{name}」" for name in preview.new_organizations)
            text += "\n" + self.tr("新しく作る団体: {names}").format(names=names)
        self.check_summary_label.setText(text)
        self._update_check_state()
        self._show_detail(QModelIndex())
        self.preview_table.setFocus()

    def _preview_failed(self, error: BaseException) -> None:
        if isinstance(error, ImportCancelled):
            self._show_page(PAGE_MAPPING)
            self.mapping_status_label.setText(self.tr("確認を中止しました。"))
            self.check_summary_label.clear()
            return
        if not isinstance(error, UserFacingError):
            raise error
        self.check_summary_label.setText(self.tr("ファイルを確認できませんでした。"))
        self.blocked_label.setStyleSheet(f"color: {_RED};")
        self.blocked_label.setText(html.escape(error.message).replace("\n", "<br>"))
        self._update_check_state()

    def _show_counts(self, preview: RosterPreview | None) -> None:
        titles = {
            RowAction.NEW: self.tr("新規 {n}件"),
            RowAction.CHANGED: self.tr("更新 {n}件"),
            RowAction.UNCHANGED: self.tr("変更なし {n}件"),
            RowAction.RETIRE: self.tr("退職にする {n}件"),
            RowAction.INVALID: self.tr("エラー {n}行"),
        }
        for action, label in self.count_labels.items():
            if preview is None:
                label.hide()
                continue
            count = preview.count(action)
            label.setText(titles[action].format(n=f"{count:,}"))
            label.setVisible(count > 0 or action in (RowAction.NEW, RowAction.CHANGED, RowAction.INVALID))

    def _fatal_problems(self) -> list[str]:
        """Problems no line carries (a missing column): no choice here can get past them."""
        preview = self.preview
        if preview is None or not preview.problems or preview.count(RowAction.INVALID):
            return []
        return [f"{p.column}: {p.reason}" for p in preview.problems]

    def error_count(self) -> int:
        return self.preview.count(RowAction.INVALID) if self.preview is not None else 0

    def change_count(self) -> int:
        preview = self.preview
        if preview is None:
            return 0
        return sum(preview.count(a) for a in (RowAction.NEW, RowAction.CHANGED, RowAction.RETIRE))

    def can_import(self) -> bool:
        if self.preview is None or self._fatal_problems() or self.change_count() == 0:
            return False
        return self.error_count() == 0 or self.valid_only_check.isChecked()

    def _update_check_state(self) -> None:
        preview = self.preview
        errors = self.error_count()
        self.valid_only_check.setEnabled(errors > 0)
        if preview is not None:
            notes: list[tuple[str, str]] = []  # (text, colour)
            fatal = self._fatal_problems()
            if fatal:
                notes.append((self.tr("ファイルの列に問題があるため取り込めません。"), _RED))
                notes.extend((problem, _RED) for problem in fatal)
            elif errors and not self.valid_only_check.isChecked():
                notes.append(
                    (
                        self.tr(
                            "エラーがあるため、このままでは取り込めません。ファイルを直して読み込み直すか、"
                            "「エラーの行を除いて取り込む」を選んでください。"
                        ),
                        _RED,
                    )
                )
            elif errors:
                notes.append(
                    (
                        self.tr(
                            "エラーの {n} 行は取り込みません。ファイルを直して、あとで取り込めます。"
                        ).format(n=f"{errors:,}"),
                        _NOTE_COLOR,
                    )
                )
            if not fatal and self.change_count() == 0:
                notes.append((self.tr("名簿に取り込む変更はありません。"), _NOTE_COLOR))
            retire = preview.count(RowAction.RETIRE)
            if retire and not fatal:
                notes.append(
                    (self.tr("ファイルにない {n} 人を退職にします。").format(n=f"{retire:,}"), _NOTE_COLOR)
                )
            self.blocked_label.setStyleSheet("")
            self.blocked_label.setText(
                "<br>".join(
                    f'<span style="color:{color}">{html.escape(text)}</span>' for text, color in notes
                )
            )
        self._update_buttons()

    def _filter_changed(self) -> None:
        self.preview_model.set_filter(self.filter_combo.currentData())
        self._show_detail(self.preview_table.currentIndex())

    def _show_detail(self, index: QModelIndex) -> None:
        """The whole 内容 of the chosen line: the column cuts long reasons short."""
        if not index.isValid() or self.preview is None:
            self.detail_label.setStyleSheet(_DETAIL_STYLE.format(color="#757575"))
            self.detail_label.setText(
                self.tr("行を選ぶと、ここにその行の内容をすべて表示します。")
                if self.preview is not None
                else ""
            )
            return
        line = self.preview_model.line_at(index.row())
        where = self.tr("{line}行目").format(line=line.line) if line.line is not None else line.number
        fallback = {
            RowAction.NEW: self.tr("新しい受講者として追加します。"),
            RowAction.UNCHANGED: self.tr("名簿と同じ内容です。変更しません。"),
        }
        detail = line.detail or fallback.get(line.action, "")
        color = "#b71c1c" if line.action is RowAction.INVALID else "#212121"
        self.detail_label.setStyleSheet(_DETAIL_STYLE.format(color=color))
        self.detail_label.setText(f"{where}（{line.action.label}）: {detail}")

    def _retire_missing_toggled(self) -> None:
        if self.page == PAGE_CHECK and not self.busy:
            self.run_preview()

    # -- 4. 取り込み ---------------------------------------------------------------

    def start_import(self) -> None:
        """取り込む: the importer repeats the check in its own transaction and writes all or nothing."""
        if self.busy or not self.can_import() or self.preview is None:
            return
        preview = self.preview
        source, options, db, job = self.source(), self.options(), self._db, _Job()
        self._show_page(PAGE_RUN)
        self.run_title_label.setText(self.tr("取り込んでいます…"))
        self.result_label.setText(preview.summary())

        def work() -> RosterImportResult:
            return RosterImporter(db).run(
                source, options, expected_sha256=preview.sha256, progress=job.progress
            )

        self._start(
            work,
            lambda result: self._import_done(result, job),
            self._import_failed,
            self.tr("取り込んでいます…"),
            job=job,
            maximum=max(preview.row_count, 1),
        )

    def _import_done(self, result: RosterImportResult, job: _Job) -> None:
        self.import_result = result
        self.batch_id = result.batch_id
        self.run_title_label.setText(self.tr("取り込みました"))
        text = result.summary()
        if job.cancel_requested.is_set():
            text += "\n" + self.tr("（中止を押したときには、すでに書き込みが終わっていました。）")
        text += "\n\n" + self.tr(
            "取り消すときは、名簿の画面の「取込履歴…」で取込番号 {batch} を選んでください。"
        ).format(batch=result.batch_id)
        self.result_label.setText(text)
        self._show_page(PAGE_RUN)
        self.imported.emit(result.batch_id)
        self.close_button.setFocus()

    def _import_failed(self, error: BaseException) -> None:
        if isinstance(error, ImportCancelled):
            self.run_title_label.setText(self.tr("取り込みを中止しました"))
            self.result_label.setText(self.tr("中止しました。何も書き込んでいません。"))
            self._update_buttons()
            return
        self._show_page(PAGE_CHECK)
        if not isinstance(error, UserFacingError):
            raise error
        QMessageBox.warning(self, self.tr("取り込めませんでした"), error.message)
        # The file or the roster changed since the check: show what an import would do now.
        self.run_preview()

    @property
    def result_summary(self) -> str:
        return self.import_result.summary() if self.import_result is not None else ""
