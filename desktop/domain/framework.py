"""Skill frameworks (スキル診断の枠組み) as data: what a diagnosis asks and what a role needs.

A framework is read from a plain mapping (parsed JSON, or the rows of an Excel
workbook turned into the same shape) and checked in full: every problem names
the place it was found, so an office that edits its own file sees all of its
mistakes at once, not one per attempt.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

FORMAT = "manabi-framework"
FORMAT_VERSION = 1
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
TEXT_MAX = 400
MAX_LEVELS = 10


class ItemKind(StrEnum):
    SELF = "self"  # 自己評価: answered on the scale
    KNOWLEDGE = "knowledge"  # 知識問題: choices, one correct

    @property
    def label(self) -> str:
        return "自己評価" if self is ItemKind.SELF else "知識問題"


@dataclass(frozen=True)
class ScaleLevel:
    level: int
    label: str
    description: str = ""


@dataclass(frozen=True)
class Threshold:
    min_share: float
    level: int


@dataclass(frozen=True)
class Group:
    id: str
    name: str


@dataclass(frozen=True)
class Category:
    id: str
    group: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    category: str
    kind: ItemKind
    text: str
    choices: tuple[str, ...] = ()
    answer: int | None = None  # 1-based number of the correct choice
    explanation: str = ""


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    description: str
    targets: Mapping[str, int]


@dataclass(frozen=True)
class Framework:
    code: str
    name: str
    version: int
    description: str
    scale: tuple[ScaleLevel, ...]
    thresholds: tuple[Threshold, ...]
    groups: tuple[Group, ...]
    categories: tuple[Category, ...]
    items: tuple[Item, ...]
    roles: tuple[Role, ...]
    _by_id: dict[str, Item] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({item.id: item for item in self.items})

    @property
    def top_level(self) -> int:
        return self.scale[-1].level

    @property
    def bottom_level(self) -> int:
        return self.scale[0].level

    def item(self, item_id: str) -> Item:
        return self._by_id[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._by_id

    def items_of(self, category_id: str) -> list[Item]:
        return [item for item in self.items if item.category == category_id]

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def find_role(self, text: str) -> Role | None:
        """The role a roster's 育成区分 names, by id or by name (spaces ignored)."""
        wanted = "".join(text.split())
        for role in self.roles:
            if wanted in (role.id, "".join(role.name.split())):
                return role
        return None

    def default_role(self) -> Role:
        return self.roles[0]

    def valid_answers(self, item: Item) -> range:
        if item.kind is ItemKind.KNOWLEDGE:
            return range(1, len(item.choices) + 1)
        return range(self.bottom_level, self.top_level + 1)

    def level_label(self, level: int) -> str:
        return next((s.label for s in self.scale if s.level == level), str(level))

    def to_data(self) -> dict[str, Any]:
        """The framework as its JSON file holds it; from_data(to_data()) gives it back."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "code": self.code,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "scale": [{"level": s.level, "label": s.label, "description": s.description} for s in self.scale],
            "knowledge_thresholds": [{"min_share": t.min_share, "level": t.level} for t in self.thresholds],
            "groups": [{"id": g.id, "name": g.name} for g in self.groups],
            "categories": [
                {"id": c.id, "group": c.group, "name": c.name, "description": c.description}
                for c in self.categories
            ],
            "items": [_item_data(item) for item in self.items],
            "roles": [
                {"id": r.id, "name": r.name, "description": r.description, "targets": dict(r.targets)}
                for r in self.roles
            ],
        }

    def content_hash(self) -> str:
        """Identifies the questions and targets, whatever the version number says."""
        data = self.to_data()
        data.pop("version")
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _item_data(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "category": item.category,
        "kind": item.kind.value,
        "text": item.text,
    }
    if item.kind is ItemKind.KNOWLEDGE:
        data.update(choices=list(item.choices), answer=item.answer, explanation=item.explanation)
    return data


# --- validation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkProblem:
    where: str  # 「設問 DAT-K1」, 「役割 leader」, 「尺度」 …
    reason: str

    def format(self, source: str) -> str:
        return f"{source}: {self.where}: {self.reason}"


class FrameworkError(ValueError):
    """A framework file with problems; nothing of it is used."""

    def __init__(self, source: str, problems: Sequence[FrameworkProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = "\n".join(p.format(source) for p in self.problems[:30])
        more = f"\nほか {len(self.problems) - 30} 件" if len(self.problems) > 30 else ""
        super().__init__(
            f"{source} の診断フレームワークに {len(self.problems)} 件の問題があります。\n{shown}{more}"
        )


class _Checker:
    def __init__(self) -> None:
        self.problems: list[FrameworkProblem] = []

    def bad(self, where: str, reason: str) -> None:
        self.problems.append(FrameworkProblem(where, reason))

    def text(
        self, data: Mapping[str, Any], key: str, where: str, label: str, *, required: bool = True
    ) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.bad(where, f"{label}がありません。")
            return ""
        if not isinstance(value, str):
            self.bad(where, f"{label}は文字列で書いてください。")
            return ""
        if len(value) > TEXT_MAX:
            self.bad(where, f"{label}は{TEXT_MAX}文字以内にしてください。")
        return value.strip()

    def identifier(self, data: Mapping[str, Any], where: str, seen: set[str], label: str) -> str:
        value = data.get("id")
        if not isinstance(value, str) or not _ID.match(value):
            self.bad(
                where, f"{label}のIDは半角英数字・ハイフン・アンダースコア（32文字以内）で書いてください。"
            )
            return ""
        if value in seen:
            self.bad(where, f"{label}のID「{value}」が重複しています。")
        seen.add(value)
        return value

    def integer(self, value: Any, where: str, label: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer():
            self.bad(where, f"{label}は整数で書いてください。")
            return None
        return int(value)

    def records(self, data: Mapping[str, Any], key: str, label: str) -> list[Mapping[str, Any]]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.bad(label, f"{label}がありません。")
            return []
        good = []
        for number, entry in enumerate(value, 1):
            if isinstance(entry, Mapping):
                good.append(entry)
            else:
                self.bad(f"{label} {number}件目", "項目の形式が正しくありません。")
        return good


def framework_from_data(data: Any, source: str) -> Framework:
    """Check a parsed framework file in full; FrameworkError lists every problem."""
    check = _Checker()
    if not isinstance(data, Mapping):
        raise FrameworkError(
            source, [FrameworkProblem("ファイル全体", "診断フレームワークの形式ではありません。")]
        )
    if data.get("format") != FORMAT:
        check.bad("format", f"「{FORMAT}」形式のファイルではありません。")
    if data.get("format_version") not in (FORMAT_VERSION, None):
        check.bad("format_version", f"この版のアプリが読めるのは形式バージョン {FORMAT_VERSION} です。")
    code = data.get("code")
    if not isinstance(code, str) or not _ID.match(code):
        check.bad("code", "フレームワークのコードは半角英数字・ハイフン（32文字以内）で書いてください。")
        code = ""
    name = check.text(data, "name", "name", "名称")
    version = check.integer(data.get("version", 1), "version", "版") or 1
    if version < 1:
        check.bad("version", "版は1以上にしてください。")
    description = check.text(data, "description", "description", "説明", required=False)

    scale = _scale(check, data)
    thresholds = _thresholds(check, data, scale)
    groups = _groups(check, data)
    categories = _categories(check, data, {g.id for g in groups})
    items = _items(check, data, {c.id for c in categories}, categories)
    roles = _roles(check, data, [c.id for c in categories], scale)
    if check.problems:
        raise FrameworkError(source, check.problems)
    return Framework(code, name, version, description, scale, thresholds, groups, categories, items, roles)


def _scale(check: _Checker, data: Mapping[str, Any]) -> tuple[ScaleLevel, ...]:
    levels: list[ScaleLevel] = []
    for number, entry in enumerate(check.records(data, "scale", "尺度"), 1):
        where = f"尺度 {number}段階目"
        level = check.integer(entry.get("level"), where, "レベル")
        label = check.text(entry, "label", where, "ラベル")
        description = check.text(entry, "description", where, "説明", required=False)
        if level is not None:
            levels.append(ScaleLevel(level, label, description))
    numbers = [s.level for s in levels]
    if levels and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        check.bad("尺度", "レベルは1つずつ増える連続した整数にしてください（例: 1, 2, 3, 4）。")
    if len(levels) == 1 or len(levels) > MAX_LEVELS:
        check.bad("尺度", f"尺度は2〜{MAX_LEVELS}段階にしてください。")
    return tuple(levels)


def _thresholds(
    check: _Checker, data: Mapping[str, Any], scale: Sequence[ScaleLevel]
) -> tuple[Threshold, ...]:
    levels = {s.level for s in scale}
    thresholds: list[Threshold] = []
    for number, entry in enumerate(check.records(data, "knowledge_thresholds", "知識問題の判定基準"), 1):
        where = f"知識問題の判定基準 {number}件目"
        share = entry.get("min_share")
        level = check.integer(entry.get("level"), where, "レベル")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            check.bad(where, "正答率の下限（min_share）は0から1の数で書いてください。")
            continue
        if level is not None and levels and level not in levels:
            check.bad(where, f"レベル {level} は尺度にありません。")
        if level is not None:
            thresholds.append(Threshold(float(share), level))
    if thresholds:
        if thresholds[0].min_share != 0:
            check.bad("知識問題の判定基準", "最初の基準は正答率0（min_share: 0）から始めてください。")
        shares = [t.min_share for t in thresholds]
        levels_in_order = [t.level for t in thresholds]
        if shares != sorted(set(shares)) or levels_in_order != sorted(levels_in_order):
            check.bad("知識問題の判定基準", "正答率とレベルは小さい順に、重複なく並べてください。")
    return tuple(thresholds)


def _groups(check: _Checker, data: Mapping[str, Any]) -> tuple[Group, ...]:
    seen: set[str] = set()
    groups = []
    for number, entry in enumerate(check.records(data, "groups", "大分類"), 1):
        where = f"大分類 {entry.get('id') or f'{number}件目'}"
        group_id = check.identifier(entry, where, seen, "大分類")
        groups.append(Group(group_id, check.text(entry, "name", where, "名称")))
    return tuple(groups)


def _categories(check: _Checker, data: Mapping[str, Any], group_ids: set[str]) -> tuple[Category, ...]:
    seen: set[str] = set()
    categories = []
    for number, entry in enumerate(check.records(data, "categories", "分類"), 1):
        where = f"分類 {entry.get('id') or f'{number}件目'}"
        category_id = check.identifier(entry, where, seen, "分類")
        group = entry.get("group")
        if group not in group_ids:
            check.bad(where, f"大分類「{group}」がありません。")
        categories.append(
            Category(
                category_id,
                str(group),
                check.text(entry, "name", where, "名称"),
                check.text(entry, "description", where, "説明", required=False),
            )
        )
    return tuple(categories)


def _items(
    check: _Checker, data: Mapping[str, Any], category_ids: set[str], categories: Sequence[Category]
) -> tuple[Item, ...]:
    seen: set[str] = set()
    items: list[Item] = []
    for number, entry in enumerate(check.records(data, "items", "設問"), 1):
        where = f"設問 {entry.get('id') or f'{number}件目'}"
        item_id = check.identifier(entry, where, seen, "設問")
        category = entry.get("category")
        if category not in category_ids:
            check.bad(where, f"分類「{category}」がありません。")
        text = check.text(entry, "text", where, "設問文")
        kind_value = entry.get("kind")
        if kind_value not in {k.value for k in ItemKind}:
            check.bad(where, "種類（kind）は self（自己評価）か knowledge（知識問題）にしてください。")
            continue
        kind = ItemKind(kind_value)
        if kind is ItemKind.SELF:
            items.append(Item(item_id, str(category), kind, text))
            continue
        choices = entry.get("choices")
        if (
            not isinstance(choices, list)
            or not 2 <= len(choices) <= 9
            or not all(isinstance(c, str) and c.strip() for c in choices)
        ):
            check.bad(where, "選択肢（choices）は2〜9個の文字列で書いてください。")
            continue
        if len(set(choices)) != len(choices):
            check.bad(where, "同じ選択肢が重複しています。")
        answer = check.integer(entry.get("answer"), where, "正解（answer）")
        if answer is not None and not 1 <= answer <= len(choices):
            check.bad(where, f"正解（answer）は1〜{len(choices)}の番号で書いてください。")
        explanation = check.text(entry, "explanation", where, "解説", required=False)
        items.append(
            Item(item_id, str(category), kind, text, tuple(c.strip() for c in choices), answer, explanation)
        )
    used = {item.category for item in items}
    for category in categories:
        if category.id and category.id not in used:
            check.bad(f"分類 {category.id}", "この分類の設問がありません。")
    return tuple(items)


def _roles(
    check: _Checker, data: Mapping[str, Any], category_ids: Sequence[str], scale: Sequence[ScaleLevel]
) -> tuple[Role, ...]:
    seen: set[str] = set()
    levels = {s.level for s in scale}
    roles = []
    for number, entry in enumerate(check.records(data, "roles", "役割"), 1):
        where = f"役割 {entry.get('id') or f'{number}件目'}"
        role_id = check.identifier(entry, where, seen, "役割")
        targets_data = entry.get("targets")
        targets: dict[str, int] = {}
        if not isinstance(targets_data, Mapping):
            check.bad(where, "到達目標（targets）がありません。")
        else:
            for key in targets_data:
                if key not in category_ids:
                    check.bad(where, f"到達目標の分類「{key}」がありません。")
            for category_id in category_ids:
                if category_id not in targets_data:
                    check.bad(where, f"分類「{category_id}」の到達目標がありません。")
                    continue
                level = check.integer(targets_data[category_id], where, f"分類「{category_id}」の到達目標")
                if level is not None and levels and level not in levels:
                    check.bad(where, f"分類「{category_id}」の到達目標 {level} は尺度にありません。")
                elif level is not None:
                    targets[category_id] = level
        roles.append(
            Role(
                role_id,
                check.text(entry, "name", where, "名称"),
                check.text(entry, "description", where, "説明", required=False),
                targets,
            )
        )
    return tuple(roles)


def knowledge_level(framework: Framework, share: float) -> int:
    """The level a share of correct answers earns, by the framework's thresholds."""
    level = framework.thresholds[0].level
    for threshold in framework.thresholds:
        # A share like 2/3 must reach a threshold written as 0.67: compare with a little slack.
        if share + 1e-9 >= threshold.min_share or math.isclose(share, threshold.min_share, abs_tol=0.005):
            level = threshold.level
    return level
