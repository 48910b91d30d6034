"""The trainees of a 訓練計画 as an Excel list, for the 受講者一覧 the labour bureau's forms ask for.

A few lines above the list say which plan it is, which rule set made the
amounts, when it was made, and that it is a worksheet with estimates, not a
decision. The list itself has a frozen header with a filter, prints on A4 with
the header on each page, and holds real numbers; 雇用保険被保険者番号 are text
(1234-567890-1), so that no leading zero is lost.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from desktop.domain.dates import to_wareki
from desktop.domain.grant import hours_text
from desktop.domain.registration_numbers import format_insured_number
from desktop.exchange.tabular import save_workbook
from desktop.reports.grant_sheet_data import WORKSHEET_NOTICE, GrantSheetData

SHEET_TITLE = "受講者一覧"
TITLE = "人材開発支援助成金 受講者一覧（記入シート）"
HEADERS = (
    "No",
    "受講者番号",
    "氏名",
    "フリガナ",
    "雇用保険被保険者番号",
    "雇用形態",
    "賃金助成の対象時間",
    "経費助成見込",
    "賃金助成見込",
    "年度上限による減額",
    "見込額",
)
_WIDTHS = (12, 12, 18, 20, 22, 10, 20, 14, 14, 18, 14)
_YEN = '#,##0"円"'


def write_trainee_list_xlsx(path: Path, data: GrantSheetData) -> int:
    """Write the list to `path` crash-safely (TableFileError when it cannot); the number of trainees."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    last_column = get_column_letter(len(HEADERS))

    sheet["A1"] = TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    about = _about(data)
    for row, (label, value) in enumerate(about, start=2):
        sheet.cell(row, 1, label).font = Font(bold=True)
        cell = _put(sheet, row, 2, value)
        if isinstance(value, int):
            cell.number_format = _YEN
            cell.alignment = Alignment(horizontal="left")
        elif isinstance(value, date):
            cell.number_format = "yyyy/mm/dd"
            cell.alignment = Alignment(horizontal="left")
        else:
            sheet.merge_cells(f"B{row}:{last_column}{row}")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    header = len(about) + 2
    sheet.row_dimensions[header - 1].height = 30  # the notice, last: two lines of wrapped text

    for column, title in enumerate(HEADERS, start=1):
        cell = sheet.cell(header, column, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    shares = data.estimate.shares if data.estimate is not None else ()
    for number, trainee in enumerate(data.trainees, start=1):
        share = shares[number - 1] if number <= len(shares) else None
        values: list[Any] = [
            number,
            trainee.number,
            trainee.name,
            trainee.furigana,
            format_insured_number(trainee.insured_number) or None,
            trainee.employment.label,
            trainee.wage_hours,
            share.estimate.expense if share else None,
            share.estimate.wage if share else None,
            share.cut_by_cap if share else None,  # so that each row adds up: 経費 + 賃金 − 減額 = 見込額
            share.payable if share else None,
        ]
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, header + number, column, value)
            if column == 5:
                cell.number_format = "@"  # text: typing over it in Excel keeps the leading zero
            elif column >= 8:
                cell.number_format = _YEN

    for column, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{header + 1}"
    sheet.auto_filter.ref = f"A{header}:{last_column}{header + max(len(data.trainees), 1)}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    save_workbook(workbook, path)
    return len(data.trainees)


def _about(data: GrantSheetData) -> list[tuple[str, Any]]:
    """The lines above the list: label and value (text, yen as an int, or a date)."""
    office = data.establishment
    where = office.name + (
        f"（雇用保険適用事業所番号 {office.office_number}）" if office.office_number else ""
    )
    course = f"{data.title}（{data.method.label}・{hours_text(data.hours)}）"
    if data.provider:
        course += f"　実施機関: {data.provider}"
    lines: list[tuple[str, Any]] = [
        ("事業所", where),
        ("訓練コース", course),
        ("期間", f"{_wareki_with_iso(data.start)} 〜 {_wareki_with_iso(data.end)}"),
    ]
    if data.estimate is not None:
        rule = data.estimate.rule_set
        lines += [("ルールセット", f"{rule.name}（{rule.id}）"), ("助成見込額", data.estimate.total)]
    else:
        lines += [("ルールセット", data.no_rule_reason or "助成額を計算できません。")]
    lines.append(("作成日", data.made_on))
    if data.made_by:
        lines.append(("作成", data.made_by))
    lines.append(("注意", WORKSHEET_NOTICE))
    return lines


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """A cell holding `value` as data: text is never a formula for Excel to run, nor has control characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row, column, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _wareki_with_iso(day: date) -> str:
    # As the PDF sheets print it, without importing ReportLab into an Excel export.
    return f"{to_wareki(day)}（{day.isoformat()}）"
