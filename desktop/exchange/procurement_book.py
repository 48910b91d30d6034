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
from desktop.exchange.tabular import fill_table_sheet, save_workbook

DATE_FORMAT = "yyyy/mm/dd"
USER_HEADERS: tuple[str, ...] = (*(FIELD_HEADERS[key] for key in FIELD_KEYS), "要確認", "取込元")
COUNT_HEADERS: tuple[str, ...] = ("団体名", "人数", "うち要確認")
CHECK_HEADERS: tuple[str, ...] = ("種別", "取込元", "団体名", "列", "内容")
NO_ORGANIZATION = "（団体名なし）"


def sorted_rows(rows: Sequence[MergedRow]) -> list[MergedRow]:
    """By 団体名, then by フリガナ in reading order (not code point), then as read."""
    keys = reading_sort_keys([row.furigana for row in rows])
    order = sorted(range(len(rows)), key=lambda i: (rows[i].organization, keys[i], i))
    return [rows[i] for i in order]


def write_merged_xlsx(path: Path, result: MergeResult, made_by: str, made_on: date) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # lazy: ~0.3 s to import

    workbook = Workbook(write_only=True)
    workbook.properties.creator = made_by
    footer = f"作成: {made_by}　{made_on:%Y/%m/%d}"
    to_check = result.places_to_check()

    user_rows = [
        [*_user_values(row), "要確認" if row.place in to_check else "", row.place]
        for row in sorted_rows(result.rows)
    ]
    _fill(workbook, "利用者一覧", USER_HEADERS, user_rows, path, footer)

    counts = Counter(row.organization for row in result.rows)
    checks = Counter(row.organization for row in result.rows if row.place in to_check)
    count_rows: list[list[object]] = [
        [organization or NO_ORGANIZATION, counts[organization], checks[organization]]
        for organization in sorted(counts)
    ]
    count_rows.append(["合計", len(result.rows), sum(checks.values())])
    # Column B also holds the 作成日 written below the list: wide enough for the date.
    by_organization = _fill(
        workbook, "団体別人数", COUNT_HEADERS, count_rows, path, footer, min_widths=(0, len(DATE_FORMAT) + 2)
    )
    # Below the list, outside the filter range: who made the list and when.
    by_organization.append([])
    by_organization.append(["作成者", made_by])
    by_organization.append(["作成日", _date_cell(by_organization, made_on)])

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
    _fill(workbook, "要確認", CHECK_HEADERS, check_rows, path, footer)
    save_workbook(workbook, path)


def _user_values(row: MergedRow) -> list[object]:
    values = row.as_fields()
    return [values[key] for key in FIELD_KEYS]


def _fill(
    workbook: Any,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    path: Path,
    footer: str,
    min_widths: Sequence[int] = (),
) -> Any:
    """A list sheet as every export of the app has it (tabular.fill_table_sheet), landscape, with the footer."""
    sheet = workbook.create_sheet(title)
    sheet.oddFooter.left.text = footer
    sheet.oddFooter.right.text = "&P / &N ページ"
    fill_table_sheet(
        sheet,
        headers,
        rows,
        file_name=path.name,
        date_format=DATE_FORMAT,
        landscape=True,
        min_widths=min_widths,
    )
    return sheet


def _date_cell(sheet: Any, day: date) -> Any:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    cell = WriteOnlyCell(sheet, day)
    cell.number_format = DATE_FORMAT
    return cell
