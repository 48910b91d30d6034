"""Fill a database with the generated demo roster (``--demo`` and benchmarks)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from desktop.domain.demo_roster import DemoRoster, generate_demo_roster
from desktop.store.database import Database
from desktop.store.models import Department, Learner, Organization, utcnow


def seed_demo_roster(db: Database, count: int = 300, seed: int = 2026) -> DemoRoster:
    """Insert the demo organizations, departments and learners in one transaction.

    Core bulk inserts, not ORM objects: the benchmark seeds 50,000 learners.
    """
    roster = generate_demo_roster(count=count, seed=seed)
    now = utcnow()
    with db.transaction() as session:
        org_ids: dict[str, int] = {}
        dept_ids: dict[tuple[str, str], int] = {}
        for organization in roster.organizations:
            row = Organization(
                name=organization.name,
                kind=organization.kind,
                size_class=organization.size_class,
                employment_office_number=organization.employment_office_number,
                corporate_number=organization.corporate_number,
            )
            session.add(row)
            session.flush()
            org_ids[organization.name] = row.id
            for order, department in enumerate(organization.departments):
                parent_id = dept_ids[(organization.name, department.parent)] if department.parent else None
                dept = Department(
                    organization_id=row.id, parent_id=parent_id, name=department.name, sort_order=order
                )
                session.add(dept)
                session.flush()
                dept_ids[(organization.name, department.name)] = dept.id
        session.execute(
            insert(Learner),
            [
                {
                    "organization_id": org_ids[learner.organization],
                    "department_id": dept_ids[(learner.organization, learner.department)]
                    if learner.department
                    else None,
                    "number": learner.number,
                    "name": learner.name,
                    "furigana": learner.furigana,
                    "email": learner.email,
                    "job_title": learner.job_title or None,
                    "kind": learner.kind,
                    "role": learner.role,
                    "status": learner.status,
                    "birth_date": learner.birth_date,
                    "insured_number": learner.insured_number,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for learner in roster.learners
            ],
        )
    return roster


def seed_demo_diagnoses(
    db: Database, seed: int = 2026, *, fiscal_year: int = 2025, today: date | None = None
) -> int:
    """事前 for about 60% of active learners in the 年度, 事後 for about half of those, a few unfinished.

    Nothing is dated after `today` (when given): the demo shows a year in progress.
    Returns the number of diagnoses made. One transaction, bulk inserts.
    """
    import json
    import random
    from datetime import timedelta

    from sqlalchemy import select

    from desktop.domain.demo_diagnosis import abilities, after_learning, answers_for
    from desktop.domain.diagnosis import DiagnosisKind, score_answers
    from desktop.domain.roster import LearnerStatus
    from desktop.store.diagnosis_service import METHOD_PAPER, METHOD_SCREEN, role_for
    from desktop.store.framework_service import FrameworkService
    from desktop.store.models import Diagnosis, DiagnosisAnswer, DiagnosisStatus

    framework_id, framework = FrameworkService(db).current()
    rng = random.Random(seed)
    now = utcnow()
    made = 0
    with db.transaction() as session:
        learners = session.execute(
            select(Learner.id, Learner.role)
            .where(Learner.status == LearnerStatus.ACTIVE)
            .order_by(Learner.id)
        ).all()
        answer_rows: list[dict[str, object]] = []

        def add(
            learner_id: int, role_id: str, kind: DiagnosisKind, on: date, answers: dict[str, int], done: bool
        ) -> None:
            role = framework.role(role_id)
            diagnosis = Diagnosis(
                learner_id=learner_id,
                framework_id=framework_id,
                kind=kind,
                role_id=role_id,
                status=DiagnosisStatus.COMPLETED if done else DiagnosisStatus.IN_PROGRESS,
                method=METHOD_PAPER if rng.random() < 0.15 else METHOD_SCREEN,
                diagnosed_on=on,
                current_page=0 if done else 3,
                completed_at=now if done else None,
                levels_json=json.dumps(
                    {c.category_id: c.level for c in score_answers(framework, role, answers).categories}
                )
                if done
                else None,
            )
            session.add(diagnosis)
            session.flush()
            answer_rows.extend(
                {"diagnosis_id": diagnosis.id, "item_id": item_id, "value": value, "answered_at": now}
                for item_id, value in answers.items()
            )

        for learner_id, role_text in learners:
            draw = rng.random()
            if draw > 0.65:
                continue
            role = role_for(framework, role_text)
            ability = abilities(framework, role, rng)
            pre_on = date(fiscal_year, 4, 14) + timedelta(days=rng.randrange(45))
            if today is not None and pre_on > today:
                continue
            pre = answers_for(framework, ability, rng)
            if draw > 0.6:  # started on screen and not finished: the wizard resumes it
                unfinished = dict(list(pre.items())[: rng.randrange(8, 30)])
                add(learner_id, role.id, DiagnosisKind.PRE, pre_on, unfinished, done=False)
                made += 1
                continue
            add(learner_id, role.id, DiagnosisKind.PRE, pre_on, pre, done=True)
            made += 1
            if rng.random() < 0.55:
                post_on = date(fiscal_year, 10, 1) + timedelta(days=rng.randrange(100))
                if today is not None and post_on > today:
                    continue
                post = answers_for(framework, after_learning(framework, role, ability, rng), rng)
                add(learner_id, role.id, DiagnosisKind.POST, post_on, post, done=True)
                made += 1
        if answer_rows:
            session.execute(insert(DiagnosisAnswer), answer_rows)
    return made


def seed_demo_office(db: Database, today: date | None = None) -> None:
    """The demo office: its roster, and a 年度 in progress (the latest one at least three months old)."""
    from datetime import timedelta

    from desktop.domain.dates import fiscal_year
    from desktop.store.demo_grants import seed_demo_grants
    from desktop.store.demo_plans import seed_demo_plans

    today = today or date.today()
    year = fiscal_year(today - timedelta(days=90))
    seed_demo_roster(db)
    seed_demo_diagnoses(db, fiscal_year=year, today=today)
    seed_demo_plans(db, year, today)
    seed_demo_grants(db, today)
    # A demo opens straight onto its data: the sign-in choice is for a real office's first run.
    from desktop.store.account_service import AccountService

    AccountService(db).choose_single_user()
