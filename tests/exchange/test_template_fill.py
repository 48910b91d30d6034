"""Filling the central office's Excel form: its look, merges and formulas survive."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from desktop.exchange.procurement_merge import merge_files
from desktop.exchange.sheet_rows import adjust_formula, row_bounds
from desktop.exchange.template_fill import (
    TemplateError,
    TemplateMapping,
    fill_template,
    inspect_template,
    suggest_mapping,
)
from tests.libreoffice import shown_cells

JP_DATE = 'yyyy"年"m"月"d"日"'
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def make_template(path: Path, *, prepared_rows: int = 1) -> Path:
    """様式1: a title, a two-tier header with merges, numbered list rows and a total row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "様式1"
    sheet["A1"] = "令和7年度 共同調達 利用者一覧"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "団体名:"
    sheet["A3"], sheet["B3"], sheet["D3"], sheet["E3"], sheet["F3"], sheet["G3"] = (
        "No",
        "受講者",
        "メールアドレス",
        "利用開始希望日",
        "受講時間",
        "備考",
    )
    sheet.merge_cells("B3:C3")
    for column in "ADEFG":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet["B4"], sheet["C4"] = "氏名", "フリガナ"
    first = 5
    last = first + prepared_rows - 1
    for row in range(first, last + 1):
        sheet.cell(row, 1, f"=ROW()-{first - 1}")
        for column in range(1, 8):
            sheet.cell(row, column).border = BOX
    sheet.cell(first, 2).font = Font(name="BIZ UDGothic", size=11, color="FF0000")
    sheet.cell(first, 2).fill = PatternFill("solid", fgColor="FFFFCC")
    sheet.cell(first, 5).number_format = JP_DATE
    sheet.row_dimensions[first].height = 22
    total = last + 1
    sheet.cell(total, 1, "合計")
    sheet.cell(total, 2, f"=COUNTA(B{first}:B{last})")
    sheet.cell(total, 6, f"=SUM(F{first}:F{last})")
    sheet.cell(total + 2, 1, "※ 記入上の注意: メールアドレスはログインIDになります。")
    sheet.merge_cells(start_row=total + 2, start_column=1, end_row=total + 2, end_column=7)
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["D"].width = 30
    validation = DataValidation(type="whole", operator="between", formula1="0", formula2="999")
    sheet.add_data_validation(validation)
    validation.add(f"F{first}:F{last}")
    sheet.conditional_formatting.add(
        f"F{first}:F{last}", CellIsRule(operator="greaterThan", formula=["100"], font=Font(bold=True))
    )
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "3:4"
    sheet.print_area = f"A1:G{total + 2}"
    summary = workbook.create_sheet("集計")
    summary["A1"] = "人数"
    summary["B1"] = f"=COUNTA('様式1'!B{first}:B{last})"
    workbook.save(path)
    return path


MAPPING = TemplateMapping(
    "様式1",
    header_row=4,
    first_data_row=5,
    columns={"name": "B", "furigana": "C", "email": "D", "start_date": "E", "hours": "F", "notes": "G"},
)


def people(count: int) -> Iterator[dict[str, object]]:
    for n in range(1, count + 1):
        yield {
            "name": f"受講 {n}郎",
            "furigana": f"ジュコウ {n}",
            "email": f"user{n}@example.lg.jp",
            "start_date": dt.date(2025, 4, n),
            "hours": n * 10,
            "notes": "" if n % 2 else "=1+1",
        }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- inspecting ----------------------------------------------------------------------------


def test_inspect_finds_the_header_under_a_merged_group_header(tmp_path: Path) -> None:
    info = inspect_template(make_template(tmp_path / "form.xlsx"))
    form = info.sheet("様式1")
    assert (form.header_row, form.first_data_row) == (4, 5)
    # Cells merged down from row 3 count as row 4's headers.
    assert [(c.column, c.text) for c in form.headers] == [
        ("A", "No"),
        ("B", "氏名"),
        ("C", "フリガナ"),
        ("D", "メールアドレス"),
        ("E", "利用開始希望日"),
        ("F", "受講時間"),
        ("G", "備考"),
    ]
    assert [s.name for s in info.sheets] == ["様式1", "集計"]
    with pytest.raises(TemplateError, match="シート「ない」がありません"):
        info.sheet("ない")


