"""An unexpected error: a Japanese dialog with a copyable report, a log file, and the app keeps running."""

from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_NAME, __version__
from desktop.resources import data_dir
from desktop.store.errors import UserFacingError

LOG_NAME = "error.log"
_showing = False


def log_path() -> Path:
    return data_dir() / "logs" / LOG_NAME


def write_report(report: str) -> Path | None:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(report + "\n")
    except OSError:
        return None
    return path


def format_report(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> str:
    stamp = datetime.now().isoformat(timespec="seconds")
    trace = "".join(traceback.format_exception(kind, error, tb))
    return f"--- {stamp} {APP_NAME} {__version__} (Python {sys.version.split()[0]})\n{trace}"


def handle_exception(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the window: Qt calls Python slots, so an error there lands here.

    A UserFacingError that no page caught (a save refused because the database
    is read-only, say) is a notice with its own message, not an unexpected error.
    """
    global _showing
    if isinstance(error, UserFacingError):
        print(error.message, file=sys.stderr)
        if QApplication.instance() is not None:
            QMessageBox.warning(QApplication.activeWindow(), APP_NAME, error.message)
        return
    report = format_report(kind, error, tb)
    print(report, file=sys.stderr)
    path = write_report(report)
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, "予期しないエラーが発生しました。")
        where = f"\n記録ファイル: {path}" if path else ""
        box.setInformativeText(
            "保存済みのデータは失われていません。直前の操作は保存されていない可能性があります。"
            "もう一度操作してください。繰り返し起きる場合は、「詳細を表示」の内容を担当者に伝えてください。"
            + where
        )
        box.setDetailedText(report)
        box.exec()
    finally:
        _showing = False


def install() -> None:
    sys.excepthook = handle_exception
