"""Reading the audit log for the 管理者: filtered, newest first, and written out as a workbook."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select

from desktop.domain.audit import AuditAction, action_label, entity_label, field_label
from desktop.store.audit_log import local_time, recorded_output
from desktop.store.database import Database
from desktop.store.errors import PermissionDeniedError
from desktop.store.models import AuditEntry

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


@dataclass(frozen=True)
class AuditRow:
    id: int
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

    def cells(self) -> list[object]:
        from desktop.domain.accounts import Role

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


def _query(conditions: AuditFilter) -> Select[Any]:
    query = select(AuditEntry)
    if conditions.since is not None:
        query = query.where(AuditEntry.at >= _utc(conditions.since))
    if conditions.until is not None:
        query = query.where(AuditEntry.at < _utc(conditions.until + timedelta(days=1)))
    if conditions.actor_login:
        query = query.where(AuditEntry.actor_login == conditions.actor_login)
    if conditions.action is not None:
        query = query.where(AuditEntry.action == conditions.action.value)
    if conditions.entity:
        query = query.where(AuditEntry.entity == conditions.entity)
    text = conditions.text.strip()
    if text:
        pattern = f"%{text}%"
        query = query.where(
            or_(
                AuditEntry.entity_label.like(pattern),
                AuditEntry.old_value.like(pattern),
                AuditEntry.new_value.like(pattern),
                AuditEntry.detail.like(pattern),
            )
        )
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(
        entry.id,
        local_time(entry.at),
        entry.actor_login,
        entry.actor_name,
        entry.actor_role,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.entity_label,
        entry.field,
        entry.old_value,
        entry.new_value,
        entry.detail,
    )


def audit_rows(db: Database, conditions: AuditFilter, limit: int = 5000) -> tuple[list[AuditRow], int]:
    """The newest `limit` entries that match, and how many match in all."""
    _require_admin(db)
    query = _query(conditions)
    with db.transaction() as session:
        total = int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
        rows = [_row(entry) for entry in session.scalars(query.limit(limit))]
    return rows, total


def actor_logins(db: Database) -> list[str]:
    _require_admin(db)
    with db.transaction() as session:
        return list(
            session.scalars(select(AuditEntry.actor_login).distinct().order_by(AuditEntry.actor_login))
        )


def _stream(db: Database, conditions: AuditFilter) -> Iterator[list[object]]:
    with db.transaction() as session:
        for entry in session.scalars(_query(conditions).execution_options(yield_per=2000)):
            yield _row(entry).cells()


def export_audit(db: Database, conditions: AuditFilter, out: Path) -> int:
    """The matching entries as a workbook (.xlsx) or CSV (.csv, UTF-8 with BOM); the export is itself logged."""
    from desktop.exchange.tabular import write_csv, write_xlsx

    _require_admin(db)
    from desktop.store.import_common import file_errors

    with recorded_output(db, AuditAction.EXPORT, "監査ログ", target=str(out)), file_errors():
        if out.suffix.lower() == ".csv":
            count = write_csv(out, HEADERS, _stream(db, conditions), encoding="utf-8-sig")
        else:
            count = write_xlsx(
                out,
                HEADERS,
                _stream(db, conditions),
                sheet_title="監査ログ",
                date_format="yyyy/mm/dd hh:mm:ss",
            )
    return count
