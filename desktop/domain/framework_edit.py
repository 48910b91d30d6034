"""Edits to a framework in its JSON shape, as the in-app editor makes them.

The editor works on ``Framework.to_data()`` and checks the result with
``framework_from_data`` before saving; these helpers keep the references inside
that shape true while someone edits it (a renamed 分類 is renamed in its items
and in every role's targets, a new 分類 gets a target in every role).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any


def rename_categories(data: dict[str, Any], renames: Mapping[str, str]) -> None:
    """Follow 分類 id changes (old → new) in items and role targets."""
    renames = {old: new for old, new in renames.items() if old and new and old != new}
    if not renames:
        return
    for item in data.get("items", []):
        item["category"] = renames.get(item.get("category"), item.get("category"))
    for role in data.get("roles", []):
        targets = role.get("targets") or {}
        role["targets"] = {renames.get(key, key): value for key, value in targets.items()}


def rename_groups(data: dict[str, Any], renames: Mapping[str, str]) -> None:
    renames = {old: new for old, new in renames.items() if old and new and old != new}
    for category in data.get("categories", []):
        category["group"] = renames.get(category.get("group"), category.get("group"))


def align_targets(data: dict[str, Any]) -> None:
    """Every role gets a target for every 分類 (the lowest level for a new one); removed 分類 lose theirs."""
    category_ids = [c.get("id") for c in data.get("categories", []) if c.get("id")]
    lowest = min((s.get("level", 1) for s in data.get("scale", [])), default=1)
    for role in data.get("roles", []):
        targets = role.get("targets") or {}
        role["targets"] = {cid: targets.get(cid, lowest) for cid in category_ids}


def free_id(taken: Iterable[str], prefix: str) -> str:
    """The first ``PREFIX-NN`` not in use, for a row the user has just added."""
    used = set(taken)
    number = 1
    while f"{prefix}-{number:02d}" in used:
        number += 1
    return f"{prefix}-{number:02d}"


def copy_as_new(data: Mapping[str, Any], code: str, name: str) -> dict[str, Any]:
    """A framework of an office's own, started from an existing one: new code, first version."""
    copied = copy.deepcopy(dict(data))
    copied.update(code=code, name=name, version=1)
    return copied


def without_editor_keys(value: Any) -> Any:
    """The data with the editor's own bookkeeping (keys starting with ``_``) removed."""
    if isinstance(value, dict):
        return {k: without_editor_keys(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list):
        return [without_editor_keys(v) for v in value]
    return value
