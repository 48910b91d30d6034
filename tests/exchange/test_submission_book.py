"""The shared writer of submission workbooks, read back by openpyxl and by LibreOffice."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop.exchange import submission_book
from desktop.exchange.submission_book import (
    CONDITIONS_SHEET,
    DATE_FORMAT,
    WAREKI_DATE_FORMAT,
    BarChartSpec,
    BookHeading,
    SubmissionSheet,
    write_submission_book,
)
from desktop.exchange.tabular import TableFileError
from tests.libreoffice_sheets import sheets_as_shown

HEADING = BookHeading(
    "共同調達 利用者一覧",
    dt.datetime(2025, 4, 2, 9, 30),
    "suzuki",
    [("年度", "令和7年度（2025年度）"), ("団体", "A&B市")],
)


def sheets() -> list[SubmissionSheet]:
    return [
        SubmissionSheet(
            "一覧",
            ["氏名", "所属", "開始日", "時間"],
            [
                ("髙橋　﨑子", "総務部／デジタル推進課", dt.date(2019, 5, 1), Decimal("1.5")),
                ("=1+1", "", dt.date(2025, 4, 1), None),
            ],
        ),
        SubmissionSheet(
            "グラフ",
            ["分類", "事前", "事後"],
            [("データ活用", 1.5, 2.5), ("業務改善", 2.0, 3.0)],
            chart=BarChartSpec("分類別の平均"),
        ),
    ]


def test_every_sheet_is_set_up_for_reading_filtering_and_printing(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    assert write_submission_book(path, HEADING, sheets()) == {"一覧": 2, "グラフ": 2}
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["一覧", "グラフ", CONDITIONS_SHEET]
    sheet = book["一覧"]
    assert [c.value for c in sheet[1]] == ["氏名", "所属", "開始日", "時間"]
    assert all(c.font.bold for c in sheet[1])
    start = sheet["C2"]
    assert start.is_date and start.value.date() == dt.date(2019, 5, 1) and start.number_format == DATE_FORMAT
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"  # data, never a formula
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D3"
    # Widths fit the longest text, kanji counting double: 11 characters of 所属 → 22 + margin.
    assert sheet.column_dimensions["B"].width == 24
    assert sheet.column_dimensions["A"].width >= 12
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.oddHeader.left.text == "共同調達 利用者一覧"
    assert sheet.oddHeader.right.text == "作成 2025/04/02 09:30　suzuki"
    assert sheet.oddFooter.left.text == "年度: 令和7年度（2025年度）　団体: A&&B市"  # & doubled: not a code
    assert sheet.oddFooter.right.text == "&P / &N"
    conditions = [tuple(c.value for c in row) for row in book[CONDITIONS_SHEET].iter_rows()]
    assert conditions == [
        ("項目", "内容"),
        ("出力内容", "共同調達 利用者一覧"),
        ("作成日時", "2025/04/02 09:30"),
        ("作成者", "suzuki"),
        ("年度", "令和7年度（2025年度）"),
        ("団体", "A&B市"),
        ("シート「一覧」", "2 行"),
        ("シート「グラフ」", "2 行"),
    ]
    with zipfile.ZipFile(path) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 1
        chart = archive.read(charts[0]).decode()
    # Before vs after: one series per column, the header naming it, categories from column A.
    assert "<barChart>" in chart and '<grouping val="clustered" />' in chart
    assert "'グラフ'!B1" in chart and "'グラフ'!C1" in chart and "'グラフ'!$A$2:$A$3" in chart


def test_libreoffice_shows_the_values_dates_and_wareki(tmp_path: Path) -> None:
    plain, wareki = tmp_path / "plain.xlsx", tmp_path / "wareki.xlsx"
    write_submission_book(plain, HEADING, sheets())
    write_submission_book(wareki, HEADING, sheets(), wareki=True)
    assert openpyxl.load_workbook(wareki)["一覧"]["C2"].number_format == WAREKI_DATE_FORMAT
    shown = sheets_as_shown(plain, tmp_path)
    assert shown["一覧"] == [
        ["氏名", "所属", "開始日", "時間"],
        ["髙橋　﨑子", "総務部／デジタル推進課", "2019/05/01", "1.5"],
        ["=1+1", "", "2025/04/01", ""],
    ]
    assert shown["グラフ"] == [["分類", "事前", "事後"], ["データ活用", "1.5", "2.5"], ["業務改善", "2", "3"]]
    assert ["団体", "A&B市"] in shown[CONDITIONS_SHEET]
    # The 和暦 format is one LibreOffice knows (Excel's gannen variant it does not): the first year shows as 1年.
    shown = sheets_as_shown(wareki, tmp_path)
    assert [row[2] for row in shown["一覧"]] == ["開始日", "令和1年5月1日", "令和7年4月1日"]
    assert ["作成日時", "令和7年4月2日 09:30"] in shown[CONDITIONS_SHEET]


def test_a_failure_while_writing_leaves_the_old_file_and_no_part_file(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"old")

    def rows() -> Iterator[tuple[object, ...]]:
        yield ("a",)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_submission_book(path, HEADING, [SubmissionSheet("一覧", ["氏名"], rows())])
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_an_unwritable_path_is_a_japanese_message(tmp_path: Path) -> None:
    with pytest.raises(TableFileError, match=r"book\.xlsx に書き込めません"):
        write_submission_book(tmp_path / "ない" / "book.xlsx", HEADING, sheets())


def test_sheets_are_written_in_write_only_mode_and_rows_are_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[dict[str, Any]] = []
    real = openpyxl.Workbook

    def spy(*args: Any, **kwargs: Any) -> Any:
        made.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "Workbook", spy)
    read: list[int] = []

    def rows() -> Iterator[tuple[object, ...]]:
        for n in range(1000):
            read.append(n)
            yield (f"受講者{n}", n)

    counts = write_submission_book(
        tmp_path / "big.xlsx", HEADING, [SubmissionSheet("一覧", ["氏名", "番号"], rows())]
    )
    assert made == [{"write_only": True}] and counts == {"一覧": 1000} and len(read) == 1000
    assert (
        submission_book.CONDITIONS_SHEET
        in openpyxl.load_workbook(tmp_path / "big.xlsx", read_only=True).sheetnames
    )
