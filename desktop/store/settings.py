"""Office-wide settings stored in the database (table ``settings``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from desktop.store.database import Database
from desktop.store.models import Setting

FRAMEWORK_IN_USE = "diagnosis.framework_code"
APPROVAL_BOXES = "plan.approval_boxes"
DEFAULT_APPROVAL_BOXES = ("本人", "ラーニングパートナー", "所属長")
MAX_APPROVAL_BOXES = 6


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


def approval_boxes(db: Database) -> tuple[str, ...]:
    """The titles of the approval boxes (押印欄) printed on a 学習計画書, in order."""
    with db.transaction() as session:
        stored = read_setting(session, APPROVAL_BOXES)
    titles = tuple(t for t in (stored or "").split("\n") if t.strip())
    return titles or DEFAULT_APPROVAL_BOXES


def set_approval_boxes(db: Database, titles: Sequence[str]) -> tuple[str, ...]:
    """Store the box titles in print order; ValueError (Japanese) for none, too many or too long."""
    cleaned = tuple(t.strip() for t in titles if t.strip())
    if not cleaned:
        raise ValueError("押印欄を1つ以上指定してください。")
    if len(cleaned) > MAX_APPROVAL_BOXES:
        raise ValueError(f"押印欄は{MAX_APPROVAL_BOXES}つまでです。")
    long = [t for t in cleaned if len(t) > 12]
    if long:
        raise ValueError(f"押印欄の名前「{long[0]}」が長すぎます（12文字まで）。")
    with db.transaction() as session:
        write_setting(session, APPROVAL_BOXES, "\n".join(cleaned))
    return cleaned
