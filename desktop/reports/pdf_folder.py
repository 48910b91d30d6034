"""A PDF per person in one folder, all or nothing, under names every PC can open.

A clerk who cancels halfway, or whose disk fills, must not be left with half
a batch mixed in with last year's files: the PDFs are made in a hidden folder
inside the target and moved in only when all of them are made.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import IO

from desktop.reports.pdf_common import PdfError, write_pdf

# Windows refuses these in a file name; control characters are refused everywhere.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_PART_LIMIT = 60  # a whole path must stay under Windows' 260 characters


def safe_name_part(text: str) -> str:
    """`text` fit to be part of a file name on Windows: forbidden characters become _, Japanese stays."""
    # Leading dots would hide the file on Linux and macOS; trailing dots and spaces vanish on Windows.
    return _FORBIDDEN.sub("_", text.strip()).strip(". ")[:_PART_LIMIT]


def unique_names(names: Sequence[str]) -> list[str]:
    """Later repeats get （2）, （3）… before the extension; names equal but for case count as
    repeats, as Windows sees them, so no file of a batch overwrites another."""
    seen: set[str] = set()
    unique = []
    for name in names:
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, count = name, 1
        while candidate.casefold() in seen:
            count += 1
            candidate = f"{stem}（{count}）{dot}{extension}"
        seen.add(candidate.casefold())
        unique.append(candidate)
    return unique


def write_pdf_folder(
    folder: Path, names: Sequence[str], build: Callable[[int, IO[bytes]], None]
) -> list[Path]:
    """Write ``build(index, file)`` as ``folder / names[index]`` for every name; the paths made.

    If any build raises (a cancel, a failure), or a file cannot be moved in,
    `folder` is left as it was: no new file, no .part, and any file the run
    would have replaced is put back.
    """
    if not folder.is_dir():
        raise PdfError(f"保存先のフォルダ {folder} がありません。")
    try:
        staging = Path(tempfile.mkdtemp(prefix=".作成中-", dir=folder))
    except OSError as exc:
        raise PdfError(f"{folder} に書き込めません（{exc.strerror or exc}）。") from exc
    try:
        for index, name in enumerate(names):
            write_pdf(staging / name, partial(build, index))
        return _move_in(staging, folder, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_in(staging: Path, folder: Path, names: Sequence[str]) -> list[Path]:
    """Move the made files into `folder`; if one move fails, undo the others (old files come back)."""
    moved: list[tuple[Path, Path | None]] = []
    try:
        for name in names:
            target = folder / name
            backup = None
            if target.exists():
                backup = staging / (name + ".old")
                os.replace(target, backup)
            moved.append((target, backup))
            os.replace(staging / name, target)
    except OSError as exc:
        for target, backup in reversed(moved):
            target.unlink(missing_ok=True)
            if backup is not None:
                os.replace(backup, target)
        name = Path(exc.filename or "").name or folder.name
        raise PdfError(
            f"{name} を保存できません（{exc.strerror or exc}）。"
            "PDFビューアで開いている場合は閉じてから、もう一度やり直してください。"
        ) from exc
    return [folder / name for name in names]
