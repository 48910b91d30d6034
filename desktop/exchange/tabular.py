"""Reading and writing the CSV and XLSX files that offices exchange.

HR rosters arrive as CSV in CP932 (with the NEC/IBM extended characters ①, ㈱,
髙, 﨑 that only the 'cp932' codec knows), as UTF-8 with or without a BOM, or
as XLSX. Files can hold hundreds of thousands of rows, so reading streams: the
caller gets the header and a lazy iterator, and nothing here keeps the rows.

Writing goes to a ``.part`` file beside the target and is renamed over it only
when complete, so a crash or an unwritable character never leaves half a file
where the clerk expects the old one.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
import warnings
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from desktop.safe_write import replacing

ENCODINGS = {"cp932": "CP932（Shift_JIS）", "utf-8": "UTF-8", "utf-8-sig": "UTF-8（BOM付き）"}

# User-typed spellings, compared with case, '-', '_' and spaces removed.
_ENCODING_ALIASES = {
    **dict.fromkeys(("cp932", "ms932", "windows31j", "shiftjis", "sjis", "xsjis", "mskanji"), "cp932"),
    "utf8": "utf-8",
    **dict.fromkeys(("utf8sig", "utf8bom", "utf8withbom"), "utf-8-sig"),
}
_CHUNK = 1 << 20
_CSV_SUFFIXES = {".csv", ".txt"}
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_EXCEL_MAX_ROWS = 1_048_576
# A lone CR ends a line too (universal newlines), but not the CR of a CRLF.
_LONE_CR = re.compile(r"(?<=\r)(?!\n)")
_SAMPLE_ROWS = 200  # rows that set XLSX column widths; the rest stream straight through
_MAX_WIDTH = 50


class TableFileError(Exception):
    """str(exc) is a Japanese message naming the file (and the line when known)."""


@dataclass(frozen=True)
class TableInfo:
    path: Path
    kind: str  # 'csv' | 'xlsx'
    encoding: str | None  # csv: the codec actually used; None for xlsx
    sheet: str | None  # xlsx: the sheet read
    headers: list[str]  # header cells, stripped
    header_line: int  # 1-based CSV physical line / Excel row of the header


def normalize_encoding_name(name: str) -> str:
    if name in ENCODINGS:
        return name
    for codec, label in ENCODINGS.items():  # the labels a settings combo box shows
        if name == label:
            return codec
    key = re.sub(r"[-_\s]", "", name).lower()
    if key in _ENCODING_ALIASES:
        return _ENCODING_ALIASES[key]
    raise TableFileError(
        f"文字コード「{name}」には対応していません。"
        "cp932（Shift_JIS）、utf-8、utf-8-sig（BOM付き）のいずれかを指定してください。"
    )


def detect_encoding(path: Path) -> str:
    with _opened(path) as file:
        head = file.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Excel's 「Unicode テキスト」: common enough to deserve its own advice.
            raise TableFileError(
                f"{path.name} は UTF-16（Unicode テキスト）形式なので読めません。"
                "Excel で「CSV UTF-8」か「CSV」形式で保存し直してください。"
            )
        for codec in ("utf-8", "cp932"):
            if _decodes(file, codec):
                return codec
    raise TableFileError(
        f"{path.name} の文字コードを判別できません（CP932（Shift_JIS）でも UTF-8 でもありません）。"
        "Excel で CSV 形式に保存し直すか、文字コードを指定してください。"
    )


def _decodes(file: IO[bytes], codec: str) -> bool:
    # Chunk by chunk through an incremental decoder: memory stays constant, and a
    # character split across two chunks is joined rather than reported as invalid.
    file.seek(0)
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        while chunk := file.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sheet_names(path: Path) -> list[str]:
    if _kind(path) == "csv":
        return []
    workbook = _load_workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def open_table(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> tuple[TableInfo, Generator[tuple[int, list[str]], None, None]]:
    """Header plus a lazy iterator of (line, cells) for the data rows.

    The iterator is a started generator that owns the open file: exhausting it,
    closing it or dropping it closes the file.
    """
    kind = _kind(path)
    records: Generator[tuple[int, list[str]], None, None]
    if kind == "csv":
        codec = detect_encoding(path) if encoding is None else normalize_encoding_name(encoding)
        if codec == "utf-8" and _starts_with_bom(path):
            codec = "utf-8-sig"  # never hand the BOM to the first header as text
        records = _csv_records(path, codec)
        empty = f"{path.name} に見出し行がありません（空のファイルです）。"
    else:
        codec = None
        workbook = _load_workbook(path)
        try:
            if sheet is None:
                sheet = workbook.sheetnames[0]
            elif sheet not in workbook.sheetnames:
                names = "、".join(f"「{name}」" for name in workbook.sheetnames)
                raise TableFileError(f"{path.name} にシート「{sheet}」がありません。シート: {names}")
            worksheet = workbook[sheet]
        except BaseException:
            workbook.close()
            raise
        records = _xlsx_records(path.name, workbook, worksheet)
        empty = f"{path.name} のシート「{sheet}」に見出し行がありません（空のシートです）。"
    rows = _after_header(records, empty)
    header_line, headers = next(rows)
    return TableInfo(path, kind, codec, sheet, headers, header_line), rows


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise TableFileError(
            f"{path.name} は Excel 97-2003 形式（.xls）のため読めません。"
            "Excel で .xlsx か CSV に保存し直してください。"
        )
    if suffix not in _CSV_SUFFIXES | _XLSX_SUFFIXES:
        raise TableFileError(
            f"{path.name} は読めない種類のファイルです。CSV か Excel（.xlsx）を選んでください。"
        )
    if not path.is_file():
        raise TableFileError(f"{path.name} が見つかりません。")
    return "csv" if suffix in _CSV_SUFFIXES else "xlsx"


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[IO[bytes]]:
    try:
        file = path.open("rb")
    except FileNotFoundError:
        raise TableFileError(f"{path.name} が見つかりません。") from None
    except OSError as exc:
        raise TableFileError(f"{path.name} を開けません（{exc.strerror}）。") from exc
    with file:
        yield file


def _starts_with_bom(path: Path) -> bool:
    with _opened(path) as file:
        return file.read(3) == codecs.BOM_UTF8


def _after_header(
    records: Generator[tuple[int, list[str]], None, None], empty_message: str
) -> Generator[tuple[int, list[str]], None, None]:
    """Yields the header first, then data rows fitted to its width; blank rows dropped."""
    try:
        width = -1
        for line, cells in records:
            if not any(cell.strip() for cell in cells):
                continue
            if width < 0:
                headers = [cell.strip() for cell in cells]
                while not headers[-1]:  # Excel's trailing empty columns (the row is not blank)
                    headers.pop()
                width = len(headers)
                yield line, headers
            elif len(cells) < width:
                cells.extend([""] * (width - len(cells)))
                yield line, cells
            else:
                # Extra cells are kept for the caller to report, but only up to the last
                # non-blank one: 'a,b,,,' under two headers is not an over-long row.
                end = len(cells)
                while end > width and not cells[end - 1].strip():
                    end -= 1
                del cells[end:]
                yield line, cells
        if width < 0:
            raise TableFileError(empty_message)
    finally:
        records.close()


# --- CSV -------------------------------------------------------------------------------


def _csv_records(path: Path, codec: str) -> Generator[tuple[int, list[str]], None, None]:
    label = ENCODINGS[codec]
    with _opened(path) as file:
        lines = _decoded_lines(file, codec, path.name, label)
        # Sniff the delimiter on the first non-blank line; the lines read for it are replayed.
        seen: list[str] = []
        delimiter = ","
        for text in lines:
            seen.append(text)
            try:
                first = next(csv.reader([text]), [])
            except csv.Error:  # e.g. a stray CR inside a field: the reader below says where
                break
            if any(cell.strip() for cell in first):
                if len(first) == 1 and "\t" in first[0]:
                    delimiter = "\t"  # Excel's 「テキスト（タブ区切り）」 saved as .txt/.csv
                break
        reader = csv.reader(itertools.chain(seen, lines), delimiter=delimiter)
        while True:
            start = reader.line_num + 1  # physical line where this record starts
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise TableFileError(
                    f"{path.name} の {start} 行目付近を CSV として読めません"
                    f'（引用符 " の閉じ忘れがないか確認してください: {exc}）。'
                ) from exc
            yield start, cells


def _decoded_lines(file: IO[bytes], codec: str, name: str, label: str) -> Iterator[str]:
    # Decoding line by line (b'\n' is never part of a CP932 or UTF-8 character) pins a
    # decode error to its physical line; a text stream would report its read-ahead chunk.
    decoder = codecs.getincrementaldecoder(codec)("strict")
    number = 0  # physical lines handed out so far
    try:
        for raw in file:
            text = decoder.decode(raw)
            # Old Mac line ends: one raw line holds several physical ones.
            pieces = _LONE_CR.split(text) if "\r" in text[:-2] else (text,)
            for piece in pieces:
                if piece:
                    number += 1
                    yield piece
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise TableFileError(
            f"{name} の {number + 1} 行目付近を {label} として読めません。文字コードを選び直してください。"
        ) from exc


# --- XLSX ------------------------------------------------------------------------------


@contextlib.contextmanager
def _openpyxl_quiet() -> Iterator[None]:
    # openpyxl warns about parts it would drop on re-save (data validation extensions,
    # conditional formats); values are unaffected, so those warnings are noise here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        yield


def _load_workbook(path: Path) -> Any:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # lazy: ~0.3 s to import

    try:
        with _openpyxl_quiet():
            return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (BadZipFile, KeyError, …) on bad files
        raise TableFileError(
            f"{path.name} は Excel ファイルとして開けません（壊れているか、パスワードで保護されています）。"
        ) from exc


def _xlsx_records(name: str, workbook: Any, worksheet: Any) -> Generator[tuple[int, list[str]], None, None]:
    try:
        # Dimensions written by other programs can be wrong and would cut rows off.
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(values_only=True)  # consecutive from row 1, gaps as ()
        for line in itertools.count(1):
            try:
                with _openpyxl_quiet():
                    values = next(rows)
            except StopIteration:
                return
            except Exception as exc:
                raise TableFileError(
                    f"{name} の {line} 行目付近を読めません（ファイルが壊れています）。"
                ) from exc
            yield line, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # 15 significant digits is what Excel shows: a stored 0.30000000000000004 reads 0.3.
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.date):  # datetime included: the time of day is dropped
        return value.isoformat()[:10]
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")[:8]
    if isinstance(value, dt.timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"
    return str(value)


# --- Writing ---------------------------------------------------------------------------


@contextlib.contextmanager
def replacing_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes `path` only if the block completes."""
    try:
        with replacing(path) as file:
            yield file
    except OSError as exc:
        raise TableFileError(
            f"{path.name} に書き込めません（{exc.strerror}）。"
            "Excel などで開いている場合は閉じてから、もう一度やり直してください。"
        ) from exc


