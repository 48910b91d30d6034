"""取込履歴: every import, and undoing one as a whole.

An import marks the rows it wrote with its batch id and keeps the values it
overwrote. Undo deletes what it created and puts back what it changed — but
only if nobody has touched those rows since (their version still matches), and
only for the newest import of its kind, so two imports never unpick each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from desktop.domain.audit import AuditAction
from desktop.store.audit_log import Fact, write_facts
from desktop.store.database import Database
from desktop.store.errors import ConflictError, NotFoundError
from desktop.store.import_common import current_user, load_before
from desktop.store.models import (
    Course,
    Department,
    ImportBatch,
    ImportChange,
    ImportKind,
    Learner,
    Organization,
    PlatformTotals,
    TrainingRecord,
    table_of,
    utcnow,
)

SHOWN_NAMES = 10
_ENTITY_TABLES: dict[str, Any] = {
    "learner": Learner,
    "record": TrainingRecord,
    "totals": PlatformTotals,
}
# The table whose rows carry import_batch_id, per kind of import.
_AUDIT_ENTITY = {"learner": "roster", "record": "training_records", "totals": "training_records"}
_MAIN_ENTITY = {
    ImportKind.ROSTER: "learner",
    ImportKind.UDEMY_COURSES: "record",
    ImportKind.UDEMY_USERS: "totals",
}


@dataclass(frozen=True)
class BatchInfo:
    id: int
    kind: ImportKind
    file_name: str
    file_sha256: str
    created_at: datetime
    user_name: str
    row_count: int
    created_count: int
    updated_count: int
    unchanged_count: int
    retired_count: int
    skipped_count: int
    unmatched_count: int
    undone_at: datetime | None
    undone_by: str | None

    @property
    def counts_text(self) -> str:
        parts = [f"新規 {self.created_count}", f"更新 {self.updated_count}"]
        if self.retired_count:
            parts.append(f"退職 {self.retired_count}")
        if self.skipped_count:
            parts.append(f"エラー除外 {self.skipped_count}")
        if self.unmatched_count:
            parts.append(f"照合できず {self.unmatched_count}")
        return "、".join(parts)


def _coerce(column_type: Any, value: Any) -> Any:
    """A value from the JSON back into what the column holds."""
    if value is None:
        return None
    python_type = getattr(column_type, "python_type", None)
    try:
        if python_type is date and isinstance(value, str):
            return date.fromisoformat(value)
        if python_type is Decimal and isinstance(value, str):
            return Decimal(value)
    except NotImplementedError:
        return value
    return value


class ImportHistory:
    def __init__(self, db: Database, user_name: str | None = None) -> None:
        self._db = db
        self._user = user_name or current_user()

    def batches(self) -> list[BatchInfo]:
        with self._db.transaction() as session:
            batches = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))
            return [
                BatchInfo(
                    b.id,
                    b.kind,
                    b.file_name,
                    b.file_sha256,
                    b.created_at,
                    b.user_name,
                    b.row_count,
                    b.created_count,
                    b.updated_count,
                    b.unchanged_count,
                    b.retired_count,
                    b.skipped_count,
                    b.unmatched_count,
                    b.undone_at,
                    b.undone_by,
                )
                for b in batches
            ]

    def undo(self, batch_id: int) -> str:
        """Undo one import; returns what was done, in words. Refuses rather than half-undo."""
        with self._db.transaction() as session:
            batch = session.get(ImportBatch, batch_id)
            if batch is None:
                raise NotFoundError(f"取込番号 {batch_id} は見つかりません。")
            if batch.undone_at is not None:
                raise ConflictError(f"取込番号 {batch_id}（{batch.file_name}）は取り消し済みです。")
            newer = session.scalar(
                select(ImportBatch)
                .where(
                    ImportBatch.kind == batch.kind, ImportBatch.id > batch.id, ImportBatch.undone_at.is_(None)
                )
                .order_by(ImportBatch.id.desc())
                .limit(1)
            )
            if newer is not None:
                raise ConflictError(
                    f"取込番号 {batch_id} より新しい取込（番号 {newer.id}、{newer.file_name}）があります。"
                    "新しいものから順に取り消してください。"
                )
            changes = list(session.scalars(select(ImportChange).where(ImportChange.batch_id == batch_id)))
            entity = _MAIN_ENTITY[batch.kind]
            model = _ENTITY_TABLES[entity]
            changed_ids = {c.entity_id for c in changes if c.entity == entity}
            created = [
                row
                for row in session.execute(
                    select(model.id, model.version).where(model.import_batch_id == batch_id)
                )
                if row.id not in changed_ids
            ]
            self._refuse_if_touched(session, batch, entity, created, changes)
            created_ids = [row.id for row in created]
            table: Table = table_of(model)
            for chunk in _chunks(created_ids):
                session.execute(delete(table).where(table.c.id.in_(chunk)))
            restored = 0
            for change in changes:
                if change.entity == entity:
                    self._restore(session, table, change)
                    restored += 1
            removed_extra = self._remove_created_parents(session, changes)
            batch.undone_at = utcnow()
            batch.undone_by = self._user
            session.flush()
            text = f"取込番号 {batch_id}（{batch.file_name}）を取り消しました: 追加 {len(created_ids)}件を削除、{restored}件を元に戻しました。"
            if removed_extra:
                text += f" 取込で作られた{removed_extra}を削除しました。"
            fact = Fact(
                AuditAction.UNDO_IMPORT,
                _AUDIT_ENTITY.get(entity, entity),
                batch_id,
                batch.file_name,
                detail=text,
            )
            write_facts(session, self._db.actor, [fact])
        return text

    def _refuse_if_touched(
        self,
        session: Session,
        batch: ImportBatch,
        entity: str,
        created: list[Any],
        changes: list[ImportChange],
    ) -> None:
        model = _ENTITY_TABLES[entity]
        touched = [row.id for row in created if row.version != 1]
        current = {
            row.id: row.version
            for chunk in _chunks([c.entity_id for c in changes if c.entity == entity])
            for row in session.execute(select(model.id, model.version).where(model.id.in_(chunk)))
        }
        touched += [
            c.entity_id for c in changes if c.entity == entity and current.get(c.entity_id) != c.after_version
        ]
        blockers = self._describe(session, entity, touched)
        if blockers:
            raise ConflictError(
                f"取込番号 {batch.id} の後で、次の{len(touched)}件が画面や他のPCで変更されています。"
                "上書きを防ぐため、取り消しませんでした。\n" + blockers
            )
        if entity == "learner":
            created_ids = [row.id for row in created]
            with_records: list[int] = []
            for chunk in _chunks(created_ids):
                with_records += session.scalars(
                    select(TrainingRecord.learner_id).where(TrainingRecord.learner_id.in_(chunk)).distinct()
                ).all()
            if with_records:
                raise ConflictError(
                    f"取込番号 {batch.id} で追加した受講者のうち{len(with_records)}人には受講記録があるため、"
                    "取り消せません（受講記録を消すことになるため）。\n"
                    + self._describe(session, entity, with_records)
                )

    @staticmethod
    def _describe(session: Session, entity: str, ids: list[int]) -> str:
        if not ids:
            return ""
        shown = ids[:SHOWN_NAMES]
        if entity == "learner":
            rows = session.execute(select(Learner.number, Learner.name).where(Learner.id.in_(shown)))
            names = [f"・{r.number} {r.name}" for r in rows]
        elif entity == "record":
            rows = session.execute(
                select(Learner.name, Course.title)
                .join(TrainingRecord, TrainingRecord.learner_id == Learner.id)
                .join(Course, Course.id == TrainingRecord.course_id)
                .where(TrainingRecord.id.in_(shown))
            )
            names = [f"・{r.name}「{r.title}」" for r in rows]
        else:
            rows = session.execute(
                select(Learner.name)
                .join(PlatformTotals, PlatformTotals.learner_id == Learner.id)
                .where(PlatformTotals.id.in_(shown))
            )
            names = [f"・{r.name}" for r in rows]
        if len(ids) > SHOWN_NAMES:
            names.append(f"ほか {len(ids) - SHOWN_NAMES} 件")
        return "\n".join(names)

    @staticmethod
    def _restore(session: Session, table: Table, change: ImportChange) -> None:
        before = load_before(change.before_json)
        values = {key: _coerce(table.c[key].type, value) for key, value in before.items()}
        values["version"] = change.after_version + 1
        values["updated_at"] = utcnow()
        session.execute(update(table).where(table.c.id == change.entity_id).values(**values))

    @staticmethod
    def _remove_created_parents(session: Session, changes: list[ImportChange]) -> str:
        """Delete the 団体, 所属 and 講座 the import made, where nothing uses them any more."""
        removed: list[str] = []
        departments = sorted((c.entity_id for c in changes if c.entity == "department"), reverse=True)
        count = 0
        for dept_id in departments:
            used = session.scalar(select(func.count(Learner.id)).where(Learner.department_id == dept_id))
            children = session.scalar(
                select(func.count(Department.id)).where(Department.parent_id == dept_id)
            )
            if not used and not children:
                session.execute(delete(table_of(Department)).where(table_of(Department).c.id == dept_id))
                count += 1
        if count:
            removed.append(f"所属{count}件")
        count = 0
        for org_id in (c.entity_id for c in changes if c.entity == "organization"):
            used = session.scalar(select(func.count(Learner.id)).where(Learner.organization_id == org_id))
            if not used:
                session.execute(delete(table_of(Organization)).where(table_of(Organization).c.id == org_id))
                count += 1
        if count:
            removed.append(f"団体{count}件")
        course_ids = [c.entity_id for c in changes if c.entity == "course"]
        count = 0
        for chunk in _chunks(course_ids):
            unused = [
                course_id
                for course_id in chunk
                if not session.scalar(
                    select(func.count(TrainingRecord.id)).where(TrainingRecord.course_id == course_id)
                )
            ]
            if unused:
                session.execute(delete(table_of(Course)).where(table_of(Course).c.id.in_(unused)))
                count += len(unused)
        if count:
            removed.append(f"講座{count}件")
        return "・".join(removed)


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
