"""Scoring a diagnosis: levels per category, the gap to a role's target, plain-word summaries.

How a category's level is made (also printed on the result sheet):
- self-assessment items: the mean of the answers on the scale;
- knowledge items: the share answered correctly, turned into a level by the
  framework's thresholds;
- a category with both kinds: the mean of the two parts, so that what people
  say of themselves and what they show count equally;
- unanswered items are left out; a category with no answers has no level.
Levels are kept to one decimal place, as they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from desktop.domain.framework import Framework, ItemKind, Role, knowledge_level


class DiagnosisKind(StrEnum):
    PRE = "pre"
    POST = "post"
    PERIODIC = "periodic"

    @property
    def label(self) -> str:
        return {"pre": "事前", "post": "事後", "periodic": "定期"}[self.value]

    @classmethod
    def parse(cls, text: str) -> DiagnosisKind:
        """From a label (事前/事後/定期) or a code (pre/post/periodic)."""
        for kind in cls:
            if text.strip() in (kind.value, kind.label):
                return kind
        raise ValueError(f"診断の種類「{text}」は使えません（事前・事後・定期のいずれか）。")


@dataclass(frozen=True)
class CategoryScore:
    category_id: str
    name: str
    group_name: str
    level: float | None  # None: nothing answered in this category
    target: int
    self_level: float | None
    knowledge_share: float | None
    answered: int
    total: int

    @property
    def gap(self) -> float | None:
        """How far below the target (0 when reached); None when unanswered."""
        return None if self.level is None else round(max(0.0, self.target - self.level), 1)

    @property
    def reached(self) -> bool:
        return self.level is not None and self.level >= self.target


@dataclass(frozen=True)
class DiagnosisScore:
    framework_name: str
    framework_version: int
    role_name: str
    categories: tuple[CategoryScore, ...]
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    def by_category(self) -> dict[str, CategoryScore]:
        return {c.category_id: c for c in self.categories}

    @property
    def overall(self) -> float | None:
        levels = [c.level for c in self.categories if c.level is not None]
        return round(sum(levels) / len(levels), 1) if levels else None


def _one_decimal(value: float) -> float:
    return round(value + 1e-9, 1)


def score_answers(framework: Framework, role: Role, answers: Mapping[str, int]) -> DiagnosisScore:
    """Levels per category from the answers (item id → answer number); unknown ids are ignored."""
    categories: list[CategoryScore] = []
    answered_total = 0
    for category in framework.categories:
        items = framework.items_of(category.id)
        self_answers = [
            answers[i.id]
            for i in items
            if i.kind is ItemKind.SELF and answers.get(i.id) in framework.valid_answers(i)
        ]
        knowledge = [
            answers[i.id] == i.answer
            for i in items
            if i.kind is ItemKind.KNOWLEDGE and answers.get(i.id) in framework.valid_answers(i)
        ]
        self_level = sum(self_answers) / len(self_answers) if self_answers else None
        share = sum(knowledge) / len(knowledge) if knowledge else None
        parts = [
            p
            for p in (self_level, None if share is None else knowledge_level(framework, share))
            if p is not None
        ]
        level = _one_decimal(sum(parts) / len(parts)) if parts else None
        answered = len(self_answers) + len(knowledge)
        answered_total += answered
        categories.append(
            CategoryScore(
                category.id,
                category.name,
                framework.group(category.group).name,
                level,
                role.targets[category.id],
                None if self_level is None else _one_decimal(self_level),
                share,
                answered,
                len(items),
            )
        )
    return DiagnosisScore(
        framework.name, framework.version, role.name, tuple(categories), answered_total, len(framework.items)
    )


def strongest(score: DiagnosisScore, count: int = 3) -> list[CategoryScore]:
    """The highest levels first; ties in framework order."""
    answered = [c for c in score.categories if c.level is not None]
    return sorted(answered, key=lambda c: -(c.level or 0))[:count]


def biggest_gaps(score: DiagnosisScore, count: int = 3) -> list[CategoryScore]:
    """The categories furthest below their target; those at or above it are not gaps."""
    short = [c for c in score.categories if c.gap]
    return sorted(short, key=lambda c: -(c.gap or 0))[:count]


def summary_sentences(score: DiagnosisScore) -> list[str]:
    """The result in plain words, as the result screen and sheet show it."""
    lines: list[str] = []
    if score.answered == 0:
        return ["まだ回答がありません。"]
    if not score.complete:
        lines.append(
            f"全{score.total}問のうち{score.answered}問に回答しています（未回答の設問は集計に含めていません）。"
        )
    best = strongest(score)
    if best:
        names = "、".join(f"「{c.name}」（{c.level:.1f}）" for c in best)
        lines.append(f"強みは {names} です。")
    gaps = biggest_gaps(score)
    if gaps:
        names = "、".join(f"「{c.name}」（目標{c.target}まで あと{c.gap:.1f}）" for c in gaps)
        lines.append(f"{score.role_name}の到達目標との差が大きいのは {names} です。")
    else:
        lines.append(f"回答したすべての分類で{score.role_name}の到達目標に達しています。")
    unanswered = [c.name for c in score.categories if c.level is None]
    if unanswered:
        lines.append(f"未回答の分類: {'、'.join(unanswered)}")
    return lines


@dataclass(frozen=True)
class CategoryChange:
    category_id: str
    name: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return _one_decimal(self.after - self.before)


def compare(before: DiagnosisScore, after: DiagnosisScore) -> list[CategoryChange]:
    """Before/after per category, in the later diagnosis's order (same framework code)."""
    earlier = before.by_category()
    return [
        CategoryChange(
            c.category_id,
            c.name,
            earlier[c.category_id].level if c.category_id in earlier else None,
            c.level,
        )
        for c in after.categories
    ]


def mean_levels(scores: Sequence[DiagnosisScore]) -> dict[str, float | None]:
    """Average level per category over several learners (unanswered ones left out)."""
    totals: dict[str, list[float]] = {}
    order: list[str] = []
    for score in scores:
        for c in score.categories:
            if c.category_id not in totals:
                totals[c.category_id] = []
                order.append(c.category_id)
            if c.level is not None:
                totals[c.category_id].append(c.level)
    return {key: (_one_decimal(sum(v) / len(v)) if v else None) for key in order for v in [totals[key]]}
