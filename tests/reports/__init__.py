"""Helpers for the PDF tests: read the files back with poppler, as a viewer or printer would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop.domain.framework import Framework, framework_from_data

SCALE = [
    {"level": 1, "label": "知らない・できない", "description": "聞いたことがない状態です。"},
    {"level": 2, "label": "知っている", "description": "説明を聞けば分かる状態です。"},
    {"level": 3, "label": "実践できる", "description": "自分で取り組める状態です。"},
    {"level": 4, "label": "教えられる", "description": "周囲に教え、推進できる状態です。"},
]


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} (poppler-utils) is needed to read the PDFs back"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return found


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, encoding="utf-8").stdout


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    return _run(_poppler("pdftotext"), "-layout", *pages, str(path), "-")


def page_count(path: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)$", _run(_poppler("pdfinfo"), str(path)), re.M)
    assert match is not None
    return int(match[1])


@dataclass(frozen=True)
class PdfFont:
    name: str
    type: str
    embedded: bool


def pdf_fonts(path: Path) -> list[PdfFont]:
    """pdffonts' table, cut at the columns its dashed rule marks (the type column holds spaces)."""
    lines = _run(_poppler("pdffonts"), str(path)).splitlines()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    fonts = []
    for line in lines[2:]:
        cells = [line[start:end].strip() for start, end in spans[:-1]] + [line[spans[-1][0] :].strip()]
        fonts.append(PdfFont(cells[0], cells[1], cells[3] == "yes"))
    return fonts


def assert_fonts_embedded(path: Path) -> None:
    fonts = pdf_fonts(path)
    assert fonts, "the PDF uses no fonts at all"
    for font in fonts:
        assert font.embedded, f"{font.name} is not embedded"
        assert font.type != "Type 3", f"{font.name} is a Type 3 font"
        assert "BIZUDGothic" in font.name, f"unexpected font {font.name}"


def assert_no_missing_glyphs(text: str) -> None:
    """Every character read back exists in the font: none of it printed as an empty box."""
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]

    from desktop.reports.pdf_common import FONT, FONT_BOLD, register_fonts

    register_fonts()
    for name in (FONT, FONT_BOLD):
        known = pdfmetrics.getFont(name).face.charToGlyph
        missing = {c for c in text if not c.isspace() and ord(c) not in known}
        assert not missing, f"{name} lacks {sorted(missing)}"


def build_framework(
    categories: list[tuple[str, str, str]],
    items: list[dict[str, Any]],
    targets: dict[str, dict[str, int]],
    *,
    name: str = "テスト診断",
    version: int = 3,
) -> Framework:
    """A framework from (id, group, name) categories; groups are made from the names used."""
    groups = list(dict.fromkeys(group for _, group, _ in categories))
    return framework_from_data(
        {
            "format": "manabi-framework",
            "format_version": 1,
            "code": "test",
            "name": name,
            "version": version,
            "scale": SCALE,
            "knowledge_thresholds": [
                {"min_share": 0, "level": 1},
                {"min_share": 0.34, "level": 2},
                {"min_share": 0.67, "level": 3},
                {"min_share": 1, "level": 4},
            ],
            "groups": [{"id": f"g{n}", "name": group} for n, group in enumerate(groups)],
            "categories": [
                {"id": cid, "group": f"g{groups.index(group)}", "name": cname}
                for cid, group, cname in categories
            ],
            "items": items,
            "roles": [
                {"id": f"r{n}", "name": role_name, "description": "", "targets": role_targets}
                for n, (role_name, role_targets) in enumerate(targets.items())
            ],
        },
        "test",
    )


def self_item(item_id: str, category: str, text: str) -> dict[str, Any]:
    return {"id": item_id, "category": category, "kind": "self", "text": text}


def knowledge_item(
    item_id: str, category: str, text: str, choices: list[str], answer: int, explanation: str = ""
) -> dict[str, Any]:
    return {
        "id": item_id,
        "category": category,
        "kind": "knowledge",
        "text": text,
        "choices": choices,
        "answer": answer,
        "explanation": explanation,
    }
