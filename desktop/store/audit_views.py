"""Reading the audit log for the 管理者: filtered, newest first, and written out as a workbook."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, or_, select

from desktop.domain.accounts import Role
from desktop.domain.audit import AuditAction, action_label, entity_label, field_label
from desktop.store.audit_log import LocalClock, recorded_output
from desktop.store.database import Database
from desktop.store.errors import PermissionDeniedError
from desktop.store.models import AuditEntry, table_of

Progress = Callable[[int], None]

ADMIN_ONLY = "監査ログを見られるのは管理者だけです。"
HEADERS = (
    "日時",
    "利用者",
    "ログイン名",
    "権限",
    "操作",
    "対象",
    "番号",
    "対象の名前",
    "項目",
    "変更前",
    "変更後",
    "内容",
)


def _utc(day: date) -> datetime:
    """The stored time at which `day` begins on this PC's clock."""
    return datetime(day.year, day.month, day.day).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class AuditFilter:
    since: date | None = None  # dates on this PC's clock, both ends included
    until: date | None = None
    actor_login: str | None = None
    action: AuditAction | None = None
    entity: str | None = None
    text: str = ""  # in the name of what was touched, the values or the detail


class AuditRow(NamedTuple):
    """One entry as the viewer shows it (a NamedTuple: a page is 5,000 of them, made in a moment)."""

    at: datetime  # this PC's clock
    actor_login: str
    actor_name: str
    actor_role: str
    action: str
    entity: str
    entity_id: int | None
    entity_label: str
    field: str | None
    old_value: str | None
    new_value: str | None
    detail: str
    id: int

    def cells(self) -> list[object]:
        try:
            role = Role(self.actor_role).label
        except ValueError:
            role = self.actor_role
        return [
            self.at,
            self.actor_name or self.actor_login,
            self.actor_login,
            role,
            action_label(self.action),
            entity_label(self.entity),
            self.entity_id,
            self.entity_label,
            field_label(self.entity, self.field),
            self.old_value,
            self.new_value,
            self.detail,
        ]


def _require_admin(db: Database) -> None:
    if not db.actor.role.can_administer:
        raise PermissionDeniedError(ADMIN_ONLY)


_LOG = table_of(AuditEntry)
_COLUMNS = (
    _LOG.c.id,
    _LOG.c.at,
    _LOG.c.actor_login,
    _LOG.c.actor_name,
    _LOG.c.actor_role,
    _LOG.c.action,
    _LOG.c.entity,
    _LOG.c.entity_id,
    _LOG.c.entity_label,
    _LOG.c.field,
    _LOG.c.old_value,
    _LOG.c.new_value,
    _LOG.c.detail,
)


def _conditions(conditions: AuditFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if conditions.since is not None:
        where.append(_LOG.c.at >= _utc(conditions.since))
    if conditions.until is not None:
        where.append(_LOG.c.at < _utc(conditions.until + timedelta(days=1)))
    if conditions.actor_login:
        where.append(_LOG.c.actor_login == conditions.actor_login)
    if conditions.action is not None:
        where.append(_LOG.c.action == conditions.action.value)
    if conditions.entity:
        where.append(_LOG.c.entity == conditions.entity)
    text = conditions.text.strip()
    if text:
        pattern = f"%{text}%"
        where.append(
            or_(
                _LOG.c.entity_label.like(pattern),
                _LOG.c.old_value.like(pattern),
                _LOG.c.new_value.like(pattern),
                _LOG.c.detail.like(pattern),
            )
        )
    return where


def _query(conditions: AuditFilter) -> Select[Any]:
    return select(*_COLUMNS).where(*_conditions(conditions)).order_by(_LOG.c.at.desc(), _LOG.c.id.desc())


def _row(row: Any, clock: LocalClock) -> AuditRow:
    entry_id, at, login, name, role, action, entity, entity_id, label, field, old, new, detail = row
    return AuditRow(
        clock(at), login, name, role, action, entity, entity_id, label, field, old, new, detail, entry_id
    )


def audit_rows(db: Database, conditions: AuditFilter, limit: int = 5000) -> tuple[list[AuditRow], int]:
    """The newest `limit` entries that match, and how many match in all."""
    _require_admin(db)
    with db.transaction() as session:
        counted = select(func.count()).select_from(_LOG).where(*_conditions(conditions))
        total = int(session.scalar(counted) or 0)
        clock = LocalClock()
        rows = [_row(row, clock) for row in session.execute(_query(conditions).limit(limit))]
    return rows, total


def actor_logins(db: Database) -> list[str]:
    _require_admin(db)
    with db.transaction() as session:
        return list(session.scalars(select(_LOG.c.actor_login).distinct().order_by(_LOG.c.actor_login)))


def _stream(db: Database, conditions: AuditFilter, progress: Progress | None) -> Iterator[list[object]]:
    with db.transaction() as session:
        result = session.execute(_query(conditions).execution_options(stream_results=True, yield_per=5000))
        clock = LocalClock()
        for done, row in enumerate(result, start=1):
            if progress is not None and done % 5000 == 0:
                progress(done)
            yield _row(row, clock).cells()


def export_audit(db: Database, conditions: AuditFilter, out: Path, progress: Progress | None = None) -> int:
    """The matching entries as a workbook (.xlsx) or CSV (.csv, UTF-8 with BOM); the export is itself logged.

    `progress(n)` is told every 5,000 entries written, and may raise to cancel (nothing is left at `out`).
    """
    from desktop.exchange.tabular import write_csv, write_xlsx
    from desktop.store.import_common import file_errors

    _require_admin(db)
    rows = _stream(db, conditions, progress)
    with recorded_output(db, AuditAction.EXPORT, "監査ログ", target=str(out)) as note, file_errors():
        if out.suffix.lower() == ".csv":
            count = write_csv(out, HEADERS, rows, encoding="utf-8-sig")
        else:
            count = write_xlsx(out, HEADERS, rows, sheet_title="監査ログ", date_format="yyyy/mm/dd hh:mm:ss")
        note.summary = f"{count:,}件"
    return count


def export_size(db: Database, conditions: AuditFilter) -> int:
    """How many entries an export of `conditions` writes (for its progress bar)."""
    return audit_rows(db, conditions, limit=0)[1]
