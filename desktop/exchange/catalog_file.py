"""The course catalogue (研修カタログ) and its learning paths as one table: Excel or CSV.

One row per course, one column per role of the framework in use. An export
writes these headers; an import also accepts the usual variants (width, case and
spaces do not matter, and 講座コード, 時間, 分類 … are understood):

==============  ===========================================================
コード          講座コード: half-width letters, digits and ``. _ -`` (64 at
                most), once per file
講座名          1–120 characters
提供元          Udemy Business / 内製eラーニング / 集合研修 / 外部講座
実施方法        通学 / 同時双方向 / eラーニング / 通信 / 定額制サービス
標準時間        hours: a number above 0, at most 2000 (``1.5``; 「時間」 allowed)
受講料          yen, a whole number ≥ 0 (``88,000`` and 「円」 allowed; blank is
                0); for 定額制サービス per trainee per month
レベル          入門 / 初級 / 中級 / 上級
育成する分類    the framework's category names (or ids), separated by 「、」 or
                「,」, the main one first
説明            free text, may be blank
(役割名)         one column per role, headed by its name (「一般職員」) or id:
                必修 (or 必須), 推奨 or blank — the role's learning path
==============  ===========================================================

Order within a path is the order of the rows. Where a path needs another order,
the mark carries its place: 「必修1」「必修2」「推奨1」…; numbered marks come
first, by number, then unnumbered ones in row order. An export numbers only the
lists whose order the rows do not already give (the bundled catalogue's do not).
A role without a column has no path.

CSV is written in CP932 unless UTF-8 (with BOM) is asked for; reading
recognises CP932 and UTF-8 with or without a BOM. The workbook has the table on
the sheet 「研修カタログ」 (an import takes the first other sheet if it was
renamed), with drop-down lists for 提供元, 実施方法, レベル and the role
columns, and a sheet 「説明」 listing the columns and allowed values, with the
catalogue's name; that sheet is for people and is not read back.

The catalogue's name and description are not part of the table: the caller
passes them (an import keeps the current catalogue's; a JSON file carries its own).

Reading checks the file first (columns, duplicate codes, numbers, choices,
category names, marks), then hands the whole catalogue to catalog_from_data,
the one place where the catalogue's rules live; each of its problems is put on
the line and column it concerns. Any problem refuses the whole file.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop.domain.catalog import (
    FORMAT,
    FORMAT_VERSION,
    Catalog,
    CatalogError,
    CatalogProblem,
    CourseLevel,
    DeliveryMethod,
    Provider,
    Requirement,
    catalog_from_data,
)
from desktop.domain.framework import Framework, Role
from desktop.domain.text import nfkc
from desktop.exchange.columns import Column, fold_header, guess_mapping, missing_required
from desktop.exchange.tabular import open_table, save_workbook, sheet_names, write_csv, write_xlsx

CATALOG_SHEET = "研修カタログ"
GUIDE_SHEET = "説明"
COLUMNS: tuple[Column, ...] = (
    Column("code", "コード", ("講座コード", "コースコード", "コースID"), required=True),
    Column("title", "講座名", ("講座", "コース名", "研修名", "タイトル"), required=True),
    Column("provider", "提供元", ("提供者", "提供事業者"), required=True),
    Column("method", "実施方法", ("受講形態", "実施形態", "形態"), required=True),
    Column("hours", "標準時間", ("時間", "標準学習時間", "学習時間", "時間数"), required=True),
    Column("fee", "受講料", ("受講料（円）", "費用", "料金")),
    Column("level", "レベル", ("難易度", "水準"), required=True),
    Column("categories", "育成する分類", ("分類", "身につく分類", "カテゴリ", "カテゴリー"), required=True),
    Column("description", "説明", ("内容", "概要", "講座の説明")),
)
HEADERS = tuple(c.header for c in COLUMNS)
_SEPARATOR = re.compile(r"[、,]")  # after NFKC: 「，」 and 「､」 are among them
_MARK = re.compile(r"^(必修|必須|推奨)(\d*)$")
_NOT_IN_CATALOG = re.compile(r"講座「(.*)」がカタログにありません")
# catalog_from_data names the course, not the field; its reasons start with the field's name.
_REASON_FIELDS = (
    ("講座コード", "code"),
    ("講座名", "title"),
    ("提供元", "provider"),
    ("実施方法", "method"),
    ("標準時間", "hours"),
    ("受講料", "fee"),
    ("レベル", "level"),
    ("身につく分類", "categories"),
    ("分類", "categories"),
)


@dataclass(frozen=True)
class CatalogFileProblem:
    line: int
    column: str
    reason: str


class CatalogFileRejected(Exception):
    """The table has problems; nothing of it may be used."""

    def __init__(self, file_name: str, problems: Sequence[CatalogFileProblem]) -> None:
        self.file_name = file_name
        self.problems = list(problems)
        super().__init__(f"{file_name}: {len(self.problems)} 件の問題があります。")


# --- writing ---------------------------------------------------------------------------


def role_headers(framework: Framework) -> dict[str, str]:
    """Role id → the header of its column: the role's name, or its id where the name is ambiguous."""
    taken = {fold_header(name) for c in COLUMNS for name in (c.header, *c.aliases)}
    names = [fold_header(r.name) for r in framework.roles]
    return {
        role.id: role.name if names.count(fold_header(role.name)) == 1 and names[i] not in taken else role.id
        for i, role in enumerate(framework.roles)
    }


