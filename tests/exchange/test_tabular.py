"""CSV/XLSX reading and writing against a corpus of the ugly files offices really send."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import shutil
import subprocess
import tracemalloc
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from desktop.exchange.tabular import (
    ENCODINGS,
    TableFileError,
    detect_encoding,
    normalize_encoding_name,
    open_table,
    sheet_names,
    write_csv,
    write_xlsx,
)

# NEC/IBM extended characters that 'shift_jis' lacks, plus half-width katakana.
EXTENDED = "①㈱髙﨑ｶﾀｶﾅ"
ONE_MIB = 1 << 20


def read_all(path: Path, **options: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    info, rows = open_table(path, **options)
    return info.headers, list(rows)


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def fds_on(path: Path) -> int:
    """Open descriptors of this process on `path` (Linux /proc)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            count += os.readlink(f"/proc/self/fd/{fd}") == str(path)
    return count


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")


# --- encodings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "codec"),
    [
        ("sjis", "cp932"),
        ("shift_jis", "cp932"),
        ("Shift-JIS", "cp932"),
        ("SHIFT_JIS", "cp932"),
        ("cp932", "cp932"),
        ("MS932", "cp932"),
        ("windows-31j", "cp932"),
        ("CP932（Shift_JIS）", "cp932"),
        ("utf8", "utf-8"),
        ("UTF-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf8bom", "utf-8-sig"),
        ("UTF-8（BOM付き）", "utf-8-sig"),
    ],
)
def test_normalize_encoding_name(typed: str, codec: str) -> None:
    assert normalize_encoding_name(typed) == codec
    assert codec in ENCODINGS


def test_unknown_encoding_lists_accepted_names() -> None:
    with pytest.raises(TableFileError) as caught:
        normalize_encoding_name("euc-jp")
    message = str(caught.value)
    assert "euc-jp" in message
    assert all(name in message for name in ("cp932", "utf-8", "utf-8-sig"))


def test_cp932_with_extended_characters_is_detected_and_read_exactly(tmp_path: Path) -> None:
    text = f"氏名,所属,備考\r\n髙橋 﨑子,㈱まなび,{EXTENDED}\r\n"
    path = write_bytes(tmp_path, "roster.csv", text.encode("cp932"))
    with pytest.raises(UnicodeEncodeError):
        text.encode("shift_jis")  # the reason 'cp932' is the codec, whatever the user calls it

    assert detect_encoding(path) == "cp932"
    info, rows = open_table(path)
    assert (info.kind, info.encoding, info.sheet, info.header_line) == ("csv", "cp932", None, 1)
    assert info.headers == ["氏名", "所属", "備考"]
    assert list(rows) == [(2, ["髙橋 﨑子", "㈱まなび", EXTENDED])]


@pytest.mark.parametrize("spelling", ["Shift_JIS", "sjis", "ms932"])
def test_shift_jis_override_reads_extended_characters(tmp_path: Path, spelling: str) -> None:
    path = write_bytes(tmp_path, "roster.csv", f"氏名\r\n{EXTENDED}\r\n".encode("cp932"))
    info, rows = open_table(path, encoding=spelling)
    assert info.encoding == "cp932"
    assert list(rows) == [(2, [EXTENDED])]


