"""Filling the Excel form a central office distributes (様式への転記).

Offices must submit in the central office's own workbook: its title rows,
merged headers, borders, print setup and totals are part of the form. The
clerk loads the form once, says which column takes which field (a
TemplateMapping, saved by name), and every export writes into a copy of it.

Chosen behaviour, in short:
- the form is opened with openpyxl (not read-only) and saved under a new name;
  the form file itself is only read;
- the list starts at `first_data_row`; later rows take that row's styles, row
  height, merges and formulas (=ROW()-5 numbering continues down);
- rows already prepared below it (bordered blank rows) are used first; when the
  list needs more, rows are inserted before whatever follows the list (a total
  row, notes), and a range ending on the list's last row (=SUM(F6:F55)) grows
  over the new rows (see sheet_rows);
- .xls is refused (openpyxl cannot read it), and so are .xlsm/.xltm: openpyxl
  cannot be trusted to carry macros and form controls over, and a form whose
  macros silently stopped working is worse than a clear refusal.
"""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.exchange.columns import Column, guess_mapping
from desktop.exchange.procurement_merge import PROCUREMENT_COLUMNS
from desktop.exchange.sheet_rows import insert_rows, list_end
from desktop.exchange.tabular import TableFileError, save_workbook

HEADER_SEARCH_ROWS = 30
DATE_FORMAT = "yyyy/mm/dd"
_EXCEL_MAX_ROWS = 1_048_576
_LETTER = re.compile(r"^[A-Z]{1,3}$")
_MAX_COLUMN = 16_384  # XFD


class TemplateError(TableFileError):
    """str(exc) is a Japanese message fit to show the clerk."""


@dataclass(frozen=True)
class HeaderCell:
    column: str  # letter
    text: str


@dataclass(frozen=True)
class SheetInfo:
    name: str
    header_row: int
    first_data_row: int  # a guess: below the header, and below a header merged over two rows
    headers: tuple[HeaderCell, ...]
    max_column: int


@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    sheets: tuple[SheetInfo, ...]
    notes: tuple[str, ...] = ()  # what the copy will not keep, for the clerk to know beforehand

    def sheet(self, name: str) -> SheetInfo:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise TemplateError(f"様式にシート「{name}」がありません。シート: {_names(self.sheets)}")