def path_marks(catalog: Catalog, role_id: str) -> dict[str, str]:
    """Course code → 必修 / 推奨 (numbered where the rows do not give the path's order)."""
    position = {course.code: index for index, course in enumerate(catalog.courses)}
    path = catalog.path(role_id)
    marks: dict[str, str] = {}
    for requirement, codes in (
        (Requirement.REQUIRED, path.required),
        (Requirement.RECOMMENDED, path.recommended),
    ):
        in_row_order = sorted(codes, key=position.__getitem__) == list(codes)
        for number, code in enumerate(codes, 1):
            marks[code] = requirement.label if in_row_order else f"{requirement.label}{number}"
    return marks


def hours_value(hours: Decimal) -> int | float:
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def catalog_table(catalog: Catalog, framework: Framework) -> tuple[list[str], list[list[object]]]:
    """The headers and rows an export writes (numbers as numbers)."""
    roles = role_headers(framework)
    # A name holding a separator would split on the way back in: such a category is written by id.
    category_names = {c.id: c.id if _SEPARATOR.search(nfkc(c.name)) else c.name for c in framework.categories}
    marks = {role_id: path_marks(catalog, role_id) for role_id in roles}
    rows: list[list[object]] = [
        [
            course.code,
            course.title,
            course.provider.value,
            course.method.value,
            hours_value(course.hours),
            course.fee,
            course.level.value,
            "、".join(category_names.get(c, c) for c in course.categories),
            course.description,
            *(marks[role_id].get(course.code, "") for role_id in roles),
        ]
        for course in catalog.courses
    ]
    return [*HEADERS, *roles.values()], rows


def write_catalog_table(
    catalog: Catalog, framework: Framework, path: Path, *, encoding: str = "cp932"
) -> int:
    """Write .csv or .xlsx; the number of courses written."""
    headers, rows = catalog_table(catalog, framework)
    if path.suffix.lower() == ".csv":
        return write_csv(path, headers, rows, encoding=encoding)
    with tempfile.TemporaryDirectory(prefix="manabi-catalog-") as folder:
        # The shared writer gives the table its header, widths, filter and print set-up;
        # the choice lists and the 説明 sheet are added to a copy of it.
        table = Path(folder) / "table.xlsx"
        count = write_xlsx(table, headers, rows, sheet_title=CATALOG_SHEET)
        _finish_workbook(table, path, catalog, framework, count)
    return count


def _choices(values: Iterable[str]) -> str:
    return "・".join(values)


