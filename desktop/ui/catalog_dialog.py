"""研修カタログと学習パス: the courses of the framework in use, with each role's path; import and export."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from desktop.domain.catalog import Catalog, DeliveryMethod, Requirement
from desktop.domain.framework import Framework
from desktop.domain.text import fold_for_search
from desktop.exchange.catalog_file import HEADERS, catalog_table
from desktop.store.catalog_service import CatalogImported, CatalogService
from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.framework_service import FrameworkService
from desktop.store.import_common import ImportRejected
from desktop.ui import error_report
from desktop.ui.forms import child, load_form
from desktop.ui.workers import BackgroundTask

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
_DESCRIPTION = HEADERS.index("説明")
_HOURS = HEADERS.index("標準時間")
_FEE = HEADERS.index("受講料")
_METHOD = HEADERS.index("実施方法")
_SHOWN_NAMES = {"標準時間": "時間", "育成する分類": "分類"}
# Export choices: the file-dialog filter decides the format and the CSV's encoding.
_EXPORT_FILTERS = {
    "Excel (*.xlsx)": (".xlsx", "cp932"),
    "CSV・Shift_JIS (*.csv)": (".csv", "cp932"),
    "CSV・UTF-8 (*.csv)": (".csv", "utf-8-sig"),
    "JSON (*.json)": (".json", "cp932"),
}
# Widest a column starts (the clerk can widen it): the role columns must stay in view.
_MAX_WIDTHS = {HEADERS.index("講座名"): 270, HEADERS.index("育成する分類"): 170}
_ROLE_WIDTH = 84
_CATEGORIES = HEADERS.index("育成する分類")


class CatalogTableModel(QAbstractTableModel):
    """One row per course, in the catalogue's order: the export's columns without 説明 (a tooltip here)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._rows: list[list[object]] = []
        self._columns: list[int] = []  # shown column → index in the export's row
        self._search: list[str] = []

    def set_catalog(self, catalog: Catalog | None, framework: Framework) -> None:
        self.beginResetModel()
        if catalog is None:
            headers, rows = [*HEADERS, *(r.name for r in framework.roles)], list[list[object]]()
        else:
            headers, rows = catalog_table(catalog, framework)
        self._columns = [i for i in range(len(headers)) if i != _DESCRIPTION]
        self._headers = [_SHOWN_NAMES.get(headers[i], headers[i]) for i in self._columns]
        self._rows = rows
        self._search = [fold_for_search(" ".join(str(cell) for cell in row)) for row in rows]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        source = self._columns[index.column()]
        value = row[source]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown(row, source)
        if role == SORT_ROLE:
            return self._sort_key(source, value)
        if role == SEARCH_ROLE:
            return self._search[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(value if source == _CATEGORIES else row[_DESCRIPTION]) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and source in (_HOURS, _FEE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and source >= len(HEADERS):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and str(value).startswith(Requirement.REQUIRED.label):
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _shown(row: list[object], source: int) -> str:
        value = row[source]
        if source == _FEE:
            monthly = "/月" if row[_METHOD] == DeliveryMethod.SUBSCRIPTION.value else ""
            return f"{value:,}円{monthly}"
        if source == _HOURS:
            return f"{value}時間"
        return str(value)

    @staticmethod
    def _sort_key(source: int, value: object) -> Any:
        if source in (_HOURS, _FEE):
            return float(Decimal(str(value)))
        if source >= len(HEADERS):  # a role's column: 必修 first, in path order, then 推奨, then blank
            text = str(value)
            rank = 0 if text.startswith(Requirement.REQUIRED.label) else 1 if text else 2
            number = text[2:]
            return rank * 10_000 + (int(number) if number.isdigit() else 9_999)
        return str(value)

    def course_code(self, row: int) -> str:
        return str(self._rows[row][0])


class CatalogDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frameworks = FrameworkService(db)
        self._catalogs = CatalogService(db)
        self._framework: Framework | None = None
        self._task: BackgroundTask | None = None
        self.changed = False  # a page showing plans may reload once the catalogue was replaced
        self.setWindowTitle(self.tr("研修カタログと学習パス"))
        self.resize(1280, 640)
        form = load_form("catalog_dialog.ui", self)
        self.name_label = child(form, QLabel, "nameLabel")
        self.source_label = child(form, QLabel, "sourceLabel")
        self.count_label = child(form, QLabel, "countLabel")
        self.status_label = child(form, QLabel, "statusLabel")
        self.filter_edit = child(form, QLineEdit, "filterEdit")
        self.table = child(form, QTableView, "courseTable")
        self.problems_box = child(form, QGroupBox, "problemsBox")
        self.problems_label = child(form, QLabel, "problemsLabel")
        self.problems_list = child(form, QListWidget, "problemsList")
        self.import_button = child(form, QPushButton, "importButton")
        self.export_button = child(form, QPushButton, "exportButton")
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.name_label.setFont(font)

        self.model = CatalogTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterKeyColumn(0)
        self.table.setModel(self.proxy)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Role names are long and their cells short: the headers wrap onto two lines.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        header.setMinimumHeight(header.fontMetrics().height() * 2 + 10)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the catalogue's own order first
        self.table.setSortingEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_file)
        child(form, QPushButton, "copyProblemsButton").clicked.connect(self.copy_problems)
        buttons = child(form, QDialogButtonBox, "buttonBox")
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("閉じる"))
        buttons.rejected.connect(self.reject)
        self.problems_box.hide()
        self.reload()

    # -- showing -------------------------------------------------------------------

    def reload(self) -> None:
        _id, framework = self._frameworks.current()
        self._framework = framework
        current = self._catalogs.current(framework)
        self.model.set_catalog(current.catalog if current else None, framework)
        if current is None:
            self.name_label.setText(self.tr("研修カタログがありません"))
            self.source_label.setText(
                self.tr("診断フレームワーク「{name}」用のカタログを取り込んでください。").format(
                    name=framework.name
                )
            )
        else:
            catalog = current.catalog
            self.name_label.setText(catalog.name)
            origin = (
                self.tr("取込元: {file}").format(file=current.source)
                if current.source
                else self.tr("アプリ同梱の標準カタログ")
            )
            self.source_label.setText(
                self.tr(
                    "{origin}　／　診断フレームワーク: {framework}　／　講座 {count}件、学習パス {paths}件"
                ).format(
                    origin=origin,
                    framework=framework.name,
                    count=len(catalog.courses),
                    paths=sum(1 for p in catalog.paths if p.required or p.recommended),
                )
            )
            self.source_label.setToolTip(catalog.description)
        self.export_button.setEnabled(current is not None)
        self.table.resizeColumnsToContents()
        for column, widest in _MAX_WIDTHS.items():
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        for column in range(len(HEADERS) - 1, self.model.columnCount()):
            self.table.setColumnWidth(column, _ROLE_WIDTH)
        self._update_count()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(fold_for_search(text.strip()))
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(
            self.tr("{shown}件 / {total}件").format(shown=self.proxy.rowCount(), total=self.model.rowCount())
        )

    def shown_codes(self) -> list[str]:
        """The codes in the table as shown: filtered and sorted."""
        return [
            self.model.course_code(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            for row in range(self.proxy.rowCount())
        ]

    # -- import and export -----------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._task is not None

    def import_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("研修カタログを取り込む"),
            "",
            self.tr("研修カタログ (*.xlsx *.csv *.json);;Excel (*.xlsx);;CSV (*.csv);;JSON (*.json)"),
        )
        if not name or self._framework is None:
            return
        path, framework = Path(name), self._framework
        self._run(
            self.tr("取り込んでいます…"),
            lambda: self._catalogs.import_catalog(path, framework),
            self._imported,
        )

    def _imported(self, result: CatalogImported) -> None:
        self.changed = True
        self._show_problems("", [])
        self.reload()
        QMessageBox.information(self, self.tr("取り込みました"), result.summary())

    def export_file(self) -> None:
        if self._framework is None:
            return
        suggested = str(Path.home() / f"研修カタログ_{self._framework.code}.xlsx")
        name, chosen = QFileDialog.getSaveFileName(
            self, self.tr("研修カタログの書き出し先"), suggested, ";;".join(_EXPORT_FILTERS)
        )
        if not name:
            return
        suffix, encoding = _EXPORT_FILTERS.get(chosen, (".xlsx", "cp932"))
        path = Path(name)
        if path.suffix.lower() not in {s for s, _ in _EXPORT_FILTERS.values()}:
            path = path.with_name(path.name + suffix)
        framework = self._framework

        def done(catalog: Catalog) -> None:
            QMessageBox.information(
                self,
                self.tr("書き出しました"),
                self.tr("{file} に講座 {count}件を書き出しました。").format(
                    file=path.name, count=len(catalog.courses)
                ),
            )

        self._run(
            self.tr("書き出しています…"),
            lambda: self._catalogs.export_file(framework, path, encoding=encoding),
            done,
        )

    def _run(self, text: str, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        def finished(result: Any) -> None:
            self._set_busy(False)
            on_done(result)

        self._task = BackgroundTask(self, work, finished, self._failed)
        self._set_busy(True, text)
        self._task.start()

    def _set_busy(self, busy: bool, text: str = "") -> None:
        if not busy:
            self._task = None
        self.status_label.setText(text)
        self.import_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy and self.model.rowCount() > 0)

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, ImportRejected):
            lines = [p.format(error.file_name) for p in error.problems]
            lead = self.tr("{file} に {count}件の問題があるため、何も取り込みませんでした。").format(
                file=error.file_name, count=len(lines)
            )
        elif isinstance(error, UserFacingError):
            lead, *lines = error.message.splitlines()
        else:
            error_report.write_report(error_report.format_report(type(error), error, error.__traceback__))
            lead, lines = self.tr("予期しないエラーのため、何もしていません: {error}").format(error=error), []
        self._show_problems(lead, lines)
        QMessageBox.warning(self, self.tr("研修カタログ"), lead)

    def _show_problems(self, lead: str, lines: list[str]) -> None:
        self.problems_list.clear()
        self.problems_list.addItems(lines)
        self.problems_label.setText(
            lead + (self.tr("\n問題を直したファイルを、もう一度取り込んでください。") if lines else "")
        )
        self.problems_box.setVisible(bool(lead))

    def problem_lines(self) -> list[str]:
        return [self.problems_list.item(i).text() for i in range(self.problems_list.count())]

    def copy_problems(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.problem_lines()))

    def reject(self) -> None:
        if self.busy:  # an import runs in one transaction: it finishes (or not) as a whole
            return
        super().reject()