@pytest.mark.parametrize(("bom", "codec"), [(b"\xef\xbb\xbf", "utf-8-sig"), (b"", "utf-8")])
def test_utf8_with_and_without_bom(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = write_bytes(tmp_path, "roster.csv", bom + f"氏名,所属\n{EXTENDED},🙂\n".encode())
    assert detect_encoding(path) == codec
    info, rows = open_table(path)
    assert info.encoding == codec
    assert info.headers == ["氏名", "所属"]  # no '\ufeff' glued to the first header
    assert list(rows) == [(2, [EXTENDED, "🙂"])]


def test_forcing_utf8_on_a_bom_file_still_strips_the_bom(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "roster.csv", b"\xef\xbb\xbf" + "氏名\n山田\n".encode())
    info, rows = open_table(path, encoding="utf-8")
    assert info.encoding == "utf-8-sig"
    assert info.headers == ["氏名"]
    assert list(rows) == [(2, ["山田"])]


def test_detection_streams_across_chunk_boundaries(tmp_path: Path) -> None:
    # A three-byte character split by the 1 MiB chunk edge is still valid UTF-8 …
    utf8 = write_bytes(tmp_path, "a.csv", b"x" * (ONE_MIB - 1) + "あ\n".encode())
    assert detect_encoding(utf8) == "utf-8"
    # … and a CP932 byte far past the first chunk still rules UTF-8 out.
    cp932 = write_bytes(tmp_path, "b.csv", b"x\n" * ONE_MIB + "髙\n".encode("cp932"))
    assert detect_encoding(cp932) == "cp932"


def test_undetectable_encoding(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "roster.csv", b"name\n\x85\x40\x81 \n")
    with pytest.raises(TableFileError, match=r"roster\.csv の文字コードを判別できません"):
        open_table(path)


def test_utf16_gets_its_own_advice(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "roster.txt", "氏名\t所属\r\n".encode("utf-16"))
    with pytest.raises(TableFileError, match=r"roster\.txt は UTF-16"):
        open_table(path)


def test_wrong_forced_encoding_names_file_and_line(tmp_path: Path) -> None:
    lines = ["name,memo"] + [f"row{n},ascii" for n in range(2, 12)] + ["髙橋,①"]
    path = write_bytes(tmp_path, "roster.csv", "\r\n".join(lines).encode("cp932"))
    info, rows = open_table(path, encoding="utf-8")
    assert info.encoding == "utf-8"
    with pytest.raises(TableFileError) as caught:
        list(rows)
    assert str(caught.value) == (
        "roster.csv の 12 行目付近を UTF-8 として読めません。文字コードを選び直してください。"
    )


def test_wrong_forced_encoding_in_the_header(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "roster.csv", "\r\n氏名\r\n".encode("cp932"))
    with pytest.raises(TableFileError, match=r"roster\.csv の 2 行目付近を UTF-8 として読めません"):
        open_table(path, encoding="utf8")


# --- CSV shape ----------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_quoted_commas_and_line_breaks_keep_start_lines(tmp_path: Path, newline: str) -> None:
    text = newline.join(
        [
            "氏名,メモ,番号",  # 1
            '"山田, 太郎","一行目' + newline + '二行目",1',  # 2-3
            '鈴木,"引用符""あり",2',  # 4
            '"佐藤","a' + newline + "b" + newline + 'c",3',  # 5-7
            "田中,,4",  # 8
            "",
        ]
    )
    path = write_bytes(tmp_path, "roster.csv", text.encode("cp932"))
    headers, rows = read_all(path)
    assert headers == ["氏名", "メモ", "番号"]
    assert rows == [
        (2, ["山田, 太郎", f"一行目{newline}二行目", "1"]),
        (4, ["鈴木", '引用符"あり', "2"]),
        (5, ["佐藤", f"a{newline}b{newline}c", "3"]),
        (8, ["田中", "", "4"]),
    ]


def test_old_mac_line_ends(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "roster.csv", b"a,b\rx,1\r\ry,2\r")
    assert read_all(path) == (["a", "b"], [(2, ["x", "1"]), (4, ["y", "2"])])


def test_blank_rows_and_leading_blank_lines(tmp_path: Path) -> None:
    text = "\r\n,,,\r\n  \r\n氏名,所属, \r\n山田,総務課\r\n,,,\r\n\r\n 　,\t,\r\n鈴木,税務課\r\n,,,\r\n\r\n"
    path = write_bytes(tmp_path, "roster.csv", text.encode("cp932"))
    info, rows = open_table(path)
    assert info.header_line == 4
    assert info.headers == ["氏名", "所属"]  # trailing blank header cells dropped
    assert list(rows) == [(5, ["山田", "総務課"]), (9, ["鈴木", "税務課"])]


def test_short_rows_padded_and_long_rows_keep_their_extra_cells(tmp_path: Path) -> None:
    text = "a,b,c\n1\n1,2,3,,\n1,2,3,,x,,\n"
    path = write_bytes(tmp_path, "roster.csv", text.encode())
    assert read_all(path)[1] == [
        (2, ["1", "", ""]),
        (3, ["1", "2", "3"]),  # blank trailing extras are not extra data
        (4, ["1", "2", "3", "", "x"]),
    ]


def test_headers_are_stripped_but_data_cells_are_not(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "roster.csv", " 氏名 ,\u3000所属\n 山田 ,総務課\n".encode())
    assert read_all(path) == (["氏名", "所属"], [(2, [" 山田 ", "総務課"])])


@pytest.mark.parametrize("name", ["roster.txt", "roster.csv"])
def test_tab_separated_is_sniffed(tmp_path: Path, name: str) -> None:
    text = '\r\n氏名\t所属\tメモ\r\n山田\t総務課,第一係\t"a\tb"\r\n'
    path = write_bytes(tmp_path, name, text.encode("cp932"))
    info, rows = open_table(path)
    assert (info.header_line, info.headers) == (2, ["氏名", "所属", "メモ"])
    assert list(rows) == [(3, ["山田", "総務課,第一係", "a\tb"])]


def test_a_tab_inside_a_comma_header_is_not_tsv(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "roster.csv", b'"a\tb",c\n1,2\n')
    assert read_all(path) == (["a\tb", "c"], [(2, ["1", "2"])])


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n,,,\r\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = write_bytes(tmp_path, "roster.csv", content)
    with pytest.raises(TableFileError) as caught:
        open_table(path)
    assert str(caught.value) == "roster.csv に見出し行がありません（空のファイルです）。"


def test_unclosed_quote_is_reported_where_its_record_starts(tmp_path: Path) -> None:
    # The open quote swallows the rest of the file until the csv field limit trips.
    text = 'a,b\n1,2\n3,"unclosed\n' + "4,x\n" * 50_000
    path = write_bytes(tmp_path, "roster.csv", text.encode())
    _info, rows = open_table(path)
    assert next(rows) == (2, ["1", "2"])
    with pytest.raises(
        TableFileError, match=r'roster\.csv の 3 行目付近を CSV として読めません（引用符 " の閉じ忘れ'
    ):
        next(rows)


def test_xls_is_refused(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "roster.xls", b"\xd0\xcf\x11\xe0")
    with pytest.raises(TableFileError) as caught:
        open_table(path)
    assert str(caught.value) == (
        "roster.xls は Excel 97-2003 形式（.xls）のため読めません。"
        "Excel で .xlsx か CSV に保存し直してください。"
    )


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TableFileError, match=r"roster\.pdf"):
        open_table(write_bytes(tmp_path, "roster.pdf", b"%PDF"))
    missing = tmp_path / "sub" / "gone.csv"
    with pytest.raises(TableFileError) as caught:
        open_table(missing)
    assert str(caught.value) == "gone.csv が見つかりません。"
    assert str(tmp_path) not in str(caught.value)  # the name, never the full path
    with pytest.raises(TableFileError, match=r"gone\.xlsx が見つかりません"):
        sheet_names(tmp_path / "gone.xlsx")


