"""名簿出力: every learner, in the columns the importer reads back."""

from __future__ import annotations

from sqlalchemy import select

from desktop.exchange.roster_file import ExportLearner
from desktop.store.database import Database
from desktop.store.models import Department, Learner, Organization
from desktop.store.roster_service import department_paths


def export_learners(db: Database) -> list[ExportLearner]:
    """Ordered by 団体 and 受講者番号, so two exports of the same roster are the same file."""
    with db.transaction() as session:
        organizations = {r.id: r.name for r in session.execute(select(Organization.id, Organization.name))}
        paths = department_paths(session.scalars(select(Department)))
        learners = [
            ExportLearner(
                organization=organizations[learner.organization_id],
                number=learner.number,
                name=learner.name,
                furigana=learner.furigana,
                department=paths.get(learner.department_id, "") if learner.department_id else "",
                job_title=learner.job_title or "",
                email=learner.email or "",
                kind=learner.kind,
                role=learner.role or "",
                status=learner.status,
                birth_date=learner.birth_date,
                insured_number=learner.insured_number or "",
                notes=learner.notes or "",
            )
            for learner in session.scalars(select(Learner))
        ]
    return sorted(learners, key=lambda x: (x.organization, x.number))
