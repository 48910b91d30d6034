"""Skill framework files: JSON (the bundled form) and an Excel workbook offices can edit.

The workbook has one sheet per part (概要, 尺度, 判定基準, 大分類, 分類, 設問,
役割) with Japanese headers. Reading turns it into the same mapping as the JSON
file, so one validator checks both and names the item and the problem; sheet
and row are added where a cell cannot even be read as the right type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from desktop.domain.framework import FORMAT, FORMAT_VERSION, Framework, FrameworkError, framework_from_data
from desktop.exchange.tabular import TableFileError, open_table, save_workbook, sheet_names

MAX_CHOICES = 9
SHEETS = ("概要", "尺度", "判定基準", "大分類", "分類", "設問", "役割")
_SUMMARY_KEYS = {"コード": "code", "名称": "name", "版": "version", "説明": "description"}


class FrameworkFileError(Exception):
    """str(exc) is a Japanese message naming the file and each problem."""


def read_framework_file(path: Path) -> Framework:
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = _read_json(path)
    elif suffix in (".xlsx", ".xlsm"):
        data = _read_workbook(path)
    else:
        raise FrameworkFileError(
            f"{path.name}: 診断フレームワークは JSON（.json）か Excel（.xlsx）で指定してください。"
        )
    try:
        return framework_from_data(data, path.name)
    except FrameworkError as exc:
        raise FrameworkFileError(str(exc)) from exc


def write_framework_file(framework: Framework, path: Path) -> None:
    if path.suffix.lower() == ".json":
        text = json.dumps(framework.to_data(), ensure_ascii=False, indent=2) + "\n"
        from desktop.exchange.tabular import replacing_file

        with replacing_file(path) as file:
            file.write(text.encode("utf-8"))
    elif path.suffix.lower() == ".xlsx":
        _write_workbook(framework, path)
    else:
        raise FrameworkFileError(f"{path.name}: 書き出し先は .json か .xlsx にしてください。")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise FrameworkFileError(f"{path.name} を読めません（{exc.strerror}）。") from exc
    except UnicodeDecodeError as exc:
        raise FrameworkFileError(f"{path.name}: UTF-8 のテキストとして読めません。") from exc
    except json.JSONDecodeError as exc:
        raise FrameworkFileError(
            f"{path.name}:{exc.lineno}: JSON として読めません（{exc.msg}）。括弧やカンマを確認してください。"
        ) from exc
    except RecursionError as exc:  # "[[[[…" nested deeper than the interpreter's stack
        raise FrameworkFileError(f"{path.name}: JSON の入れ子が深すぎて読めません。") from exc


# --- Excel ------------------------------------------------------------------------------


def _rows(path: Path, sheet: str) -> Iterator[tuple[int, dict[str, str]]]:
    info, rows = open_table(path, sheet=sheet)
    with closing(rows):
        for line, cells in rows:
            yield (
                line,
                {header: cells[i].strip() if i < len(cells) else "" for i, header in enumerate(info.headers)},
            )


def _number(text: str, where: str) -> int | float | str:
    """A cell's number as the validator expects it; text it cannot read goes through to be reported."""
    try:
        value = float(text)
    except ValueError:
        return text
    if not value.is_integer():
        return value
    return int(value)