def _finish_workbook(table: Path, path: Path, catalog: Catalog, framework: Framework, count: int) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    workbook = load_workbook(table)
    sheet = workbook[CATALOG_SHEET]
    last = count + 500  # room for rows typed in later
    lists: list[tuple[str, Sequence[str], bool]] = [
        ("provider", [p.value for p in Provider], True),
        ("method", [m.value for m in DeliveryMethod], True),
        ("level", [v.value for v in CourseLevel], True),
    ]
    keys = [c.key for c in COLUMNS]
    for key, values, strict in lists:
        _add_list(sheet, DataValidation, get_column_letter(keys.index(key) + 1), values, strict, last)
    for offset in range(len(framework.roles)):
        # A drop-down only: 「必修2」 must stay possible.
        column = get_column_letter(len(COLUMNS) + 1 + offset)
        _add_list(sheet, DataValidation, column, [r.label for r in Requirement], False, last)

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append(["項目", "書き方", "使える値"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in _guide_rows(catalog, framework):
        guide.append(row)
    for column, width in zip("ABC", (18, 60, 60), strict=True):
        guide.column_dimensions[column].width = width
    for cells in guide.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.freeze_panes = "A2"
    save_workbook(workbook, path)


def _add_list(sheet: Any, kind: Any, column: str, values: Sequence[str], strict: bool, last: int) -> None:
    rule = kind(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=strict,
        errorTitle="使えない値",
        error=f"{_choices(values)} のいずれかを選んでください。",
    )
    rule.add(f"{column}2:{column}{last}")
    sheet.add_data_validation(rule)


def _guide_rows(catalog: Catalog, framework: Framework) -> list[list[str]]:
    categories = "、".join(c.name for c in framework.categories)
    roles = "、".join(role_headers(framework).values())
    return [
        ["カタログ名", "取り込んでも変わりません（使用中のカタログの名称のままです）。", catalog.name],
        ["カタログの説明", "", catalog.description],
        [
            "診断フレームワーク",
            "役割と分類はこのフレームワークのものです。",
            f"{framework.name}（{framework.code}）",
        ],
        ["コード", "講座ごとに1つ。半角英数字と . _ -（64文字以内）。", ""],
        ["講座名", "1〜120文字。", ""],
        ["提供元", "右のいずれか。", _choices(p.value for p in Provider)],
        ["実施方法", "右のいずれか。", _choices(m.value for m in DeliveryMethod)],
        ["標準時間", "時間数。0より大きく2000以下（1.5 など）。", ""],
        ["受講料", "円。0以上の整数。空欄は0円。定額制サービスは1人1か月あたり。", ""],
        ["レベル", "右のいずれか。", _choices(v.value for v in CourseLevel)],
        ["育成する分類", "分類名を「、」か「,」で区切って1つ以上。主なものを先に。", categories],
        ["説明", "自由記述（空欄可）。", ""],
        [
            "役割の列",
            "役割ごとの学習パス。必修・推奨・空欄のいずれか。パスの中の順番は行の順です。"
            "別の順番にするときは「必修1」「必修2」「推奨1」のように番号を付けます"
            "（番号付きが番号順に先、番号なしはその後に行の順）。列のない役割にはパスがありません。",
            roles,
        ],
        [
            "取り込み",
            "このファイルの内容で使用中のカタログを置き換えます。1か所でも問題があれば何も取り込みません。"
            "カタログから外した講座の受講記録や学習計画はそのまま残ります。このシートは読み込みません。",
            "",
        ],
    ]


# --- reading ---------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    course: dict[str, Any]  # one entry of the catalogue's "courses", as catalog_from_data reads it
    marks: dict[str, tuple[Requirement, int | None]] = field(default_factory=dict)  # role id → mark


def _choice(enum: type[StrEnum], text: str) -> str | None:
    folded = fold_header(text)
    return next((m.value for m in enum if fold_header(m.value) == folded), None)


def _decimal(text: str, units: str) -> Decimal | None:
    cleaned = re.sub(units, "", nfkc(text)).replace(",", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class _Reader:
    """Which column holds what, worked out once from the header row; then the rows one by one."""

    def __init__(self, headers: Sequence[str], header_line: int, framework: Framework) -> None:
        self.framework = framework
        self.header_line = header_line
        self.problems: list[CatalogFileProblem] = []
        self.mapping = guess_mapping(COLUMNS, headers)
        self.labels = {
            c.key: headers[self.mapping[c.key]] if c.key in self.mapping else c.header for c in COLUMNS
        }
        for column in missing_required(COLUMNS, self.mapping):
            self.problem(header_line, column.header, f"「{column.header}」の列がありません。")
        self.role_columns: dict[str, int] = {}  # role id → column index
        self.role_labels: dict[str, str] = {}  # role id → its header in the file
        self._find_roles(headers)
        self.categories: dict[str, str] = {}
        for category in framework.categories:
            self.categories.setdefault(fold_header(category.name), category.id)
            self.categories.setdefault(fold_header(category.id), category.id)

    def _find_roles(self, headers: Sequence[str]) -> None:
        """Every column that is not one of COLUMNS must be a role's."""
        framework = self.framework
        by_header: dict[str, Role] = {}
        for role in framework.roles:
            by_header.setdefault(fold_header(role.name), role)
            by_header.setdefault(fold_header(role.id), role)
        taken = set(self.mapping.values())
        role_names = "、".join(r.name for r in framework.roles)
        for index, header in enumerate(headers):
            if index in taken or not header:
                continue
            found = by_header.get(fold_header(header))
            if found is None:
                self.problem(
                    self.header_line,
                    header,
                    f"「{header}」は研修カタログの列でも、診断フレームワーク「{framework.name}」の役割でもありません"
                    f"（役割: {role_names}）。",
                )
            elif found.id in self.role_columns:
                self.problem(
                    self.header_line,
                    header,
                    f"役割「{found.name}」の列が2つあります（「{self.role_labels[found.id]}」）。",
                )
            else:
                self.role_columns[found.id] = index
                self.role_labels[found.id] = header

    def problem(self, line: int, column: str, reason: str) -> None:
        self.problems.append(CatalogFileProblem(line, column, reason))

    def row(self, line: int, cells: Sequence[str]) -> _Row:
        def cell(key: str) -> str:
            index = self.mapping.get(key)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        course: dict[str, Any] = {
            "code": nfkc(cell("code")).strip(),
            "title": cell("title"),
            "description": cell("description"),
        }
        for key, enum, what in (
            ("provider", Provider, "提供元"),
            ("method", DeliveryMethod, "実施方法"),
            ("level", CourseLevel, "レベル"),
        ):
            text = cell(key)
            value = _choice(enum, text)
            if value is None and text:
                self.problem(
                    line,
                    self.labels[key],
                    f"「{text}」は{what}に使えません（{_choices(m.value for m in enum)} のいずれか）。",
                )
            course[key] = value or text
        course["hours"] = self._number(line, "hours", cell("hours"), "時間|[hH]$", "1.5")
        fee = self._number(line, "fee", cell("fee") or "0", "円|¥", "3300")
        # A whole number as an int; anything else goes on for the catalogue's rules to refuse.
        course["fee"] = (
            (int(fee) if fee == fee.to_integral_value() else float(fee)) if isinstance(fee, Decimal) else fee
        )
        course["categories"] = self._categories(line, cell("categories"))
        row = _Row(line, course)
        for role_id, index in self.role_columns.items():
            text = re.sub(r"\s", "", nfkc(cells[index] if index < len(cells) else ""))
            if not text:
                continue
            match = _MARK.match(text)
            if match is None:
                self.problem(
                    line,
                    self.role_labels[role_id],
                    f"「{text}」は使えません（必修・推奨・空欄のいずれか。"
                    "パスの中の順番を決めるときは「必修1」「推奨2」のように番号を付けます）。",
                )
                continue
            requirement = Requirement.RECOMMENDED if match[1] == "推奨" else Requirement.REQUIRED
            row.marks[role_id] = (requirement, int(match[2]) if match[2] else None)
        return row

    def _number(self, line: int, key: str, text: str, units: str, example: str) -> Decimal | str | None:
        if not text:
            return None  # the catalogue's rules say what is missing
        value = _decimal(text, units)
        if value is None:
            self.problem(line, self.labels[key], f"「{text}」は数として読めません（例: {example}）。")
            return text
        return value

    def _categories(self, line: int, text: str) -> list[str]:
        parts = [part.strip() for part in _SEPARATOR.split(nfkc(text)) if part.strip()]
        unknown = [part for part in parts if fold_header(part) not in self.categories]
        if unknown:
            names = "、".join(c.name for c in self.framework.categories)
            self.problem(
                line,
                self.labels["categories"],
                f"分類{''.join(f'「{part}」' for part in unknown)}はありません（使える分類: {names}）。",
            )
        # Unknown names go on as they are: the catalogue's rules refuse them in the same cell.
        return [self.categories.get(fold_header(part), part) for part in parts]

    def paths(self, rows: Sequence[_Row]) -> list[dict[str, Any]]:
        paths: list[dict[str, Any]] = []
        for role in self.framework.roles:
            if role.id not in self.role_columns:
                continue
            lists: dict[str, list[str]] = {}
            for requirement in Requirement:
                marked = [
                    (number is None, number or 0, position, row.course["code"])
                    for position, row in enumerate(rows)
                    for kind, number in [row.marks.get(role.id, (None, None))]
                    if kind is requirement
                ]
                lists[requirement.value] = [entry[3] for entry in sorted(marked)]
            if any(lists.values()):
                paths.append({"role": role.id, **lists})
        return paths

    def place(self, problems: Sequence[CatalogProblem], rows: Sequence[_Row]) -> None:
        """catalog_from_data's problems on their line and column; a cell already reported is not repeated."""
        lines = {f"講座 {row.course['code'] or f'{n}件目'}": row.line for n, row in enumerate(rows, 1)}
        roles = {f"受講ルート {role_id}": label for role_id, label in self.role_labels.items()}
        reported = {(p.line, p.column) for p in self.problems}
        in_file = {row.course["code"] for row in rows}
        for problem in problems:
            missing = _NOT_IN_CATALOG.search(problem.reason)
            if missing is not None and missing[1] in in_file:
                continue  # a path names a course whose row was refused: that row's problems say why
            if problem.where in lines:
                key = next((k for prefix, k in _REASON_FIELDS if problem.reason.startswith(prefix)), "code")
                line, column = lines[problem.where], self.labels[key]
            elif problem.where in roles:
                line, column = self.header_line, roles[problem.where]
            elif problem.where == "講座":  # no course at all
                line, column = self.header_line, self.labels["code"]
            else:
                line, column = self.header_line, problem.where
            if (line, column) not in reported:
                self.problem(line, column, problem.reason)


def _table_sheet(path: Path) -> str | None:
    names = sheet_names(path)
    if not names or CATALOG_SHEET in names:
        return CATALOG_SHEET if names else None
    return next((n for n in names if n != GUIDE_SHEET), names[0])


def read_catalog_table(
    path: Path, framework: Framework, *, name: str, description: str = "", encoding: str | None = None
) -> Catalog:
    """The catalogue in a .xlsx or .csv file, checked in full against the framework.

    Raises CatalogFileRejected with every problem, or TableFileError when the file
    cannot be read at all.
    """
    info, cells = open_table(path, encoding=encoding, sheet=_table_sheet(path))
    with closing(cells):
        reader = _Reader(info.headers, info.header_line, framework)
        if reader.problems:
            raise CatalogFileRejected(path.name, reader.problems)
        rows = [reader.row(line, values) for line, values in cells]
    kept: list[_Row] = []
    first_line: dict[str, int] = {}
    for row in rows:
        code = row.course["code"]
        if code in first_line:
            reader.problem(
                row.line,
                reader.labels["code"],
                f"講座コード「{code}」が {first_line[code]} 行目と {row.line} 行目にあります（1つの講座に1行）。",
            )
            continue
        if code:
            first_line[code] = row.line
        kept.append(row)
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "framework": framework.code,
        "name": name,
        "description": description,
        "courses": [row.course for row in kept],
        "paths": reader.paths(kept),
    }
    catalog: Catalog | None = None
    try:
        catalog = catalog_from_data(
            data, path.name, [c.id for c in framework.categories], [r.id for r in framework.roles]
        )
    except CatalogError as exc:
        reader.place(exc.problems, kept)
    if reader.problems or catalog is None:
        raise CatalogFileRejected(path.name, sorted(reader.problems, key=lambda p: p.line))
    return catalog