def save_workbook(workbook: Any, path: Path) -> None:
    """Save an openpyxl workbook crash-safely (see replacing_file)."""
    with replacing_file(path) as file:
        workbook.save(file)


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as Excel writes them, and as the reader yields
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[object]], *, encoding: str = "cp932"
) -> int:
    codec = normalize_encoding_name(encoding)
    count = 0
    with replacing_file(path) as binary:
        text = io.TextIOWrapper(binary, encoding=codec, newline="")
        try:
            writer = csv.writer(text, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            for line, cells in enumerate(itertools.chain([headers], rows), start=1):
                texts = [_csv_text(value) for value in cells]
                try:
                    writer.writerow(texts)  # encodes at once: the error comes from this row
                except UnicodeEncodeError:
                    raise _unwritable(path.name, line, headers, texts, codec) from None
                count = line - 1
        finally:
            text.detach()  # flushes; the binary file stays open for fsync
    return count


def _unwritable(name: str, line: int, headers: Sequence[str], texts: list[str], codec: str) -> TableFileError:
    for column, cell in enumerate(texts):
        try:
            cell.encode(codec)
        except UnicodeEncodeError as exc:
            title = headers[column] if column < len(headers) else f"{column + 1} 列目"
            char = cell[exc.start]
            if codec != "cp932":  # only a broken (lone surrogate) character fails in UTF-8
                return TableFileError(
                    f"{name} の {line} 行目「{title}」に壊れた文字（U+{ord(char):04X}）があります。"
                )
            return TableFileError(
                f"{name} の {line} 行目「{title}」の「{char}」は {ENCODINGS[codec]} で書けません。"
                "文字コードに UTF-8（BOM付き） を選んでください。"
            )
    return TableFileError(f"{name} の {line} 行目は {ENCODINGS[codec]} で書けません。")


def write_xlsx(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str,
    date_format: str = "yyyy/mm/dd",
) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(safe_sheet_title(sheet_title))
    count = fill_table_sheet(sheet, headers, rows, file_name=path.name, date_format=date_format)
    with replacing_file(path) as file:
        workbook.save(file)
    return count


def safe_sheet_title(title: str) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet1"


def fill_table_sheet(
    sheet: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    file_name: str,
    date_format: str = "yyyy/mm/dd",
    landscape: bool = False,
    min_widths: Sequence[int] = (),
) -> int:
    """Write a header and rows into a fresh write-only sheet; return the row count.

    The sheet gets what every list the office prints needs: a bold frozen header
    repeated on each printed page, an auto-filter, A4 fitted to the page width,
    column widths from the header and the first rows (at least ``min_widths``), real
    dates in ``date_format``.
    """
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

    def cell(value: object) -> object:
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters make the file unreadable
            if text.startswith("="):
                literal = WriteOnlyCell(sheet, text)
                literal.data_type = "s"  # data, not a formula for Excel to run
                return literal
            return text
        if isinstance(value, dt.date):
            date = WriteOnlyCell(sheet, value)
            date.number_format = f"{date_format} hh:mm" if isinstance(value, dt.datetime) else date_format
            return date
        if value is None or isinstance(value, int | float | Decimal):  # bool is an int
            return value
        return str(value)

    # Widths come from the header and the first rows, held briefly: write-only sheets
    # write <cols> before the first row, and a streamed export cannot be measured whole.
    source = iter(rows)
    sample = list(itertools.islice(source, _SAMPLE_ROWS))
    widths = [_display_width(title) + 4 for title in headers]  # bold + the filter button
    for column, least in enumerate(min_widths[: len(widths)]):  # for what the caller appends below
        widths[column] = max(widths[column], least)
    date_width = _date_display_width(date_format)
    for values in sample:
        for column, value in enumerate(values[: len(headers)]):
            shown = date_width if isinstance(value, dt.date) else _display_width(_csv_text(value))
            widths[column] = max(widths[column], shown + 2)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width, _MAX_WIDTH)
    # Properties, views and <cols> open the sheet XML, written at the first append: set them now.
    sheet.freeze_panes = "A2"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # write-only sheets lack the constants
    sheet.page_setup.orientation = (
        Worksheet.ORIENTATION_LANDSCAPE if landscape else Worksheet.ORIENTATION_PORTRAIT
    )
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"

    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        header = WriteOnlyCell(sheet, title)
        header.font = bold
        header_cells.append(header)
    sheet.append(header_cells)
    count = 0
    append = sheet.append
    for values in itertools.chain(sample, source):
        count += 1
        if count >= _EXCEL_MAX_ROWS:
            raise TableFileError(
                f"{file_name} に書く行が Excel の上限（{_EXCEL_MAX_ROWS:,} 行）を超えます。CSV で書き出してください。"
            )
        append([cell(value) for value in values])
    if headers:
        # <autoFilter> follows the rows in the XML (and print titles live in the workbook),
        # so the filter can wait for the row count.
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return count


def _date_display_width(date_format: str) -> int:
    # A 和暦 format (令和7年12月31日) shows wider than the format code's own length suggests.
    return 16 if "ggg" in date_format else len(date_format)


def _display_width(text: str) -> int:
    # Wide and ambiguous characters (kanji, kana, ①, ○) take two columns in Japanese fonts.
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in text)
