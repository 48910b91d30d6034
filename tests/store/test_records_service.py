"""Hand-entered 受講記録 on both databases: validation, new courses, stale edits, imported rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.domain.records import RecordDraft, parse_hours, totals_by
from desktop.store.database import Database
from desktop.store.errors import ConflictError, StaleEditError, ValidationFailed
from desktop.store.models import RECORD_SOURCE_UDEMY, TrainingRecord, TrainingStatus
from desktop.store.records_service import RecordsService
from tests.factories import RosterFactory

TODAY = date(2026, 11, 22)


def service(db: Database) -> RecordsService:
    return RecordsService(db, today=lambda: TODAY)


def draft(learner_id: int | None, **overrides: object) -> RecordDraft:
    base: dict[str, object] = {
        "learner_id": learner_id,
        "course_id": None,
        "course_title": "情報セキュリティ研修",
        "held_on": date(2026, 6, 1),
        "hours": "1時間30分",
        "completed": True,
        "notes": "集合研修",
    }
    base.update(overrides)
    return RecordDraft(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("1.5", Decimal("1.50")),
        ("１．５", Decimal("1.50")),
        ("90分", Decimal("1.50")),
        ("2時間", Decimal("2.00")),
        ("x", None),
    ],
)
def test_parse_hours(text: str, hours: Decimal | None) -> None:
    assert parse_hours(text) == hours


def test_create_makes_the_course_once_and_counts_towards_the_fiscal_year(
    db: Database, factory: RosterFactory
) -> None:
    learner = factory.learner(factory.organization())
    first = service(db).create_manual(draft(learner.id))
    second = service(db).create_manual(draft(learner.id, held_on=date(2026, 3, 31), completed=False))
    assert first.course_id == second.course_id  # one course, taken twice
    assert (first.status, first.hours, first.fiscal_year) == (TrainingStatus.COMPLETED, Decimal("1.50"), 2026)
    assert (second.status, second.fiscal_year) == (TrainingStatus.IN_PROGRESS, 2025)
    assert len(service(db).courses()) == 1
    totals = totals_by((r.learner_id, r.hours, r.completed) for r in service(db).rows())
    assert (totals[learner.id].records, totals[learner.id].completed, totals[learner.id].hours) == (
        2,
        1,
        Decimal("3.00"),
    )


def test_validation_names_every_field(db: Database) -> None:
    with pytest.raises(ValidationFailed) as raised:
        service(db).create_manual(draft(None, course_title="", held_on=None, hours="0"))
    assert [field for field, _ in raised.value.problems] == ["learner_id", "course_id", "held_on", "hours"]


def test_stale_edit_is_refused(db: Database, factory: RosterFactory) -> None:
    learner = factory.learner(factory.organization())
    row = service(db).create_manual(draft(learner.id))
    service(db).update_manual(row, draft(learner.id, hours="2"))
    with pytest.raises(StaleEditError, match="他の画面または他のPC"):
        service(db).update_manual(row, draft(learner.id, hours="3"))
    assert service(db).row(row.id).hours == Decimal("2.00")


def test_imported_records_cannot_be_edited_or_deleted(db: Database, factory: RosterFactory) -> None:
    learner = factory.learner(factory.organization())
    factory.training_record(learner.id)
    with db.transaction() as session:
        for record in session.query(TrainingRecord):
            record.source = RECORD_SOURCE_UDEMY
    row = service(db).rows()[0]
    with pytest.raises(ConflictError, match="取り込んだ"):
        service(db).update_manual(service(db).row(row.id), draft(learner.id))
    with pytest.raises(ConflictError, match="取込履歴"):
        service(db).delete(service(db).row(row.id))


def test_delete_a_manual_record(db: Database, factory: RosterFactory) -> None:
    learner = factory.learner(factory.organization())
    row = service(db).create_manual(draft(learner.id))
    service(db).delete(row)
    assert service(db).rows() == []