@dataclass(frozen=True)
class TemplateMapping:
    sheet: str
    header_row: int
    first_data_row: int
    columns: dict[str, str] = field(default_factory=dict)  # field key → column letter

    def problems(self) -> list[str]:
        found: list[str] = []
        if not self.sheet:
            found.append("シート名が指定されていません。")
        if self.header_row < 1:
            found.append("見出し行は 1 以上の行番号で指定してください。")
        if self.first_data_row <= self.header_row:
            found.append(
                f"記入開始行（{self.first_data_row}）は見出し行（{self.header_row}）より下にしてください。"
            )
        if self.first_data_row > _EXCEL_MAX_ROWS:
            found.append(f"記入開始行（{self.first_data_row}）が Excel の行数を超えています。")
        if not self.columns:
            found.append("割り当てる列がありません。少なくとも 1 列を割り当ててください。")
        seen: dict[str, str] = {}
        for key, letter in self.columns.items():
            if not _LETTER.match(letter) or _column_index(letter) > _MAX_COLUMN:
                found.append(f"項目「{key}」の列「{letter}」は Excel の列記号（A〜XFD）ではありません。")
            elif letter in seen:
                found.append(f"列 {letter} に項目「{seen[letter]}」と「{key}」の両方が割り当てられています。")
            else:
                seen[letter] = key
        return found

    def check(self) -> None:
        if problems := self.problems():
            raise TemplateError("様式の列の割り当てに誤りがあります: " + " ".join(problems))

    def to_json(self) -> str:
        return json.dumps(
            {
                "sheet": self.sheet,
                "header_row": self.header_row,
                "first_data_row": self.first_data_row,
                "columns": dict(sorted(self.columns.items())),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> TemplateMapping:
        try:
            data = json.loads(text)
            columns = data["columns"]
            mapping = cls(
                sheet=_text(data["sheet"]),
                header_row=_whole(data["header_row"]),
                first_data_row=_whole(data["first_data_row"]),
                columns={_text(k): _text(v).strip().upper() for k, v in columns.items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TemplateError(f"保存された様式の割り当てを読めません（{exc}）。") from exc
        mapping.check()
        return mapping


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"文字列ではありません: {value!r}")
    return value


def _whole(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"行番号ではありません: {value!r}")
    return value


def _column_index(letter: str) -> int:
    index = 0
    for char in letter:
        index = index * 26 + ord(char) - 64
    return index


def _names(sheets: Sequence[SheetInfo] | Sequence[str]) -> str:
    return "、".join(f"「{s if isinstance(s, str) else s.name}」" for s in sheets)


# --- Reading the form --------------------------------------------------------------------


def _load(path: Path) -> tuple[Any, list[str]]:
    """The workbook (styles, formulas and all) and notes on what openpyxl drops."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # lazy: ~0.3 s to import

    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise TemplateError(
            f"{path.name} は Excel 97-2003 形式（.xls）の様式のため使えません。"
            "Excel で開き「Excel ブック（.xlsx）」として保存し直してから読み込んでください。"
        )
    if suffix in {".xlsm", ".xltm"}:
        raise TemplateError(
            f"{path.name} はマクロ付きの様式です。マクロを引き継いで書き出すことはできません。"
            "Excel で「Excel ブック（.xlsx）」として保存し直した様式を読み込んでください。"
        )
    if suffix not in {".xlsx", ".xltx"}:
        raise TemplateError(f"{path.name} は Excel の様式（.xlsx）ではありません。")
    if not path.is_file():
        raise TemplateError(f"様式 {path.name} が見つかりません。")
    notes: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            workbook = load_workbook(path, keep_links=True)
        with zipfile.ZipFile(path) as archive:
            if any(name.startswith("xl/drawings/") for name in archive.namelist()):
                notes.append(
                    "様式の図形・テキストボックスは、書き出したファイルに引き継がれない場合があります。"
                )
    except Exception as exc:  # openpyxl raises many types (BadZipFile, KeyError, …) on bad files
        raise TemplateError(
            f"{path.name} は Excel ファイルとして開けません（壊れているか、パスワードで保護されています）。"
        ) from exc
    notes.extend(f"様式の一部は引き継がれません（{w.message}）。" for w in caught)
    return workbook, notes


def inspect_template(path: Path, header_rows: Mapping[str, int] | None = None) -> TemplateInfo:
    """Each sheet's header row (guessed, or as given per sheet name) and its header cells."""
    workbook, notes = _load(path)
    try:
        sheets = tuple(
            _inspect_sheet(sheet, (header_rows or {}).get(sheet.title)) for sheet in workbook.worksheets
        )
    finally:
        workbook.close()
    return TemplateInfo(path, sheets, tuple(notes))


def _inspect_sheet(sheet: Any, header_row: int | None) -> SheetInfo:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    anchors = {}  # every cell of a merged range → the range, whose top-left cell holds the text
    for cell_range in sheet.merged_cells.ranges:
        for row, column in cell_range.cells:
            anchors[(row, column)] = cell_range

    def source(row: int, column: int) -> tuple[int, int]:
        cell_range = anchors.get((row, column))
        return (row, column) if cell_range is None else (cell_range.min_row, cell_range.min_col)

    def text(row: int, column: int) -> str:
        value = sheet.cell(*source(row, column)).value
        return value.strip() if isinstance(value, str) and not value.startswith("=") else ""

    def distinct_texts(row: int) -> int:
        # A title or note merged across the width is one text, not one per column.
        return len({source(row, column) for column in range(1, width + 1) if text(row, column)})

    width = sheet.max_column
    if header_row is None:
        counts = [(distinct_texts(row), row) for row in range(1, min(sheet.max_row, HEADER_SEARCH_ROWS) + 1)]
        # The most texts wins; of equal rows the lower one, which sits under a group header.
        header_row = max(counts)[1] if counts else 1
    headers = tuple(
        HeaderCell(get_column_letter(column), text(header_row, column))
        for column in range(1, width + 1)
        if text(header_row, column)
    )
    first_data_row = header_row + 1
    for column in range(1, width + 1):
        cell_range = anchors.get((header_row, column))
        if cell_range is not None:
            first_data_row = max(first_data_row, cell_range.max_row + 1)
    return SheetInfo(sheet.title, header_row, first_data_row, headers, width)


def suggest_mapping(info: SheetInfo, columns: Sequence[Column] = PROCUREMENT_COLUMNS) -> TemplateMapping:
    """A first mapping to show the clerk: headers matched by name and alias."""
    found = guess_mapping(columns, [cell.text for cell in info.headers])
    return TemplateMapping(
        info.name,
        info.header_row,
        info.first_data_row,
        {key: info.headers[index].column for key, index in found.items()},
    )


# --- Filling ---------------------------------------------------------------------------


def fill_template(
    template: Path, out: Path, mapping: TemplateMapping, rows: Iterable[Mapping[str, object]]
) -> int:
    """Write `rows` ({field key: value}) into a copy of `template` saved as `out`; returns the count."""
    mapping.check()
    if out.suffix.lower() != ".xlsx":
        raise TemplateError(f"書き出し先 {out.name} は .xlsx のファイル名にしてください。")
    if out.resolve() == template.resolve():
        raise TemplateError(
            f"様式 {template.name} 自身には書き出せません。別のファイル名を指定してください。"
        )
    workbook, _notes = _load(template)
    try:
        if mapping.sheet not in workbook.sheetnames:
            raise TemplateError(
                f"様式 {template.name} にシート「{mapping.sheet}」がありません。シート: {_names(workbook.sheetnames)}"
            )
        sheet = workbook[mapping.sheet]
        _check_columns(sheet, mapping)
        values = [dict(row) for row in rows]
        _write(sheet, mapping, values)
        workbook.template = False  # an .xltx form gives a workbook, not another form
        # No cached results are stored for the formulas: have Excel compute them on opening.
        workbook.calculation.fullCalcOnLoad = True
        save_workbook(workbook, out)
    finally:
        workbook.close()
    return len(values)


def _check_columns(sheet: Any, mapping: TemplateMapping) -> None:
    from openpyxl.cell.cell import MergedCell  # type: ignore[import-untyped]

    problems = []
    for key, letter in mapping.columns.items():
        if _column_index(letter) > max(sheet.max_column, 1):
            problems.append(
                f"項目「{key}」の列 {letter} は様式の使われている範囲（A〜{_letter(sheet.max_column)}）の外です。"
            )
        elif isinstance(sheet[f"{letter}{mapping.first_data_row}"], MergedCell):
            problems.append(
                f"項目「{key}」の列 {letter} は {mapping.first_data_row} 行目で結合セルの途中です。結合の左端の列を割り当ててください。"
            )
    if problems:
        raise TemplateError("様式の列の割り当てに誤りがあります: " + " ".join(problems))


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    letter: str = get_column_letter(max(index, 1))
    return letter


def _write(sheet: Any, mapping: TemplateMapping, rows: list[dict[str, object]]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
    from openpyxl.formula.translate import Translator  # type: ignore[import-untyped]
    from openpyxl.styles.numbers import is_date_format  # type: ignore[import-untyped]

    first = mapping.first_data_row
    if first + len(rows) > _EXCEL_MAX_ROWS:
        raise TemplateError(f"書き出す行が Excel の上限（{_EXCEL_MAX_ROWS:,} 行）を超えます。")
    header_columns = [cell.column for cell in sheet[mapping.header_row] if cell.value is not None]
    last_column = max([*header_columns, *(_column_index(letter) for letter in mapping.columns.values())])
    end = list_end(sheet, first, last_column)
    if end is not None and first + len(rows) > end:
        insert_rows(sheet, end, first + len(rows) - end, first)
    width = sheet.max_column
    model = [sheet.cell(first, column) for column in range(1, width + 1)]
    row_merges = [r for r in sheet.merged_cells.ranges if r.min_row == r.max_row == first]
    height = sheet.row_dimensions[first].height
    by_letter = {letter: key for key, letter in mapping.columns.items()}
    for offset, values in enumerate(rows):
        row = first + offset
        if offset:
            _dress_row(sheet, row, model, row_merges, height)
        for source in model:
            if isinstance(source, MergedCell):
                continue
            target = sheet.cell(row, source.column)
            if isinstance(target, MergedCell) or (offset and target.data_type == "f"):
                continue  # a prepared row's own formula stays
            key = by_letter.get(source.column_letter)
            formula = source.value if source.data_type == "f" and isinstance(source.value, str) else None
            if formula is not None:
                # The form's own formula (numbering, a computed column) wins over a value.
                if offset and target.value is None:
                    target.value = Translator(formula, origin=source.coordinate).translate_formula(
                        target.coordinate
                    )
                continue
            if key is None:
                continue
            value = values.get(key)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
            elif value is not None and not isinstance(value, int | float | Decimal | date):
                value = str(value)
            # Assigning a date sets openpyxl's own yyyy-mm-dd: the form's format is read first.
            form_format = target.number_format
            target.value = value
            if isinstance(value, str):
                target.data_type = "s"  # a leading '=' is data, not a formula
            elif isinstance(value, date):
                # A prepared row may lack the format the first row shows dates in.
                formats = (form_format, source.number_format)
                target.number_format = next((f for f in formats if is_date_format(f)), DATE_FORMAT)


def _dress_row(sheet: Any, row: int, model: list[Any], merges: list[Any], height: float | None) -> None:
    """Give a later row the first data row's look, where the form left it plain."""
    for source in model:
        target = sheet.cell(row, source.column)
        if source.has_style and not target.has_style:
            target._style = copy(source._style)
    if height is not None and sheet.row_dimensions[row].height is None:
        sheet.row_dimensions[row].height = height
    taken = {(r.min_col, r.max_col) for r in sheet.merged_cells.ranges if r.min_row <= row <= r.max_row}
    for merge in merges:
        if (merge.min_col, merge.max_col) not in taken:
            sheet.merge_cells(
                start_row=row, start_column=merge.min_col, end_row=row, end_column=merge.max_col
            )
