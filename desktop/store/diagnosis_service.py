"""Diagnoses: starting them, saving each answer as it is given, completing, and reading results.

Every answer is its own short transaction, so closing the window (or a power
cut) loses at most the answer being clicked; the wizard resumes on the page
it stopped at. A completed diagnosis is read-only here; its levels are kept
for the department and effect views, which read many learners at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desktop.domain.diagnosis import DiagnosisKind, DiagnosisScore, score_answers
from desktop.domain.framework import Framework, Role
from desktop.domain.roster import LearnerStatus
from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.framework_service import FrameworkService
from desktop.store.models import (
    Department,
    Diagnosis,
    DiagnosisAnswer,
    DiagnosisStatus,
    Learner,
    Organization,
    utcnow,
)
from desktop.store.roster_service import department_paths

METHOD_SCREEN = "screen"
METHOD_PAPER = "paper"
METHOD_IMPORT = "import"


class DiagnosisError(UserFacingError):
    pass


@dataclass(frozen=True)
class LearnerRef:
    id: int
    number: str
    name: str
    organization: str
    department: str
    role_text: str  # the roster's 育成区分, as typed
    reading: str = ""  # フリガナ, for sorting by name


@dataclass(frozen=True)
class DiagnosisState:
    """What the wizard and the paper grid need to show and resume a diagnosis."""

    id: int
    learner: LearnerRef
    framework_id: int
    framework: Framework
    role: Role
    kind: DiagnosisKind
    status: DiagnosisStatus
    method: str
    diagnosed_on: date
    current_page: int
    answers: dict[str, int]
    version: int

    def score(self) -> DiagnosisScore:
        return score_answers(self.framework, self.role, self.answers)


@dataclass(frozen=True)
class DiagnosisRow:
    id: int
    learner: LearnerRef
    framework_id: int
    framework_label: str
    role_name: str
    kind: DiagnosisKind
    status: DiagnosisStatus
    diagnosed_on: date
    answered: int
    total: int
    levels: dict[str, float | None] | None  # completed ones only


def role_for(framework: Framework, role_text: str | None) -> Role:
    """The framework role a roster's 育成区分 names; 一般職員 (the first role) otherwise."""
    found = framework.find_role(role_text or "")
    return found or framework.default_role()


