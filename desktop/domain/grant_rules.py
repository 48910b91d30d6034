"""人材開発支援助成金 rule sets as dated data, and the choice of the one that applies.

A rule set holds every figure of the 事業展開等リスキリング支援コース for the
training that starts within its date range. The bundled files live in
``resources/grant_rules/``; an office may load a newer file without a new
release. Parsing is strict (every problem is named, with its JSON path) because
a wrong figure here would be printed on a sheet a firm relies on.

Which rule set applies to a start date: among those whose range holds the date,
the one with the latest ``applies_from`` (a newer rule that takes over part of
an older range wins); on a tie, the one loaded last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from desktop.domain.dates import to_wareki
from desktop.domain.roster import SizeClass

RULE_FORMAT = "manabi-grant-rules"
RULE_FORMAT_VERSION = 1


class TrainingMethod(StrEnum):
    """How the training is given. The values are the CLI's spelling (a contract)."""

    CLASSROOM = "classroom"
    LIVE_ONLINE = "live-online"
    ELEARNING = "elearning"
    CORRESPONDENCE = "correspondence"
    SUBSCRIPTION = "subscription"

    @property
    def label(self) -> str:
        return {
            "classroom": "通学制",
            "live-online": "同時双方向型（オンライン）",
            "elearning": "eラーニング",
            "correspondence": "通信制",
            "subscription": "定額制サービス",
        }[self.value]


