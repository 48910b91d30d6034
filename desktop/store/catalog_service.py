"""Course catalogues in the database: the bundled default, an office's own file, and their courses.

One catalogue per framework code. Its courses are also written to ``courses``
(by code), so that plan lines and training records meet on the same row.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.catalog import Catalog, CatalogError, catalog_from_data
from desktop.domain.framework import Framework
from desktop.resources import resource_path
from desktop.safe_write import replacing
from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.models import Course, StoredCatalog

DEFAULT_CATALOG_FILE = "default_catalog.json"


class CatalogImportError(UserFacingError):
    pass


def _checked(data: object, source: str, framework: Framework) -> Catalog:
    try:
        return catalog_from_data(
            data, source, [c.id for c in framework.categories], [r.id for r in framework.roles]
        )
    except CatalogError as exc:
        raise CatalogImportError(str(exc)) from exc


@cache
def _bundled_data() -> dict[str, object]:
    loaded: dict[str, object] = json.loads(
        resource_path("catalogs", DEFAULT_CATALOG_FILE).read_text(encoding="utf-8")
    )
    return loaded


def _digest(catalog: Catalog) -> str:
    return hashlib.sha256(
        json.dumps(catalog.to_data(), ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


class CatalogService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[str, tuple[str, Catalog]] = {}

    def current_in(self, session: Session, framework: Framework) -> Catalog | None:
        """The framework's catalogue; the bundled one is stored on first use for the bundled framework."""
        row = session.scalars(
            select(StoredCatalog).where(StoredCatalog.framework_code == framework.code)
        ).first()
        if row is None:
            if _bundled_data().get("framework") != framework.code:
                return None
            catalog = _checked(_bundled_data(), DEFAULT_CATALOG_FILE, framework)
            self._save_in(session, catalog, None)
            return catalog
        cached = self._cache.get(framework.code)
        if cached is None or cached[0] != row.content_sha256:
            cached = (row.content_sha256, _checked(json.loads(row.data_json), row.name, framework))
            self._cache[framework.code] = cached
        return cached[1]

    def save_in(self, session: Session, catalog: Catalog, source: str | None) -> None:
        self._save_in(session, catalog, source)

    def import_file(self, path: Path, framework: Framework) -> Catalog:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CatalogImportError(f"{path.name}: 研修カタログとして読めません（{exc}）。") from exc
        catalog = _checked(data, path.name, framework)
        if catalog.framework != framework.code:
            raise CatalogImportError(
                f"{path.name}: このカタログは診断フレームワーク「{catalog.framework}」用です"
                f"（使用中は「{framework.code}」）。"
            )
        with self._db.transaction() as session:
            self._save_in(session, catalog, path.name)
        return catalog

    def export_file(self, framework: Framework, path: Path) -> None:
        with self._db.transaction() as session:
            catalog = self.current_in(session, framework)
        if catalog is None:
            raise UserFacingError(f"診断フレームワーク「{framework.name}」の研修カタログがありません。")
        with replacing(path) as file:
            file.write(json.dumps(catalog.to_data(), ensure_ascii=False, indent=2).encode("utf-8"))

    def _save_in(self, session: Session, catalog: Catalog, source: str | None) -> None:
        data = json.dumps(catalog.to_data(), ensure_ascii=False)
        digest = _digest(catalog)
        row = session.scalars(
            select(StoredCatalog).where(StoredCatalog.framework_code == catalog.framework)
        ).first()
        if row is None:
            session.add(
                StoredCatalog(
                    framework_code=catalog.framework,
                    name=catalog.name,
                    data_json=data,
                    content_sha256=digest,
                    source=source,
                )
            )
        elif row.content_sha256 != digest:
            row.name, row.data_json, row.content_sha256, row.source = catalog.name, data, digest, source
        existing = {
            c.code: c
            for c in session.scalars(select(Course).where(Course.code.in_([c.code for c in catalog.courses])))
        }
        for course in catalog.courses:
            stored = existing.get(course.code) or Course(code=course.code)
            stored.title = course.title
            stored.provider = course.provider.value
            stored.delivery_method = course.method.value
            stored.standard_hours = course.hours
            stored.fee_yen = course.fee
            stored.level = course.level.value
            stored.category = course.categories[0] if course.categories else None
            if course.code not in existing:
                session.add(stored)
        session.flush()