class DiagnosisService:
    def __init__(self, db: Database, frameworks: FrameworkService | None = None) -> None:
        self._db = db
        self.frameworks = frameworks or FrameworkService(db)

    # -- starting ------------------------------------------------------------

    def start(
        self,
        learner_ids: Sequence[int],
        kind: DiagnosisKind,
        *,
        on: date | None = None,
        method: str = METHOD_SCREEN,
        framework_id: int | None = None,
    ) -> list[int]:
        """One diagnosis per learner; a learner's unfinished one of the same kind is reused, not doubled."""
        if not learner_ids:
            raise DiagnosisError("診断する受講者を選んでください。")
        if framework_id is None:
            framework_id, framework = self.frameworks.current()
        else:
            framework = self.frameworks.load(framework_id)
        ids: list[int] = []
        with self._db.transaction() as session:
            open_ones = {
                d.learner_id: d.id
                for d in session.scalars(
                    select(Diagnosis).where(
                        Diagnosis.learner_id.in_(learner_ids),
                        Diagnosis.kind == kind,
                        Diagnosis.status == DiagnosisStatus.IN_PROGRESS,
                        Diagnosis.framework_id == framework_id,
                    )
                )
            }
            learners = {
                row.id: row for row in session.scalars(select(Learner).where(Learner.id.in_(learner_ids)))
            }
            for learner_id in learner_ids:
                if learner_id in open_ones:
                    ids.append(open_ones[learner_id])
                    continue
                learner = learners.get(learner_id)
                if learner is None:
                    raise DiagnosisError("受講者が見つかりません。名簿から削除された可能性があります。")
                diagnosis = Diagnosis(
                    learner_id=learner_id,
                    framework_id=framework_id,
                    kind=kind,
                    role_id=role_for(framework, learner.role).id,
                    status=DiagnosisStatus.IN_PROGRESS,
                    method=method,
                    diagnosed_on=on or date.today(),
                    current_page=0,
                )
                session.add(diagnosis)
                session.flush()
                ids.append(diagnosis.id)
        return ids

    def learners_in(self, department_id: int | None, organization_id: int | None = None) -> list[int]:
        """Active learners of a 所属 and everything under it (or of a whole 団体)."""
        with self._db.transaction() as session:
            query = select(Learner.id).where(Learner.status != LearnerStatus.RETIRED)
            if department_id is not None:
                query = query.where(Learner.department_id.in_(department_and_below(session, department_id)))
            if organization_id is not None:
                query = query.where(Learner.organization_id == organization_id)
            return list(session.scalars(query.order_by(Learner.number)))

    # -- answering -----------------------------------------------------------

    def state(self, diagnosis_id: int) -> DiagnosisState:
        with self._db.transaction() as session:
            diagnosis = self._get(session, diagnosis_id)
            framework = self.frameworks.load_in(session, diagnosis.framework_id)
            answers = dict(
                session.execute(
                    select(DiagnosisAnswer.item_id, DiagnosisAnswer.value).where(
                        DiagnosisAnswer.diagnosis_id == diagnosis_id
                    )
                ).all()
            )
            return DiagnosisState(
                diagnosis.id,
                learner_refs_in(session, [diagnosis.learner_id])[diagnosis.learner_id],
                diagnosis.framework_id,
                framework,
                role_by_id(framework, diagnosis.role_id),
                diagnosis.kind,
                diagnosis.status,
                diagnosis.method,
                diagnosis.diagnosed_on,
                diagnosis.current_page,
                answers,
                diagnosis.version,
            )

    def answer(self, diagnosis_id: int, item_id: str, value: int | None, page: int | None = None) -> None:
        """Save (or with None, clear) one answer at once; page is where the wizard resumes."""
        self.answer_many(diagnosis_id, {item_id: value}, page=page)

    def answer_many(
        self, diagnosis_id: int, answers: Mapping[str, int | None], *, page: int | None = None
    ) -> None:
        with self._db.transaction() as session:
            diagnosis = self._get(session, diagnosis_id)
            if diagnosis.status is DiagnosisStatus.COMPLETED:
                raise DiagnosisError("この診断は完了しているため、回答を変更できません。")
            framework = self.frameworks.load_in(session, diagnosis.framework_id)
            _check_answers(framework, answers)
            _store_answers(session, diagnosis_id, answers)
            if page is not None:
                diagnosis.current_page = page
            diagnosis.updated_at = utcnow()

    def complete(self, diagnosis_id: int, *, allow_unanswered: bool = False) -> DiagnosisScore:
        with self._db.transaction() as session:
            diagnosis = self._get(session, diagnosis_id)
            if diagnosis.status is DiagnosisStatus.COMPLETED:
                raise DiagnosisError("この診断はすでに完了しています。")
            framework = self.frameworks.load_in(session, diagnosis.framework_id)
            score = _complete(session, diagnosis, framework)
            if not score.complete and not allow_unanswered:
                raise DiagnosisError(
                    f"未回答の設問が {score.total - score.answered} 問あります。すべて回答してから完了してください。"
                )
            return score

    def discard(self, diagnosis_id: int) -> None:
        """Throw away an unfinished diagnosis (started by mistake)."""
        with self._db.transaction() as session:
            diagnosis = self._get(session, diagnosis_id)
            if diagnosis.status is DiagnosisStatus.COMPLETED:
                raise DiagnosisError("完了した診断は取り消せません。")
            session.execute(delete(DiagnosisAnswer).where(DiagnosisAnswer.diagnosis_id == diagnosis_id))
            session.delete(diagnosis)

    # -- reading -------------------------------------------------------------

    def rows(
        self,
        *,
        learner_ids: Iterable[int] | None = None,
        kind: DiagnosisKind | None = None,
        status: DiagnosisStatus | None = None,
    ) -> list[DiagnosisRow]:
        with self._db.transaction() as session:
            query = select(Diagnosis).order_by(Diagnosis.diagnosed_on, Diagnosis.id)
            if learner_ids is not None:
                query = query.where(Diagnosis.learner_id.in_(list(learner_ids)))
            if kind is not None:
                query = query.where(Diagnosis.kind == kind)
            if status is not None:
                query = query.where(Diagnosis.status == status)
            diagnoses = list(session.scalars(query))
            refs = learner_refs_in(session, {d.learner_id for d in diagnoses})
            counts = _answer_counts(
                session, [d.id for d in diagnoses if d.status is DiagnosisStatus.IN_PROGRESS]
            )
            frameworks = self.frameworks.load_all_in(session, {d.framework_id for d in diagnoses})
            rows = []
            for d in diagnoses:
                framework = frameworks[d.framework_id]
                levels = json.loads(d.levels_json) if d.levels_json else None
                answered = (
                    len(framework.items) if d.status is DiagnosisStatus.COMPLETED else counts.get(d.id, 0)
                )
                rows.append(
                    DiagnosisRow(
                        d.id,
                        refs[d.learner_id],
                        d.framework_id,
                        f"{framework.name} 第{framework.version}版",
                        role_by_id(framework, d.role_id).name,
                        d.kind,
                        d.status,
                        d.diagnosed_on,
                        answered,
                        len(framework.items),
                        levels,
                    )
                )
            return rows

    def score(self, diagnosis_id: int) -> DiagnosisScore:
        return self.state(diagnosis_id).score()

    def earlier_completed(self, diagnosis_id: int) -> int | None:
        """The same learner's latest completed diagnosis before this one, on the same framework code."""
        with self._db.transaction() as session:
            diagnosis = self._get(session, diagnosis_id)
            framework = self.frameworks.load_in(session, diagnosis.framework_id)
            candidates = session.scalars(
                select(Diagnosis)
                .where(
                    Diagnosis.learner_id == diagnosis.learner_id,
                    Diagnosis.status == DiagnosisStatus.COMPLETED,
                    Diagnosis.id != diagnosis.id,
                    Diagnosis.diagnosed_on <= diagnosis.diagnosed_on,
                )
                .order_by(Diagnosis.diagnosed_on.desc(), Diagnosis.id.desc())
            )
            for candidate in candidates:
                if candidate.diagnosed_on == diagnosis.diagnosed_on and candidate.id > diagnosis.id:
                    continue
                if self.frameworks.load_in(session, candidate.framework_id).code == framework.code:
                    return candidate.id
            return None

    @staticmethod
    def _get(session: Session, diagnosis_id: int) -> Diagnosis:
        diagnosis = session.get(Diagnosis, diagnosis_id)
        if diagnosis is None:
            raise DiagnosisError("この診断は見つかりません。他の画面で取り消された可能性があります。")
        return diagnosis


