"""Insert rows into an openpyxl sheet the way Excel does, for a list that outgrows its form.

openpyxl's insert_rows moves the cells and nothing else: formulas keep pointing
at the old rows, merged ranges, row heights, validations and the print area
stay where they were. A template's total row (=SUM(F6:F55)) that moved down
would then sum the wrong cells. This module moves those along too, and grows
a range that ends on the last row of the list so it covers the new rows —
what a clerk gets in Excel by inserting rows inside the list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# A1, $A$1, A:A, 1:3, each end of a range; a sheet name may come first.
_CELL = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$")
_ROW_ONLY = re.compile(r"^(\$?)(\d+)$")

Bounds = Callable[[int, int], tuple[int, int]]


def row_bounds(insert_at: int, amount: int, list_top: int, *, grow: bool = True) -> Bounds:
    """How the rows first..last of a reference change when `amount` rows go in at `insert_at`.

    A reference at or below `insert_at` moves down. With `grow`, a range that
    starts at or above `list_top` and ends just above `insert_at` ends on the
    list's last row, so it grows over the new rows.
    """

    def adjust(first: int, last: int) -> tuple[int, int]:
        grows = grow and first <= list_top and last == insert_at - 1
        new_first = first + amount if first >= insert_at else first
        new_last = last + amount if last >= insert_at or grows else last
        return new_first, new_last

    return adjust


def adjust_reference(ref: str, bounds: Bounds, *, area: bool = False) -> str:
    """One A1-style reference (no sheet name) with its rows changed by `bounds`.

    `area`: a single cell is a one-cell range that may grow (validation and
    format areas); in a formula, a single cell only moves.
    """
    parts = ref.split(":")
    if len(parts) > 2:
        return ref
    rows: list[int] = []
    for part in parts:
        match = _CELL.match(part) or _ROW_ONLY.match(part)
        if match is None:
            return ref  # a name, a whole column, an error value: no rows to move
        rows.append(int(match.groups()[-1]))
    if len(parts) == 1:
        if not area:
            first = bounds(rows[0], rows[0] + 1)[0]  # a start never grows: only moves
            return _with_row(parts[0], first)
        new_first, new_last = bounds(rows[0], rows[0])
        if new_first == new_last:
            return _with_row(parts[0], new_first)
        return f"{_with_row(parts[0], new_first)}:{_with_row(parts[0], new_last)}"
    new_first, new_last = bounds(rows[0], rows[1])
    return f"{_with_row(parts[0], new_first)}:{_with_row(parts[1], new_last)}"


def reference_rows(ref: str) -> tuple[int, int] | None:
    """First and last row of an A1-style reference; None for names and whole columns."""
    rows: list[int] = []
    for part in ref.split(":"):
        match = _CELL.match(part) or _ROW_ONLY.match(part)
        if match is None:
            return None
        rows.append(int(match.groups()[-1]))
    return (rows[0], rows[-1]) if len(rows) <= 2 else None


def _with_row(part: str, row: int) -> str:
    match = _CELL.match(part)
    if match is not None:
        dollar_column, column, dollar_row, _ = match.groups()
        return f"{dollar_column}{column}{dollar_row}{row}"
    match = _ROW_ONLY.match(part)
    assert match is not None
    return f"{match.group(1)}{row}"


def split_sheet(ref: str) -> tuple[str | None, str]:
    """'My Sheet'!A1 → ('My Sheet', 'A1'); A1 → (None, 'A1')."""
    if "!" not in ref:
        return None, ref
    sheet, _, cells = ref.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, cells


def adjust_formula(formula: str, sheet_title: str, *, on_sheet: bool, bounds: Bounds) -> str:
    """A formula with every reference to `sheet_title` adjusted.

    `on_sheet`: the formula lives on that sheet, so unqualified references are to it.
    """
    from openpyxl.formula.tokenizer import Token, Tokenizer  # type: ignore[import-untyped]

    tokenizer = Tokenizer(formula if formula.startswith("=") else f"={formula}")
    changed = False
    for token in tokenizer.items:
        if token.type != Token.OPERAND or token.subtype != Token.RANGE:
            continue
        sheet, cells = split_sheet(token.value)
        if (sheet is None and not on_sheet) or (sheet is not None and sheet != sheet_title):
            continue
        adjusted = adjust_reference(cells, bounds)
        if adjusted != cells:
            token.value = token.value[: len(token.value) - len(cells)] + adjusted
            changed = True
    if not changed:
        return formula
    rendered: str = tokenizer.render()
    return rendered if formula.startswith("=") else rendered[1:]


def insert_rows(sheet: Any, insert_at: int, amount: int, list_top: int) -> None:
    """Insert `amount` rows before `insert_at`, the list being rows list_top..insert_at-1."""
    from openpyxl.worksheet.cell_range import CellRange  # type: ignore[import-untyped]

    if amount <= 0:
        return
    grows = row_bounds(insert_at, amount, list_top)
    # A formula inside the list (=COUNTA($B$6:B6) numbering) is one row's own
    # business: its ranges move like any others but never grow over the list.
    moves = row_bounds(insert_at, amount, list_top, grow=False)

    def area(ref: str) -> str:
        return " ".join(adjust_reference(part, grows, area=True) for part in ref.split())

    # openpyxl leaves merged ranges where they were, over the inserted rows, so
    # they are taken apart and made again on their new rows.
    merged = [CellRange(str(r)) for r in sheet.merged_cells.ranges]
    for cell_range in merged:
        sheet.unmerge_cells(cell_range.coord)
    sheet.insert_rows(insert_at, amount)
    for cell_range in merged:
        first, last = cell_range.min_row, cell_range.max_row
        if first >= insert_at:
            first += amount
        if last >= insert_at:
            last += amount
        sheet.merge_cells(
            start_row=first, start_column=cell_range.min_col, end_row=last, end_column=cell_range.max_col
        )
    _move_row_heights(sheet, insert_at, amount)

    workbook = sheet.parent
    for other in workbook.worksheets:
        on_sheet = other is sheet
        for row in other.iter_rows():
            for cell in row:
                if cell.data_type != "f" or not isinstance(cell.value, str):
                    continue
                in_list = on_sheet and list_top <= cell.row < insert_at
                cell.value = adjust_formula(
                    cell.value, sheet.title, on_sheet=on_sheet, bounds=moves if in_list else grows
                )
    for defined in workbook.defined_names.values():
        if defined.attr_text:
            defined.attr_text = adjust_formula(defined.attr_text, sheet.title, on_sheet=False, bounds=grows)
    for defined in sheet.defined_names.values():
        if defined.attr_text:
            defined.attr_text = adjust_formula(defined.attr_text, sheet.title, on_sheet=True, bounds=grows)
    if sheet.print_area:
        sheet.print_area = [area(split_sheet(part)[1]) for part in sheet.print_area.split(",")]
    if sheet.auto_filter.ref:
        sheet.auto_filter.ref = area(sheet.auto_filter.ref)
    for table in sheet.tables.values():
        table.ref = area(table.ref)
        if table.autoFilter is not None and table.autoFilter.ref:
            table.autoFilter.ref = area(table.autoFilter.ref)
    for validation in sheet.data_validations.dataValidation:
        validation.sqref = area(str(validation.sqref))
    _move_conditional_formats(sheet, area)


def _move_row_heights(sheet: Any, insert_at: int, amount: int) -> None:
    below = sorted((index for index in sheet.row_dimensions if index >= insert_at), reverse=True)
    for index in below:
        dimension = sheet.row_dimensions.pop(index)
        dimension.index = index + amount
        sheet.row_dimensions[index + amount] = dimension


def _move_conditional_formats(sheet: Any, area: Callable[[str], str]) -> None:
    from openpyxl.formatting.formatting import ConditionalFormattingList  # type: ignore[import-untyped]

    old = sheet.conditional_formatting
    moved = ConditionalFormattingList()
    for formatting in old:
        for rule in formatting.rules:
            moved.add(area(str(formatting.sqref)), rule)
    sheet.conditional_formatting = moved


def list_end(sheet: Any, first_data_row: int, last_column: int) -> int | None:
    """The first row below the list's rows: text (a total label, notes) or a total formula.

    Only the list's own columns count: a note beside the list is not its end.
    """
    for row in sheet.iter_rows(min_row=first_data_row + 1, max_col=last_column):
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or not value.strip():
                continue  # numbers typed down a No column belong to the list
            if not value.startswith("=") or _totals_rows_above(value, cell.row, first_data_row):
                return int(cell.row)
    return None


def _totals_rows_above(formula: str, row: int, first_data_row: int) -> bool:
    # =SUM(F6:F55) totals the list; =COUNTA($B$6:B7) in a prepared row counts up to itself.
    from openpyxl.formula.tokenizer import Token, Tokenizer

    for token in Tokenizer(formula).items:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            rows = reference_rows(split_sheet(token.value)[1])
            if rows is not None and rows[0] <= first_data_row <= rows[1] < row:
                return True
    return False
