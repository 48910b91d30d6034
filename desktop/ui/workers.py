"""Work off the UI thread: a function runs in a worker thread, its result comes back on the UI thread.

No Qt object crosses threads: the worker is a plain Python thread and the UI
thread polls for its result with a QTimer. Passing large Python objects through
queued Qt signals crashed PySide6 here (a refcount error at 50,000 rows).
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

POLL_MS = 15

_executor = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="manabi-worker")
_pending: set[concurrent.futures.Future[Any]] = set()


class BackgroundTask:
    """Runs `work` in a worker thread; `on_done`/`on_error` run on the UI thread.

    The polling timer is a child of `owner`, so a task whose page is gone
    delivers nothing.
    """

    def __init__(
        self,
        owner: QObject,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._work = work
        self._on_done = on_done
        self._on_error = on_error
        self._future: concurrent.futures.Future[Any] | None = None
        self._timer = QTimer(owner)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        self._future = _executor.submit(self._work)
        _pending.add(self._future)
        self._future.add_done_callback(_pending.discard)
        self._timer.start()

    def _poll(self) -> None:
        future = self._future
        if future is None or not future.done():
            return
        self._timer.stop()
        self._timer.deleteLater()
        error = future.exception()
        if error is not None:
            self._on_error(error)
        else:
            self._on_done(future.result())


def wait_for_background_work(timeout_s: float = 10.0) -> None:
    """Before the database closes: no worker may still be reading it."""
    concurrent.futures.wait(list(_pending), timeout=timeout_s)