def _read_workbook(path: Path) -> dict[str, Any]:
    try:
        names = sheet_names(path)
        missing = [s for s in SHEETS if s not in names]
        if missing:
            raise FrameworkFileError(
                f"{path.name}: シート {'、'.join(f'「{m}」' for m in missing)} がありません。"
                "アプリから書き出した Excel をもとに編集してください。"
            )
        data: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION}
        for _line, row in _rows(path, "概要"):
            key = _SUMMARY_KEYS.get(row.get("項目", ""))
            if key:
                value = row.get("値", "")
                data[key] = _number(value, key) if key == "version" else value
        data["scale"] = [
            {
                "level": _number(r.get("レベル", ""), ""),
                "label": r.get("ラベル", ""),
                "description": r.get("説明", ""),
            }
            for _, r in _rows(path, "尺度")
        ]
        data["knowledge_thresholds"] = [
            {"min_share": _number(r.get("正答率の下限", ""), ""), "level": _number(r.get("レベル", ""), "")}
            for _, r in _rows(path, "判定基準")
        ]
        data["groups"] = [
            {"id": r.get("ID", ""), "name": r.get("名称", "")} for _, r in _rows(path, "大分類")
        ]
        data["categories"] = [
            {
                "id": r.get("ID", ""),
                "group": r.get("大分類", ""),
                "name": r.get("名称", ""),
                "description": r.get("説明", ""),
            }
            for _, r in _rows(path, "分類")
        ]
        data["items"] = [_item(r) for _, r in _rows(path, "設問")]
        category_ids = [c["id"] for c in data["categories"]]
        data["roles"] = [
            {
                "id": r.get("ID", ""),
                "name": r.get("名称", ""),
                "description": r.get("説明", ""),
                "targets": {key: _number(r[key], key) for key in category_ids if r.get(key, "") != ""},
            }
            for _, r in _rows(path, "役割")
        ]
        return data
    except TableFileError as exc:
        raise FrameworkFileError(str(exc)) from exc


def _item(row: dict[str, str]) -> dict[str, Any]:
    kind = {"自己評価": "self", "知識問題": "knowledge"}.get(row.get("種類", ""), row.get("種類", ""))
    item: dict[str, Any] = {
        "id": row.get("ID", ""),
        "category": row.get("分類", ""),
        "kind": kind,
        "text": row.get("設問文", ""),
    }
    if kind == "knowledge":
        choices = [row.get(f"選択肢{n}", "") for n in range(1, MAX_CHOICES + 1)]
        while choices and not choices[-1]:
            choices.pop()
        item["choices"] = choices
        item["answer"] = _number(row.get("正解", ""), "answer")
        item["explanation"] = row.get("解説", "")
    return item


def _write_workbook(framework: Framework, path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    workbook = Workbook()
    workbook.remove(workbook.active)
    category_ids = [c.id for c in framework.categories]
    choice_count = max((len(i.choices) for i in framework.items), default=0)
    tables: dict[str, tuple[list[str], list[list[object]]]] = {
        "概要": (
            ["項目", "値"],
            [
                ["コード", framework.code],
                ["名称", framework.name],
                ["版", framework.version],
                ["説明", framework.description],
            ],
        ),
        "尺度": (["レベル", "ラベル", "説明"], [[s.level, s.label, s.description] for s in framework.scale]),
        "判定基準": (["正答率の下限", "レベル"], [[t.min_share, t.level] for t in framework.thresholds]),
        "大分類": (["ID", "名称"], [[g.id, g.name] for g in framework.groups]),
        "分類": (
            ["ID", "大分類", "名称", "説明"],
            [[c.id, c.group, c.name, c.description] for c in framework.categories],
        ),
        "設問": (
            [
                "ID",
                "分類",
                "種類",
                "設問文",
                *[f"選択肢{n}" for n in range(1, max(choice_count, 4) + 1)],
                "正解",
                "解説",
            ],
            [
                [
                    i.id,
                    i.category,
                    i.kind.label,
                    i.text,
                    *[i.choices[n] if n < len(i.choices) else None for n in range(max(choice_count, 4))],
                    i.answer,
                    i.explanation or None,
                ]
                for i in framework.items
            ],
        ),
        "役割": (
            ["ID", "名称", "説明", *category_ids],
            [
                [r.id, r.name, r.description, *[r.targets.get(c) for c in category_ids]]
                for r in framework.roles
            ],
        ),
    }
    for title, (headers, rows) in tables.items():
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        for index, header in enumerate(headers, 1):
            longest = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest * 2 + 2))
        if title == "設問":
            for row_cells in sheet.iter_rows(min_row=2):
                for cell in row_cells:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    save_workbook(workbook, path)
