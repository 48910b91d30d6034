"""取込履歴: every import, newest first, and undoing one as a whole (Ctrl+Z)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.import_history import BatchInfo, ImportHistory
from desktop.ui.workers import BackgroundTask

Index = QModelIndex | QPersistentModelIndex

HISTORY_COLUMNS = ("番号", "日時", "種類", "ファイル", "件数", "取込者", "状態")
COL_ID, COL_WHEN, COL_KIND, COL_FILE, COL_COUNTS, COL_USER, COL_STATE = range(len(HISTORY_COLUMNS))
_COLUMN_WIDTHS = (52, 132, 150, 220, 300, 96)  # the last column stretches
_UNDONE_TEXT = QBrush(QColor("#8a8a8a"))


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportHistoryDialog", text)


def local_time(moment: datetime) -> str:
    """A stored naive-UTC moment as the clerk's clock shows it."""
    return moment.replace(tzinfo=UTC).astimezone().strftime("%Y/%m/%d %H:%M")


class BatchTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._batches: list[BatchInfo] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._batches)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HISTORY_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._batches)):
            return None
        batch = self._batches[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(batch, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_COUNTS:
                return _tr("{counts}（ファイルのデータ {rows} 行）").format(
                    counts=batch.counts_text, rows=f"{batch.row_count:,}"
                )
            return self._text(batch, column)
        if role == Qt.ItemDataRole.ForegroundRole and batch.undone_at is not None:
            return _UNDONE_TEXT
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_ID:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(batch: BatchInfo, column: int) -> str:
        if column == COL_ID:
            return str(batch.id)
        if column == COL_WHEN:
            return local_time(batch.created_at)
        if column == COL_KIND:
            return batch.kind.label
        if column == COL_FILE:
            return batch.file_name
        if column == COL_COUNTS:
            return batch.counts_text
        if column == COL_USER:
            return batch.user_name
        if batch.undone_at is None:
            return ""
        by = f"・{batch.undone_by}" if batch.undone_by else ""
        return _tr("取消済み（{when}{by}）").format(when=local_time(batch.undone_at), by=by)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HISTORY_COLUMNS):
            return _tr(HISTORY_COLUMNS[section])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def set_batches(self, batches: Sequence[BatchInfo]) -> None:
        self.beginResetModel()
        self._batches = list(batches)
        self.endResetModel()

    def batch_at(self, row: int) -> BatchInfo:
        return self._batches[row]

    def row_of(self, batch_id: int) -> int:
        return next((row for row, b in enumerate(self._batches) if b.id == batch_id), -1)


class ImportHistoryDialog(QDialog):
    """Lists imports; 「この取込を取り消す…」 (Ctrl+Z) undoes the selected one after asking."""

    undone = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history = ImportHistory(db)
        self._task: BackgroundTask | None = None
        self.undone_batches: list[int] = []
        self.last_message = ""
        self.setWindowTitle(self.tr("取込履歴"))

        intro = QLabel(
            self.tr(
                "取込を取り消すと、その取込で追加した受講者を削除し、更新した受講者を取込前の内容に戻します。"
                "取り消せるのは、新しい取込から順番にです。"
            )
        )
        intro.setWordWrap(True)
        self.model = BatchTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName(self.tr("取込の一覧"))
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(_COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.status_label = QLabel()
        self.undo_button = QPushButton(self.tr("この取込を取り消す(&U)… (Ctrl+Z)"))
        self.undo_button.setAutoDefault(False)
        self.close_button = QPushButton(self.tr("閉じる"))
        self.close_button.clicked.connect(self.accept)
        self.undo_button.clicked.connect(self.undo_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        shortcut = QShortcut(QKeySequence.StandardKey.Undo, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.undo_selected)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.activated.connect(self.refresh)

        self.resize(1260, 480)
        self.refresh()
        self.table.setFocus()

    @property
    def busy(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        selected = self.selected_batch()
        try:
            batches = self._history.batches()
        except UserFacingError as exc:
            QMessageBox.warning(self, self.tr("取込履歴を読み込めません"), exc.message)
            return
        self.model.set_batches(batches)
        row = self.model.row_of(selected.id) if selected is not None else -1
        if row < 0 and batches:
            # The newest import still in force: the one an undo can take back.
            row = next((r for r, b in enumerate(batches) if b.undone_at is None), 0)
        if row >= 0:
            self.table.selectRow(row)
        if not batches:
            self.status_label.setText(self.tr("まだ取込はありません。"))
        self._update_buttons()

    def selected_batch(self) -> BatchInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.batch_at(rows[0].row())

    def select_batch(self, batch_id: int) -> None:
        row = self.model.row_of(batch_id)
        if row >= 0:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        batch = self.selected_batch()
        self.undo_button.setEnabled(not self.busy and batch is not None and batch.undone_at is None)
        self.close_button.setEnabled(not self.busy)

    def undo_selected(self) -> None:
        batch = self.selected_batch()
        if batch is None or self.busy:
            return
        if batch.undone_at is not None:
            self.status_label.setText(self.tr("取込番号 {id} は取り消し済みです。").format(id=batch.id))
            return
        answer = QMessageBox.question(
            self,
            self.tr("取込の取り消し"),
            self.tr(
                "取込番号 {id}（{file}、{when}）を取り消します。\n"
                "この取込の内容: {counts}\n\n"
                "追加した受講者は名簿から削除し、更新・退職にした受講者は取込前の内容に戻します。"
                "取込の後で画面から変更された受講者がいるときは、取り消しません。\n\n"
                "取り消してよろしいですか？"
            ).format(
                id=batch.id, file=batch.file_name, when=local_time(batch.created_at), counts=batch.counts_text
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        history, batch_id = self._history, batch.id
        self.status_label.setText(self.tr("取り消しています…"))
        self._task = BackgroundTask(
            self, lambda: history.undo(batch_id), lambda text: self._undone(batch_id, text), self._undo_failed
        )
        self._task.start()
        self._update_buttons()

    def _undone(self, batch_id: int, message: str) -> None:
        self._task = None
        self.undone_batches.append(batch_id)
        self.last_message = message
        self.status_label.clear()
        self.refresh()
        self.undone.emit(batch_id)
        QMessageBox.information(self, self.tr("取り消しました"), message)

    def _undo_failed(self, error: BaseException) -> None:
        self._task = None
        self.status_label.clear()
        self._update_buttons()
        if not isinstance(error, UserFacingError):
            raise error
        QMessageBox.warning(self, self.tr("取り消せません"), error.message)
        self.refresh()

    def reject(self) -> None:
        if self.busy:
            return  # the undo is one transaction in progress: wait for its answer
        super().reject()
