"""Many learners' diagnoses at once: the department heatmap and the before/after effect view.

Both read the levels kept on completed diagnoses, so a department of hundreds
is one query, not hundreds of scorings. Each learner counts once: the latest
completed diagnosis that matches the filter (for the effect view, the latest
事前 and the latest 事後 after it).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.framework import Framework
from desktop.store.database import Database
from desktop.store.diagnosis_service import LearnerRef, department_and_below, learner_refs_in, role_by_id
from desktop.store.framework_service import FrameworkService
from desktop.store.models import Diagnosis, DiagnosisStatus, Learner

Levels = dict[str, float | None]


@dataclass(frozen=True)
class ViewFilter:
    organization_id: int | None = None
    department_id: int | None = None  # this 所属 and everything under it
    fiscal_year: int | None = None
    kind: DiagnosisKind | None = None  # heatmap only; the effect view pairs 事前 with 事後


@dataclass(frozen=True)
class HeatRow:
    learner: LearnerRef
    diagnosis_id: int
    diagnosed_on: date
    kind: DiagnosisKind
    role_name: str
    levels: Levels
    targets: dict[str, int]


@dataclass(frozen=True)
class GroupMean:
    name: str
    count: int
    levels: Levels


@dataclass(frozen=True)
class Heatmap:
    framework: Framework | None
    rows: list[HeatRow]
    by_department: list[GroupMean]
    by_role: list[GroupMean]
    overall: GroupMean


@dataclass(frozen=True)
class EffectRow:
    learner: LearnerRef
    role_name: str
    before_on: date
    after_on: date
    before: Levels
    after: Levels

    def change(self, category_id: str) -> float | None:
        b, a = self.before.get(category_id), self.after.get(category_id)
        return None if a is None or b is None else round(a - b + 1e-9, 1)


@dataclass(frozen=True)
class EffectGroup:
    name: str
    count: int
    before: Levels
    after: Levels

    def change(self, category_id: str) -> float | None:
        b, a = self.before.get(category_id), self.after.get(category_id)
        return None if a is None or b is None else round(a - b + 1e-9, 1)


@dataclass(frozen=True)
class Effect:
    framework: Framework | None
    rows: list[EffectRow]
    by_department: list[EffectGroup]
    overall: EffectGroup


def mean_levels(levels: Iterable[Levels], category_ids: Iterable[str]) -> Levels:
    collected: dict[str, list[float]] = defaultdict(list)
    for entry in levels:
        for key, value in entry.items():
            if value is not None:
                collected[key].append(value)
    return {
        key: (round(sum(collected[key]) / len(collected[key]) + 1e-9, 1) if collected[key] else None)
        for key in category_ids
    }


class DiagnosisViews:
    def __init__(self, db: Database, frameworks: FrameworkService | None = None) -> None:
        self._db = db
        self._frameworks = frameworks or FrameworkService(db)

    def _completed(
        self, view: ViewFilter, kinds: Iterable[DiagnosisKind] | None
    ) -> tuple[list[Diagnosis], dict[int, Framework]]:
        with self._db.transaction() as session:
            query = (
                select(Diagnosis)
                .join(Learner, Learner.id == Diagnosis.learner_id)
                .where(Diagnosis.status == DiagnosisStatus.COMPLETED)
                .order_by(Diagnosis.diagnosed_on, Diagnosis.id)
            )
            if kinds is not None:
                query = query.where(Diagnosis.kind.in_(list(kinds)))
            if view.organization_id is not None:
                query = query.where(Learner.organization_id == view.organization_id)
            if view.department_id is not None:
                query = query.where(
                    Learner.department_id.in_(department_and_below(session, view.department_id))
                )
            if view.fiscal_year is not None:
                query = query.where(
                    Diagnosis.diagnosed_on >= date(view.fiscal_year, 4, 1),
                    Diagnosis.diagnosed_on <= date(view.fiscal_year + 1, 3, 31),
                )
            diagnoses = list(session.scalars(query))
            # Every version these diagnoses use, in one read: the loops below only look up.
            return diagnoses, self._frameworks.load_all_in(session, {d.framework_id for d in diagnoses})

    @staticmethod
    def _current_framework(diagnoses: list[Diagnosis], used: dict[int, Framework]) -> Framework | None:
        """The newest framework version among the diagnoses: its categories head the columns."""
        if not diagnoses:
            return None
        newest = max(diagnoses, key=lambda d: (used[d.framework_id].version, d.framework_id))
        return used[newest.framework_id]

    def heatmap(self, view: ViewFilter) -> Heatmap:
        diagnoses, frameworks = self._completed(view, None if view.kind is None else [view.kind])
        latest: dict[int, Diagnosis] = {}
        for diagnosis in diagnoses:  # ordered by date: the last one wins
            latest[diagnosis.learner_id] = diagnosis
        framework = self._current_framework(list(latest.values()), frameworks)
        with self._db.transaction() as session:
            refs = learner_refs_in(session, latest)
        rows: list[HeatRow] = []
        for learner_id, diagnosis in latest.items():
            used = frameworks[diagnosis.framework_id]
            if framework is not None and used.code != framework.code:
                continue
            role = role_by_id(used, diagnosis.role_id)
            rows.append(
                HeatRow(
                    refs[learner_id],
                    diagnosis.id,
                    diagnosis.diagnosed_on,
                    diagnosis.kind,
                    role.name,
                    json.loads(diagnosis.levels_json or "{}"),
                    dict(role.targets),
                )
            )
        rows.sort(key=lambda r: (r.learner.department, r.learner.number))
        category_ids = [c.id for c in framework.categories] if framework else []
        return Heatmap(
            framework,
            rows,
            _group_means(rows, lambda r: r.learner.department or "（所属なし）", category_ids),
            _group_means(rows, lambda r: r.role_name, category_ids),
            GroupMean("全体", len(rows), mean_levels((r.levels for r in rows), category_ids)),
        )

    def effect(self, view: ViewFilter) -> Effect:
        diagnoses, frameworks = self._completed(view, [DiagnosisKind.PRE, DiagnosisKind.POST])
        before: dict[int, Diagnosis] = {}
        after: dict[int, Diagnosis] = {}
        for diagnosis in diagnoses:
            if diagnosis.kind is DiagnosisKind.PRE:
                before[diagnosis.learner_id] = diagnosis
                after.pop(diagnosis.learner_id, None)  # a 事後 counts only after the latest 事前
            else:
                if diagnosis.learner_id in before:
                    after[diagnosis.learner_id] = diagnosis
        pairs = [(before[i], after[i]) for i in after]
        framework = self._current_framework([d for pair in pairs for d in pair], frameworks)
        with self._db.transaction() as session:
            refs = learner_refs_in(session, after)
        rows = []
        for pre, post in pairs:
            used = frameworks[post.framework_id]
            if framework is not None and (
                used.code != framework.code or frameworks[pre.framework_id].code != framework.code
            ):
                continue
            rows.append(
                EffectRow(
                    refs[post.learner_id],
                    role_by_id(used, post.role_id).name,
                    pre.diagnosed_on,
                    post.diagnosed_on,
                    json.loads(pre.levels_json or "{}"),
                    json.loads(post.levels_json or "{}"),
                )
            )
        rows.sort(key=lambda r: (r.learner.department, r.learner.number))
        category_ids = [c.id for c in framework.categories] if framework else []
        groups: dict[str, list[EffectRow]] = defaultdict(list)
        for row in rows:
            groups[row.learner.department or "（所属なし）"].append(row)
        return Effect(
            framework,
            rows,
            [
                EffectGroup(
                    name,
                    len(members),
                    mean_levels((m.before for m in members), category_ids),
                    mean_levels((m.after for m in members), category_ids),
                )
                for name, members in sorted(groups.items())
            ],
            EffectGroup(
                "全体",
                len(rows),
                mean_levels((r.before for r in rows), category_ids),
                mean_levels((r.after for r in rows), category_ids),
            ),
        )


def _group_means(
    rows: list[HeatRow], key: Callable[[HeatRow], str], category_ids: list[str]
) -> list[GroupMean]:
    groups: dict[str, list[HeatRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [
        GroupMean(name, len(members), mean_levels((m.levels for m in members), category_ids))
        for name, members in sorted(groups.items())
    ]