# --- XLSX -------------------------------------------------------------------------------


@pytest.fixture
def workbook_path(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    roster = workbook.active
    roster.title = "名簿"
    roster.append([])  # row 1 blank: the header is the first non-blank row
    roster.append([" 氏名 ", "入庁日", "番号", "比率", "件数", "空", "可否", "時刻", None])
    roster.append(["髙橋 﨑子", dt.date(2024, 4, 1), 42, 1.5, 2.0, None, True, dt.time(9, 30)])
    roster.append(["①", dt.datetime(2023, 10, 2, 17, 45), -7, 0.1 + 0.2, 1e20, None, False])
    # rows 5 and 6: a gap, then a row with only spaces; both skipped
    roster.cell(row=6, column=3, value="  ")
    roster.cell(row=7, column=1, value="鈴木")
    roster.cell(row=7, column=12, value="はみ出し")
    other = workbook.create_sheet("その他")
    other.append(["コード", "名前"])
    other.append(["001", "㈱まなび"])
    workbook.create_sheet("空")
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    return path


def test_xlsx_first_sheet_with_excel_row_numbers(workbook_path: Path) -> None:
    info, rows = open_table(workbook_path)
    assert (info.kind, info.encoding, info.sheet, info.header_line) == ("xlsx", None, "名簿", 2)
    assert info.headers == ["氏名", "入庁日", "番号", "比率", "件数", "空", "可否", "時刻"]
    assert list(rows) == [
        (3, ["髙橋 﨑子", "2024-04-01", "42", "1.5", "2", "", "TRUE", "09:30:00"]),
        (4, ["①", "2023-10-02", "-7", "0.3", "100000000000000000000", "", "FALSE", ""]),
        (7, ["鈴木", "", "", "", "", "", "", "", "", "", "", "はみ出し"]),
    ]


def test_xlsx_named_sheet_and_sheet_names(workbook_path: Path) -> None:
    assert sheet_names(workbook_path) == ["名簿", "その他", "空"]
    info, rows = open_table(workbook_path, sheet="その他")
    assert (info.sheet, info.headers) == ("その他", ["コード", "名前"])
    assert list(rows) == [(2, ["001", "㈱まなび"])]


def test_xlsx_unknown_sheet_lists_the_sheets(workbook_path: Path) -> None:
    with pytest.raises(TableFileError) as caught:
        open_table(workbook_path, sheet="名簿2")
    assert (
        str(caught.value) == "roster.xlsx にシート「名簿2」がありません。シート: 「名簿」、「その他」、「空」"
    )


def test_xlsx_empty_sheet(workbook_path: Path) -> None:
    with pytest.raises(TableFileError, match=r"roster\.xlsx のシート「空」に見出し行がありません"):
        open_table(workbook_path, sheet="空")


def test_xlsx_parts_openpyxl_would_drop_do_not_warn(tmp_path: Path) -> None:
    # Excel puts data-validation lists in an extension openpyxl warns it "will remove";
    # that is about re-saving, not about the values, and must not fail a strict caller.
    plain = tmp_path / "plain.xlsx"
    write_xlsx(plain, ["区分"], [["A"]], sheet_title="s")
    path = tmp_path / "excel.xlsx"
    extension = '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"/></extLst></worksheet>'
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", extension.encode())
            target.writestr(item, data)
    with pytest.warns(UserWarning, match="extension is not supported"):
        openpyxl.load_workbook(path).close()  # the warning this module silences
    assert read_all(path) == (["区分"], [(2, ["A"])])


@pytest.mark.parametrize("content", [os.urandom(4096), b"PK\x03\x04" + b"\x00" * 100, b""])
def test_corrupt_xlsx(tmp_path: Path, content: bytes) -> None:
    path = write_bytes(tmp_path, "broken.xlsx", content)
    with pytest.raises(TableFileError) as caught:
        open_table(path)
    assert str(caught.value).startswith("broken.xlsx は Excel ファイルとして開けません")
    with pytest.raises(TableFileError, match=r"broken\.xlsx は Excel"):
        sheet_names(path)


def test_csv_has_no_sheets(tmp_path: Path) -> None:
    assert sheet_names(write_bytes(tmp_path, "a.csv", b"a\n")) == []


@needs_proc
@pytest.mark.parametrize("how", ["exhaust", "close", "drop"])
@pytest.mark.parametrize("name", ["roster.csv", "roster.xlsx"])
def test_the_iterator_owns_the_file(tmp_path: Path, name: str, how: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_bytes(b"a\n1\n2\n")
    else:
        write_xlsx(path, ["a"], [[1], [2]], sheet_title="s")
    _info, rows = open_table(path)
    assert fds_on(path) == 1
    if how == "exhaust":
        assert [line for line, _ in rows] == [2, 3]
    elif how == "close":
        rows.close()  # type: ignore[attr-defined]  # it is a generator
    else:
        del rows
        gc.collect()
    assert fds_on(path) == 0


# --- write_csv --------------------------------------------------------------------------

HEADERS = ["氏名", "所属", "生年月日", "金額", "メモ"]
ROWS: list[list[object]] = [
    ["髙橋 﨑子", "㈱まなび①", dt.date(1990, 1, 31), Decimal("1200.50"), "カンマ, と\n改行"],
    ["ｶﾀｶﾅ", None, None, 3, '引用符"'],
    ["山田", "総務課", dt.date(2001, 12, 1), 1.5, ""],
]
EXPECTED = [
    (2, ["髙橋 﨑子", "㈱まなび①", "1990-01-31", "1200.50", "カンマ, と\n改行"]),
    (4, ["ｶﾀｶﾅ", "", "", "3", '引用符"']),  # the quoted line break made record 2 two lines
    (5, ["山田", "総務課", "2001-12-01", "1.5", ""]),
]


@pytest.mark.parametrize(
    ("encoding", "bom"), [("cp932", b""), ("Shift_JIS", b""), ("utf-8-sig", b"\xef\xbb\xbf")]
)
def test_write_csv_round_trip(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "out.csv"
    assert write_csv(path, HEADERS, (row for row in ROWS), encoding=encoding) == 3
    data = path.read_bytes()
    assert data.startswith(bom + "氏名".encode("utf-8" if bom else "cp932"))
    assert data.count(b"\r\n") == 4 and data.count(b"\n") == 5  # CRLF records; LF kept inside the quotes
    assert not (tmp_path / "out.csv.part").exists()
    info, rows = open_table(path)
    assert info.encoding == normalize_encoding_name(encoding)
    assert info.headers == HEADERS
    assert list(rows) == EXPECTED


def test_write_csv_bools_and_datetimes(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ["a", "b"], [[True, dt.datetime(2024, 4, 1, 9, 5, 7)]], encoding="utf-8")
    assert path.read_bytes() == b"a,b\r\nTRUE,2024-04-01 09:05:07\r\n"


@pytest.mark.parametrize("existing", [None, b"old,contents\r\n"])
@pytest.mark.parametrize(("char", "column"), [("𠮷", "氏名"), ("🙂", "メモ")])
def test_write_csv_unencodable_character(
    tmp_path: Path, existing: bytes | None, char: str, column: str
) -> None:
    path = tmp_path / "out.csv"
    if existing is not None:
        path.write_bytes(existing)
    bad = ["山田", "総務課", None, 1, ""]
    bad[HEADERS.index(column)] = f"{char}野"
    with pytest.raises(TableFileError) as caught:
        write_csv(path, HEADERS, [ROWS[2], bad, ROWS[2]])
    assert str(caught.value) == (
        f"out.csv の 3 行目「{column}」の「{char}」は CP932（Shift_JIS） で書けません。"
        "文字コードに UTF-8（BOM付き） を選んでください。"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if existing is None else ["out.csv"])
    if existing is not None:
        assert path.read_bytes() == existing


def test_write_csv_unencodable_header_and_extra_column(tmp_path: Path) -> None:
    with pytest.raises(TableFileError, match=r"out\.csv の 1 行目「𠮷」の「𠮷」"):
        write_csv(tmp_path / "out.csv", ["𠮷"], [])
    with pytest.raises(TableFileError, match=r"out\.csv の 2 行目「2 列目」の「🙂」"):
        write_csv(tmp_path / "out.csv", ["a"], [["x", "🙂"]])


def test_write_csv_broken_character_in_utf8(tmp_path: Path) -> None:
    with pytest.raises(TableFileError, match=r"out\.csv の 2 行目「a」に壊れた文字（U\+D800）"):
        write_csv(tmp_path / "out.csv", ["a"], [["x\ud800"]], encoding="utf-8-sig")
    assert list(tmp_path.iterdir()) == []


def test_write_csv_failing_source_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_bytes(b"old")

    def rows() -> Iterator[list[object]]:
        yield ["a"]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_csv(path, ["h"], rows())
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_csv_unwritable_folder(tmp_path: Path) -> None:
    with pytest.raises(TableFileError, match=r"out\.csv に書き込めません"):
        write_csv(tmp_path / "missing" / "out.csv", ["h"], [])


# --- write_xlsx -------------------------------------------------------------------------


def _xlsx_rows() -> list[list[object]]:
    return [
        ["髙橋 﨑子", "㈱まなび①", dt.date(1990, 1, 31), 42, Decimal("1.5")],
        ["=1+1", None, dt.datetime(2024, 4, 1, 9, 30), -3, 2.25],
        ["長い" * 40, "x", None, None, None],
    ]


def test_write_xlsx_settings(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    headers = ["氏名", "所属", "生年月日", "番号", "比率"]
    assert write_xlsx(path, headers, iter(_xlsx_rows()), sheet_title="名簿/2024") == 3
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet.title == "名簿_2024"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.orientation == "portrait"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold

    born = sheet["C2"]
    assert born.is_date and born.value == dt.datetime(1990, 1, 31)
    assert born.number_format == "yyyy/mm/dd"
    assert sheet["C3"].number_format == "yyyy/mm/dd hh:mm"
    assert sheet["D2"].value == 42 and sheet["D2"].data_type == "n"
    assert sheet["E2"].value == 1.5 and sheet["E2"].data_type == "n"
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"  # text, not a formula

    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDE"}
    assert widths["A"] == 50  # capped
    assert widths["B"] >= 2 * len("㈱まなび①")  # wide characters count double
    assert 10 <= widths["C"] < 20
    workbook.close()

    info, rows = open_table(path)
    assert info.headers == headers
    assert next(rows) == (2, ["髙橋 﨑子", "㈱まなび①", "1990-01-31", "42", "1.5"])


def test_write_xlsx_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    assert write_xlsx(path, ["a", "b"], [], sheet_title="空") == 0
    workbook = openpyxl.load_workbook(path)
    assert workbook.active.auto_filter.ref == "A1:B1"
    workbook.close()


def test_write_xlsx_failing_source_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")

    def rows() -> Iterator[list[object]]:
        yield from _xlsx_rows()
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_xlsx(path, ["a"], rows(), sheet_title="s")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.mark.skipif(
    shutil.which("soffice") is None and not _in_ci(), reason="LibreOffice (soffice) is not installed"
)
def test_write_xlsx_opens_in_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice is not None, "CI must have LibreOffice to check the XLSX export"
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["氏名", "所属", "生年月日", "番号", "比率"], _xlsx_rows(), sheet_title="名簿")
    out = tmp_path / "csv"
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
    lines = (out / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "氏名,所属,生年月日,番号,比率"
    # The export shows cells as formatted: the date in its yyyy/mm/dd format.
    assert lines[1] == "髙橋 﨑子,㈱まなび①,1990/01/31,42,1.5"
    assert lines[2] == "=1+1,,2024/04/01 09:30,-3,2.25"
    assert len(lines) == 4


# --- streaming --------------------------------------------------------------------------


def test_reading_streams_rows(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    row_count = 200_000
    with path.open("w", encoding="cp932", newline="") as file:
        file.write("職員番号,氏名,フリガナ,所属,メモ\r\n")
        for n in range(row_count):
            file.write(f'{n:08d},髙橋 﨑子{n},ﾀｶﾊｼ ｻｷｺ,㈱まなび①総務課,"メモ, {n}"\r\n')

    tracemalloc.start()
    try:
        info, rows = open_table(path)
        count = 0
        last = 0
        for line, cells in rows:
            count += 1
            last = line
            assert len(cells) == 5
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.encoding == "cp932"
    assert (count, last) == (row_count, row_count + 1)
    assert path.stat().st_size > 10_000_000
    assert peak < 50_000_000, f"peak {peak / 1e6:.1f} MB: rows are being held"
