"""The one writer behind every Excel file the office submits upward (共同調達, 研修実績, 効果検証).

Takes plain data only (headings, header names, rows of values), never a session.
Every sheet is a write-only sheet filled by ``tabular.fill_table_sheet``: bold
Japanese header in row 1, frozen and repeated on each printed page, an
auto-filter, widths from the first rows, real dates, A4 landscape fitted to
the page width.

Where the date made, the user and the conditions go: the header stays in row 1
of every data sheet, so a receiver's macro (or the lead's merge) finds it where
it expects and the auto-filter covers the whole list. The heading is instead
  - in the printed page header and footer of every sheet (Excel and LibreOffice
    both print them and show them in the print preview), and
  - on a last sheet 「条件」, one item per row, with each sheet's row count,
    which is what a clerk sees on screen.

和暦: dates are always real dates. With ``wareki=True`` their number format is
``[$-411]ggge"年"m"月"d"日"``, which Excel and LibreOffice (7.4 checked) both
show as 令和7年4月1日. LibreOffice ignores Excel's ``[$-ja-JP-x-gannen]`` code
and shows a serial number, so that form (元年) is not used: the first year of
an era shows as 令和1年.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.domain.dates import to_wareki
from desktop.exchange.tabular import fill_table_sheet, replacing_file, safe_sheet_title

DATE_FORMAT = "yyyy/mm/dd"
WAREKI_DATE_FORMAT = '[$-411]ggge"年"m"月"d"日"'
CONDITIONS_SHEET = "条件"


@dataclass(frozen=True)
class BarChartSpec:
    """A clustered bar chart of the sheet's own table: categories in column 1, one series per other column."""

    title: str
    y_title: str = ""
    x_title: str = ""
    anchor: str = "F2"  # beside a table of a few columns


@dataclass(frozen=True)
class SubmissionSheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]  # may be a generator: it is read once, in order
    chart: BarChartSpec | None = None


@dataclass(frozen=True)
class BookHeading:
    """What the file is, when and by whom it was made, and for which 年度 / 団体."""

    title: str
    made_at: dt.datetime
    made_by: str
    conditions: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (項目, 内容)

    def made_text(self, wareki: bool) -> str:
        day = to_wareki(self.made_at.date()) if wareki else self.made_at.strftime("%Y/%m/%d")
        return f"{day} {self.made_at:%H:%M}"

    def conditions_text(self) -> str:
        return "　".join(f"{name}: {value}" for name, value in self.conditions)


def write_submission_book(
    path: Path, heading: BookHeading, sheets: Sequence[SubmissionSheet], *, wareki: bool = False
) -> dict[str, int]:
    """Write the sheets (in order) and the 「条件」 sheet; return each data sheet's row count.

    Nothing is left at ``path`` unless the whole book was written (replacing_file).
    """
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    try:
        counts = _write_sheets(workbook, path, heading, sheets, wareki)
        with replacing_file(path) as file:
            workbook.save(file)
    except BaseException:
        _discard(workbook)
        raise
    return counts


def _write_sheets(
    workbook: Any, path: Path, heading: BookHeading, sheets: Sequence[SubmissionSheet], wareki: bool
) -> dict[str, int]:
    date_format = WAREKI_DATE_FORMAT if wareki else DATE_FORMAT
    counts: dict[str, int] = {}
    for spec in sheets:
        sheet = workbook.create_sheet(safe_sheet_title(spec.title))
        _print_heading(sheet, heading, wareki)
        count = fill_table_sheet(
            sheet, spec.headers, spec.rows, file_name=path.name, date_format=date_format, landscape=True
        )
        if spec.chart is not None:
            _add_bar_chart(sheet, spec.chart, len(spec.headers), count)
        counts[spec.title] = count
    conditions = workbook.create_sheet(CONDITIONS_SHEET)
    _print_heading(conditions, heading, wareki)
    fill_table_sheet(
        conditions,
        ["項目", "内容"],
        _condition_rows(heading, counts, wareki),
        file_name=path.name,
        date_format=date_format,
        landscape=True,
    )
    return counts


def _discard(workbook: Any) -> None:
    """Close a workbook that will not be saved.

    Each write-only sheet streams into a temporary file through a generator; left
    open, the generator writes its closing tags whenever it is collected, into a
    file openpyxl may have closed by then (an exception nobody can catch).
    """
    for sheet in workbook.worksheets:
        with contextlib.suppress(Exception):
            sheet.close()
        with contextlib.suppress(Exception):
            os.remove(sheet._writer.out)


def _condition_rows(heading: BookHeading, counts: dict[str, int], wareki: bool) -> list[tuple[str, str]]:
    rows = [
        ("出力内容", heading.title),
        ("作成日時", heading.made_text(wareki)),
        ("作成者", heading.made_by),
        *heading.conditions,
    ]
    rows += [(f"シート「{title}」", f"{count:,} 行") for title, count in counts.items()]
    return rows


def _header_text(text: str) -> str:
    # '&' starts a code in Excel's header/footer language (&P = page number): a literal one is doubled.
    return text.replace("&", "&&")


def _print_heading(sheet: Any, heading: BookHeading, wareki: bool) -> None:
    sheet.oddHeader.left.text = _header_text(heading.title)
    sheet.oddHeader.right.text = _header_text(f"作成 {heading.made_text(wareki)}　{heading.made_by}")
    sheet.oddFooter.left.text = _header_text(heading.conditions_text())
    sheet.oddFooter.right.text = "&P / &N"


def _add_bar_chart(sheet: Any, spec: BarChartSpec, columns: int, rows: int) -> None:
    from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]

    if rows == 0 or columns < 2:
        return  # nothing to draw; an empty chart only puzzles the reader
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = spec.title
    if spec.y_title:  # an empty title still takes room beside the axis
        chart.y_axis.title = spec.y_title
    if spec.x_title:
        chart.x_axis.title = spec.x_title
    # openpyxl 3.1 hides axes unless told otherwise; Excel then draws the bars without labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 24, 12
    data = Reference(sheet, min_col=2, max_col=columns, min_row=1, max_row=rows + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    sheet.add_chart(chart, spec.anchor)
