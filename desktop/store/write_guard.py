"""What each role may write, enforced under every service: on the statements sent to the database.

Checking the SQL itself (ORM flushes, Core statements and the importers'
driver-level INSERTs all pass through `before_cursor_execute`) means a new
service cannot forget the check. The audit log's own triggers refuse any
change to it whoever asks; this gives the clear message first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event

from desktop.domain.accounts import Actor, Role
from desktop.store.errors import PermissionDeniedError

_WRITE = re.compile(
    r'\s*(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?',
    re.IGNORECASE,
)

AUDIT_TABLE = "audit_log"
# Settings and rule files decide every figure the office prints: 管理者 only.
ADMIN_TABLES = frozenset({"settings", "grant_rule_sets"})
# What a 閲覧者's session still writes: the log of what they printed and their
# own sign-in bookkeeping.
VIEWER_TABLES = frozenset({AUDIT_TABLE, "app_users"})
# Set while the app stores its own bundled data on first use (the skill
# framework, the course catalogue): that is no person's change, whoever looks.
_bundled_write: ContextVar[bool] = ContextVar("bundled_write", default=False)


@contextmanager
def storing_bundled_data() -> Iterator[None]:
    token = _bundled_write.set(True)
    try:
        yield
    finally:
        _bundled_write.reset(token)


VIEWER_REFUSAL = "閲覧者の権限では変更できません（何も変更していません）。変更が必要なときは、担当者か管理者に依頼してください。"
ADMIN_REFUSAL = "この操作は管理者だけができます（何も変更していません）。管理者に依頼してください。"
AUDIT_REFUSAL = "監査ログは変更も削除もできません（何も変更していません）。"


def refusal(role: Role, statement: str) -> str | None:
    """The message refusing `statement` for `role`, or None when it may run."""
    match = _WRITE.match(statement)
    if match is None:
        return None
    verb, table = match.group(1).split()[0].upper(), match.group(2).lower()
    if table == AUDIT_TABLE:
        return None if verb == "INSERT" else AUDIT_REFUSAL
    if _bundled_write.get():
        return None
    if role is Role.VIEWER and table not in VIEWER_TABLES:
        return VIEWER_REFUSAL
    if role is not Role.ADMIN and table in ADMIN_TABLES:
        return ADMIN_REFUSAL
    return None


def install_write_guard(engine: Engine, actor_of: Callable[[], Actor]) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _check(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _executemany: bool
    ) -> None:
        message = refusal(actor_of().role, statement)
        if message is not None:
            raise PermissionDeniedError(message)
