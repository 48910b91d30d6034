"""受講記録 actions: list every record, and add, edit or delete hand-entered ones."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.domain.dates import fiscal_year
from desktop.domain.plan import fiscal_year_bounds
from desktop.domain.records import CleanRecord, RecordDraft, validate_record
from desktop.store.database import Database
from desktop.store.errors import ConflictError, NotFoundError, StaleEditError, ValidationFailed
from desktop.store.models import (
    RECORD_SOURCE_MANUAL,
    RECORD_SOURCE_UDEMY,
    Course,
    Department,
    Learner,
    Organization,
    TrainingRecord,
    TrainingStatus,
)
from desktop.store.roster_service import department_paths
from desktop.store.stale import compared, stale_error

STATUS_LABELS = {
    TrainingStatus.ENROLLED: "登録のみ",
    TrainingStatus.IN_PROGRESS: "受講中",
    TrainingStatus.COMPLETED: "修了",
    TrainingStatus.WITHDRAWN: "中止",
}
SOURCE_LABELS = {RECORD_SOURCE_MANUAL: "手入力", RECORD_SOURCE_UDEMY: "Udemy"}
LOCAL_COURSE_PREFIX = "local:"


def record_activity_on() -> Any:
    """The date a record belongs to, in SQL: completion, else start, else enrolment, else last access.

    The same rule as RecordRow.activity_on, which the 受講記録 page shows; the
    record's 年度 is that date's.
    """
    r = TrainingRecord
    return func.coalesce(r.completed_on, r.started_on, r.enrolled_on, r.last_accessed_on)


def records_in_fiscal_year(year: int) -> list[Any]:
    """WHERE conditions for the training records of a 年度 (by record_activity_on)."""
    first, last = fiscal_year_bounds(year)
    return [record_activity_on() >= first, record_activity_on() <= last]


# What the stale-save message compares, as the 受講記録 table labels it.
_COMPARED = {
    "learner_name": "受講者",
    "course_title": "講座",
    "status": "状況",
    "hours": "時間",
    "minutes": "視聴分数",
    "progress_percent": "進捗率",
    "completed_on": "修了日",
    "activity_on": "日付",
    "notes": "備考",
}


class RecordRow(NamedTuple):
    """One line of the 受講記録 table (a NamedTuple: hundreds of thousands load at once)."""

    id: int
    learner_id: int
    learner_number: str
    learner_name: str
    organization: str
    department_id: int | None
    department: str
    course_id: int
    course_title: str
    status: TrainingStatus
    activity_on: date | None  # completion, else start, else enrolment, else last access
    fiscal_year: int | None
    hours: Decimal | None
    minutes: int | None
    progress_percent: int | None
    completed_on: date | None
    source: str
    notes: str
    version: int

    @property
    def completed(self) -> bool:
        return self.status is TrainingStatus.COMPLETED


@dataclass(frozen=True)
class CourseInfo:
    id: int
    code: str
    title: str
    provider: str
    standard_hours: Decimal | None


class RecordsService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    def rows(self, learner_id: int | None = None) -> list[RecordRow]:
        with self._db.transaction() as session:
            return self._rows(session, learner_id=learner_id)

    def row(self, record_id: int) -> RecordRow:
        with self._db.transaction() as session:
            return self._one(session, record_id)

    def courses(self) -> list[CourseInfo]:
        with self._db.transaction() as session:
            rows = session.execute(
                select(Course.id, Course.code, Course.title, Course.provider, Course.standard_hours).order_by(
                    Course.title
                )
            )
            return [CourseInfo(r.id, r.code, r.title, r.provider or "", r.standard_hours) for r in rows]

    def create_manual(self, draft: RecordDraft) -> RecordRow:
        clean = self._validated(draft)
        with self._db.transaction() as session:
            self._learner_exists(session, clean.learner_id)
            record = TrainingRecord(learner_id=clean.learner_id, source=RECORD_SOURCE_MANUAL)
            self._apply(session, record, clean)
            session.add(record)
            session.flush()
            return self._one(session, record.id)

    def update_manual(self, original: RecordRow, draft: RecordDraft) -> RecordRow:
        clean = self._validated(draft)
        try:
            with self._db.transaction() as session:
                record = self._current(session, original)
                if record.source != RECORD_SOURCE_MANUAL:
                    raise ConflictError(
                        "取り込んだ受講記録は編集できません。元のレポートを取り込み直してください。"
                    )
                self._learner_exists(session, clean.learner_id)
                record.learner_id = clean.learner_id
                self._apply(session, record, clean)
                session.flush()
                return self._one(session, record.id)
        except StaleDataError:
            raise self._stale(original) from None

    def delete(self, original: RecordRow) -> None:
        try:
            with self._db.transaction() as session:
                record = self._current(session, original)
                if record.source != RECORD_SOURCE_MANUAL:
                    raise ConflictError(
                        "取り込んだ受講記録は削除できません。取込履歴から取込ごと取り消してください。"
                    )
                session.delete(record)
                session.flush()
        except StaleDataError:
            raise self._stale(original) from None

    # -- helpers ---------------------------------------------------------

    def _validated(self, draft: RecordDraft) -> CleanRecord:
        clean, problems = validate_record(draft, self._today())
        if clean is None:
            raise ValidationFailed(problems)
        return clean

    @staticmethod
    def _learner_exists(session: Session, learner_id: int) -> None:
        if session.get(Learner, learner_id) is None:
            raise NotFoundError("選んだ受講者は削除されています。一覧を更新（F5）してください。")

    def _current(self, session: Session, original: RecordRow) -> TrainingRecord:
        record = session.get(TrainingRecord, original.id)
        if record is None:
            raise NotFoundError(
                "この受講記録は、他の画面または他のPCで削除されました。一覧を更新（F5）してください。"
            )
        if record.version != original.version:
            raise self._stale(original, session)
        return record

    def _stale(self, original: RecordRow, session: Session | None = None) -> StaleEditError:
        if session is None:
            with self._db.transaction() as fresh:
                return self._stale(original, fresh)
        rows = self._rows(session, record_id=original.id)
        changes = compared(original, rows[0], _COMPARED) if rows else []
        return stale_error(
            f"{original.learner_name} さんの「{original.course_title}」の記録",
            changes,
            "一覧を更新（F5）してから、もう一度編集してください。",
        )

    @staticmethod
    def _apply(session: Session, record: TrainingRecord, clean: CleanRecord) -> None:
        course_id = clean.course_id
        if course_id is None:
            code = LOCAL_COURSE_PREFIX + hashlib.sha1(clean.course_title.encode()).hexdigest()[:16]
            course_id = session.scalar(select(Course.id).where(Course.code == code))
            if course_id is None:
                course = Course(code=code, title=clean.course_title, delivery_method="集合研修")
                session.add(course)
                session.flush()
                course_id = course.id
        elif session.get(Course, course_id) is None:
            raise NotFoundError("選んだ講座は削除されています。一覧を更新（F5）してください。")
        record.course_id = course_id
        record.started_on = clean.held_on
        record.completed_on = clean.held_on if clean.completed else None
        record.status = TrainingStatus.COMPLETED if clean.completed else TrainingStatus.IN_PROGRESS
        record.hours = clean.hours
        record.minutes = int(clean.hours * 60)
        record.progress_percent = 100 if clean.completed else None
        record.notes = clean.notes

    def _one(self, session: Session, record_id: int) -> RecordRow:
        rows = self._rows(session, record_id=record_id)
        if not rows:
            raise NotFoundError("この受講記録は削除されています。一覧を更新（F5）してください。")
        return rows[0]

    @staticmethod
    def _rows(
        session: Session, learner_id: int | None = None, record_id: int | None = None
    ) -> list[RecordRow]:
        organizations = {r.id: r.name for r in session.execute(select(Organization.id, Organization.name))}
        paths = department_paths(session.scalars(select(Department)))
        statuses = {s.value: s for s in TrainingStatus}
        r, lr, c = TrainingRecord, Learner, Course
        query = (
            select(
                r.id,
                r.learner_id,
                lr.number,
                lr.name,
                lr.organization_id,
                lr.department_id,
                r.course_id,
                c.title,
                type_coerce(r.status, String),
                r.enrolled_on,
                r.started_on,
                r.completed_on,
                r.last_accessed_on,
                r.hours,
                r.minutes,
                r.progress_percent,
                r.source,
                r.notes,
                r.version,
            )
            .join(lr, lr.id == r.learner_id)
            .join(c, c.id == r.course_id)
        )
        if learner_id is not None:
            query = query.where(r.learner_id == learner_id)
        if record_id is not None:
            query = query.where(r.id == record_id)
        rows: list[RecordRow] = []
        for (
            rid,
            lid,
            number,
            name,
            org_id,
            dept_id,
            course_id,
            title,
            status,
            enrolled,
            started,
            completed,
            accessed,
            hours,
            minutes,
            progress,
            source,
            notes,
            version,
        ) in session.execute(query):
            when = completed or started or enrolled or accessed
            rows.append(
                RecordRow(
                    rid,
                    lid,
                    number,
                    name,
                    organizations.get(org_id, ""),
                    dept_id,
                    paths.get(dept_id, "") if dept_id else "",
                    course_id,
                    title,
                    statuses[status],
                    when,
                    fiscal_year(when) if when else None,
                    hours,
                    minutes,
                    progress,
                    completed,
                    source,
                    notes or "",
                    version,
                )
            )
        return rows

    def count(self) -> int:
        with self._db.transaction() as session:
            return int(session.scalar(select(func.count(TrainingRecord.id))) or 0)
