"""Believable diagnosis answers for the demo database: abilities that differ by role and person.

Each demo learner has an ability per category (their role's target, moved by
a personal offset); self-assessments scatter around it and knowledge answers
are right more often the higher it is. After learning, abilities rise most
where the gap to the target was largest, as a programme that works would show.
"""

from __future__ import annotations

import random

from desktop.domain.framework import Framework, ItemKind, Role


def abilities(framework: Framework, role: Role, rng: random.Random) -> dict[str, float]:
    person = rng.gauss(-0.6, 0.5)  # most start below their target: that is why they learn
    return {
        c.id: min(
            framework.top_level, max(framework.bottom_level, role.targets[c.id] + person + rng.gauss(0, 0.5))
        )
        for c in framework.categories
    }


def after_learning(
    framework: Framework, role: Role, before: dict[str, float], rng: random.Random
) -> dict[str, float]:
    return {
        key: min(
            framework.top_level,
            value + max(0.0, role.targets[key] - value) * rng.uniform(0.3, 0.9) + rng.gauss(0.1, 0.15),
        )
        for key, value in before.items()
    }


def answers_for(framework: Framework, ability: dict[str, float], rng: random.Random) -> dict[str, int]:
    answers: dict[str, int] = {}
    for item in framework.items:
        level = ability[item.category]
        if item.kind is ItemKind.SELF:
            value = round(level + rng.gauss(0, 0.6))
            answers[item.id] = min(framework.top_level, max(framework.bottom_level, value))
        else:
            span = framework.top_level - framework.bottom_level
            chance = 0.25 + 0.7 * (level - framework.bottom_level) / span
            if rng.random() < chance:
                answers[item.id] = item.answer or 1
            else:
                wrong = [n for n in range(1, len(item.choices) + 1) if n != item.answer]
                answers[item.id] = rng.choice(wrong)
    return answers