def role_by_id(framework: Framework, role_id: str) -> Role:
    return next((r for r in framework.roles if r.id == role_id), framework.default_role())


def _check_answers(framework: Framework, answers: Mapping[str, int | None]) -> None:
    for item_id, value in answers.items():
        if not framework.has_item(item_id):
            raise DiagnosisError(f"設問「{item_id}」はこの診断フレームワークにありません。")
        allowed = framework.valid_answers(framework.item(item_id))
        if value is not None and value not in allowed:
            raise DiagnosisError(
                f"設問「{item_id}」の回答は {allowed.start}〜{allowed.stop - 1} で入力してください。"
            )


def _store_answers(session: Session, diagnosis_id: int, answers: Mapping[str, int | None]) -> None:
    existing = {
        a.item_id: a
        for a in session.scalars(
            select(DiagnosisAnswer).where(
                DiagnosisAnswer.diagnosis_id == diagnosis_id, DiagnosisAnswer.item_id.in_(list(answers))
            )
        )
    }
    now = utcnow()
    for item_id, value in answers.items():
        row = existing.get(item_id)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(
                DiagnosisAnswer(diagnosis_id=diagnosis_id, item_id=item_id, value=value, answered_at=now)
            )
        elif row.value != value:
            row.value = value
            row.answered_at = now
    session.flush()


def _complete(session: Session, diagnosis: Diagnosis, framework: Framework) -> DiagnosisScore:
    answers = dict(
        session.execute(
            select(DiagnosisAnswer.item_id, DiagnosisAnswer.value).where(
                DiagnosisAnswer.diagnosis_id == diagnosis.id
            )
        ).all()
    )
    score = score_answers(framework, role_by_id(framework, diagnosis.role_id), answers)
    diagnosis.status = DiagnosisStatus.COMPLETED
    diagnosis.completed_at = utcnow()
    diagnosis.levels_json = json.dumps({c.category_id: c.level for c in score.categories})
    session.flush()
    return score


