"""監査ログ (管理者): who changed or printed what, filtered, and written out. Nothing here edits it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.audit import ENTITY_LABELS, AuditAction
from desktop.store.audit_views import (
    HEADERS,
    AuditFilter,
    AuditRow,
    actor_logins,
    audit_rows,
    export_audit,
    export_size,
)
from desktop.store.database import Database
from desktop.ui.progress_task import run_with_progress
from desktop.ui.rows_model import Column, RowsModel
from desktop.ui.workers import BackgroundTask

TITLE = "監査ログ"
SHOWN = 5000


def _cell(row: AuditRow, index: int) -> str:
    value = row.cells()[index]
    if value is None:
        return ""
    if index == 0:
        return f"{row.at:%Y/%m/%d %H:%M:%S}"
    return str(value)


def _column(index: int, header: str) -> Column[AuditRow]:
    def text(row: AuditRow) -> str:
        return _cell(row, index)

    def when(row: AuditRow) -> object:
        return row.at

    return Column[AuditRow](header, text, when if index == 0 else None)


class AuditModel(RowsModel[AuditRow]):
    columns = tuple(_column(i, header) for i, header in enumerate(HEADERS))


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy/MM/dd")
    return edit


class AuditDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.resize(1200, 640)
        self._db = db
        today = today or date.today()
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.use_period = QCheckBox("期間")
        self.use_period.setChecked(True)
        self.since = _date_edit(date(today.year, today.month, 1))
        self.until = _date_edit(today)
        self.actor = QComboBox()
        self.actor.setObjectName("actorCombo")
        self.actor.addItem("すべての利用者", "")
        for login in actor_logins(db):
            self.actor.addItem(login, login)
        self.action = QComboBox()
        self.action.setObjectName("actionCombo")
        self.action.addItem("すべての操作", "")
        for action in AuditAction:
            self.action.addItem(action.label, action.value)
        self.entity = QComboBox()
        self.entity.setObjectName("entityCombo")
        self.entity.addItem("すべての対象", "")
        for key, label in ENTITY_LABELS.items():
            self.entity.addItem(label, key)
        self.text = QLineEdit()
        self.text.setObjectName("searchEdit")
        self.text.setPlaceholderText("名前・値・内容で検索")
        self.text.setClearButtonEnabled(True)
        for widget in (
            self.use_period,
            self.since,
            QLabel("〜"),
            self.until,
            self.actor,
            self.action,
            self.entity,
        ):
            filters.addWidget(widget)
        filters.addWidget(self.text, 1)
        layout.addLayout(filters)
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        bottom.addWidget(self.count, 1)
        export = QPushButton("絞り込んだ結果を書き出す(&X)…")
        export.setObjectName("exportButton")
        export.clicked.connect(self.export)
        close = QPushButton("閉じる")
        close.clicked.connect(self.accept)
        bottom.addWidget(export)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        for signal in (
            self.actor.currentIndexChanged,
            self.action.currentIndexChanged,
            self.entity.currentIndexChanged,
        ):
            signal.connect(self.reload)
        self.use_period.toggled.connect(self.reload)
        self.since.dateChanged.connect(self.reload)
        self.until.dateChanged.connect(self.reload)
        self.text.returnPressed.connect(self.reload)
        self.text.textChanged.connect(lambda text: self.reload() if not text else None)
        self._reading: AuditFilter | None = None
        self._wanted: AuditFilter | None = None
        self._task: BackgroundTask | None = None
        self.reload()

    def conditions(self) -> AuditFilter:
        since = until = None
        if self.use_period.isChecked():
            since, until = self.since.date().toPython(), self.until.date().toPython()
        action = self.action.currentData()
        return AuditFilter(
            since=since,  # type: ignore[arg-type]
            until=until,  # type: ignore[arg-type]
            actor_login=self.actor.currentData() or None,
            action=AuditAction(action) if action else None,
            entity=self.entity.currentData() or None,
            text=self.text.text(),
        )

    def reload(self) -> None:
        """Read the entries for the filters off the UI thread; filters changed meanwhile read again."""
        conditions = self.conditions()
        if self._reading is not None:
            self._wanted = conditions
            return
        self._reading = conditions
        self.count.setText("読み込んでいます…")
        task = BackgroundTask(self, lambda: audit_rows(self._db, conditions, SHOWN), self._show, self._failed)
        self._task = task
        task.start()

    @property
    def loading(self) -> bool:
        return self._reading is not None

    def _show(self, result: tuple[list[AuditRow], int]) -> None:
        rows, total = result
        read, self._reading = self._reading, None
        wanted, self._wanted = self._wanted, None
        if wanted is not None and wanted != read:
            self.reload()
            return
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
        shown = f"（新しい順に{SHOWN:,}件を表示。すべては書き出しで）" if total > len(rows) else ""
        self.count.setText(f"{total:,}件{shown}　監査ログは変更も削除もできません。")

    def _failed(self, error: BaseException) -> None:
        self._reading = self._wanted = None
        self.count.setText(getattr(error, "message", None) or f"読み込めませんでした: {error}")

    def export(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "監査ログの保存先",
            str(Path.home() / f"監査ログ_{date.today():%Y%m%d}.xlsx"),
            "Excel ブック (*.xlsx);;CSV (*.csv)",
        )
        if not chosen:
            return
        out = Path(chosen)
        if out.suffix.lower() not in (".xlsx", ".csv"):
            out = out.with_name(out.name + ".xlsx")
        conditions = self.conditions()
        total = export_size(self._db, conditions)

        def work(progress: Callable[[int], None]) -> int:
            return export_audit(self._db, conditions, out, progress)

        def done(count: object) -> None:
            QMessageBox.information(self, TITLE, f"{out.name} に監査ログ{count:,}件を書き出しました。")
            self.reload()

        run_with_progress(self, f"監査ログ{total:,}件を書き出しています…", total, work, done, heading=TITLE)
