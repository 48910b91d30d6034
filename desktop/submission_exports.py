"""Writing one submission export from the database: what the CLI's ``export`` and the 提出用出力 page share.

Between the layers on purpose, like plan_printing: it reads through the store
and writes through exchange, and neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.domain.audit import AuditAction
from desktop.exchange.submission_book import BookHeading, write_submission_book
from desktop.store.audit_log import recorded_output
from desktop.store.database import Database
from desktop.store.import_common import current_user, file_errors
from desktop.store.submission_views import scope_text

if TYPE_CHECKING:
    from desktop.exchange.template_fill import TemplateMapping

KINDS = {
    "procurement": "共同調達 利用者一覧",
    "records": "研修実績一覧",
    "effect": "効果検証報告",
}


def write_export(
    db: Database,
    kind: str,
    out: Path,
    fiscal_year: int,
    organization_id: int | None,
    organization_name: str | None,
    *,
    wareki: bool = False,
    made_by: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> str:
    """Write `kind` for the 年度 (and 団体) to `out`; a one-line summary of what it holds.

    `progress(n)` is told 0 when the data is read and 1 when the file is
    written, and may raise to cancel (nothing is left at `out`).
    """
    from desktop.exchange.submission_sheets import (
        EFFECT_SHEET,
        PROCUREMENT_SHEET,
        RECORDS_SHEET,
        TO_CHECK_SHEET,
        effect_sheets,
        procurement_sheets,
        records_sheets,
    )
    from desktop.store.submission_views import effect_report, procurement_list, records_report

    report = progress or (lambda _done: None)
    heading = BookHeading(
        KINDS[kind],
        datetime.now().replace(microsecond=0),
        made_by if made_by is not None else current_user(),
        scope_text(fiscal_year, organization_name),
    )
    what = f"{KINDS.get(kind, kind)}（{fiscal_year}年度）"
    with recorded_output(db, AuditAction.EXPORT, what, target=str(out)) as note, file_errors():
        if kind == "procurement":
            data = procurement_list(db, fiscal_year, organization_id)
            report(0)
            counts = write_submission_book(out, heading, procurement_sheets(data), wareki=wareki)
            summary = f"{counts[PROCUREMENT_SHEET]:,}名（要確認 {counts[TO_CHECK_SHEET]:,}名）"
        elif kind == "records":
            with records_report(db, fiscal_year, organization_id) as records:
                report(0)
                counts = write_submission_book(out, heading, records_sheets(records), wareki=wareki)
            summary = f"{counts[RECORDS_SHEET]:,}件の受講記録"
        elif kind == "effect":
            effect = effect_report(db, fiscal_year, organization_id)
            report(0)
            if effect.framework:  # a printed figure says which framework version made it
                heading = replace(heading, conditions=[*heading.conditions, ("スキル診断", effect.framework)])
            counts = write_submission_book(out, heading, effect_sheets(effect), wareki=wareki)
            summary = f"{counts[EFFECT_SHEET]:,}名の事前・事後の比較"
        else:
            raise ValueError(f"unknown export kind: {kind}")
        note.summary = summary
    report(1)
    return summary


def fill_procurement_template(
    db: Database,
    template: Path,
    out: Path,
    mapping: TemplateMapping,
    fiscal_year: int,
    organization_id: int | None,
) -> int:
    """The 利用者一覧 written into a distributed 様式 (template_fill); how many users it holds."""
    from desktop.exchange.template_fill import fill_template

    rows = procurement_fields(db, fiscal_year, organization_id)
    with recorded_output(
        db,
        AuditAction.EXPORT,
        f"共同調達 利用者一覧（様式 {template.name}）",
        people=len(rows),
        target=str(out),
    ):
        return fill_template(template, out, mapping, rows)


def procurement_fields(
    db: Database, fiscal_year: int, organization_id: int | None
) -> list[dict[str, object]]:
    """The 利用者一覧 as {field key: value} rows, the form a distributed template is filled from."""
    from desktop.store.submission_views import procurement_list

    return [
        {
            "organization": user.organization,
            "department": user.department,
            "number": user.number,
            "name": user.name,
            "furigana": user.furigana,
            "email": user.email,
            "kind": user.kind,
            "start_date": user.start_on,
            "notes": user.notes,
        }
        for user in procurement_list(db, fiscal_year, organization_id).users
    ]
