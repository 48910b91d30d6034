"""Saved 様式 mappings, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from desktop.exchange.template_fill import TemplateMapping
from desktop.store.column_mappings import ColumnMappings
from desktop.store.database import Database
from desktop.store.errors import NotFoundError, ValidationFailed
from desktop.store.models import ColumnMapping
from desktop.store.template_mappings import TemplateMappings, TemplateMappingUnreadable

FORM = TemplateMapping("様式1", 4, 5, {"name": "B", "furigana": "C", "email": "D", "start_date": "E"})


def test_a_mapping_saved_once_is_reused(db: Database) -> None:
    TemplateMappings(db).save("県の様式（令和7年度）", FORM)
    # A later action, a new facade: what the export dialog does each time.
    assert TemplateMappings(db).load("県の様式（令和7年度）") == FORM
    assert TemplateMappings(db).names() == ["県の様式（令和7年度）"]


def test_saving_under_the_same_name_replaces(db: Database) -> None:
    mappings = TemplateMappings(db)
    mappings.save("様式", FORM)
    changed = TemplateMapping("様式1", 4, 6, {"name": "C"})
    mappings.save(" 様式 ", changed)  # the name is trimmed as ColumnMappings does
    assert mappings.names() == ["様式"] and mappings.load("様式") == changed


def test_template_and_roster_mappings_do_not_mix(db: Database) -> None:
    ColumnMappings(db, "roster").save("人事システム", {"number": "職員番号"})
    TemplateMappings(db).save("国の様式", FORM)
    assert TemplateMappings(db).names() == ["国の様式"]
    assert ColumnMappings(db, "roster").names() == ["人事システム"]


def test_delete_and_not_found(db: Database) -> None:
    mappings = TemplateMappings(db)
    mappings.save("様式", FORM)
    mappings.delete("様式")
    mappings.delete("様式")  # deleting twice is harmless
    with pytest.raises(NotFoundError, match="列の割り当て「様式」は保存されていません"):
        mappings.load("様式")


def test_a_wrong_mapping_or_name_is_refused(db: Database) -> None:
    mappings = TemplateMappings(db)
    with pytest.raises(ValidationFailed, match="Excel の列記号"):
        mappings.save("様式", TemplateMapping("様式1", 4, 5, {"name": "B2"}))
    with pytest.raises(ValidationFailed, match="64文字以内"):
        mappings.save("", FORM)
    assert mappings.names() == []


def test_a_damaged_saved_mapping_is_reported(db: Database) -> None:
    TemplateMappings(db).save("様式", FORM)
    with db.transaction() as session:
        row = session.scalars(select(ColumnMapping).where(ColumnMapping.kind == "template")).one()
        row.mapping_json = '{"template_mapping": "{\\"sheet\\": 1}"}'
    with pytest.raises(TemplateMappingUnreadable, match="様式の割り当て「様式」を読めません"):
        TemplateMappings(db).load("様式")
    ColumnMappings(db, "template").save("別物", {"name": "B"})
    with pytest.raises(TemplateMappingUnreadable, match="保存し直してください"):
        TemplateMappings(db).load("別物")
