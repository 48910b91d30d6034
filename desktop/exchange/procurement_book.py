"""The merged 共同調達 workbook the lead prefecture keeps and sends to the vendor.

Three sheets: every user (利用者一覧), the count per organization for the
contract volume (団体別人数), and everything to send back to a participant
(要確認). Each sheet is a plain list with its header in row 1, so filtering
and sorting in Excel work without touching a title block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from desktop.domain.text import reading_sort_keys
from desktop.exchange.procurement_merge import FIELD_HEADERS, FIELD_KEYS, MergedRow, MergeResult
from desktop.exchange.tabular import _display_width, save_workbook

DATE_FORMAT = "yyyy/mm/dd"
USER_HEADERS: tuple[str, ...] = (*(FIELD_HEADERS[key] for key in FIELD_KEYS), "要確認", "取込元")
COUNT_HEADERS: tuple[str, ...] = ("団体名", "人数", "うち要確認")
CHECK_HEADERS: tuple[str, ...] = ("種別", "取込元", "団体名", "列", "内容")
NO_ORGANIZATION = "（団体名なし）"
_MAX_WIDTH = 50


def sorted_rows(rows: Sequence[MergedRow]) -> list[MergedRow]:
    """By 団体名, then by フリガナ in reading order (not code point), then as read."""
    keys = reading_sort_keys([row.furigana for row in rows])
    order = sorted(range(len(rows)), key=lambda i: (rows[i].organization, keys[i], i))
    return [rows[i] for i in order]


def write_merged_xlsx(path: Path, result: MergeResult, made_by: str, made_on: date) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # lazy: ~0.3 s to import
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    workbook = Workbook()
    workbook.properties.creator = made_by
    footer = f"作成: {made_by}　{made_on:%Y/%m/%d}"
    to_check = result.places_to_check()

    users = workbook.active
    users.title = "利用者一覧"
    user_rows = [
        [
            *_user_values(row),
            "要確認" if row.place in to_check else "",
            row.place,
        ]
        for row in sorted_rows(result.rows)
    ]
    _fill(users, USER_HEADERS, user_rows, footer)

    counts = Counter(row.organization for row in result.rows)
    checks = Counter(row.organization for row in result.rows if row.place in to_check)
    count_rows: list[list[object]] = [
        [organization or NO_ORGANIZATION, counts[organization], checks[organization]]
        for organization in sorted(counts)
    ]
    count_rows.append(["合計", len(result.rows), sum(checks.values())])
    by_organization = workbook.create_sheet("団体別人数")
    _fill(by_organization, COUNT_HEADERS, count_rows, footer)
    total = by_organization.max_row
    bold = Font(bold=True)
    for cell in by_organization[total]:
        cell.font = bold
    # Below the list, outside the filter range: who made the list and when.
    by_organization.cell(total + 2, 1, "作成者")
    by_organization.cell(total + 2, 2, made_by)
    by_organization.cell(total + 3, 1, "作成日")
    by_organization.cell(total + 3, 2, made_on).number_format = DATE_FORMAT

    rows_by_place = {row.place: row for row in result.rows}
    check_rows: list[list[object]] = []
    for duplicate in result.duplicates:
        organizations = "・".join(
            dict.fromkeys(row.organization or NO_ORGANIZATION for row in duplicate.rows)
        )
        places = "、".join(row.place for row in duplicate.rows)
        check_rows.append(["重複", places, organizations, FIELD_HEADERS["email"], str(duplicate)])
    for problem in result.problems:
        kind = "ファイル" if problem.row is None else "入力内容"
        found = rows_by_place.get(problem.place)
        organization = found.organization if found is not None else ""
        check_rows.append([kind, problem.place, organization, problem.column or "", problem.message])
    _fill(workbook.create_sheet("要確認"), CHECK_HEADERS, check_rows, footer)
    save_workbook(workbook, path)


def _user_values(row: MergedRow) -> list[object]:
    values = row.as_fields()
    return [values[key] for key in FIELD_KEYS]


def _fill(sheet: Any, headers: Sequence[str], rows: Sequence[Sequence[object]], footer: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [_display_width(header) + 4 for header in headers]  # bold + the filter button
    for line, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(line, column)
            if isinstance(value, str):
                # Control characters make the file unreadable; a leading '=' is data, not a formula.
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
                if cell.value is not None:
                    cell.data_type = "s"
                shown = _display_width(value)
            else:
                cell.value = value
                if isinstance(value, date):
                    cell.number_format = DATE_FORMAT
                    shown = len(DATE_FORMAT)
                else:
                    shown = len(str(value))
            widths[column - 1] = max(widths[column - 1], shown + 2)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.oddFooter.left.text = footer
    sheet.oddFooter.right.text = "&P / &N ページ"
