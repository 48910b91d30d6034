"""Writing the audit log: every change to personal data, as it is flushed, and every output of it.

Changes are found by SQLAlchemy itself (each flushed object's attribute
history), so a service cannot change a learner without the log seeing the
old and the new value. Outputs (prints, exports) are recorded by
`recorded_output` around the code that writes the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from desktop.domain.audit import HIDDEN_FIELDS, HIDDEN_VALUE, AuditAction, clip
from desktop.store.models import (
    AppUser,
    AuditEntry,
    Base,
    Diagnosis,
    GrantPlan,
    GrantTrainee,
    Learner,
    LearningPlan,
    TrainingRecord,
    table_of,
    utcnow,
)

if TYPE_CHECKING:
    from desktop.domain.accounts import Actor
    from desktop.store.database import Database

AUDITED: tuple[type[Base], ...] = (
    Learner,
    TrainingRecord,
    Diagnosis,
    LearningPlan,
    GrantPlan,
    GrantTrainee,
    AppUser,
)
# Bookkeeping a person never typed: the log would only repeat the row's version.
SKIPPED_COLUMNS = frozenset(
    {
        "id",
        "version",
        "created_at",
        "updated_at",
        "import_batch_id",
        "current_page",
        "last_sign_in_at",
        "failed_attempts",  # sign-in failures have entries of their own
        "locked_until",
    }
)


@dataclass(frozen=True)
class Fact:
    """One row of the log before it is written."""

    action: AuditAction
    entity: str
    entity_id: int | None = None
    label: str = ""
    field: str | None = None
    old: str | None = None
    new: str | None = None
    detail: str = ""


def as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return clip(str(value))


def entry_row(actor: Actor, fact: Fact, at: object) -> dict[str, Any]:
    """The log row, its keys in AUDIT_COLUMNS order."""
    return {
        "at": at,
        "actor_login": actor.login,
        "actor_name": actor.display_name,
        "actor_role": "" if actor.is_unknown else actor.role.value,
        "action": fact.action.value,
        "entity": fact.entity,
        "entity_id": fact.entity_id,
        "entity_label": (fact.label or "")[:200],
        "field": fact.field,
        "old_value": fact.old,
        "new_value": fact.new,
        "detail": fact.detail,
    }


def write_facts(session: Session, actor: Actor, facts: Iterable[Fact]) -> int:
    """Add the facts to the log in the session's transaction (Core: safe inside a flush)."""
    at = utcnow()
    rows = [entry_row(actor, fact, at) for fact in facts]
    if rows:
        session.connection().execute(insert(table_of(AuditEntry)), rows)
    return len(rows)


AUDIT_COLUMNS = (
    "at",
    "actor_login",
    "actor_name",
    "actor_role",
    "action",
    "entity",
    "entity_id",
    "entity_label",
    "field",
    "old_value",
    "new_value",
    "detail",
)


def write_many(session: Session, actor: Actor, facts: Iterable[Fact]) -> int:
    """Like write_facts, through the importers' driver-level INSERT: 50,000 facts cost a tenth of a second."""
    from desktop.store.bulk import date_binder, insert_rows

    stamp = date_binder(session)(utcnow())
    rows = [tuple(entry_row(actor, fact, stamp).values()) for fact in facts]
    insert_rows(session, table_of(AuditEntry), AUDIT_COLUMNS, rows)
    return len(rows)


def _learner_names(session: Session, objects: Iterable[Any]) -> dict[int, str]:
    ids = {obj.learner_id for obj in objects if getattr(obj, "learner_id", None) is not None}
    ids |= {obj.id for obj in objects if isinstance(obj, Learner) and obj.id is not None}
    if not ids:
        return {}
    learners = table_of(Learner)
    query = select(learners.c.id, learners.c.number, learners.c.name).where(learners.c.id.in_(sorted(ids)))
    return {row.id: f"{row.number} {row.name}" for row in session.connection().execute(query)}


def _label(obj: Any, names: dict[int, str]) -> str:
    if isinstance(obj, Learner):
        return f"{obj.number} {obj.name}"
    if isinstance(obj, AppUser):
        return f"{obj.login} {obj.display_name}"
    if isinstance(obj, GrantPlan):
        return obj.title
    learner_id = getattr(obj, "learner_id", None)
    return names.get(learner_id, f"受講者#{learner_id}") if learner_id is not None else ""


def _changes(obj: Any, entity: str) -> Iterator[tuple[str, str | None, str | None]]:
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SKIPPED_COLUMNS:
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if (entity, key) in HIDDEN_FIELDS:
            yield key, HIDDEN_VALUE, HIDDEN_VALUE
            continue
        old_text, new_text = as_text(old), as_text(new)
        if old_text != new_text:
            yield key, old_text, new_text


