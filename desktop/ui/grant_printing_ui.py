"""The 助成金 worksheets from the page: preview in the app, the PDF to a file, the trainee list as Excel.

Laid out off the UI thread behind a progress dialog with 中止; a cancelled or
failed run leaves no file behind (the writers stage to .part first).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.domain.audit import AuditAction
from desktop.reports.pdf_folder import safe_name_part
from desktop.store.audit_log import recorded_output
from desktop.store.grant_service import GrantService
from desktop.store.grant_views import GrantPlanView
from desktop.ui.progress_task import run_with_progress

HEADING = "助成金の記入シート"
_previews: list[tempfile.TemporaryDirectory[str]] = []  # removed when the app exits


def sheet_file_name(view: GrantPlanView, suffix: str = ".pdf", what: str = "記入シート") -> str:
    """「みなと精工株式会社_DX推進のための業務改善基礎_記入シート.pdf」: Windows-safe."""
    parts = [safe_name_part(view.establishment), safe_name_part(view.title)[:40], what]
    return "_".join(part for part in parts if part) + suffix


def _made_by() -> str:
    from desktop.store.import_common import current_user

    return current_user()


def _write_pdf(service: GrantService, plan_id: int, path: Path) -> Callable[[Any], None]:
    def work(progress: Any) -> None:
        from desktop.grant_printing import grant_sheet_data
        from desktop.reports.grant_sheet_data import SheetKind
        from desktop.reports.grant_sheets import write_grant_sheets

        data = grant_sheet_data(service, plan_id, date.today(), made_by=_made_by())
        progress(0)
        people = len(data.trainees)
        with recorded_output(
            service.db, AuditAction.PRINT, f"助成金の記入シート {data.title}", people=people, target=str(path)
        ):
            write_grant_sheets(path, data, tuple(SheetKind))
        progress(1)

    return work


def preview_sheets(parent: QWidget, service: GrantService, view: GrantPlanView) -> None:
    if not _previews:
        _previews.append(tempfile.TemporaryDirectory(prefix="manabi-grant-preview-"))
    path = Path(_previews[0].name) / sheet_file_name(view)

    def done(_result: object) -> None:
        from desktop.ui.pdf_preview import show_pdf
        from desktop.ui.plan_printing_ui import output_recorder

        recorder = output_recorder(service.db, f"助成金の記入シート {view.title}", len(view.trainees))
        show_pdf(parent, path, f"記入シートのプレビュー（{view.title}）", recorder)

    run_with_progress(
        parent, "記入シートを作成しています…", 1, _write_pdf(service, view.id, path), done, heading=HEADING
    )


def export_sheets(parent: QWidget, service: GrantService, view: GrantPlanView) -> None:
    target = _ask_path(parent, sheet_file_name(view), "PDF (*.pdf)", ".pdf")
    if target is None:
        return

    def done(_result: object) -> None:
        QMessageBox.information(
            parent, HEADING, f"{target.name} に記入シート（概要・受講者一覧・計算）を書き出しました。"
        )

    run_with_progress(
        parent, "記入シートを作成しています…", 1, _write_pdf(service, view.id, target), done, heading=HEADING
    )


def export_trainee_list(parent: QWidget, service: GrantService, view: GrantPlanView) -> None:
    target = _ask_path(parent, sheet_file_name(view, ".xlsx", "受講者一覧"), "Excel ブック (*.xlsx)", ".xlsx")
    if target is None:
        return

    def work(progress: Any) -> object:
        from desktop.exchange.grant_trainees_file import write_trainee_list_xlsx
        from desktop.grant_printing import grant_sheet_data

        data = grant_sheet_data(service, view.id, date.today(), made_by=_made_by())
        progress(0)
        people = len(data.trainees)
        with recorded_output(
            service.db,
            AuditAction.EXPORT,
            f"助成金の受講者一覧 {view.title}",
            people=people,
            target=str(target),
        ):
            return write_trainee_list_xlsx(target, data)

    def done(count: object) -> None:
        QMessageBox.information(parent, HEADING, f"{target.name} に受講者{count}名の一覧を書き出しました。")

    run_with_progress(parent, "受講者一覧を書き出しています…", 1, work, done, heading=HEADING)


def _ask_path(parent: QWidget, name: str, pattern: str, suffix: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, "保存先", str(Path.home() / name), pattern)
    if not chosen:
        return None
    return Path(chosen) if chosen.lower().endswith(suffix) else Path(chosen + suffix)
