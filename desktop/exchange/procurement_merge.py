"""共同調達の利用者一覧: the lead prefecture merges the lists its participants send.

Each participating organization fills in the lead's list (or its own variant of
it) and sends it as XLSX or CSV. The lead needs one list for the contract, and
above all needs to know what to send back: an address two organizations both
gave, a row without an address, a date nobody can read. So nothing here stops
at the first bad file or row; everything is collected into a MergeResult for
the clerk to check, and the merged workbook is written by procurement_book.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from desktop.domain.dates import DateParseError, parse_date
from desktop.domain.roster import is_valid_email
from desktop.domain.text import nfkc, normalize_name, normalize_reading
from desktop.exchange.columns import Column, guess_mapping, resolve_saved_mapping
from desktop.exchange.roster_file import COLUMN_BY_KEY
from desktop.exchange.tabular import TableFileError, open_table, sheet_names

HEADER_SEARCH_ROWS = 20  # title and condition lines the lead's format puts above the header


def _roster_column(key: str, *, required: bool = False) -> Column:
    # The roster importer's aliases already cover how offices spell these headers.
    known = COLUMN_BY_KEY[key]
    return Column(key, known.header, known.aliases, required=required)


PROCUREMENT_COLUMNS: tuple[Column, ...] = (
    _roster_column("organization"),
    _roster_column("department"),
    _roster_column("number"),
    _roster_column("name", required=True),
    _roster_column("furigana"),
    _roster_column("email", required=True),
    _roster_column("kind"),
    Column(
        "start_date",
        "利用開始希望日",
        ("利用開始日", "利用開始予定日", "開始希望日", "利用希望日", "開始日", "ID発行希望日"),
    ),
    _roster_column("notes"),
)
FIELD_KEYS: tuple[str, ...] = tuple(c.key for c in PROCUREMENT_COLUMNS)
FIELD_HEADERS: dict[str, str] = {c.key: c.header for c in PROCUREMENT_COLUMNS}
_REQUIRED = tuple(c.key for c in PROCUREMENT_COLUMNS if c.required)
# A workbook often carries a filled-in example sheet beside the real one.
_EXAMPLE_SHEET_WORDS = ("記入例", "入力例", "記載例", "見本", "サンプル")


@dataclass(frozen=True)
class MergedRow:
    source: str  # file name, with the sheet in brackets when the workbook has several
    row: int  # 1-based Excel row / CSV physical line
    organization: str
    department: str
    number: str
    name: str
    furigana: str
    email: str
    kind: str
    start_date: date | None
    start_date_text: str  # as written, kept when it could not be read as a date
    notes: str

    @property
    def place(self) -> str:
        return f"{self.source}:{self.row}"

    def as_fields(self) -> dict[str, object]:
        """Field key → value, the form template_fill.fill_template takes."""
        values: dict[str, object] = {key: getattr(self, key) for key in FIELD_KEYS}
        if self.start_date is None:
            values["start_date"] = self.start_date_text or None
        return values


@dataclass(frozen=True)
class MergeProblem:
    source: str
    row: int | None  # None: the whole file
    column: str | None  # the header as the file wrote it
    message: str

    @property
    def place(self) -> str:
        return self.source if self.row is None else f"{self.source}:{self.row}"

    def __str__(self) -> str:
        column = f" {self.column}:" if self.column else ""
        return f"{self.place}:{column} {self.message}"


@dataclass(frozen=True)
class DuplicateEmail:
    email: str  # as first written
    rows: tuple[MergedRow, ...]  # every row that gave it, in reading order

    @property
    def across_organizations(self) -> bool:
        return len({row.organization for row in self.rows}) > 1

    def __str__(self) -> str:
        where = "、".join(f"{row.place}（{row.organization or '団体名なし'}）" for row in self.rows)
        scope = "複数の団体" if self.across_organizations else "同じ団体内"
        return f"メールアドレス {self.email} が{scope}で {len(self.rows)} 回使われています: {where}"


@dataclass
class MergeResult:
    rows: list[MergedRow] = field(default_factory=list)
    problems: list[MergeProblem] = field(default_factory=list)
    duplicates: list[DuplicateEmail] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)  # sources that gave a list

    def places_to_check(self) -> set[str]:
        """FILE:ROW of every row named by a problem or a duplicate."""
        places = {p.place for p in self.problems if p.row is not None}
        places.update(row.place for d in self.duplicates for row in d.rows)
        return places


class MappingError(ValueError):
    """A caller's header mapping names a field this list does not have."""


def email_key(text: str) -> str:
    """What two addresses must share to be the same account on the platform."""
    return "".join(nfkc(text).split()).casefold()


