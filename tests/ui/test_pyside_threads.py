"""The Qt binding must tolerate the UI thread pumping events while a worker runs Python.

PySide6 6.12.0 does not: processEvents() races with the worker on None's
reference count and the interpreter aborts. The roster loads in a worker, so a
binding with this fault must never be installed. Run in a child process: the
failure mode is an abort, not an exception.
"""

from __future__ import annotations

import os
import subprocess
import sys

PROGRAM = """
import threading
from PySide6.QtWidgets import QApplication
app = QApplication([])

def churn():
    for _ in range(2):
        values = [None for _ in range(2_000_000)]
        del values

for _ in range(3):
    worker = threading.Thread(target=churn)
    worker.start()
    while worker.is_alive():
        app.processEvents()
print("survived")
"""


def test_process_events_beside_a_busy_worker_thread() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0 and "survived" in result.stdout, result.stderr[-2000:]
