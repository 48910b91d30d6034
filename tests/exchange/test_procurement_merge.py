"""Merging the 共同調達 利用者一覧 that participating organizations send to the lead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.exchange.procurement_book import CHECK_HEADERS, COUNT_HEADERS, USER_HEADERS, write_merged_xlsx
from desktop.exchange.procurement_merge import (
    MappingError,
    MergedRow,
    email_key,
    find_duplicates,
    merge_files,
)
from tests.libreoffice import shown_cells

HEADER = "団体名,所属,受講者番号,氏名,フリガナ,メールアドレス,区分,利用開始希望日,備考"
XLSX_HEADER = HEADER.split(",")


def csv_file(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def xlsx_file(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def three_files(tmp_path: Path) -> list[Path]:
    mirai = csv_file(
        tmp_path / "みらい市.csv",
        [
            "共同調達 利用者一覧（令和7年度）",
            "※ 1行に1人。メールアドレスはログインIDになります。",
            HEADER,
            "みらい市,総務課,A001,髙橋 﨑子,タカハシ サキコ,takahashi@mirai.lg.jp,行政職員,2025/4/1,①研修担当",
            "",
            "みらい市,税務課,A002,山田 太郎,ヤマダ タロウ,shared@example.jp,行政職員,令和7年5月1日,",
        ],
        "cp932",
    )
    hikari = csv_file(
        tmp_path / "ひかり町.csv",
        [
            HEADER,
            "ひかり町,企画課,H01,佐藤 花子,さとう はなこ,ＳＨＡＲＥＤ＠example.jp,行政職員,2025-04-01,",
            "ひかり町,企画課,H02,,スズキ,suzuki@hikari.lg.jp,,,",
            "ひかり町,企画課,H03,鈴木 一郎,スズキ イチロウ,,,,",
            "ひかり町,企画課,H04,田中 次郎,タナカ ジロウ,tanaka@@hikari,,,",
            "ひかり町,企画課,H05,伊藤 三郎,イトウ サブロウ,ito@hikari.lg.jp,,4月頃,",
        ],
        "utf-8-sig",
    )
    sakura = xlsx_file(
        tmp_path / "さくら村.xlsx",
        {
            "記入例": [XLSX_HEADER, ["例村", "", "", "例 太郎", "レイ タロウ", "shared@example.jp"]],
            "利用者一覧": [
                ["令和7年度 共同調達 利用者一覧"],
                ["団体名: さくら村"],
                [],
                XLSX_HEADER,
                [
                    "さくら村",
                    "住民課",
                    7,
                    "阿部 真",
                    "アベ マコト",
                    "Shared@Example.JP",
                    "",
                    dt.datetime(2025, 6, 1),
                ],
                ["さくら村", "住民課", 8, "青木 愛", "アオキ アイ", "aoki@sakura.lg.jp", "", ""],
            ],
        },
    )
    return [mirai, hikari, sakura]


def test_rows_from_every_file_keep_their_file_and_row(three_files: list[Path]) -> None:
    result = merge_files(three_files)
    places = [row.place for row in result.rows]
    assert places == [
        "みらい市.csv:4",
        "みらい市.csv:6",  # the blank line 5 is skipped, the numbering stays physical
        "ひかり町.csv:2",
        "ひかり町.csv:3",
        "ひかり町.csv:4",
        "ひかり町.csv:5",
        "ひかり町.csv:6",
        "さくら村.xlsx［利用者一覧］:5",  # the example sheet is not read
        "さくら村.xlsx［利用者一覧］:6",
    ]
    first = result.rows[0]
    assert (first.organization, first.name, first.furigana, first.notes) == (
        "みらい市",
        "髙橋　﨑子",
        "タカハシ　サキコ",
        "①研修担当",
    )
    assert first.start_date == dt.date(2025, 4, 1)
    assert result.rows[1].start_date == dt.date(2025, 5, 1)  # 和暦
    assert result.rows[2].furigana == "サトウ　ハナコ"
    assert result.rows[7].start_date == dt.date(2025, 6, 1) and result.rows[7].number == "7"
    assert result.files_read == ["みらい市.csv", "ひかり町.csv", "さくら村.xlsx［利用者一覧］"]


def test_a_duplicate_address_names_every_file_and_row(three_files: list[Path]) -> None:
    result = merge_files(three_files)
    assert len(result.duplicates) == 1
    duplicate = result.duplicates[0]
    assert [row.place for row in duplicate.rows] == [
        "みらい市.csv:6",
        "ひかり町.csv:2",
        "さくら村.xlsx［利用者一覧］:5",
    ]
    assert duplicate.across_organizations
    text = str(duplicate)
    assert "shared@example.jp" in text and "複数の団体" in text
    assert "みらい市.csv:6（みらい市）" in text and "ひかり町.csv:2（ひかり町）" in text


def test_problem_rows_are_named_file_row_and_column(three_files: list[Path]) -> None:
    result = merge_files(three_files)
    texts = [str(problem) for problem in result.problems]
    assert texts == [
        "ひかり町.csv:3: 氏名: 入力されていません。",
        "ひかり町.csv:4: メールアドレス: 入力されていません。",
        "ひかり町.csv:5: メールアドレス: 「tanaka@@hikari」はメールアドレスの形式ではありません（例: taro@example.lg.jp）。",
        "ひかり町.csv:6: 利用開始希望日: 日付として読めません。2024/4/1、令和6年4月1日、R6.4.1 などの形で入力してください。（入力: 4月頃）",
    ]
    # Rows with problems stay in the list so the lead sees the whole submission.
    assert len(result.rows) == 9
    assert "ひかり町.csv:6" in result.places_to_check()


def test_duplicates_within_one_organization_are_reported_too(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path / "a.csv",
        [HEADER, "A町,,1,甲,コウ,same@a.jp,,,", "A町,,2,乙,オツ,SAME@a.jp ,,,"],
        "utf-8",
    )
    (duplicate,) = merge_files([path]).duplicates
    assert not duplicate.across_organizations and "同じ団体内" in str(duplicate)
    assert [row.row for row in duplicate.rows] == [2, 3]


def test_unreadable_files_are_problems_not_crashes(tmp_path: Path, three_files: list[Path]) -> None:
    corrupt = tmp_path / "壊れた.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a workbook")
    pdf = tmp_path / "一覧.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    no_header = csv_file(tmp_path / "見出しなし.csv", ["a,b,c", "1,2,3"], "utf-8")
    empty = tmp_path / "空.csv"
    empty.write_bytes(b"")
    missing = tmp_path / "ない.csv"
    result = merge_files([corrupt, pdf, no_header, empty, missing, *three_files])
    file_problems = [p for p in result.problems if p.row is None]
    assert [p.source for p in file_problems] == [
        "壊れた.xlsx",
        "一覧.pdf",
        "見出しなし.csv",
        "空.csv",
        "ない.csv",
    ]
    assert "Excel ファイルとして開けません" in str(file_problems[0])
    assert str(file_problems[0]).startswith("壊れた.xlsx: ")
    assert "利用者一覧が見つかりません" in file_problems[2].message
    assert "見つかりません" in file_problems[4].message
    assert len(result.rows) == 9  # the good files are merged all the same


def test_a_header_below_the_search_rows_is_not_found(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path / "deep.xlsx",
        {"一覧": [*([["注記"]] * 20), XLSX_HEADER, ["A市", "", "", "甲", "", "a@a.jp"]]},
    )
    result = merge_files([path])
    assert result.rows == [] and "先頭 20 行" in result.problems[0].message


def test_a_mapped_template_reads_with_the_callers_headers(tmp_path: Path) -> None:
    path = xlsx_file(
        tmp_path / "独自様式.xlsx",
        {
            "Sheet1": [
                ["利用申込一覧"],
                ["自治体", "課", "利用者氏名", "よみ", "ログインID(メール)", "開始"],
                ["うみ市", "DX推進課", "海野 波", "ウミノ ナミ", "umino@umi.lg.jp", "R7.4.1"],
            ]
        },
    )
    mapping = {
        "name": "利用者氏名",
        "furigana": "よみ",
        "email": "ログインID（メール）",
        "start_date": "開始",
    }
    (row,) = merge_files([path], mapping).rows
    assert (row.organization, row.department, row.name, row.furigana, row.email) == (
        "うみ市",  # 自治体 and 課 found by the known aliases
        "DX推進課",
        "海野　波",
        "ウミノ　ナミ",
        "umino@umi.lg.jp",
    )
    assert row.start_date == dt.date(2025, 4, 1) and row.place == "独自様式.xlsx:3"
    # Without the mapping the file holds no list the merge recognises.
    assert merge_files([path]).problems[0].row is None


def test_a_mapping_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="不明な項目があります: salary"):
        merge_files([], {"salary": "給与"})


def _row(email: str, row: int = 1, organization: str = "A市") -> MergedRow:
    return MergedRow("f.csv", row, organization, "", "", "甲", "", email, "", None, "", "")


_LOCAL = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", min_size=1, max_size=20
)
_DOMAIN = st.from_regex(r"[a-z0-9]{1,10}\.(lg\.jp|jp|com)", fullmatch=True)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(_LOCAL, _DOMAIN, st.booleans(), st.booleans())
def test_email_folding_ignores_width_and_case(local: str, domain: str, wide: bool, upper: bool) -> None:
    address = f"{local}@{domain}"
    variant = address.upper() if upper else address.swapcase()
    if wide:
        variant = _fullwidth(variant)
    assert email_key(variant) == email_key(address)
    rows = [_row(address, 1), _row(variant, 2, "B町")]
    (duplicate,) = find_duplicates(rows)
    assert duplicate.email == address and duplicate.across_organizations


@given(st.lists(st.sampled_from(["a@x.jp", "b@x.jp", "c@x.jp", "Ａ@x.jp", ""]), max_size=12))
def test_every_repeated_address_is_one_duplicate_holding_all_its_rows(emails: list[str]) -> None:
    rows = [_row(email, n) for n, email in enumerate(emails, start=1)]
    duplicates = find_duplicates(rows)
    keys = [email_key(e) for e in emails if e]
    assert sorted(email_key(d.email) for d in duplicates) == sorted({k for k in keys if keys.count(k) > 1})
    for duplicate in duplicates:
        assert len(duplicate.rows) == keys.count(email_key(duplicate.email))


# --- the merged workbook -------------------------------------------------------------------


def test_merged_workbook_lists_counts_and_checks(tmp_path: Path, three_files: list[Path]) -> None:
    broken = tmp_path / "壊れた.xlsx"
    broken.write_bytes(b"not a zip")
    result = merge_files([*three_files, broken])
    out = tmp_path / "merged.xlsx"
    write_merged_xlsx(out, result, "県DX推進課 担当", dt.date(2025, 3, 31))
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["利用者一覧", "団体別人数", "要確認"]

    users = workbook["利用者一覧"]
    rows = list(users.iter_rows(values_only=True))
    assert rows[0] == USER_HEADERS
    # By 団体名, then フリガナ in reading order.
    assert [(r[0], r[4]) for r in rows[1:]] == [
        ("さくら村", "アオキ　アイ"),
        ("さくら村", "アベ　マコト"),
        ("ひかり町", "イトウ　サブロウ"),
        ("ひかり町", "サトウ　ハナコ"),
        ("ひかり町", "スズキ"),
        ("ひかり町", "スズキ　イチロウ"),
        ("ひかり町", "タナカ　ジロウ"),
        ("みらい市", "タカハシ　サキコ"),
        ("みらい市", "ヤマダ　タロウ"),
    ]
    abe = rows[2]
    assert abe[-1] == "さくら村.xlsx［利用者一覧］:5" and abe[-2] == "要確認"  # the shared address
    assert rows[1][-2] is None
    date_cell = users["H9"]
    assert date_cell.value == dt.datetime(2025, 4, 1) and date_cell.number_format == "yyyy/mm/dd"
    assert users["H4"].value == "4月頃"  # kept as written, and listed in 要確認
    assert users.freeze_panes == "A2" and users.auto_filter.ref == "A1:K10"
    assert users.page_setup.orientation == "landscape" and users.page_setup.paperSize == 9  # A4
    assert users.page_setup.fitToWidth == 1 and users.sheet_properties.pageSetUpPr.fitToPage

    counts = list(workbook["団体別人数"].iter_rows(values_only=True))
    assert counts[:5] == [
        COUNT_HEADERS,
        ("さくら村", 2, 1),
        ("ひかり町", 5, 5),
        ("みらい市", 2, 1),
        ("合計", 9, 7),
    ]
    assert counts[6][:2] == ("作成者", "県DX推進課 担当")
    assert counts[7][:2] == ("作成日", dt.datetime(2025, 3, 31))

    checks = list(workbook["要確認"].iter_rows(values_only=True))
    assert checks[0] == CHECK_HEADERS
    assert checks[1][:4] == (
        "重複",
        "みらい市.csv:6、ひかり町.csv:2、さくら村.xlsx［利用者一覧］:5",
        "みらい市・ひかり町・さくら村",
        "メールアドレス",
    )
    assert [c[:2] for c in checks[2:]] == [
        ("入力内容", "ひかり町.csv:3"),
        ("入力内容", "ひかり町.csv:4"),
        ("入力内容", "ひかり町.csv:5"),
        ("入力内容", "ひかり町.csv:6"),
        ("ファイル", "壊れた.xlsx"),
    ]
    assert workbook.properties.creator == "県DX推進課 担当"


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    path = csv_file(tmp_path / "x.csv", [HEADER, '=HYPERLINK("x"),,,=1+1,,a@b.jp,,,'], "utf-8")
    out = tmp_path / "m.xlsx"
    write_merged_xlsx(out, merge_files([path]), "担当", dt.date(2025, 4, 1))
    sheet = openpyxl.load_workbook(out)["利用者一覧"]
    assert sheet["A2"].data_type == "s" and sheet["D2"].value == "=1+1" and sheet["D2"].data_type == "s"


def test_libreoffice_reads_the_merged_list(tmp_path: Path, three_files: list[Path]) -> None:
    out = tmp_path / "merged.xlsx"
    write_merged_xlsx(out, merge_files(three_files), "担当", dt.date(2025, 3, 31))
    shown = shown_cells(out, tmp_path)
    assert shown[0] == list(USER_HEADERS)
    assert shown[9][:8] == [
        "みらい市",
        "税務課",
        "A002",
        "山田　太郎",
        "ヤマダ　タロウ",
        "shared@example.jp",
        "行政職員",
        "2025/05/01",
    ]