def merge_files(paths: Sequence[Path], mapping: Mapping[str, str] | None = None) -> MergeResult:
    """Read every list in `paths` into one result; unreadable files become problems.

    `mapping` ({field key: header text}) is for a participant's own template: its
    headers are tried first, and the known headers and aliases fill the rest.
    """
    if mapping is not None:
        unknown = sorted(set(mapping) - set(FIELD_KEYS))
        if unknown:
            raise MappingError(
                f"列の割り当てに不明な項目があります: {'、'.join(unknown)}"
                f"（使える項目: {'、'.join(FIELD_KEYS)}）"
            )
    result = MergeResult()
    for path in paths:
        try:
            _read_file(path, mapping or {}, result)
        except TableFileError as exc:
            result.problems.append(MergeProblem(path.name, None, None, str(exc)))
    result.duplicates = find_duplicates(result.rows)
    return result


def find_duplicates(rows: Sequence[MergedRow]) -> list[DuplicateEmail]:
    groups: dict[str, list[MergedRow]] = defaultdict(list)
    for row in rows:
        if row.email:
            groups[email_key(row.email)].append(row)
    return [DuplicateEmail(group[0].email, tuple(group)) for group in groups.values() if len(group) > 1]


def _read_file(path: Path, mapping: Mapping[str, str], result: MergeResult) -> None:
    if path.suffix.lower() in {".csv", ".txt"}:
        sheets: list[str | None] = [None]
        several = False
    else:
        names = sheet_names(path)
        sheets = [name for name in names if not any(word in name for word in _EXAMPLE_SHEET_WORDS)]
        several = len(names) > 1  # then the clerk needs to know which tab the row is on
    found = False
    for sheet in sheets:
        source = f"{path.name}［{sheet}］" if several else path.name
        found |= _read_sheet(path, sheet, source, mapping, result)
    if not found:
        wanted = "・".join(FIELD_HEADERS[key] for key in _REQUIRED)
        raise TableFileError(
            f"{path.name} に利用者一覧が見つかりません"
            f"（先頭 {HEADER_SEARCH_ROWS} 行に「{wanted}」の見出し行がありません）。"
        )


def _read_sheet(
    path: Path, sheet: str | None, source: str, mapping: Mapping[str, str], result: MergeResult
) -> bool:
    """Adds the sheet's rows and problems; False when the sheet holds no list."""
    try:
        info, records = open_table(path, sheet=sheet)
    except TableFileError as exc:
        if "見出し行がありません" in str(exc) and sheet is not None:
            return False  # an empty sheet beside the list
        raise
    try:
        located = _locate_header(info.header_line, info.headers, records, mapping)
        if located is None:
            return False
        headers, columns = located
        result.files_read.append(source)
        for line, cells in records:
            if not any(cell.strip() for cell in cells):
                continue
            row, problems = _row(source, line, cells, headers, columns)
            result.rows.append(row)
            result.problems.extend(problems)
    finally:
        records.close()
    return True


def _locate_header(
    first_line: int,
    first: list[str],
    records: Generator[tuple[int, list[str]], None, None],
    mapping: Mapping[str, str],
) -> tuple[list[str], dict[str, int]] | None:
    line, cells = first_line, first
    while True:
        columns = _columns(cells, mapping)
        if all(key in columns for key in _REQUIRED):
            return cells, columns
        try:
            line, cells = next(records)
        except StopIteration:
            return None
        if line > HEADER_SEARCH_ROWS:
            return None


def _columns(headers: list[str], mapping: Mapping[str, str]) -> dict[str, int]:
    stripped = [header.strip() for header in headers]
    columns, _missing = resolve_saved_mapping(mapping, stripped)
    # A column the caller mapped is not offered to the aliases of another field
    # (a blank header matches no alias).
    taken = set(columns.values())
    offered = ["" if index in taken else header for index, header in enumerate(stripped)]
    rest = [c for c in PROCUREMENT_COLUMNS if c.key not in columns]
    columns.update(guess_mapping(rest, offered))
    return columns


def _row(
    source: str, line: int, cells: list[str], headers: list[str], columns: Mapping[str, int]
) -> tuple[MergedRow, list[MergeProblem]]:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    def label(key: str) -> str:
        index = columns.get(key)
        return headers[index] if index is not None else FIELD_HEADERS[key]

    problems: list[MergeProblem] = []

    def problem(key: str, message: str) -> None:
        problems.append(MergeProblem(source, line, label(key), message))

    name = normalize_name(cell("name"))
    if not name:
        problem("name", "入力されていません。")
    raw_email = cell("email")
    # Full-width letters typed by an IME are the same address to the mailer.
    email = "".join(nfkc(raw_email).split())
    if not email:
        problem("email", "入力されていません。")
    elif not is_valid_email(email):
        problem("email", f"「{raw_email}」はメールアドレスの形式ではありません（例: taro@example.lg.jp）。")
    start_text = cell("start_date")
    start_date: date | None = None
    try:
        start_date = parse_date(start_text)
    except DateParseError as exc:
        problem("start_date", f"{exc}（入力: {start_text}）")
    row = MergedRow(
        source=source,
        row=line,
        organization=normalize_name(cell("organization")),
        department=normalize_name(cell("department")),
        number=nfkc(cell("number")),
        name=name,
        furigana=normalize_reading(cell("furigana")),
        email=email,
        kind=nfkc(cell("kind")),
        start_date=start_date,
        start_date_text=start_text,
        notes=cell("notes"),
    )
    return row, problems
