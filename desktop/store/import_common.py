"""What every import shares: problems by line, refusal, cancel, progress, file identity."""

from __future__ import annotations

import gc
import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from desktop.store.database import os_login
from desktop.store.errors import UserFacingError

# Called with the number of rows handled so far; it may raise ImportCancelled.
Progress = Callable[[int], None]
PROGRESS_EVERY = 500
SHOWN_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int
    column: str
    reason: str

    def format(self, file_name: str) -> str:
        return f"{file_name}:{self.line}: {self.column}: {self.reason}"


class ImportRejected(UserFacingError):
    """The file has problems and the user did not ask to take only the valid rows."""

    def __init__(self, file_name: str, problems: Sequence[LineProblem], lead: str = "") -> None:
        self.file_name = file_name
        self.problems = list(problems)
        lines = [p.format(file_name) for p in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            lines.append(f"ほか {len(self.problems) - SHOWN_PROBLEMS} 件")
        head = lead or f"{file_name} に {len(self.problems)} 件の問題があるため、何も取り込みませんでした。"
        super().__init__(head + "\n" + "\n".join(lines))


class ImportCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("取り込みを中止しました。何も書き込んでいません。")


class FileChangedError(UserFacingError):
    pass


class ImportFileError(UserFacingError):
    """The file itself could not be read (missing, wrong format, undecodable)."""


@contextmanager
def file_errors() -> Iterator[None]:
    from desktop.exchange.tabular import TableFileError

    try:
        yield
    except TableFileError as exc:
        raise ImportFileError(str(exc)) from exc
    except OSError as exc:
        raise ImportFileError(
            f"ファイルを読めません: {exc.filename or ''} （{exc.strerror or exc}）"
        ) from exc


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = True


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Hold off Python's cycle collector while an import builds its rows.

    An import keeps hundreds of thousands of small objects alive at once, and each
    collection walks all of them: a third of a 50,000-row roster import went there.
    Those objects hold no cycles, so nothing is lost by collecting once at the end.
    """
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def refuse_if_changed(path: Path, expected: str | None, actual: str) -> None:
    if expected is not None and expected != actual:
        raise FileChangedError(
            f"{path.name} は確認（プレビュー）の後で書き換えられています。何も取り込んでいません。"
            "もう一度ファイルを読み込んで確認してください。"
        )


_signed_in: str | None = None


def set_signed_in(name: str | None) -> None:
    """Whose name the records made from now on carry (作成者, 読込者): one person per window."""
    global _signed_in
    _signed_in = name


def current_user() -> str:
    return _signed_in if _signed_in is not None else os_login()


def _jsonable(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def dump_before(values: dict[str, Any]) -> str:
    return json.dumps({k: _jsonable(v) for k, v in values.items()}, ensure_ascii=False, sort_keys=True)


def load_before(text: str) -> dict[str, Any]:
    loaded = json.loads(text)
    assert isinstance(loaded, dict)
    return loaded
