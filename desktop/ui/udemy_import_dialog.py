"""Udemy 実績の取込: choose a report, check it (nothing written), then import it; both can be stopped.

The preview and the import each read the whole file in a worker thread. The
worker reports how many rows it has read through a plain Python object that a
timer on the UI thread looks at; the 中止 button sets a flag on the same
object, and the importer's progress callback turns it into ImportCancelled,
which rolls the import back as a whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QTableView,
    QWidget,
)

from desktop.store.errors import UserFacingError
from desktop.store.import_common import ImportCancelled
from desktop.store.udemy_import import UdemyImporter, UdemyOutcome, UnmatchedRow
from desktop.ui import error_report
from desktop.ui.forms import child, load_form
from desktop.ui.workers import BackgroundTask

Index = QModelIndex | QPersistentModelIndex

FILE_FILTER = "Udemy レポート (*.csv);;すべてのファイル (*)"
ENCODINGS: tuple[tuple[str, str | None], ...] = (
    ("自動判定", None),
    ("cp932（Shift_JIS）", "cp932"),
    ("utf-8", "utf-8"),
    ("utf-8-sig（BOM付き）", "utf-8-sig"),
)
PROGRESS_POLL_MS = 100
_ERROR_STYLE = "color: #c62828;"
_DONE_STYLE = "color: #1b5e20;"
_last_folder = ""


class Job:
    """What a worker shares with the UI thread: rows done, rows expected, and the 中止 flag."""

    def __init__(self, total: int = 0) -> None:
        self.total = total
        self.done = 0
        self.cancelled = False

    def progress(self, rows_done: int) -> None:
        """The importer's progress callback; runs in the worker thread."""
        self.done = rows_done
        if self.cancelled:
            raise ImportCancelled()

    def count_rows(self, path: Path) -> None:
        """Roughly how many data rows a CSV holds, for the progress bar (quoted line breaks aside)."""
        if path.suffix.lower() != ".csv":
            return
        lines, last = 0, b"\n"
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                if self.cancelled:
                    raise ImportCancelled()
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        lines += 0 if last == b"\n" else 1
        self.total = max(lines - 1, 0)


