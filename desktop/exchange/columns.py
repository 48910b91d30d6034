"""Header matching shared by every importer: which file column feeds which field.

Offices name the same column many ways (職員番号, 社員番号, 受講者番号; E-mail,
メールアドレス; user_email, User Email). Headers are compared after folding
width, case, spaces and punctuation, so 「メール アドレス」 and 「ﾒｰﾙｱﾄﾞﾚｽ」 match
the alias 「メールアドレス」.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop.domain.text import nfkc

_NOISE = re.compile(r"[\s_\-‐－・･.．:：()（）\[\]［］「」『』/／]+")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # what an export writes and the wizard shows
    aliases: tuple[str, ...] = ()
    required: bool = False


def fold_header(text: str) -> str:
    return _NOISE.sub("", nfkc(text).casefold())


def guess_mapping(columns: Sequence[Column], headers: Sequence[str]) -> dict[str, int]:
    """Field key → column index, for every field whose header or alias the file has.

    A column feeds at most one field; fields are matched in the order given, so a
    specific field listed first takes a header before a more general one.
    """
    folded = [fold_header(h) for h in headers]
    taken: set[int] = set()
    mapping: dict[str, int] = {}
    for column in columns:
        names = [fold_header(name) for name in (column.header, *column.aliases)]
        for name in names:
            index = next((i for i, h in enumerate(folded) if h == name and i not in taken), None)
            if index is not None:
                mapping[column.key] = index
                taken.add(index)
                break
    return mapping


def mapping_by_header(mapping: Mapping[str, int], headers: Sequence[str]) -> dict[str, str]:
    """The form a mapping is saved in: by header text, so a reordered file still fits."""
    return {key: headers[index] for key, index in mapping.items()}


def resolve_saved_mapping(
    saved: Mapping[str, str], headers: Sequence[str]
) -> tuple[dict[str, int], list[str]]:
    """Indices for a saved mapping in this file, and the saved headers the file lacks."""
    folded = [fold_header(h) for h in headers]
    mapping: dict[str, int] = {}
    missing: list[str] = []
    for key, header in saved.items():
        target = fold_header(header)
        index = next((i for i, h in enumerate(folded) if h == target), None)
        if index is None:
            missing.append(header)
        else:
            mapping[key] = index
    return mapping, missing


def missing_required(columns: Sequence[Column], mapping: Mapping[str, int]) -> list[Column]:
    return [c for c in columns if c.required and c.key not in mapping]
