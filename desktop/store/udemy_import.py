"""受講実績取込: Udemy Business reports into training records and per-learner totals.

One streaming pass serves both the preview (counts, problems, unmatched rows;
nothing written) and the import (the same pass, writing in chunks inside one
transaction that rolls back on any problem or on cancel). Rows are never all
held in memory: a 500,000-row report streams through.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from desktop.domain.audit import AuditAction
from desktop.exchange.columns import guess_mapping
from desktop.exchange.tabular import TableInfo, open_table
from desktop.exchange.udemy import (
    CellReader,
    CourseActivity,
    ReportKind,
    UserActivity,
    columns_for,
    mapping_problems,
    read_course_activity,
    read_user_activity,
    report_kind,
)
from desktop.store.audit_log import Fact, write_facts
from desktop.store.bulk import date_binder, insert_rows
from desktop.store.database import Database
from desktop.store.errors import ConflictError
from desktop.store.import_common import (
    PROGRESS_EVERY,
    ImportRejected,
    LineProblem,
    Progress,
    current_user,
    cyclic_gc_paused,
    dump_before,
    file_errors,
    file_sha256,
    refuse_if_changed,
)
from desktop.store.models import (
    RECORD_SOURCE_UDEMY,
    Course,
    ImportBatch,
    ImportChange,
    ImportKind,
    Learner,
    PlatformTotals,
    TrainingRecord,
    TrainingStatus,
    table_of,
    utcnow,
)

PLATFORM = "udemy"
COURSE_CODE_PREFIX = "udemy:"
PROVIDER = "Udemy Business"
CHUNK = 5000
SHOWN_UNMATCHED = 1000
_RECORD_FIELDS = (
    "status",
    "enrolled_on",
    "started_on",
    "completed_on",
    "last_accessed_on",
    "hours",
    "minutes",
    "progress_percent",
)
_RECORD_INSERT = (
    "learner_id",
    "course_id",
    *_RECORD_FIELDS,
    "source",
    "import_batch_id",
    "version",
    "created_at",
    "updated_at",
)
_TOTALS_FIELDS = (
    "courses_enrolled",
    "courses_started",
    "courses_completed",
    "minutes_consumed",
    "last_visited_on",
)
_TOTALS_INSERT = (
    "learner_id",
    "platform",
    *_TOTALS_FIELDS,
    "import_batch_id",
    "version",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class UnmatchedRow:
    line: int
    email: str
    external_id: str
    user_name: str

    def describe(self) -> str:
        who = self.email or f"外部ID {self.external_id}"
        name = f"（{self.user_name}）" if self.user_name else ""
        return f"{who}{name}"


@dataclass
class UdemyOutcome:
    """What a preview found, or what an import wrote."""

    file_name: str
    sha256: str
    kind: ReportKind
    table: TableInfo
    row_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    new_courses: int = 0
    unmatched_count: int = 0
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    batch_id: int | None = None

    def summary(self) -> str:
        verb = "を取り込みました" if self.batch_id is not None else "（確認のみ）"
        text = (
            f"{self.file_name}（{self.kind.label}）: {self.row_count}行 — 新規 {self.created}件、"
            f"更新 {self.updated}件、変更なし {self.unchanged}件{verb}"
        )
        if self.batch_id is not None:
            text += f"（取込番号 {self.batch_id}）"
        if self.unmatched_count:
            text += f"。名簿と照合できない行 {self.unmatched_count}件は取り込んでいません"
        if self.skipped:
            text += f"。エラーの {self.skipped}行は取り込んでいません"
        return text + "。"

    def unmatched_lines(self) -> list[str]:
        return [
            f"{self.file_name}:{u.line}: 受講者: {u.describe()} は名簿にいません（メールアドレス・外部IDで照合できません）。"
            for u in self.unmatched
        ]


class _Learners:
    """E-mail (any case) first, then external ID against 受講者番号."""

    def __init__(self, session: Session) -> None:
        self.by_email: dict[str, int | None] = {}
        self.by_number: dict[str, int | None] = {}
        for learner_id, email, number in session.execute(select(Learner.id, Learner.email, Learner.number)):
            if email:
                key = email.lower()
                self.by_email[key] = None if key in self.by_email else learner_id
            self.by_number[number] = None if number in self.by_number else learner_id

    def match(self, email: str, external_id: str) -> int | None:
        found = self.by_email.get(email) if email else None
        if found is None and external_id:
            found = self.by_number.get(external_id)
        return found


class UdemyImporter:
    def __init__(self, db: Database, user_name: str | None = None) -> None:
        self._db = db
        self._user = user_name or current_user()

    def preview(
        self, path: Path, encoding: str | None = None, progress: Progress | None = None
    ) -> UdemyOutcome:
        with file_errors(), cyclic_gc_paused(), self._db.transaction() as session:
            return self._pass(session, path, encoding, None, progress, write=False)

    def run(
        self,
        path: Path,
        encoding: str | None = None,
        *,
        valid_rows_only: bool = False,
        expected_sha256: str | None = None,
        progress: Progress | None = None,
    ) -> UdemyOutcome:
        with file_errors(), cyclic_gc_paused(), self._db.transaction() as session:
            outcome = self._pass(session, path, encoding, expected_sha256, progress, write=True)
            if outcome.problems and (
                not valid_rows_only or not (outcome.created or outcome.updated or outcome.unchanged)
            ):
                # Raising rolls back everything the pass wrote.
                raise ImportRejected(outcome.file_name, outcome.problems)
            return outcome

    def _pass(
        self,
        session: Session,
        path: Path,
        encoding: str | None,
        expected_sha256: str | None,
        progress: Progress | None,
        *,
        write: bool,
    ) -> UdemyOutcome:
        sha = file_sha256(path)
        refuse_if_changed(path, expected_sha256, sha)
        table, rows = open_table(path, encoding=encoding)
        try:
            kind = report_kind(table.headers)
            if kind is None:
                raise ImportRejected(
                    path.name,
                    [
                        LineProblem(
                            table.header_line,
                            "見出し",
                            "Udemy Business のユーザー別・コース別の実績レポートの見出しではありません。",
                        )
                    ],
                    f"{path.name} は Udemy Business の実績レポートとして読めません。何も取り込みませんでした。",
                )
            mapping = guess_mapping(columns_for(kind), table.headers)
            outcome = UdemyOutcome(path.name, sha, kind, table)
            missing = mapping_problems(kind, mapping)
            if missing:
                outcome.problems = [LineProblem(table.header_line, c, r) for c, r in missing]
                return outcome
            reader = CellReader(mapping, table.headers, columns_for(kind))
            batch_id = self._new_batch(session, outcome) if write else None
            learners = _Learners(session)
            if kind is ReportKind.COURSE_ACTIVITY:
                _CourseWriter(session, outcome, batch_id).consume(rows, reader, learners, progress)
            else:
                _TotalsWriter(session, outcome, batch_id).consume(rows, reader, learners, progress)
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()
        if progress is not None:
            progress(outcome.row_count)  # a 中止 pressed near the end still rolls everything back
        if batch_id is not None:
            batch = session.get(ImportBatch, batch_id)
            assert batch is not None
            batch.row_count = outcome.row_count
            batch.created_count = outcome.created
            batch.updated_count = outcome.updated
            batch.unchanged_count = outcome.unchanged
            batch.skipped_count = outcome.skipped
            batch.unmatched_count = outcome.unmatched_count
            outcome.batch_id = batch_id
            session.flush()
            detail = (
                f"{outcome.file_name}: 追加 {outcome.created}件、更新 {outcome.updated}件"
                f"（受講記録、取込番号 {batch_id}）"
            )
            fact = Fact(
                AuditAction.IMPORT, "training_records", batch_id, "Udemy Business の実績取込", detail=detail
            )
            write_facts(session, self._db.actor, [fact])
        return outcome

    def _new_batch(self, session: Session, outcome: UdemyOutcome) -> int:
        kind = (
            ImportKind.UDEMY_COURSES if outcome.kind is ReportKind.COURSE_ACTIVITY else ImportKind.UDEMY_USERS
        )
        batch = ImportBatch(
            kind=kind,
            file_name=outcome.file_name[:255],
            file_sha256=outcome.sha256,
            encoding=outcome.table.encoding,
            sheet=outcome.table.sheet,
            row_count=0,
            user_name=self._user,
        )
        session.add(batch)
        session.flush()
        return batch.id


class _Writer:
    entity = ""

    def __init__(self, session: Session, outcome: UdemyOutcome, batch_id: int | None) -> None:
        self.session = session
        self.outcome = outcome
        self.batch_id = batch_id
        self.now = utcnow()
        self.stamp = date_binder(session)(self.now)  # for rows inserted in bulk
        self.pending: list[tuple[Any, ...]] = []
        self.changes: list[dict[str, Any]] = []
        self.seen: dict[Any, int] = {}

    def unmatched(self, line: int, email: str, external_id: str, name: str) -> None:
        self.outcome.unmatched_count += 1
        if len(self.outcome.unmatched) < SHOWN_UNMATCHED:
            self.outcome.unmatched.append(UnmatchedRow(line, email, external_id, name))

    def duplicate(self, key: Any, line: int, label: str) -> bool:
        first = self.seen.get(key)
        if first is None:
            self.seen[key] = line
            return False
        self.outcome.problems.append(
            LineProblem(line, label, f"{first} 行目と同じ受講者・同じ内容の行です。")
        )
        self.outcome.skipped += 1
        return True

    def problems_of(self, line: int, reader: CellReader) -> bool:
        if not reader.problems:
            return False
        self.outcome.problems.extend(LineProblem(line, column, reason) for column, reason in reader.problems)
        reader.problems.clear()
        self.outcome.skipped += 1
        return True

    def flush(self, model: Any, columns: tuple[str, ...]) -> None:
        if self.batch_id is None:
            self.pending.clear()
            return
        insert_rows(self.session, table_of(model), columns, self.pending)
        self.pending.clear()
        if self.changes:
            self.session.execute(insert(table_of(ImportChange)), self.changes)
            self.changes.clear()

    def update(
        self, model: Any, existing: tuple[Any, ...], values: dict[str, Any], before: dict[str, Any]
    ) -> None:
        if self.batch_id is None:
            return
        row_id, version, batch_before = existing[0], existing[1], existing[2]
        table = table_of(model)
        result = self.session.execute(
            update(table)
            .where(table.c.id == row_id, table.c.version == version)
            .values(**values, version=version + 1, updated_at=self.now, import_batch_id=self.batch_id)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(
                "取り込みの途中で他のPCが同じ受講記録を変更しました。何も取り込んでいません。もう一度取り込んでください。"
            )
        self.changes.append(
            {
                "batch_id": self.batch_id,
                "entity": self.entity,
                "entity_id": row_id,
                "action": "updated",
                "before_json": dump_before({**before, "version": version, "import_batch_id": batch_before}),
                "after_version": version + 1,
            }
        )


def _status(activity: CourseActivity) -> TrainingStatus:
    if activity.completed_on is not None or (activity.progress_percent or 0) >= 100:
        return TrainingStatus.COMPLETED
    if (activity.minutes or 0) > 0 or (activity.progress_percent or 0) > 0 or activity.started_on is not None:
        return TrainingStatus.IN_PROGRESS
    return TrainingStatus.ENROLLED


class _CourseWriter(_Writer):
    entity = "record"

    def consume(
        self,
        rows: Iterator[tuple[int, list[str]]],
        reader: CellReader,
        learners: _Learners,
        progress: Progress | None,
    ) -> None:
        courses: dict[str, int | None] = {
            code: course_id
            for course_id, code in self.session.execute(
                select(Course.id, Course.code).where(Course.code.startswith(COURSE_CODE_PREFIX))
            )
        }
        # Keyed by one integer and with repeated dates shared: a re-import of a
        # 500,000-row report holds every stored record here at once.
        existing: dict[int, tuple[Any, ...]] = {}
        shared: dict[Any, Any] = {}
        for row in self.session.connection().execute(
            select(
                TrainingRecord.id,
                TrainingRecord.version,
                TrainingRecord.import_batch_id,
                TrainingRecord.learner_id,
                TrainingRecord.course_id,
                *(table_of(TrainingRecord).c[name] for name in _RECORD_FIELDS),
            ).where(TrainingRecord.source == RECORD_SOURCE_UDEMY)
        ):
            values = tuple(shared.setdefault(v, v) for v in row[5:])
            existing[_pair(row[3], row[4])] = (row[0], row[1], row[2], _normal_values(values))
        for count, (line, cells) in enumerate(rows, 1):
            self.outcome.row_count += 1
            activity = read_course_activity(reader, cells)
            if self.problems_of(line, reader) or activity is None:
                continue
            learner_id = learners.match(activity.email, activity.external_id)
            if learner_id is None:
                self.unmatched(line, activity.email, activity.external_id, activity.user_name)
                continue
            code = COURSE_CODE_PREFIX + activity.course_id
            course_id = courses.get(code)
            if code not in courses:
                course_id = self._new_course(code, activity)
                courses[code] = course_id
            course_key = course_id if course_id is not None else sys.intern(code)
            if self.duplicate((learner_id, course_key), line, reader.label("course_id")):
                continue
            self._record(learner_id, course_id, activity, existing)
            if len(self.pending) >= CHUNK:
                self.flush(TrainingRecord, _RECORD_INSERT)
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
        self.flush(TrainingRecord, _RECORD_INSERT)

    def _new_course(self, code: str, activity: CourseActivity) -> int | None:
        self.outcome.new_courses += 1
        if self.batch_id is None:
            return None
        result = self.session.execute(
            insert(table_of(Course)).values(
                code=code,
                title=activity.course_title,
                provider=PROVIDER,
                delivery_method="eラーニング",
                standard_hours=activity.duration_hours,
                category=activity.course_category or None,
                import_batch_id=self.batch_id,
                version=1,
                created_at=self.now,
                updated_at=self.now,
            )
        )
        course_id = int(result.inserted_primary_key[0])  # type: ignore[attr-defined]
        self.changes.append(
            {
                "batch_id": self.batch_id,
                "entity": "course",
                "entity_id": course_id,
                "action": "created",
                "before_json": "{}",
                "after_version": 1,
            }
        )
        return course_id

    def _record(
        self,
        learner_id: int,
        course_id: int | None,
        activity: CourseActivity,
        existing: dict[int, tuple[Any, ...]],
    ) -> None:
        minutes = activity.minutes
        values = (
            _status(activity),
            activity.enrolled_on,
            activity.started_on,
            activity.completed_on,
            activity.last_accessed_on,
            None if minutes is None else (Decimal(minutes) / 60).quantize(Decimal("0.01")),
            minutes,
            activity.progress_percent,
        )
        found = existing.get(_pair(learner_id, course_id)) if course_id is not None else None
        if found is None:
            self.outcome.created += 1
            self.pending.append(
                (
                    learner_id,
                    course_id,
                    values[0].value,
                    *values[1:],
                    RECORD_SOURCE_UDEMY,
                    self.batch_id,
                    1,
                    self.stamp,
                    self.stamp,
                )
            )
            return
        before_values = found[3]
        stored_last, new_last = before_values[4], activity.last_accessed_on
        older_export = stored_last is not None and new_last is not None and new_last < stored_last
        if older_export or before_values == values:
            self.outcome.unchanged += 1
            return
        self.outcome.updated += 1
        self.update(
            TrainingRecord,
            found,
            dict(zip(_RECORD_FIELDS, values, strict=True)),
            dict(zip(_RECORD_FIELDS, before_values, strict=True)),
        )


def _pair(learner_id: int, course_id: int) -> int:
    return (learner_id << 32) | course_id


def _normal_values(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Stored values in the form a parsed row has them, so the two compare with ==."""
    return tuple(_normal(v) for v in values)


