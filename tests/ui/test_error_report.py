"""An unexpected error in a slot: a Japanese dialog with the report, a log file, and no exit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.ui import error_report


def test_unexpected_error_is_shown_and_logged(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MANABI_DATA_DIR", str(tmp_path))
    shown: list[tuple[str, str, str]] = []

    def capture(box: QMessageBox) -> int:
        shown.append((box.text(), box.informativeText(), box.detailedText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", capture)
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as exc:
        error_report.handle_exception(type(exc), exc, exc.__traceback__)
    text, informative, details = shown[0]
    assert text == "予期しないエラーが発生しました。"
    assert "保存済みのデータは失われていません" in informative
    assert str(tmp_path / "logs" / "error.log") in informative
    assert "ZeroDivisionError: division by zero" in details
    assert "ZeroDivisionError" in (tmp_path / "logs" / "error.log").read_text(encoding="utf-8")
