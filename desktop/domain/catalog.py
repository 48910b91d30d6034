"""The course catalogue (研修カタログ) and each role's learning path (受講ルート), as data.

A catalogue is read from a plain mapping (parsed JSON, or the rows of an Excel
or CSV file turned into the same shape) and checked in full, naming each place
that is wrong, like a framework file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

FORMAT = "manabi-catalog"
FORMAT_VERSION = 1
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
TITLE_MAX = 120
MAX_HOURS = Decimal("2000")


class Provider(StrEnum):
    UDEMY = "Udemy Business"
    IN_HOUSE_ELEARNING = "内製eラーニング"
    GROUP_TRAINING = "集合研修"
    EXTERNAL = "外部講座"


class DeliveryMethod(StrEnum):
    CLASSROOM = "通学"
    LIVE_ONLINE = "同時双方向"
    ELEARNING = "eラーニング"
    CORRESPONDENCE = "通信"
    SUBSCRIPTION = "定額制サービス"


class CourseLevel(StrEnum):
    INTRO = "入門"
    BASIC = "初級"
    INTERMEDIATE = "中級"
    ADVANCED = "上級"

    @property
    def rank(self) -> int:
        """1–4, the framework scale level the course brings a learner to."""
        return list(CourseLevel).index(self) + 1


class Requirement(StrEnum):
    REQUIRED = "required"  # 必修
    RECOMMENDED = "recommended"  # 推奨

    @property
    def label(self) -> str:
        return "必修" if self is Requirement.REQUIRED else "推奨"


@dataclass(frozen=True)
class CatalogCourse:
    code: str
    title: str
    provider: Provider
    method: DeliveryMethod
    hours: Decimal
    fee: int  # yen; per trainee per month for 定額制サービス
    level: CourseLevel
    categories: tuple[str, ...]  # framework category ids, the main one first
    description: str = ""


@dataclass(frozen=True)
class LearningPath:
    role: str  # framework role id
    required: tuple[str, ...]
    recommended: tuple[str, ...]

    def requirement(self, code: str) -> Requirement | None:
        if code in self.required:
            return Requirement.REQUIRED
        if code in self.recommended:
            return Requirement.RECOMMENDED
        return None


@dataclass(frozen=True)
class Catalog:
    framework: str  # the framework code whose category ids the courses name
    name: str
    description: str
    courses: tuple[CatalogCourse, ...]
    paths: tuple[LearningPath, ...]

    def course(self, code: str) -> CatalogCourse:
        return next(c for c in self.courses if c.code == code)

    def path(self, role: str) -> LearningPath:
        found = next((p for p in self.paths if p.role == role), None)
        return found if found is not None else LearningPath(role, (), ())

    def to_data(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "framework": self.framework,
            "name": self.name,
            "description": self.description,
            "courses": [
                {
                    "code": c.code,
                    "title": c.title,
                    "provider": c.provider.value,
                    "method": c.method.value,
                    "hours": float(c.hours),
                    "fee": c.fee,
                    "level": c.level.value,
                    "categories": list(c.categories),
                    "description": c.description,
                }
                for c in self.courses
            ],
            "paths": [
                {"role": p.role, "required": list(p.required), "recommended": list(p.recommended)}
                for p in self.paths
            ],
        }


@dataclass(frozen=True)
class CatalogProblem:
    where: str  # 「講座 DX-101」, 「受講ルート ict」 …
    reason: str

    def format(self, source: str) -> str:
        return f"{source}: {self.where}: {self.reason}"


class CatalogError(ValueError):
    def __init__(self, source: str, problems: Sequence[CatalogProblem]) -> None:
        self.source = source
        self.problems = list(problems)
        shown = "\n".join(p.format(source) for p in self.problems[:30])
        more = f"\nほか {len(self.problems) - 30} 件" if len(self.problems) > 30 else ""
        super().__init__(
            f"{source} の研修カタログに {len(self.problems)} 件の問題があります。\n{shown}{more}"
        )


def _choice(enum: type[StrEnum], value: Any) -> Any:
    text = str(value or "").strip()
    return next((member for member in enum if member.value == text), None)


def catalog_from_data(
    data: Any,
    source: str,
    category_ids: Sequence[str] | None = None,
    role_ids: Sequence[str] | None = None,
) -> Catalog:
    """Check a parsed catalogue in full; with the framework's ids, also that every category and role exists."""
    problems: list[CatalogProblem] = []

    def bad(where: str, reason: str) -> None:
        problems.append(CatalogProblem(where, reason))

    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise CatalogError(
            source, [CatalogProblem("ファイル全体", f"「{FORMAT}」形式の研修カタログではありません。")]
        )
    framework = str(data.get("framework") or "").strip()
    name = str(data.get("name") or "").strip()
    if not name:
        bad("名称", "カタログの名称がありません。")
    courses = _courses(data.get("courses"), bad, category_ids)
    codes = {c.code for c in courses}
    paths = _paths(data.get("paths"), bad, codes, role_ids)
    if problems:
        raise CatalogError(source, problems)
    return Catalog(framework, name, str(data.get("description") or "").strip(), tuple(courses), tuple(paths))


