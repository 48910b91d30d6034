"""Saved 様式 mappings: the central office's form, mapped once, reused for every export.

They live in the column_mappings table under kind 'template'. That table keeps
{text: text} per name, and a template mapping also has a sheet and row
numbers, so the whole mapping is kept as its own JSON under one key: no new
table, no migration, and ColumnMappings keeps its validation of the name.
"""

from __future__ import annotations

from desktop.exchange.template_fill import TemplateError, TemplateMapping
from desktop.store.column_mappings import ColumnMappings
from desktop.store.database import Database
from desktop.store.errors import UserFacingError, ValidationFailed

KIND = "template"
_KEY = "template_mapping"


class TemplateMappingUnreadable(UserFacingError):
    """A saved mapping no longer reads (saved by a newer release, or edited by hand)."""


class TemplateMappings:
    def __init__(self, db: Database) -> None:
        self._saved = ColumnMappings(db, KIND)

    def names(self) -> list[str]:
        return self._saved.names()

    def save(self, name: str, mapping: TemplateMapping) -> None:
        """Save under `name`, replacing a mapping of the same name; a wrong mapping is refused."""
        problems = mapping.problems()
        if problems:
            raise ValidationFailed([("mapping", problem) for problem in problems])
        self._saved.save(name, {_KEY: mapping.to_json()})

    def load(self, name: str) -> TemplateMapping:
        """NotFoundError when nothing is saved under `name`."""
        stored = self._saved.load(name)
        text = stored.get(_KEY)
        if text is None:
            raise TemplateMappingUnreadable(f"様式の割り当て「{name}」を読めません。保存し直してください。")
        try:
            return TemplateMapping.from_json(text)
        except TemplateError as exc:
            raise TemplateMappingUnreadable(f"様式の割り当て「{name}」を読めません: {exc}") from exc

    def delete(self, name: str) -> None:
        self._saved.delete(name)