def test_inspect_takes_the_header_row_the_caller_gives(tmp_path: Path) -> None:
    info = inspect_template(make_template(tmp_path / "form.xlsx"), {"様式1": 3})
    form = info.sheet("様式1")
    assert form.header_row == 3 and form.first_data_row == 5  # below the two-row merges
    assert [c.text for c in form.headers][:3] == ["No", "受講者", "受講者"]


def test_suggested_mapping_matches_headers_by_alias(tmp_path: Path) -> None:
    info = inspect_template(make_template(tmp_path / "form.xlsx"))
    mapping = suggest_mapping(info.sheet("様式1"))
    assert mapping.columns == {"name": "B", "furigana": "C", "email": "D", "start_date": "E", "notes": "G"}
    assert (mapping.header_row, mapping.first_data_row) == (4, 5)


# --- the mapping ---------------------------------------------------------------------------


def test_mapping_round_trips_through_json() -> None:
    assert TemplateMapping.from_json(MAPPING.to_json()) == MAPPING
    text = MAPPING.to_json().replace('"B"', '" b "')
    assert TemplateMapping.from_json(text).columns["name"] == "B"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"sheet": "S", "header_row": 1, "first_data_row": 2, "columns": {"name": "A1"}}', "列記号"),
        ('{"sheet": "S", "header_row": 1, "first_data_row": 2, "columns": {"name": "XFE"}}', "列記号"),
        ('{"sheet": "S", "header_row": 3, "first_data_row": 3, "columns": {"name": "A"}}', "記入開始行"),
        ('{"sheet": "S", "header_row": 1, "first_data_row": 2, "columns": {"a": "B", "b": "B"}}', "両方"),
        ('{"sheet": "S", "header_row": 1, "first_data_row": 2, "columns": {}}', "少なくとも"),
        ('{"sheet": "", "header_row": 1, "first_data_row": 2, "columns": {"a": "B"}}', "シート名"),
        ('{"sheet": "S", "header_row": "1", "first_data_row": 2, "columns": {"a": "B"}}', "読めません"),
        ('{"sheet": "S"}', "読めません"),
        ("not json", "読めません"),
    ],
)
def test_a_wrong_mapping_is_refused_in_japanese(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        TemplateMapping.from_json(text)


# --- filling -------------------------------------------------------------------------------


def test_fill_keeps_the_form_and_grows_the_total_over_inserted_rows(tmp_path: Path) -> None:
    template = make_template(tmp_path / "form.xlsx")
    before = digest(template)
    out = tmp_path / "提出.xlsx"
    assert fill_template(template, out, MAPPING, people(4)) == 4
    assert digest(template) == before  # the form itself is only read

    workbook = openpyxl.load_workbook(out)
    sheet = workbook["様式1"]
    assert sheet["A1"].value == "令和7年度 共同調達 利用者一覧"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:G1", "B3:C3", "A3:A4", "D3:D4"} <= merged
    assert "A11:G11" in merged  # the note below the total moved down with it
    # Numbering continued down; the total row moved below the list and counts all of it.
    assert [sheet.cell(r, 1).value for r in range(5, 9)] == ["=ROW()-4"] * 4
    assert sheet["A9"].value == "合計"
    assert sheet["B9"].value == "=COUNTA(B5:B8)" and sheet["F9"].value == "=SUM(F5:F8)"
    assert workbook["集計"]["B1"].value == "=COUNTA('様式1'!B5:B8)"
    # Values, real dates in the form's date format, text that looks like a formula kept as text.
    assert sheet["B8"].value == "受講 4郎" and sheet["F8"].value == 40
    assert sheet["E7"].value == dt.datetime(2025, 4, 3) and sheet["E7"].number_format == JP_DATE
    assert sheet["G6"].value == "=1+1" and sheet["G6"].data_type == "s"
    # Later rows look like the first one.
    for row in (6, 8):
        assert sheet.cell(row, 2).font.color.rgb == "00FF0000"
        assert sheet.cell(row, 2).fill.fgColor.rgb == "00FFFFCC"
        assert sheet.cell(row, 4).border.left.style == "thin"
        assert sheet.row_dimensions[row].height == 22
    # Width, print setup, validation and print area carried over and grown.
    assert sheet.column_dimensions["B"].width == 18 and sheet.column_dimensions["D"].width == 30
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$4"
    assert str(sheet.data_validations.dataValidation[0].sqref) == "F5:F8"
    assert [str(f.sqref) for f in sheet.conditional_formatting] == ["F5:F8"]
    assert sheet.print_area == "'様式1'!$A$1:$G$11"


def test_libreoffice_computes_the_total_over_the_filled_rows(tmp_path: Path) -> None:
    template = make_template(tmp_path / "form.xlsx")
    out = tmp_path / "提出.xlsx"
    fill_template(template, out, MAPPING, people(6))
    shown = shown_cells(out, tmp_path)
    assert shown[0][0] == "令和7年度 共同調達 利用者一覧"
    assert shown[2][:4] == ["No", "受講者", "", "メールアドレス"]
    assert [row[0] for row in shown[4:10]] == ["1", "2", "3", "4", "5", "6"]
    assert shown[4][1:6] == ["受講 1郎", "ジュコウ 1", "user1@example.lg.jp", "2025年4月1日", "10"]
    total = shown[10]
    assert total[0] == "合計" and total[1] == "6" and total[5] == "210"  # 10+20+…+60


def test_prepared_rows_are_used_before_any_row_is_inserted(tmp_path: Path) -> None:
    template = make_template(tmp_path / "form.xlsx", prepared_rows=5)
    workbook = openpyxl.load_workbook(template)
    workbook["様式1"]["I7"] = "← 記入例のとおり"  # a note beside the list is not its end
    workbook.save(template)
    out = tmp_path / "out.xlsx"
    fill_template(template, out, MAPPING, people(3))
    sheet = openpyxl.load_workbook(out)["様式1"]
    assert sheet["A10"].value == "合計" and sheet["F10"].value == "=SUM(F5:F9)"
    assert sheet["B7"].value == "受講 3郎" and sheet["B8"].value is None
    assert sheet["A9"].value == "=ROW()-4"  # the form's unused numbered rows stay as they were

    fill_template(template, out, MAPPING, people(7))
    sheet = openpyxl.load_workbook(out)["様式1"]
    assert sheet["A12"].value == "合計" and sheet["F12"].value == "=SUM(F5:F11)"
    assert sheet["B11"].value == "受講 7郎" and sheet["A11"].value == "=ROW()-4"


def test_an_empty_list_leaves_the_form_as_it_was(tmp_path: Path) -> None:
    template = make_template(tmp_path / "form.xlsx")
    out = tmp_path / "out.xlsx"
    assert fill_template(template, out, MAPPING, []) == 0
    sheet = openpyxl.load_workbook(out)["様式1"]
    assert sheet["A6"].value == "合計" and sheet["F6"].value == "=SUM(F5:F5)"


def test_merged_rows_fill_the_form(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(
        "団体名,氏名,フリガナ,メールアドレス,利用開始希望日\nA市,甲 一,コウ ハジメ,a@a.jp,2025/4/1\nA市,乙 二,オツ ニ,b@a.jp,来月\n",
        encoding="utf-8",
    )
    result = merge_files([source])
    out = tmp_path / "out.xlsx"
    fill_template(make_template(tmp_path / "form.xlsx"), out, MAPPING, [r.as_fields() for r in result.rows])
    sheet = openpyxl.load_workbook(out)["様式1"]
    assert sheet["B5"].value == "甲　一" and sheet["E5"].value == dt.datetime(2025, 4, 1)
    assert sheet["E6"].value == "来月"  # unreadable dates go over as written


def test_refused_templates_and_targets(tmp_path: Path) -> None:
    template = make_template(tmp_path / "form.xlsx")
    out = tmp_path / "out.xlsx"
    old = tmp_path / "form.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(TemplateError, match=r"97-2003 形式（\.xls）"):
        fill_template(old, out, MAPPING, [])
    macro = tmp_path / "form.xlsm"
    macro.write_bytes(template.read_bytes())
    with pytest.raises(TemplateError, match="マクロ付きの様式"):
        inspect_template(macro)
    corrupt = tmp_path / "broken.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 nope")
    with pytest.raises(TemplateError, match="Excel ファイルとして開けません"):
        fill_template(corrupt, out, MAPPING, [])
    with pytest.raises(TemplateError, match="自身には書き出せません"):
        fill_template(template, template, MAPPING, [])
    with pytest.raises(TemplateError, match=r"\.xlsx のファイル名"):
        fill_template(template, tmp_path / "out.csv", MAPPING, [])
    assert not out.exists()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (TemplateMapping("ない", 4, 5, {"name": "B"}), "シート「ない」がありません"),
        (TemplateMapping("様式1", 4, 5, {"name": "Q"}), "範囲（A〜G）の外"),
        (TemplateMapping("様式1", 2, 3, {"name": "C"}), "結合セルの途中"),
    ],
)
def test_a_mapping_that_does_not_fit_the_form_is_refused(
    tmp_path: Path, mapping: TemplateMapping, message: str
) -> None:
    template = make_template(tmp_path / "form.xlsx")
    with pytest.raises(TemplateError, match=message):
        fill_template(template, tmp_path / "out.xlsx", mapping, people(1))


