"""Printing 学習計画書 from the screens: preview in the app, or PDFs written to a file or a folder.

The sheets are gathered and laid out off the UI thread, behind a progress
dialog with 中止; a cancelled run leaves no file behind.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.domain.audit import AuditAction
from desktop.store.audit_log import Fact, record, recorded_output
from desktop.ui.progress_task import run_with_progress

if TYPE_CHECKING:
    from desktop.store.database import Database

HEADING = "学習計画書"
_previews: list[tempfile.TemporaryDirectory[str]] = []  # removed when the app exits


def output_recorder(db: Database, what: str, people: int) -> Callable[[str], None]:
    """For a preview window: its print (or handing the file to another app) goes in the audit log."""

    def record_output(how: str) -> None:
        record(db, Fact(AuditAction.PRINT, "file", None, what, detail=f"{people:,}人分　プレビューから{how}"))

    return record_output


def preview_plans(parent: QWidget, db: Database, plan_ids: Sequence[int]) -> None:
    """Lay the sheets out into a temporary PDF and open it in the preview window."""
    from desktop.plan_printing import plan_sheets
    from desktop.reports.plan_sheet import write_plan_sheets

    if not _previews:
        _previews.append(tempfile.TemporaryDirectory(prefix="manabi-preview-"))
    ids = list(plan_ids)
    path = Path(_previews[0].name) / f"学習計画書_{date.today():%Y%m%d}_{ids[0]}_{len(ids)}.pdf"

    def work(progress: Any) -> None:
        with recorded_output(db, AuditAction.PRINT, HEADING, people=len(ids), target="プレビュー"):
            write_plan_sheets(path, plan_sheets(db, ids), date.today(), progress)

    def done(_result: object) -> None:
        from desktop.ui.pdf_preview import show_pdf

        show_pdf(
            parent, path, f"学習計画書のプレビュー（{len(ids)}名）", output_recorder(db, HEADING, len(ids))
        )

    run_with_progress(parent, "学習計画書を作成しています…", len(ids), work, done, heading=HEADING)


def export_plans(parent: QWidget, db: Database, plan_ids: Sequence[int], first_name: str) -> None:
    """Ask one PDF or a folder of PDFs (one per learner), then write them."""
    from desktop.plan_printing import plan_sheets
    from desktop.reports.plan_sheet import write_plan_sheet_folder, write_plan_sheets

    ids = list(plan_ids)
    separate = False
    if len(ids) > 1:
        box = QMessageBox(parent)
        box.setWindowTitle(HEADING)
        box.setText(f"{len(ids)}名分の学習計画書を書き出します。どのように書き出しますか？")
        combined = box.addButton("1つのPDFにまとめる", QMessageBox.ButtonRole.AcceptRole)
        folder = box.addButton("1人1ファイルでフォルダに出す", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("キャンセル", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() not in (combined, folder):
            return
        separate = box.clickedButton() is folder
    if separate:
        chosen = QFileDialog.getExistingDirectory(parent, "学習計画書を書き出すフォルダ", str(Path.home()))
        if not chosen:
            return
        target = Path(chosen)

        def work(progress: Any) -> object:
            with recorded_output(db, AuditAction.PRINT, HEADING, people=len(ids), target=str(target)):
                return write_plan_sheet_folder(target, plan_sheets(db, ids), date.today(), progress)

        message = f"{target} に {len(ids)}名分の学習計画書を1人1ファイルで書き出しました。"
    else:
        name, _ = QFileDialog.getSaveFileName(parent, "保存先", str(Path.home() / first_name), "PDF (*.pdf)")
        if not name:
            return
        target = Path(name) if name.lower().endswith(".pdf") else Path(f"{name}.pdf")

        def work(progress: Any) -> object:
            with recorded_output(db, AuditAction.PRINT, HEADING, people=len(ids), target=str(target)):
                write_plan_sheets(target, plan_sheets(db, ids), date.today(), progress)
            return None

        message = f"{target.name} に {len(ids)}名分の学習計画書を書き出しました。"

    def done(_result: object) -> None:
        QMessageBox.information(parent, HEADING, message)

    run_with_progress(parent, "学習計画書を作成しています…", len(ids), work, done, heading=HEADING)