class RuleFileError(ValueError):
    """A rule file that cannot be used; ``problems`` are Japanese lines naming the field."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        super().__init__("\n".join(f"{source}: {problem}" for problem in problems))
        self.source = source
        self.problems = tuple(problems)


class NoRuleSet(ValueError):
    """No rule set applies to a training start date; str(exc) says why, in Japanese."""


@dataclass(frozen=True)
class ExpenseCapTier:
    from_hours: Decimal  # the tier holds training of at least this many hours
    cap: Mapping[SizeClass, int]


@dataclass(frozen=True)
class GrantRuleSet:
    id: str
    name: str
    course: str
    applies_from: date
    applies_to: date
    course_ends: date
    source: str
    expense_rate_percent: Mapping[SizeClass, int]
    wage_per_hour: Mapping[SizeClass, int]
    wage_methods: frozenset[TrainingMethod]
    wage_hours_cap: Decimal
    min_hours: Decimal
    expense_caps: tuple[ExpenseCapTier, ...]  # ascending by from_hours
    subscription_monthly_cap: int
    subscription_claims_per_year: int
    establishment_cap_per_year: int

    def expense_tier(self, hours: Decimal) -> ExpenseCapTier | None:
        """The cap tier for training of ``hours`` (None below the first tier)."""
        found = None
        for tier in self.expense_caps:
            if hours >= tier.from_hours:
                found = tier
        return found

    def tier_text(self, tier: ExpenseCapTier) -> str:
        """「100時間以上200時間未満」: how the pamphlet names a tier."""
        index = self.expense_caps.index(tier)
        low = f"{_hours_text(tier.from_hours)}時間以上"
        if index + 1 < len(self.expense_caps):
            return f"{low}{_hours_text(self.expense_caps[index + 1].from_hours)}時間未満"
        return low

    @property
    def period_text(self) -> str:
        return f"{to_wareki(self.applies_from)}〜{to_wareki(self.applies_to)}に開始する訓練"


def _hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def select_rule_set(rule_sets: Iterable[GrantRuleSet], start: date) -> GrantRuleSet:
    """The rule set for training starting on ``start``, or NoRuleSet with the reason."""
    ordered = list(rule_sets)
    matching = [
        (rule.applies_from, order, rule)
        for order, rule in enumerate(ordered)
        if rule.applies_from <= start <= rule.applies_to
    ]
    if matching:
        return max(matching, key=lambda entry: (entry[0], entry[1]))[2]
    ends = [rule.course_ends for rule in ordered]
    if ends and start > max(ends):
        last = max(ends)
        raise NoRuleSet(
            f"本コースは{to_wareki(last)}（{last.isoformat()}）で終了するため、"
            f"{start.isoformat()}に開始する訓練は対象になりません。"
        )
    raise NoRuleSet(
        f"{start.isoformat()}に開始する訓練に当てはまる助成金のルールセットがありません。"
        "新しいルールファイルを読み込んでください。"
    )


def parse_rule_set(data: Any, source: str) -> GrantRuleSet:
    """Build a rule set from a parsed JSON object; RuleFileError lists every problem."""
    reader = _Reader(source)
    if not isinstance(data, dict):
        raise RuleFileError(source, ["ルールファイルの中身が JSON のオブジェクトではありません。"])
    if data.get("format") != RULE_FORMAT:
        raise RuleFileError(source, [f"format: 「{RULE_FORMAT}」のファイルではありません。"])
    if data.get("format_version") != RULE_FORMAT_VERSION:
        raise RuleFileError(
            source,
            [
                f"format_version: この版のアプリが読めるのは {RULE_FORMAT_VERSION} です（{data.get('format_version')!r}）。"
            ],
        )
    rule_id = reader.text(data, "id", limit=64)
    name = reader.text(data, "name", limit=200)
    course = reader.text(data, "course", limit=200)
    source_text = reader.text(data, "source", limit=500)
    applies_from = reader.date(data, "applies_from")
    applies_to = reader.date(data, "applies_to")
    course_ends = reader.date(data, "course_ends")
    if applies_from and applies_to and applies_from > applies_to:
        reader.problem("applies_to", "適用開始日より前の日付です。")
    if applies_to and course_ends and applies_to > course_ends:
        reader.problem("applies_to", "コースの終了日（course_ends）より後の日付です。")
    rates = reader.by_size(data, "expense_rate_percent", low=1, high=100)
    wages = reader.by_size(data, "wage_per_hour", low=0, high=100_000)
    methods = reader.methods(data, "wage_methods")
    wage_cap = reader.hours(data, "wage_hours_cap")
    min_hours = reader.hours(data, "min_hours")
    tiers = reader.tiers(data, "expense_caps", min_hours)
    subscription = data.get("subscription")
    monthly_cap = claims = 0
    if isinstance(subscription, dict):
        monthly_cap = reader.integer(subscription, "subscription.monthly_cap", "monthly_cap", low=0)
        claims = reader.integer(subscription, "subscription.claims_per_year", "claims_per_year", low=1)
    else:
        reader.problem("subscription", "monthly_cap と claims_per_year を持つオブジェクトにしてください。")
    establishment_cap = reader.integer(
        data, "establishment_cap_per_year", "establishment_cap_per_year", low=1
    )
    if reader.problems:
        raise RuleFileError(source, reader.problems)
    assert applies_from and applies_to and course_ends and wage_cap is not None and min_hours is not None
    return GrantRuleSet(
        id=rule_id,
        name=name,
        course=course,
        applies_from=applies_from,
        applies_to=applies_to,
        course_ends=course_ends,
        source=source_text,
        expense_rate_percent=rates,
        wage_per_hour=wages,
        wage_methods=methods,
        wage_hours_cap=wage_cap,
        min_hours=min_hours,
        expense_caps=tiers,
        subscription_monthly_cap=monthly_cap,
        subscription_claims_per_year=claims,
        establishment_cap_per_year=establishment_cap,
    )


class _Reader:
    """Reads fields and collects problems instead of stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def text(self, data: Mapping[str, Any], key: str, *, limit: int) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "文字列で入力してください。")
            return ""
        if len(value) > limit:
            self.problem(key, f"{limit}文字以内にしてください。")
        return value.strip()

    def date(self, data: Mapping[str, Any], key: str) -> date | None:
        value = data.get(key)
        try:
            return date.fromisoformat(value) if isinstance(value, str) else _raise()
        except ValueError:
            self.problem(key, "YYYY-MM-DD の形の日付にしてください。")
            return None

    def integer(
        self, data: Mapping[str, Any], path: str, key: str, *, low: int, high: int | None = None
    ) -> int:
        value = data.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < low
            or (high is not None and value > high)
        ):
            bounds = f"{low}以上" + (f"{high}以下" if high is not None else "")
            self.problem(path, f"{bounds}の整数にしてください（{value!r}）。")
            return 0
        return value

    def hours(self, data: Mapping[str, Any], key: str) -> Decimal | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.problem(key, f"正の数（時間）にしてください（{value!r}）。")
            return None
        return Decimal(str(value))

    def by_size(self, data: Mapping[str, Any], key: str, *, low: int, high: int) -> dict[SizeClass, int]:
        value = data.get(key)
        if not isinstance(value, dict):
            self.problem(key, "sme と large を持つオブジェクトにしてください。")
            return {}
        return {
            size: self.integer(value, f"{key}.{size.value}", size.value, low=low, high=high)
            for size in SizeClass
        }

    def methods(self, data: Mapping[str, Any], key: str) -> frozenset[TrainingMethod]:
        value = data.get(key)
        known = {method.value for method in TrainingMethod}
        if not isinstance(value, list) or any(item not in known for item in value):
            self.problem(key, f"訓練方法の一覧にしてください（{', '.join(sorted(known))}）。")
            return frozenset()
        return frozenset(TrainingMethod(item) for item in value)

    def tiers(
        self, data: Mapping[str, Any], key: str, min_hours: Decimal | None
    ) -> tuple[ExpenseCapTier, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not value:
            self.problem(key, "時間区分ごとの上限額の一覧にしてください。")
            return ()
        tiers: list[ExpenseCapTier] = []
        for index, entry in enumerate(value):
            path = f"{key}[{index}]"
            if not isinstance(entry, dict):
                self.problem(path, "from_hours, sme, large を持つオブジェクトにしてください。")
                continue
            from_hours = self.hours(entry, "from_hours")
            if from_hours is None:  # prefix its problem before the caps may add theirs
                self.problems[-1] = f"{path}.{self.problems[-1]}"
            caps = {
                size: self.integer(entry, f"{path}.{size.value}", size.value, low=0) for size in SizeClass
            }
            if from_hours is None:
                continue
            if tiers and from_hours <= tiers[-1].from_hours:
                self.problem(f"{path}.from_hours", "時間区分は短い順に並べてください。")
            tiers.append(ExpenseCapTier(from_hours, caps))
        if tiers and min_hours is not None and tiers[0].from_hours != min_hours:
            self.problem(
                f"{key}[0].from_hours",
                f"最初の区分は min_hours（{_hours_text(min_hours)}）と同じにしてください。",
            )
        return tuple(tiers)


def _raise() -> date:
    raise ValueError