def test_a_failed_fill_leaves_the_previous_output(tmp_path: Path) -> None:
    template = make_template(tmp_path / "form.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous")

    def failing() -> Iterator[dict[str, object]]:
        yield from people(2)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        fill_template(template, out, MAPPING, failing())
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.xlsx", "out.xlsx"]


def test_an_xltx_form_gives_a_workbook(tmp_path: Path) -> None:
    template = make_template(tmp_path / "form.xlsx")
    workbook = openpyxl.load_workbook(template)
    workbook.template = True
    xltx = tmp_path / "form.xltx"
    workbook.save(xltx)
    out = tmp_path / "out.xlsx"
    fill_template(xltx, out, MAPPING, people(2))
    filled = openpyxl.load_workbook(out)
    assert not filled.template and filled["様式1"]["B6"].value == "受講 2郎"


# --- moving references ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("formula", "on_sheet", "expected"),
    [
        ("=SUM(F5:F9)", True, "=SUM(F5:F12)"),  # ends on the list's last row: grows
        ("=SUM($F$5:$F$9)", True, "=SUM($F$5:$F$12)"),
        ("=SUM(F6:F9)", True, "=SUM(F6:F9)"),  # starts inside the list: only part of it
        ("=F10*2", True, "=F13*2"),  # below: moves
        ("=B2&F9", True, "=B2&F9"),  # single cells above do not move
        ("=SUM(S!F5:F9)", True, "=SUM(S!F5:F9)"),  # another sheet's cells
        ("=SUM('様式 1'!F5:F9)", False, "=SUM('様式 1'!F5:F12)"),
        ("=COUNTA(B:B)+Name+ROW()", True, "=COUNTA(B:B)+Name+ROW()"),
    ],
)
def test_adjust_formula(formula: str, on_sheet: bool, expected: str) -> None:
    bounds = row_bounds(10, 3, 5)
    assert adjust_formula(formula, "様式 1", on_sheet=on_sheet, bounds=bounds) == expected
