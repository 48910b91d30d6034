"""Saved column mappings (列の割り当て): a name, and which header feeds which field."""

from __future__ import annotations

import json

from sqlalchemy import select

from desktop.store.database import Database
from desktop.store.errors import NotFoundError, ValidationFailed
from desktop.store.models import ColumnMapping

NAME_MAX = 64


class ColumnMappings:
    def __init__(self, db: Database, kind: str = "roster") -> None:
        self._db = db
        self._kind = kind

    def names(self) -> list[str]:
        with self._db.transaction() as session:
            return list(
                session.scalars(
                    select(ColumnMapping.name)
                    .where(ColumnMapping.kind == self._kind)
                    .order_by(ColumnMapping.name)
                )
            )

    def load(self, name: str) -> dict[str, str]:
        """Field key → header text, as saved."""
        with self._db.transaction() as session:
            text = session.scalar(
                select(ColumnMapping.mapping_json).where(
                    ColumnMapping.kind == self._kind, ColumnMapping.name == name
                )
            )
        if text is None:
            known = "、".join(self.names()) or "（保存された割り当てはありません）"
            raise NotFoundError(f"列の割り当て「{name}」は保存されていません。保存済み: {known}")
        loaded = json.loads(text)
        return {str(k): str(v) for k, v in loaded.items()}

    def save(self, name: str, mapping: dict[str, str]) -> None:
        """Save under `name`, replacing a mapping of the same name."""
        name = name.strip()
        if not name or len(name) > NAME_MAX:
            raise ValidationFailed([("name", f"割り当ての名前を{NAME_MAX}文字以内で入力してください。")])
        text = json.dumps(mapping, ensure_ascii=False, sort_keys=True)
        with self._db.transaction() as session:
            found = session.scalar(
                select(ColumnMapping).where(ColumnMapping.kind == self._kind, ColumnMapping.name == name)
            )
            if found is None:
                session.add(ColumnMapping(kind=self._kind, name=name, mapping_json=text))
            else:
                found.mapping_json = text

    def delete(self, name: str) -> None:
        with self._db.transaction() as session:
            found = session.scalar(
                select(ColumnMapping).where(ColumnMapping.kind == self._kind, ColumnMapping.name == name)
            )
            if found is not None:
                session.delete(found)