class UnmatchedModel(QAbstractTableModel):
    """The rows no learner matched: at most the importer's first 1,000, never hidden."""

    TITLES = ("行", "メールアドレス", "外部ID", "氏名（レポート上）")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[UnmatchedRow] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.TITLES)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells(self._rows[index.row()])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.TITLES):
            return self.tr(self.TITLES[section])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    @staticmethod
    def cells(row: UnmatchedRow) -> tuple[str, str, str, str]:
        return (str(row.line), row.email, row.external_id, row.user_name)

    @property
    def rows(self) -> Sequence[UnmatchedRow]:
        return self._rows

    def set_rows(self, rows: Sequence[UnmatchedRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()


class UdemyImportDialog(QDialog):
    imported = Signal(object)  # the UdemyOutcome of a finished import

    def __init__(self, importer: UdemyImporter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._importer = importer
        self._path: Path | None = None
        self._preview: UdemyOutcome | None = None
        self._task: BackgroundTask | None = None
        self._job: Job | None = None
        self._importing = False
        self.outcome: UdemyOutcome | None = None  # what the last import wrote

        form = load_form("udemy_import_dialog.ui", self)
        self.file_edit = child(form, QLineEdit, "fileEdit")
        self.choose_button = child(form, QPushButton, "chooseButton")
        self.encoding = child(form, QComboBox, "encodingCombo")
        self.encoding_info = child(form, QLabel, "encodingInfoLabel")
        self.progress_panel = child(form, QWidget, "progressPanel")
        self.progress_bar = child(form, QProgressBar, "progressBar")
        self.progress_label = child(form, QLabel, "progressLabel")
        self.cancel_button = child(form, QPushButton, "cancelButton")
        self.summary_label = child(form, QLabel, "summaryLabel")
        self.problems_group = child(form, QGroupBox, "problemsGroup")
        self.problems_note = child(form, QLabel, "problemsNote")
        self.problems_view = child(form, QListView, "problemsView")
        self.unmatched_group = child(form, QGroupBox, "unmatchedGroup")
        self.unmatched_note = child(form, QLabel, "unmatchedNote")
        self.unmatched_view = child(form, QTableView, "unmatchedView")
        self.copy_button = child(form, QPushButton, "copyButton")
        self.valid_only = child(form, QCheckBox, "validOnlyCheck")
        buttons = child(form, QDialogButtonBox, "buttonBox")
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText(self.tr("閉じる"))
        self.import_button = buttons.addButton(self.tr("取り込む"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)

        for label, codec in ENCODINGS:
            self.encoding.addItem(self.tr(label), codec)
        self.problems_model = QStringListModel(self)
        self.problems_view.setModel(self.problems_model)
        self.unmatched_model = UnmatchedModel(self)
        self.unmatched_view.setModel(self.unmatched_model)
        header = self.unmatched_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((64, 300, 120)):
            self.unmatched_view.setColumnWidth(column, width)
        self.unmatched_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)

        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_POLL_MS)
        self._timer.timeout.connect(self._show_progress)
        self.choose_button.clicked.connect(self.choose_file)
        self.encoding.currentIndexChanged.connect(self._encoding_changed)
        self.cancel_button.clicked.connect(self.cancel)
        self.copy_button.clicked.connect(self.copy_unmatched)
        self.valid_only.toggled.connect(lambda _checked: self._update_buttons())
        self.import_button.clicked.connect(self.start_import)

        self.setWindowTitle(self.tr("Udemy 実績の取込"))
        self.resize(820, 680)
        self._show_outcome(None)
        self._set_busy(False)
        self.choose_button.setFocus()

    # -- state -----------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._task is not None

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.progress_panel.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.choose_button.setEnabled(not busy)
        self.encoding.setEnabled(not busy)
        self.progress_label.setText(text)
        if busy:
            self.progress_bar.setRange(0, 0)  # until the rows are counted
            self._timer.start()
        else:
            self._timer.stop()
        self._update_buttons()

    def _importable(self) -> bool:
        preview = self._preview
        if preview is None or self.outcome is not None:
            return False
        if not preview.problems:
            return True
        return self.valid_only.isChecked() and bool(preview.created or preview.updated)

    def _update_buttons(self) -> None:
        busy = self.busy
        preview = self._preview
        has_problems = preview is not None and bool(preview.problems)
        self.valid_only.setEnabled(not busy and has_problems and self.outcome is None)
        self.import_button.setEnabled(not busy and self._importable())
        tip = ""
        if has_problems and self.outcome is None and preview is not None:
            if not (preview.created or preview.updated):
                # The importer refuses a valid-rows-only import that would change nothing.
                tip = self.tr(
                    "エラーの行を除くと、新しく取り込む内容がありません。ファイルを直して選び直してください。"
                )
            elif not self.valid_only.isChecked():
                tip = self.tr(
                    "エラーの行があります。ファイルを直して選び直すか、「エラーの行を除いて取り込む」を選んでください。"
                )
        self.import_button.setToolTip(tip)
        self.copy_button.setEnabled(self.unmatched_model.rowCount() > 0)

    def _show_progress(self) -> None:
        job = self._job
        if job is None:
            return
        if job.total > 0:
            self.progress_bar.setRange(0, job.total)
            self.progress_bar.setValue(min(job.done, job.total))
        verb = self.tr("取り込み") if self._importing else self.tr("確認")
        if job.cancelled:
            self.progress_label.setText(self.tr("中止しています…"))
        elif job.total:
            self.progress_label.setText(
                self.tr("{verb}中… {done} ／ 約 {total} 行").format(
                    verb=verb, done=f"{job.done:,}", total=f"{job.total:,}"
                )
            )
        else:
            self.progress_label.setText(
                self.tr("{verb}中… {done} 行").format(verb=verb, done=f"{job.done:,}")
            )

    # -- choosing and checking ------------------------------------------

    def choose_file(self) -> None:
        global _last_folder
        path, _selected = QFileDialog.getOpenFileName(
            self, self.tr("Udemy Business のレポートを選ぶ"), _last_folder, self.tr(FILE_FILTER)
        )
        if path:
            _last_folder = str(Path(path).parent)
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        """Check `path` in the background: counts, problems and unmatched rows; nothing is written."""
        self._path = path
        self.file_edit.setText(str(path))
        self.outcome = None
        self.valid_only.setChecked(False)
        self._preview_file()

    def _encoding_changed(self) -> None:
        if self._path is not None and not self.busy:
            self._preview_file()

    def encoding_choice(self) -> str | None:
        codec = self.encoding.currentData()
        return None if codec is None else str(codec)

    def _preview_file(self) -> None:
        path, encoding, importer = self._path, self.encoding_choice(), self._importer
        assert path is not None
        self._preview = None
        self._show_outcome(None)
        self.summary_label.setStyleSheet("")
        self.summary_label.setText(self.tr("{name} を確認しています…").format(name=path.name))
        job = Job()

        def work() -> UdemyOutcome:
            job.count_rows(path)
            return importer.preview(path, encoding, progress=job.progress)

        self._run(job, work, self._previewed, importing=False)

    def _previewed(self, outcome: UdemyOutcome) -> None:
        self._preview = outcome
        self._show_outcome(outcome)
        lines = [outcome.summary()]
        if outcome.problems:
            lines.append(
                self.tr("エラーの行が {count} 行あります。").format(count=f"{len(outcome.problems):,}")
            )
        elif outcome.row_count:
            lines.append(self.tr("内容がよければ「取り込む」を押してください。"))
        self.summary_label.setText("\n".join(lines))
        self._update_buttons()

    # -- importing -------------------------------------------------------

    def start_import(self) -> None:
        preview, path = self._preview, self._path
        if preview is None or path is None or self.busy or not self._importable():
            return
        encoding, valid_only, importer = self.encoding_choice(), self.valid_only.isChecked(), self._importer
        self.summary_label.setStyleSheet("")
        self.summary_label.setText(self.tr("{name} を取り込んでいます…").format(name=path.name))
        job = Job(total=preview.row_count)

        def work() -> UdemyOutcome:
            return importer.run(
                path,
                encoding,
                valid_rows_only=valid_only,
                expected_sha256=preview.sha256,
                progress=job.progress,
            )

        self._run(job, work, self._imported, importing=True)

    def _imported(self, outcome: UdemyOutcome) -> None:
        self.outcome = outcome
        self._show_outcome(outcome)
        self.summary_label.setStyleSheet(_DONE_STYLE)
        self.summary_label.setText(outcome.summary())
        self._update_buttons()
        self.imported.emit(outcome)

    # -- running work ----------------------------------------------------

    def _run(
        self,
        job: Job,
        work: Callable[[], UdemyOutcome],
        on_done: Callable[[UdemyOutcome], None],
        *,
        importing: bool,
    ) -> None:
        self._job = job
        self._importing = importing

        def done(result: Any) -> None:
            self._finished()
            on_done(result)

        self._task = BackgroundTask(self, work, done, lambda error: self._failed(error, importing))
        self._set_busy(True, self.tr("取り込み中…") if importing else self.tr("確認中…"))
        self._task.start()

    def _finished(self) -> None:
        self._task = None
        self._job = None
        self._set_busy(False)

    def _failed(self, error: BaseException, importing: bool) -> None:
        self._finished()
        self.summary_label.setStyleSheet(_ERROR_STYLE)
        if isinstance(error, ImportCancelled):
            self.summary_label.setText(
                self.tr("中止しました。何も書き込んでいません。")
                if importing
                else self.tr("確認を中止しました。何も書き込んでいません。")
            )
            if not importing:
                self._preview = None
        elif isinstance(error, UserFacingError):
            self.summary_label.setText(error.message)
            self._preview = None  # a changed or unreadable file must be checked again
        else:
            error_report.write_report(error_report.format_report(type(error), error, error.__traceback__))
            self.summary_label.setText(
                self.tr("予期しないエラーのため、何も取り込んでいません: {error}").format(error=error)
            )
            self._preview = None
        self._update_buttons()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancelled = True
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(self.tr("中止しています…"))

    def reject(self) -> None:
        # Closing while a worker runs stops it first: an import must not go on unseen.
        if self.busy:
            self.cancel()
            return
        super().reject()

    # -- the lists -------------------------------------------------------

    def _show_outcome(self, outcome: UdemyOutcome | None) -> None:
        problems = [] if outcome is None else [p.format(outcome.file_name) for p in outcome.problems]
        self.problems_model.setStringList(problems)
        unmatched = [] if outcome is None else outcome.unmatched
        self.unmatched_model.set_rows(unmatched)
        if outcome is None:
            self.encoding_info.clear()
            self.problems_note.setText(self.tr("ファイルを選ぶと、ここにエラーの行を表示します。"))
            self.unmatched_note.setText(self.tr("ファイルを選ぶと、ここに名簿と照合できない行を表示します。"))
            self._update_buttons()
            return
        if outcome.table.encoding:
            self.encoding_info.setText(
                self.tr("読み取った文字コード: {codec}").format(codec=outcome.table.encoding)
            )
        done = outcome.batch_id is not None
        if problems and done:
            self.problems_note.setText(
                self.tr("次の {count} 行はエラーのため取り込んでいません。").format(
                    count=f"{len(problems):,}"
                )
            )
            self.problems_note.setStyleSheet(_ERROR_STYLE)
        elif problems:
            self.problems_note.setText(
                self.tr(
                    "{count} 行にエラーがあります。このままでは取り込めません。"
                    "ファイルを直して選び直すか、「エラーの行を除いて取り込む」を選んでください。"
                ).format(count=f"{len(problems):,}")
            )
            self.problems_note.setStyleSheet(_ERROR_STYLE)
        else:
            self.problems_note.setText(self.tr("エラーの行はありません。"))
            self.problems_note.setStyleSheet("")
        count = outcome.unmatched_count
        if count == 0:
            self.unmatched_note.setText(self.tr("名簿と照合できない行はありません。"))
            self.unmatched_note.setStyleSheet("")
        else:
            text = (
                self.tr("{count} 行は名簿の受講者と照合できないため取り込んでいません。")
                if done
                else self.tr("{count} 行は名簿の受講者と照合できないため取り込みません。")
            ).format(count=f"{count:,}")
            text += self.tr("名簿のメールアドレス・受講者番号を確かめてから、もう一度取り込んでください。")
            if count > len(unmatched):
                text += self.tr("（最初の {shown} 行を表示）").format(shown=f"{len(unmatched):,}")
            self.unmatched_note.setText(text)
            self.unmatched_note.setStyleSheet(_ERROR_STYLE)
        self._update_buttons()

    def unmatched_text(self) -> str:
        """The unmatched rows as tab-separated lines with a header: pastes into Excel as a table."""
        lines = ["\t".join(self.tr(title) for title in UnmatchedModel.TITLES)]
        lines += ["\t".join(UnmatchedModel.cells(row)) for row in self.unmatched_model.rows]
        return "\n".join(lines) + "\n"

    def copy_unmatched(self) -> None:
        if not self.unmatched_model.rowCount():
            return
        QGuiApplication.clipboard().setText(self.unmatched_text())
        self.copy_button.setText(self.tr("コピーしました"))
        QTimer.singleShot(2000, self, lambda: self.copy_button.setText(self.tr("一覧をコピー")))
