"""Learning plans in the database: proposals from the latest diagnosis, drafts, status, revisions, progress.

A plan is a draft until approved; from then on it is frozen, and an edit makes
a new revision (the approved one is kept, no longer current). Progress comes
from training records of the same learner and course.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.audit import AuditAction, field_label
from desktop.domain.catalog import CatalogCourse
from desktop.domain.diagnosis import CategoryScore
from desktop.domain.framework import Framework
from desktop.domain.plan import PlanStatus, can_move, fiscal_year_bounds
from desktop.domain.plan_proposal import Proposal, Reason, add_months, first_of_month, hours_text, propose
from desktop.store.audit_log import Fact, last_save, local_time, write_facts
from desktop.store.catalog_service import CatalogService
from desktop.store.database import Database
from desktop.store.diagnosis_service import LearnerRef, learner_refs_in, role_by_id
from desktop.store.errors import FieldChange, NotFoundError, StaleEditError, UserFacingError
from desktop.store.framework_service import FrameworkService
from desktop.store.import_common import current_user
from desktop.store.models import (
    Course,
    Diagnosis,
    DiagnosisStatus,
    LearningPlan,
    PlanLine,
    PlanStatusChange,
    TrainingRecord,
    TrainingStatus,
    utcnow,
)
from desktop.store.stale import shown, stale_error


class PlanError(UserFacingError):
    pass


@dataclass(frozen=True)
class PlanSettings:
    fiscal_year: int
    hours: Decimal = Decimal(40)
    months: int = 3
    start: date | None = None  # the first month; the start of the 年度 when not given

    def first_month(self) -> date:
        begin, end = fiscal_year_bounds(self.fiscal_year)
        start = first_of_month(self.start) if self.start else begin
        if not begin <= start <= end:
            raise PlanError(
                f"開始月は{self.fiscal_year}年度（{begin:%Y/%m}〜{end:%Y/%m}）の中にしてください。"
            )
        return start

    def period(self) -> tuple[date, date]:
        """The plan's period, kept inside one 年度."""
        start = self.first_month()
        _begin, fiscal_end = fiscal_year_bounds(self.fiscal_year)
        last = add_months(start, self.months)  # the month after the last
        end = min(date.fromordinal(last.toordinal() - 1), fiscal_end)
        return start, end

    def months_inside(self) -> int:
        start, end = self.period()
        return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class LearnerProposal:
    learner: LearnerRef
    proposal: Proposal | None
    problem: str | None  # why no plan could be made
    diagnosis_id: int | None = None
    role_id: str = ""
    role_name: str = ""

    def summary(self) -> str:
        head = f"{self.learner.number} {self.learner.name}"
        if self.proposal is None:
            return f"{head}: 計画を作れません（{self.problem}）"
        proposal = self.proposal
        text = (
            f"{head}: {len(proposal.lines)}講座 {hours_text(proposal.hours)}時間"
            f"（上限{hours_text(proposal.hours_budget)}時間）"
        )
        if self.problem:
            text += f"（{self.problem}）"
        return text


