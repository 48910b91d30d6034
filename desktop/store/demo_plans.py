"""Demo learning plans: a 年度 in progress, with plans in every status, progress from records and some overdue.

Plans are proposed and moved on through PlanService, as a clerk would, so the
demo shows what the app itself makes. Training records for plan lines are
dated no later than `today`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.plan import PlanStatus, fiscal_year_bounds
from desktop.domain.plan_proposal import add_months
from desktop.store.database import Database
from desktop.store.models import (
    RECORD_SOURCE_MANUAL,
    Diagnosis,
    DiagnosisStatus,
    PlanLine,
    TrainingRecord,
    TrainingStatus,
    utcnow,
)
from desktop.store.plan_service import PlanService, PlanSettings
from desktop.store.plan_views import plan_detail

_MENTORS = (
    "情報政策課 佐藤 主査",
    "DX推進室 高橋 主任",
    "行政改革課 田中 係長",
    "情報政策課 伊藤 主事",
    "企画課 渡辺 課長補佐",
)
_GOALS = {
    "business": "ITパスポート合格相当の知識を身につけ、担当業務のデジタル化を自ら提案できる",
    "ict": "基本情報技術者試験合格相当の知識を身につけ、庁内システムの要件を仕様にまとめられる",
    "leader": "所属のDXの方向を示し、職員の学びとデジタル化の取組を後押しできる",
}
_DEFAULT_GOAL = "業務の課題をデジタルで解く考え方を身につけ、小さな改善を1つ実行できる"
# Shares of the plans by where they stand; the rest of the learners have no plan yet.
_STATUS_SHARES = (
    (0.12, PlanStatus.DRAFT),
    (0.22, PlanStatus.APPROVED),
    (0.72, PlanStatus.ACTIVE),
    (0.93, PlanStatus.DONE),
    (1.00, PlanStatus.CANCELLED),
)
_PATH = {
    PlanStatus.APPROVED: (PlanStatus.APPROVED,),
    PlanStatus.ACTIVE: (PlanStatus.APPROVED, PlanStatus.ACTIVE),
    PlanStatus.DONE: (PlanStatus.APPROVED, PlanStatus.ACTIVE, PlanStatus.DONE),
    PlanStatus.CANCELLED: (PlanStatus.APPROVED, PlanStatus.CANCELLED),
    PlanStatus.DRAFT: (),
}


def seed_demo_plans(db: Database, fiscal_year: int, today: date, seed: int = 2026) -> dict[PlanStatus, int]:
    """Plans for most learners diagnosed (事前) in the 年度; returns how many plans end in each status."""
    rng = random.Random(seed)
    begin, end = fiscal_year_bounds(fiscal_year)
    with db.transaction() as session:
        diagnosed = sorted(
            set(
                session.scalars(
                    select(Diagnosis.learner_id).where(
                        Diagnosis.kind == DiagnosisKind.PRE,
                        Diagnosis.status == DiagnosisStatus.COMPLETED,
                        Diagnosis.diagnosed_on.between(begin, end),
                    )
                )
            )
        )
    chosen = [learner for learner in diagnosed if rng.random() < 0.85]
    service = PlanService(db)
    settings = PlanSettings(fiscal_year, Decimal(40), 9, add_months(begin, 1))
    period_start, _period_end = settings.period()
    saved = service.save_drafts(service.propose(chosen, settings), settings)
    counts = dict.fromkeys(PlanStatus, 0)
    records: list[dict[str, object]] = []
    for entry, plan_id, _outcome in saved:
        if plan_id is None:
            continue
        status = _draw_status(rng)
        # Where the calendar allows it: a plan not yet begun is not under way, and most
        # approved plans whose first month has passed have been started.
        if status in (PlanStatus.ACTIVE, PlanStatus.DONE) and period_start > today:
            status = PlanStatus.APPROVED
        elif status is PlanStatus.APPROVED and period_start <= today and rng.random() < 0.7:
            status = PlanStatus.ACTIVE
        detail = plan_detail(db, plan_id, today=today)
        version = service.update_draft(
            plan_id,
            detail.version,
            goal=_GOALS.get(entry.role_id, _DEFAULT_GOAL),
            mentor=rng.choice(_MENTORS),
            lines=[(line.course_code, line.month, line.reason, line.why) for line in detail.lines],
        )
        for step in _PATH[status]:
            note = "受講者の異動のため" if step is PlanStatus.CANCELLED else ""
            version = service.set_status(plan_id, step, version, note)
        counts[status] += 1
        records.extend(_records_for(db, plan_id, entry.learner.id, status, today, rng))
    if records:
        with db.transaction() as session:
            session.execute(insert(TrainingRecord), records)
    return counts


def _draw_status(rng: random.Random) -> PlanStatus:
    draw = rng.random()
    return next(status for share, status in _STATUS_SHARES if draw < share)


def _records_for(
    db: Database, plan_id: int, learner_id: int, status: PlanStatus, today: date, rng: random.Random
) -> list[dict[str, object]]:
    """Records of the plan's courses: all finished for a 完了 plan, most past months finished for 実施中."""
    if status not in (PlanStatus.ACTIVE, PlanStatus.DONE, PlanStatus.CANCELLED):
        return []
    now = utcnow()
    with db.transaction() as session:
        lines = session.execute(
            select(PlanLine.course_id, PlanLine.month, PlanLine.hours)
            .where(PlanLine.plan_id == plan_id)
            .order_by(PlanLine.position)
        ).all()
    diligent = rng.random() < 0.6  # keeps to the plan: every past month finished
    made = []
    for course_id, month, hours in lines:
        month_end = add_months(month, 1) - timedelta(days=1)
        started = month + timedelta(days=rng.randrange(10))
        if status is PlanStatus.DONE:  # finished early where the plan ran ahead of the calendar
            started = min(started, today - timedelta(days=30))
            finished = min(month_end, started + timedelta(days=rng.randrange(3, 20)), today)
            made.append(
                _record(learner_id, course_id, TrainingStatus.COMPLETED, started, finished, hours, now)
            )
            continue
        if started > today:
            continue
        draw = rng.random()
        if status is PlanStatus.CANCELLED and draw < 0.6:
            continue
        if month_end < today and (diligent or draw < 0.6):
            finished = min(month_end, started + timedelta(days=rng.randrange(3, 20)), today)
            made.append(
                _record(learner_id, course_id, TrainingStatus.COMPLETED, started, finished, hours, now)
            )
        elif draw < 0.9:
            part = (hours * Decimal(rng.randrange(20, 80)) / 100).quantize(Decimal("0.5"))
            made.append(_record(learner_id, course_id, TrainingStatus.IN_PROGRESS, started, None, part, now))
    return made


def _record(
    learner_id: int,
    course_id: int,
    status: TrainingStatus,
    started: date,
    finished: date | None,
    hours: Decimal,
    now: object,
) -> dict[str, object]:
    return {
        "learner_id": learner_id,
        "course_id": course_id,
        "status": status,
        "enrolled_on": started,
        "started_on": started,
        "completed_on": finished,
        "last_accessed_on": finished or started,
        "hours": hours,
        "progress_percent": 100 if finished else None,
        "source": RECORD_SOURCE_MANUAL,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
