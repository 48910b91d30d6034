"""Long work (batch printing, bulk import) off the UI thread, behind a progress dialog with 中止."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.ui.workers import BackgroundTask


class Cancelled(Exception):
    """Raised inside the work when 中止 was pressed; the work must leave nothing half-written."""


class ProgressTask:
    """Runs work(progress) in a worker; progress(done) reports and raises Cancelled after 中止."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        total: int,
        work: Callable[[Callable[[int], None]], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._cancel = threading.Event()
        self._done = 0
        self.dialog = QProgressDialog(title, "中止", 0, max(1, total), parent)
        self.dialog.setWindowTitle("処理中")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.canceled.connect(self._cancel.set)
        self._timer = QTimer(self.dialog)
        self._timer.setInterval(50)
        self._timer.timeout.connect(lambda: self.dialog.setValue(min(self._done, self.dialog.maximum())))

        def progress(done: int) -> None:
            self._done = done
            if self._cancel.is_set():
                raise Cancelled

        def finished(result: Any) -> None:
            self._close()
            on_done(result)

        def failed(error: BaseException) -> None:
            self._close()
            on_error(error)

        self._task = BackgroundTask(parent, lambda: work(progress), finished, failed)

    def start(self) -> None:
        self._timer.start()
        self._task.start()

    def cancel(self) -> None:
        self._cancel.set()

    def _close(self) -> None:
        self._timer.stop()
        self.dialog.reset()
        self.dialog.close()
        self.dialog.deleteLater()


_running: set[ProgressTask] = set()


def run_with_progress(
    parent: QWidget,
    title: str,
    total: int,
    work: Callable[[Callable[[int], None]], Any],
    on_done: Callable[[Any], None],
    *,
    heading: str = "印刷",
) -> None:
    """Start a ProgressTask kept alive until it ends; 中止 and failures are told in a box titled `heading`."""
    holder: list[ProgressTask] = []

    def done(result: Any) -> None:
        _running.difference_update(holder)
        on_done(result)

    def failed(error: BaseException) -> None:
        _running.difference_update(holder)
        if isinstance(error, Cancelled):
            QMessageBox.information(parent, heading, "中止しました。ファイルは作成していません。")
        else:
            message = getattr(error, "message", None) or str(error)
            QMessageBox.warning(parent, heading, message)

    task = ProgressTask(parent, title, total, work, done, failed)
    holder.append(task)
    _running.add(task)
    task.start()