class PlanService:
    def __init__(self, db: Database, frameworks: FrameworkService | None = None) -> None:
        self._db = db
        self.frameworks = frameworks or FrameworkService(db)
        self.catalogs = CatalogService(db)

    def catalog_courses(self) -> list[CatalogCourse]:
        """The courses of the framework in use's catalogue, for adding to a plan by hand."""
        _id, framework = self.frameworks.current()
        with self._db.transaction() as session:
            catalog = self.catalogs.current_in(session, framework)
        return list(catalog.courses) if catalog is not None else []

    # -- proposing -----------------------------------------------------------

    def propose(self, learner_ids: Sequence[int], settings: PlanSettings) -> list[LearnerProposal]:
        """A proposal per learner from their latest completed diagnosis; no plan is written.

        (A fresh database stores the bundled catalogue here, on first use.)
        """
        start, _end = settings.period()
        months = settings.months_inside()
        with self._db.transaction() as session:
            refs = learner_refs_in(session, learner_ids)
            latest = _latest_completed(session, learner_ids)
            frameworks = self.frameworks.load_all_in(session, {d.framework_id for d in latest.values()})
            completed = _completed_codes(session, learner_ids)
            results = []
            for learner_id in learner_ids:
                if learner_id not in refs:
                    continue
                diagnosis = latest.get(learner_id)
                if diagnosis is None:
                    results.append(LearnerProposal(refs[learner_id], None, "完了したスキル診断がありません"))
                    continue
                framework = frameworks[diagnosis.framework_id]
                catalog = self.catalogs.current_in(session, framework)
                role = role_by_id(framework, diagnosis.role_id)
                if catalog is None:
                    results.append(
                        LearnerProposal(
                            refs[learner_id], None, f"「{framework.name}」の研修カタログがありません"
                        )
                    )
                    continue
                proposal = propose(
                    catalog,
                    role.id,
                    role.name,
                    _scores(framework, role.id, json.loads(diagnosis.levels_json or "{}")),
                    completed.get(learner_id, set()),
                    settings.hours,
                    months,
                    start,
                )
                problem = "／".join(f"{x.course.title}は{x.why}" for x in proposal.left_out) or None
                if not proposal.lines:
                    results.append(
                        LearnerProposal(refs[learner_id], None, problem or "提案できる講座がありません")
                    )
                    continue
                results.append(
                    LearnerProposal(refs[learner_id], proposal, problem, diagnosis.id, role.id, role.name)
                )
        return results

    def save_drafts(
        self, proposals: Sequence[LearnerProposal], settings: PlanSettings
    ) -> list[tuple[LearnerProposal, int | None, str]]:
        """Each proposal as the learner's draft for the 年度 (replacing an earlier draft), in one transaction.

        A learner whose plan for the 年度 is already approved keeps it; the result says so.
        """
        start, end = settings.period()
        user = current_user()
        outcomes: list[tuple[LearnerProposal, int | None, str]] = []
        with self._db.transaction() as session:
            for entry in proposals:
                if entry.proposal is None:
                    outcomes.append((entry, None, entry.problem or ""))
                    continue
                existing = _current_plan(session, entry.learner.id, settings.fiscal_year)
                if existing is not None and existing.status.frozen:
                    outcomes.append(
                        (
                            entry,
                            None,
                            f"{settings.fiscal_year}年度の計画は{existing.status.label}のため、そのままにしました",
                        )
                    )
                    continue
                if existing is None:
                    plan = LearningPlan(
                        learner_id=entry.learner.id,
                        fiscal_year=settings.fiscal_year,
                        revision=1,
                        current=True,
                        status=PlanStatus.DRAFT,
                        created_by=user,
                        status_by=user,
                        status_at=utcnow(),
                        goal="",
                        mentor="",
                    )
                    session.add(plan)
                    outcome = "下書きを作成しました"
                else:
                    plan = existing
                    for old_line in session.scalars(select(PlanLine).where(PlanLine.plan_id == plan.id)):
                        session.delete(old_line)
                    outcome = "下書きを作り直しました"
                plan.period_start, plan.period_end = start, end
                plan.hours_budget = entry.proposal.hours_budget
                plan.role_id, plan.role_name = entry.role_id, entry.role_name
                plan.diagnosis_id = entry.diagnosis_id
                session.flush()
                course_ids = _course_ids(session, [line.course.code for line in entry.proposal.lines])
                for position, proposed in enumerate(entry.proposal.lines):
                    session.add(
                        PlanLine(
                            plan_id=plan.id,
                            position=position,
                            course_id=course_ids[proposed.course.code],
                            month=proposed.month,
                            hours=proposed.course.hours,
                            reason=proposed.reason.value,
                            why=proposed.why,
                        )
                    )
                if existing is None:
                    session.add(
                        PlanStatusChange(
                            plan_id=plan.id, status=PlanStatus.DRAFT, changed_by=user, note="提案から作成"
                        )
                    )
                session.flush()
                outcomes.append((entry, plan.id, outcome))
        return outcomes

    # -- status and revisions ----------------------------------------------------

    def set_status(self, plan_id: int, wanted: PlanStatus, expected_version: int, note: str = "") -> int:
        """Move a plan on (承認, 開始, 完了, 中止); returns its new version. Refuses a stale screen."""
        user = current_user()
        with self._db.transaction() as session:
            plan = _plan(session, plan_id, expected_version)
            if not plan.current:
                raise PlanError("この計画は新しい版に置き換えられています。最新の版を開いてください。")
            if not can_move(plan.status, wanted):
                raise PlanError(f"{plan.status.label}の計画を{wanted.label}にすることはできません。")
            if wanted is PlanStatus.APPROVED and not session.scalar(
                select(func.count()).select_from(PlanLine).where(PlanLine.plan_id == plan_id)
            ):
                raise PlanError("講座が1つもない計画は承認できません。")
            plan.status, plan.status_by, plan.status_at = wanted, user, utcnow()
            session.add(PlanStatusChange(plan_id=plan_id, status=wanted, changed_by=user, note=note))
            session.flush()
            return plan.version

    def revise(self, plan_id: int, expected_version: int) -> int:
        """A new draft revision of a frozen plan, with the same lines; the old one stays as it was."""
        user = current_user()
        with self._db.transaction() as session:
            old = _plan(session, plan_id, expected_version)
            if not old.status.frozen:
                raise PlanError("下書きはそのまま編集できます。")
            if not old.current:
                raise PlanError("この計画にはすでに新しい版があります。")
            old.current = False
            new = LearningPlan(
                learner_id=old.learner_id,
                fiscal_year=old.fiscal_year,
                revision=old.revision + 1,
                current=True,
                status=PlanStatus.DRAFT,
                period_start=old.period_start,
                period_end=old.period_end,
                hours_budget=old.hours_budget,
                goal=old.goal,
                mentor=old.mentor,
                role_id=old.role_id,
                role_name=old.role_name,
                diagnosis_id=old.diagnosis_id,
                created_by=user,
                status_by=user,
                status_at=utcnow(),
            )
            session.add(new)
            session.flush()
            for line in session.scalars(
                select(PlanLine).where(PlanLine.plan_id == plan_id).order_by(PlanLine.position)
            ):
                session.add(
                    PlanLine(
                        plan_id=new.id,
                        position=line.position,
                        course_id=line.course_id,
                        month=line.month,
                        hours=line.hours,
                        reason=line.reason,
                        why=line.why,
                    )
                )
            session.add(
                PlanStatusChange(
                    plan_id=new.id,
                    status=PlanStatus.DRAFT,
                    changed_by=user,
                    note=f"第{old.revision}版から改訂",
                )
            )
            session.flush()
            return new.id

    def update_draft(
        self,
        plan_id: int,
        expected_version: int,
        *,
        goal: str,
        mentor: str,
        lines: Sequence[tuple[str, date, Reason, str]],
    ) -> int:
        """Replace a draft's goal, mentor and lines (course code, month, reason, why) in one go."""
        with self._db.transaction() as session:
            plan = _plan(session, plan_id, expected_version)
            if plan.status.frozen:
                raise PlanError(
                    f"{plan.status.label}の計画は変更できません。改訂すると新しい版で編集できます。"
                )
            for month in (line[1] for line in lines):
                if not plan.period_start <= month <= plan.period_end:
                    raise PlanError(
                        f"{month:%Y年%m月}は計画期間（{plan.period_start:%Y/%m}〜{plan.period_end:%Y/%m}）の外です。"
                    )
            codes = [line[0] for line in lines]
            if len(set(codes)) != len(codes):
                raise PlanError("同じ講座が2回入っています。")
            courses = {c.code: c for c in session.scalars(select(Course).where(Course.code.in_(codes)))}
            missing = [c for c in codes if c not in courses]
            if missing:
                raise PlanError(f"講座「{missing[0]}」が見つかりません。")
            old_lines = list(
                session.scalars(
                    select(PlanLine).where(PlanLine.plan_id == plan_id).order_by(PlanLine.position)
                )
            )
            titles = {c.id: c.title for c in courses.values()}
            for course_id, title in session.execute(
                select(Course.id, Course.title).where(Course.id.in_([x.course_id for x in old_lines]))
            ):
                titles[course_id] = title
            before = _lines_text([(titles[x.course_id], x.month) for x in old_lines])
            for line in old_lines:
                session.delete(line)
            for position, (code, month, reason, why) in enumerate(lines):
                course = courses[code]
                session.add(
                    PlanLine(
                        plan_id=plan_id,
                        position=position,
                        course_id=course.id,
                        month=first_of_month(month),
                        hours=course.standard_hours or Decimal(0),
                        reason=reason.value,
                        why=why,
                    )
                )
            plan.goal, plan.mentor = goal.strip(), mentor.strip()
            # A save that changes only the lines must still move the plan's version,
            # or a second editor's save would overwrite them unnoticed.
            plan.updated_at = utcnow()
            after = _lines_text(
                [(courses[code].title, first_of_month(month)) for code, month, _r, _w in lines]
            )
            if after != before:
                label = f"{plan.fiscal_year}年度 第{plan.revision}版"
                fact = Fact(AuditAction.UPDATE, "learning_plans", plan.id, label, "lines", before, after)
                write_facts(session, self._db.actor, [fact])
            session.flush()
            return plan.version


