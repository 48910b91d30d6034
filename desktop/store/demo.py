"""Fill a database with the generated demo roster (``--demo`` and benchmarks)."""

from __future__ import annotations

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
