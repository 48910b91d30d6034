"""Proposing a learning plan (学習計画の提案) from a diagnosis, a role's path and an hours budget.

The rules, in order:
1. the role's required courses (必修), in the path's order;
2. courses that close the biggest gaps: categories furthest below their target
   first, taking turns so that several gaps get a course before any gets a
   second one; for each gap, the course whose level suits the learner best
   (one step above where they stand), the role's recommended ones before others,
   then the shorter, then by code;
3. the role's remaining recommended courses (推奨), while hours remain.
Every line fits the hours budget: a course that does not fit is left out and
said so. Courses already completed are skipped. Nothing is random and nothing
depends on dict order, so the same inputs always give the same plan.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from desktop.domain.catalog import Catalog, CatalogCourse, Requirement
from desktop.domain.diagnosis import CategoryScore


class Reason(StrEnum):
    REQUIRED = "required"
    GAP = "gap"
    RECOMMENDED = "recommended"
    MANUAL = "manual"  # added by a person in the editor

    @property
    def label(self) -> str:
        return {"required": "必修", "gap": "不足の補強", "recommended": "推奨", "manual": "追加"}[self.value]


@dataclass(frozen=True)
class ProposedLine:
    course: CatalogCourse
    month: date  # the first day of the month it is planned for
    reason: Reason
    why: str  # in plain words, for the plan table and the PDF


@dataclass(frozen=True)
class LeftOut:
    course: CatalogCourse
    why: str


@dataclass(frozen=True)
class Proposal:
    lines: tuple[ProposedLine, ...]
    left_out: tuple[LeftOut, ...]  # required courses that did not fit, say
    hours_budget: Decimal

    @property
    def hours(self) -> Decimal:
        return sum((line.course.hours for line in self.lines), Decimal(0))


def hours_text(hours: Decimal) -> str:
    """12.50 → 12.5, 40.00 → 40: as a clerk writes hours."""
    text = f"{hours.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    total = day.year * 12 + (day.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def _level_distance(course: CatalogCourse, score: CategoryScore) -> int:
    standing = math.floor(score.level) if score.level is not None else 1
    wanted = min(max(standing + 1, 1), 4)
    return abs(course.level.rank - wanted)


def propose(
    catalog: Catalog,
    role_id: str,
    role_name: str,
    categories: Sequence[CategoryScore],
    completed: Collection[str],
    hours_budget: Decimal,
    months: int,
    start: date,
) -> Proposal:
    """A plan for one learner; `categories` is the learner's latest diagnosis, `completed` course codes done."""
    if hours_budget <= 0 or months < 1:
        raise ValueError("hours_budget and months must be positive")
    path = catalog.path(role_id)
    chosen: list[tuple[CatalogCourse, Reason, str]] = []
    left_out: list[LeftOut] = []
    taken: set[str] = set(completed)
    remaining = hours_budget

    def take(course: CatalogCourse, reason: Reason, why: str) -> bool:
        nonlocal remaining
        if course.hours > remaining:
            return False
        chosen.append((course, reason, why))
        taken.add(course.code)
        remaining -= course.hours
        return True

    for code in path.required:
        course = catalog.course(code)
        if code in taken:
            continue
        if not take(course, Reason.REQUIRED, f"{role_name}の必修講座"):
            left_out.append(
                LeftOut(course, f"必修ですが{hours_text(course.hours)}時間あり、時間の上限に収まりません")
            )

    gaps = sorted(
        (c for c in categories if c.gap),
        key=lambda c: (-(c.gap or 0.0), [s.category_id for s in categories].index(c.category_id)),
    )
    # Each gap may get up to as many courses as whole levels it lacks, one per round.
    allowance = {c.category_id: max(1, math.ceil(c.gap or 0)) for c in gaps}
    progress = True
    while progress:
        progress = False
        for gap in gaps:
            if allowance[gap.category_id] <= 0:
                continue
            candidates = [
                course
                for course in catalog.courses
                if gap.category_id in course.categories
                and course.code not in taken
                and course.hours <= remaining
            ]
            if not candidates:
                allowance[gap.category_id] = 0
                continue
            best = min(
                candidates,
                key=lambda course: (
                    _level_distance(course, gap),
                    path.requirement(course.code) is not Requirement.RECOMMENDED,
                    course.categories.index(gap.category_id),  # a course whose main subject it is
                    course.hours,
                    course.code,
                ),
            )
            level = "未回答" if gap.level is None else f"{gap.level:.1f}"
            take(best, Reason.GAP, f"{gap.name}の不足を補う（現在{level}・目標{gap.target}）")
            allowance[gap.category_id] -= 1
            progress = True

    for code in path.recommended:
        if code not in taken:
            take(catalog.course(code), Reason.RECOMMENDED, f"{role_name}の推奨講座")

    return Proposal(_schedule(chosen, hours_budget, months, start), tuple(left_out), hours_budget)


def _schedule(
    chosen: Sequence[tuple[CatalogCourse, Reason, str]], budget: Decimal, months: int, start: date
) -> tuple[ProposedLine, ...]:
    """Months follow the hours: each month takes an equal share of the budget, in plan order."""
    per_month = budget / months
    lines: list[ProposedLine] = []
    before = Decimal(0)
    first = first_of_month(start)
    for course, reason, why in chosen:
        offset = min(int(before / per_month), months - 1)
        lines.append(ProposedLine(course, add_months(first, offset), reason, why))
        before += course.hours
    return tuple(lines)