def _answer_counts(session: Session, diagnosis_ids: list[int]) -> dict[int, int]:
    if not diagnosis_ids:
        return {}
    counts: dict[int, int] = {}
    for start in range(0, len(diagnosis_ids), 500):
        chunk = diagnosis_ids[start : start + 500]
        for diagnosis_id, count in session.execute(
            select(DiagnosisAnswer.diagnosis_id, func.count())
            .where(DiagnosisAnswer.diagnosis_id.in_(chunk))
            .group_by(DiagnosisAnswer.diagnosis_id)
        ):
            counts[diagnosis_id] = count
    return counts


def department_and_below(session: Session, department_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for dept_id, parent_id in session.execute(select(Department.id, Department.parent_id)):
        children.setdefault(parent_id, []).append(dept_id)
    found, stack = [], [department_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def learner_refs_in(session: Session, learner_ids: Iterable[int]) -> dict[int, LearnerRef]:
    ids = list(learner_ids)
    if not ids:
        return {}
    paths = department_paths(session.scalars(select(Department)))
    organizations = dict(session.execute(select(Organization.id, Organization.name)).all())
    refs: dict[int, LearnerRef] = {}
    for start in range(0, len(ids), 500):
        for row in session.execute(
            select(
                Learner.id,
                Learner.number,
                Learner.name,
                Learner.organization_id,
                Learner.department_id,
                Learner.role,
                Learner.furigana,
            ).where(Learner.id.in_(ids[start : start + 500]))
        ):
            refs[row.id] = LearnerRef(
                row.id,
                row.number,
                row.name,
                organizations.get(row.organization_id, ""),
                paths.get(row.department_id, "") if row.department_id else "",
                row.role or "",
                row.furigana or "",
            )
    return refs


def complete_with_answers(
    session: Session, diagnosis: Diagnosis, framework: Framework, answers: Mapping[str, int]
) -> DiagnosisScore:
    """For the bulk import: store a learner's answers and complete the diagnosis in the caller's transaction."""
    _store_answers(session, diagnosis.id, answers)
    return _complete(session, diagnosis, framework)


def learner_refs(db: Database, learner_ids: Iterable[int]) -> dict[int, LearnerRef]:
    """Learners as the diagnosis screens and files name them, in the order given."""
    ids = list(learner_ids)
    with db.transaction() as session:
        refs = learner_refs_in(session, ids)
    return {i: refs[i] for i in ids if i in refs}


@dataclass(frozen=True)
class DiagnosisMark:
    id: int
    status: DiagnosisStatus
    diagnosed_on: date
    mean_level: float | None  # completed only

    @property
    def text(self) -> str:
        shown = f"{self.diagnosed_on:%Y/%m/%d}"
        if self.status is DiagnosisStatus.IN_PROGRESS:
            return f"回答中（{shown}〜）"
        return f"{shown}（平均 {self.mean_level:.1f}）" if self.mean_level is not None else shown


@dataclass(frozen=True)
class LearnerOverview:
    learner: LearnerRef
    latest: dict[DiagnosisKind, DiagnosisMark]  # each kind's newest diagnosis


def overview(db: Database, department_id: int | None = None) -> list[LearnerOverview]:
    """Every active learner (of a 所属 and below) with the newest diagnosis of each kind: two queries."""
    with db.transaction() as session:
        query = select(Learner.id).where(Learner.status != LearnerStatus.RETIRED)
        if department_id is not None:
            query = query.where(Learner.department_id.in_(department_and_below(session, department_id)))
        ids = list(session.scalars(query.order_by(Learner.organization_id, Learner.number)))
        refs = learner_refs_in(session, ids)
        latest: dict[int, dict[DiagnosisKind, DiagnosisMark]] = {}
        for row in session.execute(
            select(
                Diagnosis.id,
                Diagnosis.learner_id,
                Diagnosis.kind,
                Diagnosis.status,
                Diagnosis.diagnosed_on,
                Diagnosis.levels_json,
            ).order_by(Diagnosis.diagnosed_on, Diagnosis.id)
        ):
            if row.learner_id not in refs:
                continue
            levels = (
                [v for v in json.loads(row.levels_json).values() if v is not None] if row.levels_json else []
            )
            mean = round(sum(levels) / len(levels) + 1e-9, 1) if levels else None
            latest.setdefault(row.learner_id, {})[row.kind] = DiagnosisMark(
                row.id, row.status, row.diagnosed_on, mean
            )
    return [LearnerOverview(refs[i], latest.get(i, {})) for i in ids if i in refs]