def _lines_text(lines: Sequence[tuple[str, date]]) -> str:
    return "、".join(f"{title}（{month:%Y/%m}）" for title, month in lines) or "（なし）"


def _scores(framework: Framework, role_id: str, levels: dict[str, float]) -> list[CategoryScore]:
    targets = role_by_id(framework, role_id).targets
    return [
        CategoryScore(
            c.id, c.name, framework.group(c.group).name, levels.get(c.id), targets[c.id], None, None, 0, 0
        )
        for c in framework.categories
    ]


def _latest_completed(session: Session, learner_ids: Sequence[int]) -> dict[int, Diagnosis]:
    latest: dict[int, Diagnosis] = {}
    for start in range(0, len(learner_ids), 500):
        chunk = list(learner_ids[start : start + 500])
        for diagnosis in session.scalars(
            select(Diagnosis)
            .where(Diagnosis.learner_id.in_(chunk), Diagnosis.status == DiagnosisStatus.COMPLETED)
            .order_by(Diagnosis.diagnosed_on, Diagnosis.id)
        ):
            latest[diagnosis.learner_id] = diagnosis  # ordered by date: the last one wins
    return latest


def _completed_codes(session: Session, learner_ids: Sequence[int]) -> dict[int, set[str]]:
    done: dict[int, set[str]] = {}
    for start in range(0, len(learner_ids), 500):
        chunk = list(learner_ids[start : start + 500])
        for learner_id, code in session.execute(
            select(TrainingRecord.learner_id, Course.code)
            .join(Course, Course.id == TrainingRecord.course_id)
            .where(TrainingRecord.learner_id.in_(chunk), TrainingRecord.status == TrainingStatus.COMPLETED)
        ):
            done.setdefault(learner_id, set()).add(code)
    return done


