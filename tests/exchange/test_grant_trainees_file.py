"""受講者一覧 (Excel): read back by openpyxl for the cell types and by LibreOffice for what a clerk sees."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop.exchange.grant_trainees_file import HEADERS, write_trainee_list_xlsx
from desktop.exchange.tabular import TableFileError
from desktop.reports.grant_sheet_data import WORKSHEET_NOTICE
from tests.reports.test_grant_sheets import eight, sheet_data, trainee


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def cells(path: Path) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(path)
    try:
        return [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    finally:
        workbook.close()


def header_row(rows: list[list[Any]]) -> int:
    return next(n for n, row in enumerate(rows) if tuple(row) == HEADERS)


def test_the_list_has_the_plan_above_a_header_and_a_row_per_trainee(tmp_path: Path) -> None:
    path = tmp_path / "受講者一覧.xlsx"
    data = sheet_data(used_before=1_200_000)
    assert write_trainee_list_xlsx(path, data) == 8

    rows = cells(path)
    head = header_row(rows)
    about = {row[0]: row[1] for row in rows[1:head]}
    assert rows[0][0] == "人材開発支援助成金 受講者一覧（記入シート）"
    assert about["事業所"] == "株式会社みどり精機（雇用保険適用事業所番号 1301-123456-7）"
    assert about["訓練コース"].startswith("製造現場のデータ分析実践講座（通学制・150時間）")
    assert about["期間"] == "令和8年6月1日（2026-06-01） 〜 令和8年8月31日（2026-08-31）"
    assert "reskilling-r7-04" in about["ルールセット"]
    assert about["助成見込額"] == 4_370_000
    assert about["作成日"].date() == date(2026, 4, 20)  # a real date, not text
    assert about["注意"] == WORKSHEET_NOTICE
    listed = rows[head + 1 :]
    assert len(listed) == 8
    assert listed[0] == [
        1,
        "A0001",
        "髙橋 花子",
        "タカハシ ハナコ",
        "0100-000000-0",
        "正規",
        150,
        400_000,
        150_000,
        0,
        550_000,
    ]
    assert listed[3][6:] == [120, 400_000, 120_000, 0, 520_000]
    assert listed[5][4] is None  # no insured number entered
    assert listed[6][5] == "有期"


def test_sheet_is_set_up_to_filter_and_print(tmp_path: Path) -> None:
    path = tmp_path / "設定.xlsx"
    write_trainee_list_xlsx(path, sheet_data())
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    head = header_row([[cell.value for cell in row] for row in sheet.iter_rows()]) + 1
    assert sheet.title == "受講者一覧"
    assert sheet.freeze_panes == f"A{head + 1}"
    assert sheet.auto_filter.ref == f"A{head}:K{head + 8}"
    assert sheet.print_title_rows == f"${head}:${head}"  # the header on each printed page
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    insured = sheet.cell(head + 1, 5)
    assert (insured.value, insured.data_type, insured.number_format) == ("0100-000000-0", "s", "@")
    assert sheet.cell(head + 1, 11).data_type == "n"
    workbook.close()


def test_after_the_annual_cap_the_amount_is_what_is_payable(tmp_path: Path) -> None:
    path = tmp_path / "上限.xlsx"
    write_trainee_list_xlsx(path, sheet_data(used_before=100_000_000 - 1_000_000))
    rows = cells(path)
    listed = rows[header_row(rows) + 1 :]
    assert [row[10] for row in listed[:3]] == [550_000, 450_000, 0]
    assert listed[2][7:10] == [400_000, 150_000, 550_000]  # the subsidies before the cap, and the cut
    assert all(row[7] + row[8] - row[9] == row[10] for row in listed)  # every row adds up


def test_without_an_estimate_the_amounts_are_blank_and_the_reason_is_given(tmp_path: Path) -> None:
    path = tmp_path / "ルールなし.xlsx"
    reason = "2027-05-01に開始する訓練に当てはまる助成金のルールセットがありません。"
    write_trainee_list_xlsx(path, sheet_data(estimate=None, no_rule_reason=reason))
    rows = cells(path)
    head = header_row(rows)
    about = {row[0]: row[1] for row in rows[1:head]}
    assert about["ルールセット"] == reason and "助成見込額" not in about
    assert all(row[7:] == [None, None, None, None] for row in rows[head + 1 :])


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "式.xlsx"
    people = (trainee(0, name='=HYPERLINK("http://example.com","x")', furigana="イコール\x07"), *eight()[1:])
    write_trainee_list_xlsx(path, sheet_data(people))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    head = header_row([[cell.value for cell in row] for row in sheet.iter_rows()]) + 1
    name = sheet.cell(head + 1, 3)
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
    assert sheet.cell(head + 1, 4).value == "イコール"
    workbook.close()


def test_an_unwritable_path_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(TableFileError, match=r"x\.xlsx に書き込めません"):
        write_trainee_list_xlsx(tmp_path / "ない" / "x.xlsx", sheet_data())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(
    shutil.which("soffice") is None and not _in_ci(), reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_reads_the_same_values_and_the_leading_zero(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice is not None, "CI must have LibreOffice to check the XLSX export"
    path = tmp_path / "list.xlsx"
    write_trainee_list_xlsx(path, sheet_data())
    out = tmp_path / "lo"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, double quote, UTF-8
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    seen = list(csv.reader(io.StringIO((out / "list.csv").read_text(encoding="utf-8"))))
    head = next(n for n, row in enumerate(seen) if row[:2] == ["No", "受講者番号"])
    assert seen[head] == list(HEADERS)
    about = [row[:2] for row in seen[:head]]
    assert ["助成見込額", "4,370,000円"] in about and ["作成日", "2026/04/20"] in about
    # Shown as formatted: the insured number as written, with its leading zero; yen with separators.
    assert seen[head + 1] == [
        "1",
        "A0001",
        "髙橋 花子",
        "タカハシ ハナコ",
        "0100-000000-0",
        "正規",
        "150",
        "400,000円",
        "150,000円",
        "0円",
        "550,000円",
    ]
    assert seen[head + 4][6:] == ["120", "400,000円", "120,000円", "0円", "520,000円"]
    assert seen[head + 6][4] == ""
    assert len(seen) == head + 9
