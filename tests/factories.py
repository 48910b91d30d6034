"""Factories: learners, organizations and departments with sensible defaults."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.domain.roster import LearnerDraft, LearnerKind, LearnerStatus, OrganizationKind
from desktop.store.database import Database
from desktop.store.models import Course, Department, Organization, TrainingRecord, TrainingStatus
from desktop.store.roster_service import RosterRow, RosterService


class RosterFactory:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.service = RosterService(db, today=lambda: date(2026, 11, 22))
        self._numbers = itertools.count(1)

    def organization(
        self, name: str = "テスト市", kind: OrganizationKind = OrganizationKind.MUNICIPALITY
    ) -> int:
        with self.db.transaction() as session:
            organization = Organization(name=name, kind=kind)
            session.add(organization)
            session.flush()
            return organization.id

    def department(self, organization_id: int, name: str, parent_id: int | None = None) -> int:
        with self.db.transaction() as session:
            department = Department(organization_id=organization_id, name=name, parent_id=parent_id)
            session.add(department)
            session.flush()
            return department.id

    def draft(self, organization_id: int, **overrides: Any) -> LearnerDraft:
        n = next(self._numbers)
        base = LearnerDraft(
            organization_id=organization_id,
            number=f"T{n:05d}",
            name="山田　太郎",
            furigana="ヤマダ　タロウ",
            email=f"user{n}@example.lg.jp",
            kind=LearnerKind.STAFF,
            status=LearnerStatus.ACTIVE,
        )
        return replace(base, **overrides)

    def learner(self, organization_id: int, **overrides: Any) -> RosterRow:
        return self.service.create_learner(self.draft(organization_id, **overrides))

    def training_record(self, learner_id: int, course_code: str = "C-001") -> None:
        with self.db.transaction() as session:
            course = Course(code=course_code, title="業務改善の基礎", standard_hours=Decimal("6.5"))
            session.add(course)
            session.flush()
            session.add(
                TrainingRecord(learner_id=learner_id, course_id=course.id, status=TrainingStatus.COMPLETED)
            )