def _courses(raw: Any, bad: Any, category_ids: Sequence[str] | None) -> list[CatalogCourse]:
    if not isinstance(raw, list) or not raw:
        bad("講座", "講座が1件もありません。")
        return []
    courses: list[CatalogCourse] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw, 1):
        if not isinstance(entry, Mapping):
            bad(f"講座 {number}件目", "項目の形式が正しくありません。")
            continue
        code = str(entry.get("code") or "").strip()
        where = f"講座 {code or f'{number}件目'}"
        if not _CODE.match(code):
            bad(where, "講座コードは半角英数字・ハイフン（64文字以内）で書いてください。")
        elif code in seen:
            bad(where, f"講座コード「{code}」が重複しています。")
        seen.add(code)
        title = str(entry.get("title") or "").strip()
        if not title or len(title) > TITLE_MAX:
            bad(where, f"講座名は1〜{TITLE_MAX}文字で書いてください。")
        provider = _choice(Provider, entry.get("provider"))
        if provider is None:
            bad(where, f"提供元は {' / '.join(p.value for p in Provider)} のいずれかにしてください。")
        method = _choice(DeliveryMethod, entry.get("method"))
        if method is None:
            bad(where, f"実施方法は {' / '.join(m.value for m in DeliveryMethod)} のいずれかにしてください。")
        level = _choice(CourseLevel, entry.get("level"))
        if level is None:
            bad(where, f"レベルは {' / '.join(v.value for v in CourseLevel)} のいずれかにしてください。")
        hours = _hours(entry.get("hours"))
        if hours is None:
            bad(where, f"標準時間は0より大きく{MAX_HOURS}以下の数（0.5刻みなど）で書いてください。")
        fee = entry.get("fee", 0)
        if (
            isinstance(fee, bool)
            or not isinstance(fee, int | float)
            or fee < 0
            or not float(fee).is_integer()
        ):
            bad(where, "受講料は0以上の整数（円）で書いてください。")
            fee = 0
        categories = entry.get("categories")
        if (
            not isinstance(categories, list)
            or not categories
            or not all(isinstance(c, str) for c in categories)
        ):
            bad(where, "身につく分類（categories）を1つ以上書いてください。")
            categories = []
        elif category_ids is not None:
            for category in categories:
                if category not in category_ids:
                    bad(where, f"分類「{category}」は診断フレームワークにありません。")
        if provider and method and level and hours is not None:
            courses.append(
                CatalogCourse(
                    code,
                    title,
                    provider,
                    method,
                    hours,
                    int(fee),
                    level,
                    tuple(dict.fromkeys(categories)),
                    str(entry.get("description") or "").strip(),
                )
            )
    return courses


def _hours(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return hours if Decimal(0) < hours <= MAX_HOURS else None


def _paths(raw: Any, bad: Any, codes: set[str], role_ids: Sequence[str] | None) -> list[LearningPath]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        bad("受講ルート", "受講ルートの形式が正しくありません。")
        return []
    paths: list[LearningPath] = []
    roles_seen: set[str] = set()
    for number, entry in enumerate(raw, 1):
        role = str(entry.get("role") or "").strip() if isinstance(entry, Mapping) else ""
        where = f"受講ルート {role or f'{number}件目'}"
        if not isinstance(entry, Mapping) or not role:
            bad(where, "役割（role）がありません。")
            continue
        if role in roles_seen:
            bad(where, f"役割「{role}」の受講ルートが重複しています。")
        roles_seen.add(role)
        if role_ids is not None and role not in role_ids:
            bad(where, f"役割「{role}」は診断フレームワークにありません。")
        lists: dict[str, tuple[str, ...]] = {}
        for key, label in (("required", "必修"), ("recommended", "推奨")):
            values = entry.get(key) or []
            if not isinstance(values, list):
                bad(where, f"{label}講座の形式が正しくありません。")
                values = []
            for code in values:
                if code not in codes:
                    bad(where, f"{label}講座「{code}」がカタログにありません。")
            lists[key] = tuple(str(v) for v in values)
        both = set(lists["required"]) & set(lists["recommended"])
        for code in sorted(both):
            bad(where, f"講座「{code}」が必修と推奨の両方にあります。")
        for key, label in (("required", "必修"), ("recommended", "推奨")):
            if len(set(lists[key])) != len(lists[key]):
                bad(where, f"{label}講座に同じ講座が2回あります。")
        paths.append(LearningPath(role, lists["required"], lists["recommended"]))
    return paths