def _current_plan(session: Session, learner_id: int, fiscal_year: int) -> LearningPlan | None:
    return session.scalars(
        select(LearningPlan).where(
            LearningPlan.learner_id == learner_id,
            LearningPlan.fiscal_year == fiscal_year,
            LearningPlan.current.is_(True),
        )
    ).first()


def _course_ids(session: Session, codes: Sequence[str]) -> dict[str, int]:
    rows = session.execute(select(Course.code, Course.id).where(Course.code.in_(list(codes))))
    return {code: course_id for code, course_id in rows}


def _plan(session: Session, plan_id: int, expected_version: int) -> LearningPlan:
    plan = session.get(LearningPlan, plan_id)
    if plan is None:
        raise NotFoundError("学習計画が見つかりません。削除された可能性があります。")
    if plan.version != expected_version:
        raise _stale(session, plan)
    return plan


def _stale(session: Session, plan: LearningPlan) -> StaleEditError:
    """Refused: the plan was saved after it was opened; the newest save's changes, from the audit log."""
    saved = last_save(session, "learning_plans", plan.id)
    changes = [
        FieldChange(field_label("learning_plans", field), shown(old), shown(new))
        for field, old, new in (saved.changes if saved else [])
    ]
    by = f"（{saved.who}、{local_time(saved.at):%m/%d %H:%M}）" if saved is not None else ""
    return stale_error("この学習計画", changes, "開き直してから、もう一度操作してください。", by)
