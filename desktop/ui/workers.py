"""Work off the UI thread: a function runs in the thread pool, its result comes back as a signal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    # Emitted from the worker thread; Qt queues it to the thread the relay lives in.
    finished = Signal(object)
    failed = Signal(object)


class BackgroundTask(QRunnable):
    """Runs `work` in the global thread pool; `on_done`/`on_error` run on the UI thread."""

    def __init__(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the owner keeps it until a result arrives
        self._work = work
        self.relay = _Relay()
        self.relay.finished.connect(on_done)
        self.relay.failed.connect(on_error)

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # handed to the UI thread, which shows it
            self.relay.failed.emit(exc)
        else:
            self.relay.finished.emit(result)

    def start(self) -> None:
        QThreadPool.globalInstance().start(self)


def wait_for_background_work(timeout_ms: int = 10_000) -> None:
    """Before the database closes: no worker may still be reading it."""
    QThreadPool.globalInstance().waitForDone(timeout_ms)
