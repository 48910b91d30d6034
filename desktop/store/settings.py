"""Office-wide settings stored in the database (table ``settings``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop.store.models import Setting

FRAMEWORK_IN_USE = "diagnosis.framework_code"


def read_setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return None if row is None else row.value


def write_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value
    session.flush()