def _same(stored: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
    return all(_normal(a) == _normal(b) for a, b in zip(stored, new, strict=True))


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, Decimal | float):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    if isinstance(value, str) and not isinstance(value, TrainingStatus):
        try:
            return TrainingStatus(value)
        except ValueError:
            return value
    return value


class _TotalsWriter(_Writer):
    entity = "totals"

    def consume(
        self,
        rows: Iterator[tuple[int, list[str]]],
        reader: CellReader,
        learners: _Learners,
        progress: Progress | None,
    ) -> None:
        table = table_of(PlatformTotals)
        existing = {
            row.learner_id: (row.id, row.version, row.import_batch_id, tuple(row[4:]))
            for row in self.session.execute(
                select(
                    table.c.id,
                    table.c.version,
                    table.c.import_batch_id,
                    table.c.learner_id,
                    *(table.c[name] for name in _TOTALS_FIELDS),
                ).where(table.c.platform == PLATFORM)
            )
        }
        for count, (line, cells) in enumerate(rows, 1):
            self.outcome.row_count += 1
            activity = read_user_activity(reader, cells)
            if self.problems_of(line, reader) or activity is None:
                continue
            learner_id = learners.match(activity.email, activity.external_id)
            if learner_id is None:
                self.unmatched(line, activity.email, activity.external_id, activity.user_name)
                continue
            if self.duplicate(learner_id, line, reader.label("email")):
                continue
            self._totals(learner_id, activity, existing)
            if len(self.pending) >= CHUNK:
                self.flush(PlatformTotals, _TOTALS_INSERT)
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
        self.flush(PlatformTotals, _TOTALS_INSERT)

    def _totals(self, learner_id: int, activity: UserActivity, existing: dict[int, tuple[Any, ...]]) -> None:
        values: tuple[Any, ...] = (
            activity.enrolled,
            activity.started,
            activity.completed,
            activity.minutes,
            activity.last_visited_on,
        )
        found = existing.get(learner_id)
        if found is None:
            self.outcome.created += 1
            self.pending.append((learner_id, PLATFORM, *values, self.batch_id, 1, self.stamp, self.stamp))
        elif _same(found[3], values):
            self.outcome.unchanged += 1
        else:
            self.outcome.updated += 1
            self.update(
                PlatformTotals,
                found,
                dict(zip(_TOTALS_FIELDS, values, strict=True)),
                dict(zip(_TOTALS_FIELDS, found[3], strict=True)),
            )