def flushed_facts(session: Session) -> list[Fact]:
    """What this flush changes of the audited rows: additions, each changed field, deletions."""
    new: list[Any] = [obj for obj in session.new if isinstance(obj, AUDITED)]
    dirty: list[Any] = [obj for obj in session.dirty if isinstance(obj, AUDITED) and session.is_modified(obj)]
    deleted: list[Any] = [obj for obj in session.deleted if isinstance(obj, AUDITED)]
    if not (new or dirty or deleted):
        return []
    names = _learner_names(session, [*new, *dirty, *deleted])
    facts: list[Fact] = []
    for obj in new:
        entity = type(obj).__tablename__
        facts.append(Fact(AuditAction.CREATE, entity, obj.id, _label(obj, names)))
    for obj in dirty:
        entity = type(obj).__tablename__
        label = _label(obj, names)
        for key, old, value in _changes(obj, entity):
            facts.append(Fact(AuditAction.UPDATE, entity, obj.id, label, key, old, value))
    for obj in deleted:
        entity = type(obj).__tablename__
        facts.append(Fact(AuditAction.DELETE, entity, obj.id, _label(obj, names)))
    return facts


def local_time(utc: datetime) -> datetime:
    """A stored (naive UTC) time as this PC's clock shows it: Japan time in an office."""
    return utc.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


class LocalClock:
    """local_time for many rows: the zone's offset looked up once per quarter hour.

    Offsets change on a local hour, which falls on a quarter hour in UTC in every
    zone (St John's is UTC-3:30, Kathmandu +5:45). The lookup was most of the
    cost of showing 5,000 log rows; a page of them spans a few hundred quarters.
    """

    def __init__(self) -> None:
        self._offsets: dict[tuple[int, int, int, int, int], timedelta] = {}

    def __call__(self, utc: datetime) -> datetime:
        key = (utc.year, utc.month, utc.day, utc.hour, utc.minute // 15)
        offset = self._offsets.get(key)
        if offset is None:
            quarter = utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)
            offset = self._offsets[key] = local_time(quarter) - quarter
        return utc + offset


@dataclass(frozen=True)
class LastSave:
    who: str
    at: datetime  # stored UTC
    changes: list[tuple[str, str | None, str | None]]  # (field, old, new)


def last_save(session: Session, entity: str, entity_id: int) -> LastSave | None:
    """The fields the newest save of one row changed, from the log: what a stale editor missed."""
    table = table_of(AuditEntry)
    newest = session.execute(
        select(table.c.at, table.c.actor_login, table.c.actor_name)
        .where(
            table.c.entity == entity,
            table.c.entity_id == entity_id,
            table.c.action == AuditAction.UPDATE.value,
        )
        .order_by(table.c.id.desc())
        .limit(1)
    ).first()
    if newest is None:
        return None
    rows = session.execute(
        select(table.c.field, table.c.old_value, table.c.new_value)
        .where(
            table.c.entity == entity,
            table.c.entity_id == entity_id,
            table.c.action == AuditAction.UPDATE.value,
            # One save writes its facts within moments of each other (the flush, then the service's own).
            table.c.at >= newest.at - timedelta(seconds=2),
            table.c.actor_login == newest.actor_login,
        )
        .order_by(table.c.id)
    )
    who = newest.actor_name or newest.actor_login
    return LastSave(who, newest.at, [(row.field, row.old_value, row.new_value) for row in rows])


def install_audit(db: Database) -> None:
    from sqlalchemy import event

    @event.listens_for(db.sessions, "after_flush")
    def _record(session: Session, _context: Any) -> None:
        facts = flushed_facts(session)
        if facts:
            write_facts(session, db.actor, facts)


def record(db: Database, fact: Fact) -> None:
    """One fact in its own transaction (a sign-in, a restore, a setting)."""
    with db.transaction() as session:
        write_facts(session, db.actor, [fact])


OUTPUT_READ_ONLY = (
    "読み取り専用で開いているため、個人情報を含む印刷・出力はできません（監査ログに記録できないため）。"
    "ほかで開いているまなび台帳を閉じてから、開き直してください。"
)


@dataclass
class OutputNote:
    """What the code writing an output may add once it knows (how many, a summary)."""

    people: int | None = None
    summary: str = ""


@contextmanager
def recorded_output(
    db: Database, action: AuditAction, what: str, *, people: int | None = None, target: str = ""
) -> Iterator[OutputNote]:
    """Around writing a print or export with personal data: logged once it has been written.

    Refused before anything is written when the log cannot be written (a
    read-only database): an output nobody can trace is not made.
    """
    from desktop.store.database import ReadOnlyDatabaseError

    if db.read_only:
        raise ReadOnlyDatabaseError(OUTPUT_READ_ONLY)
    note = OutputNote(people)
    yield note
    parts = [f"{note.people:,}人分" if note.people is not None else "", note.summary, target]
    record(db, Fact(action, "file", None, what, detail="　".join(p for p in parts if p)))
