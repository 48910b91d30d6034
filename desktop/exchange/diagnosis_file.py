"""The bulk-answer workbook: one row per learner, one column per item id.

The template the app writes carries everything the import needs: the learners
(団体名, 受講者番号, 氏名, 所属), the kind of diagnosis, the framework version
(on the 情報 sheet) and, on a second sheet, every item with the answers it
accepts, so that a clerk typing answers from paper knows what each number means.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from desktop.domain.dates import DateParseError, parse_date
from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.framework import Framework, ItemKind
from desktop.domain.text import nfkc
from desktop.exchange.tabular import open_table, save_workbook, sheet_names

ANSWER_SHEET = "回答"
GUIDE_SHEET = "設問と回答方法"
INFO_SHEET = "情報"
FIXED_HEADERS = ("団体名", "受講者番号", "氏名", "所属", "種類", "実施日")
INFO_CODE = "フレームワークコード"
INFO_VERSION = "フレームワークの版"


@dataclass(frozen=True)
class TemplateLearner:
    organization: str
    number: str
    name: str
    department: str


@dataclass(frozen=True)
class AnswerProblem:
    line: int
    column: str
    reason: str


@dataclass
class AnswerRow:
    line: int
    organization: str
    number: str
    name: str
    kind: DiagnosisKind
    diagnosed_on: date | None
    answers: dict[str, int] = field(default_factory=dict)


@dataclass
class AnswerFile:
    framework_code: str | None
    framework_version: int | None
    rows: list[AnswerRow]
    problems: list[AnswerProblem]
    item_columns: list[str]


def _accepted(framework: Framework, item_id: str) -> str:
    item = framework.item(item_id)
    if item.kind is ItemKind.KNOWLEDGE:
        return " / ".join(f"{n}: {choice}" for n, choice in enumerate(item.choices, 1))
    return " / ".join(f"{s.level}: {s.label}" for s in framework.scale)


def write_answer_template(
    path: Path, framework: Framework, learners: Sequence[TemplateLearner], kind: DiagnosisKind
) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ANSWER_SHEET
    item_ids = [item.id for item in framework.items]
    sheet.append([*FIXED_HEADERS, *item_ids])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for learner in learners:
        sheet.append(
            [learner.organization, learner.number, learner.name, learner.department, kind.label, None]
        )
    sheet.freeze_panes = sheet.cell(row=2, column=len(FIXED_HEADERS) + 1)
    for index, width in enumerate((18, 14, 16, 24, 8, 12), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last_row = max(2, len(learners) + 1)
    # Excel itself refuses an out-of-range number as it is typed: fewer problems at import.
    for offset, item in enumerate(framework.items):
        column = get_column_letter(len(FIXED_HEADERS) + 1 + offset)
        sheet.column_dimensions[column].width = 8
        allowed = framework.valid_answers(item)
        rule = DataValidation(
            type="whole",
            operator="between",
            formula1=str(allowed.start),
            formula2=str(allowed.stop - 1),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="回答の範囲",
            error=f"{item.id} は {allowed.start}〜{allowed.stop - 1} の番号で入力してください。",
        )
        rule.add(f"{column}2:{column}{last_row + 500}")
        sheet.add_data_validation(rule)

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append(["設問ID", "大分類", "分類", "種類", "設問文", "入力する値"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for item in framework.items:
        category = framework.category(item.category)
        guide.append(
            [
                item.id,
                framework.group(category.group).name,
                category.name,
                item.kind.label,
                item.text,
                _accepted(framework, item.id),
            ]
        )
    for column, width in zip("ABCDEF", (10, 22, 26, 10, 60, 70), strict=True):
        guide.column_dimensions[column].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.freeze_panes = "A2"

    info = workbook.create_sheet(INFO_SHEET)
    info.append(["項目", "値"])
    info.append([INFO_CODE, framework.code])
    info.append([INFO_VERSION, framework.version])
    info.append(["フレームワーク名", framework.name])
    info.append(["種類", kind.label])
    info.append(
        [
            "使い方",
            "「回答」シートの設問ID の列に、回答の番号（半角・全角どちらでも）を入力してください。空欄は未回答です。",
        ]
    )
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 90
    save_workbook(workbook, path)


def framework_identity(path: Path) -> tuple[str | None, int | None]:
    if path.suffix.lower() not in (".xlsx", ".xlsm") or INFO_SHEET not in sheet_names(path):
        return None, None
    _info, rows = open_table(path, sheet=INFO_SHEET)
    values: dict[str, str] = {}
    with closing(rows):
        for _line, cells in rows:
            if len(cells) >= 2:
                values[cells[0].strip()] = cells[1].strip()
    version_text = nfkc(values.get(INFO_VERSION, ""))
    version = int(float(version_text)) if version_text.replace(".", "", 1).isdigit() else None
    return values.get(INFO_CODE) or None, version


def read_answer_file(path: Path, framework: Framework, default_kind: DiagnosisKind) -> AnswerFile:
    """Every row and every problem (row, column, reason); unknown item columns are problems too."""
    code, version = framework_identity(path)
    sheet = (
        ANSWER_SHEET
        if path.suffix.lower() in (".xlsx", ".xlsm") and ANSWER_SHEET in sheet_names(path)
        else None
    )
    info, rows = open_table(path, sheet=sheet)
    problems: list[AnswerProblem] = []
    headers = info.headers
    index = {header: i for i, header in enumerate(headers)}
    if "受講者番号" not in index:
        problems.append(AnswerProblem(info.header_line, "受講者番号", "「受講者番号」の列がありません。"))
    item_columns = [h for h in headers if h and h not in FIXED_HEADERS]
    for header in item_columns:
        if not framework.has_item(header):
            problems.append(
                AnswerProblem(
                    info.header_line,
                    header,
                    f"設問ID「{header}」は {framework.name} 第{framework.version}版にありません。",
                )
            )
    known_items = [h for h in item_columns if framework.has_item(h)]
    result: list[AnswerRow] = []
    with closing(rows):
        if problems and "受講者番号" not in index:
            return AnswerFile(code, version, [], problems, item_columns)
        for line, cells in rows:

            def cell(header: str, cells: list[str] = cells) -> str:
                position = index.get(header)
                return cells[position].strip() if position is not None and position < len(cells) else ""

            number = nfkc(cell("受講者番号")).strip()
            if not number:
                problems.append(AnswerProblem(line, "受講者番号", "受講者番号がありません。"))
                continue
            kind = default_kind
            if cell("種類"):
                try:
                    kind = DiagnosisKind.parse(cell("種類"))
                except ValueError as exc:
                    problems.append(AnswerProblem(line, "種類", str(exc)))
            diagnosed_on = None
            if cell("実施日"):
                try:
                    diagnosed_on = parse_date(cell("実施日"))
                except DateParseError as exc:
                    problems.append(AnswerProblem(line, "実施日", str(exc)))
            row = AnswerRow(line, cell("団体名"), number, cell("氏名"), kind, diagnosed_on)
            for item_id in known_items:
                text = nfkc(cell(item_id)).strip()
                if not text:
                    continue
                allowed = framework.valid_answers(framework.item(item_id))
                value = int(float(text)) if _is_whole(text) else None
                if value is None or value not in allowed:
                    problems.append(
                        AnswerProblem(
                            line,
                            item_id,
                            f"「{text}」は回答として使えません（{allowed.start}〜{allowed.stop - 1} の番号）。",
                        )
                    )
                    continue
                row.answers[item_id] = value
            result.append(row)
    return AnswerFile(code, version, result, problems, item_columns)


def _is_whole(text: str) -> bool:
    try:
        return float(text).is_integer()
    except ValueError:
        return False
