"""Course catalogues in the database: the bundled default, an office's own file, and their courses.

One catalogue per framework code. Its courses are also written to ``courses``
(by code), so that plan lines and training records meet on the same row.
Importing a file replaces the framework's catalogue as a whole; a course the
new catalogue leaves out keeps its ``courses`` row (plan lines and training
records point at it), it is only no longer offered. Files are JSON (the
bundled form) or the Excel/CSV table of desktop.exchange.catalog_file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.catalog import Catalog, CatalogCourse, CatalogError, LearningPath, catalog_from_data
from desktop.domain.framework import Framework
from desktop.exchange.catalog_file import CatalogFileRejected, read_catalog_table, write_catalog_table
from desktop.resources import resource_path
from desktop.safe_write import replacing
from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.import_common import ImportRejected, LineProblem, file_errors
from desktop.store.models import Course, StoredCatalog
from desktop.store.write_guard import storing_bundled_data

DEFAULT_CATALOG_FILE = "default_catalog.json"
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")
_FIELD_LABELS = {
    "title": "講座名",
    "provider": "提供元",
    "method": "実施方法",
    "hours": "標準時間",
    "fee": "受講料",
    "level": "レベル",
    "categories": "育成する分類",
    "description": "説明",
}

assert {f.name for f in fields(CatalogCourse)} == {"code", *_FIELD_LABELS}, "a course field without a label"


class CatalogImportError(UserFacingError):
    pass


@dataclass(frozen=True)
class PathChange:
    role_name: str
    before: LearningPath
    after: LearningPath

    def describe(self) -> str:
        return (
            f"学習パス変更: {self.role_name}（必修 {len(self.before.required)}→{len(self.after.required)}件、"
            f"推奨 {len(self.before.recommended)}→{len(self.after.recommended)}件）"
        )


@dataclass(frozen=True)
class CatalogChanges:
    """What replacing one catalogue by another does, course by course and path by path."""

    added: tuple[CatalogCourse, ...]
    changed: tuple[tuple[CatalogCourse, tuple[str, ...]], ...]  # the course and the labels of what differs
    removed: tuple[CatalogCourse, ...]
    paths: tuple[PathChange, ...]
    identical: bool  # nothing at all differs, order, name and description included

    def lines(self) -> list[str]:
        return [
            *(f"追加: {c.code} {c.title}" for c in self.added),
            *(f"変更: {c.code} {c.title}（{'・'.join(what)}）" for c, what in self.changed),
            *(
                f"削除: {c.code} {c.title}（カタログから外します。受講記録と学習計画はそのまま残ります）"
                for c in self.removed
            ),
            *(p.describe() for p in self.paths),
        ]


def catalog_changes(before: Catalog | None, after: Catalog, framework: Framework) -> CatalogChanges:
    old = {c.code: c for c in before.courses} if before is not None else {}
    new = {c.code: c for c in after.courses}
    changed = []
    for code, course in new.items():
        previous = old.get(code)
        if previous is not None and previous != course:
            what = tuple(
                label
                for name, label in _FIELD_LABELS.items()
                if getattr(previous, name) != getattr(course, name)
            )
            changed.append((course, what))
    paths = []
    for role in framework.roles:
        was = before.path(role.id) if before is not None else LearningPath(role.id, (), ())
        now = after.path(role.id)
        if (was.required, was.recommended) != (now.required, now.recommended):
            paths.append(PathChange(role.name, was, now))
    return CatalogChanges(
        tuple(c for code, c in new.items() if code not in old),
        tuple(changed),
        tuple(c for code, c in old.items() if code not in new),
        tuple(paths),
        before == after,
    )


@dataclass(frozen=True)
class CatalogImported:
    file_name: str
    catalog: Catalog
    changes: CatalogChanges
    dry_run: bool

    def summary(self) -> str:
        """「講座 63件（追加 2・変更 5・削除 1）を取り込みました。…」"""
        changes = self.changes
        counts = (
            f"講座 {len(self.catalog.courses)}件（追加 {len(changes.added)}・変更 {len(changes.changed)}"
            f"・削除 {len(changes.removed)}）"
        )
        text = (
            f"（確認のみ・書き込みなし）{counts}を取り込めます。"
            if self.dry_run
            else f"{counts}を取り込みました。"
        )
        if changes.paths:
            text += f"学習パスが変わる役割: {'、'.join(p.role_name for p in changes.paths)}。"
        elif changes.identical:
            text += "内容に変更はありません。"
        return text


@dataclass(frozen=True)
class CurrentCatalog:
    catalog: Catalog
    source: str | None  # the file it was imported from; None for the bundled catalogue


class _DryRunDone(Exception):
    def __init__(self, result: CatalogImported) -> None:
        super().__init__()
        self.result = result


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
            with storing_bundled_data():
                self._save_in(session, catalog, None)
                session.flush()
            return catalog
        cached = self._cache.get(framework.code)
        if cached is None or cached[0] != row.content_sha256:
            cached = (row.content_sha256, _checked(json.loads(row.data_json), row.name, framework))
            self._cache[framework.code] = cached
        return cached[1]

    def save_in(self, session: Session, catalog: Catalog, source: str | None) -> None:
        self._save_in(session, catalog, source)

    def current(self, framework: Framework) -> CurrentCatalog | None:
        """The framework's catalogue and where it came from (the bundled one is stored on first use)."""
        with self._db.transaction() as session:
            catalog = self.current_in(session, framework)
            source = session.scalar(
                select(StoredCatalog.source).where(StoredCatalog.framework_code == framework.code)
            )
        return None if catalog is None else CurrentCatalog(catalog, source)

    def import_file(self, path: Path, framework: Framework) -> Catalog:
        return self.import_catalog(path, framework).catalog

    def import_catalog(self, path: Path, framework: Framework, *, dry_run: bool = False) -> CatalogImported:
        """Replace the framework's catalogue by a .json, .xlsx or .csv file: all of it, or nothing.

        Raises ImportRejected (a table's problems by line and column), CatalogImportError
        (a JSON file's problems) or another UserFacingError (the file cannot be read).
        """
        parsed = self._read(path, framework)
        try:
            with self._db.transaction() as session:
                current = self.current_in(session, framework)
                catalog = parsed
                if current is not None and path.suffix.lower() != ".json":  # a table has no name
                    catalog = replace(parsed, name=current.name, description=current.description)
                result = CatalogImported(
                    path.name, catalog, catalog_changes(current, catalog, framework), dry_run
                )
                if dry_run:
                    raise _DryRunDone(result)  # rolls back the bundled catalogue stored on first use
                self._save_in(session, catalog, path.name)
                return result
        except _DryRunDone as done:
            return done.result

    def _read(self, path: Path, framework: Framework) -> Catalog:
        suffix = path.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            try:
                with file_errors():
                    return read_catalog_table(path, framework, name=path.stem[:100] or "研修カタログ")
            except CatalogFileRejected as rejected:
                problems = [LineProblem(p.line, p.column, p.reason) for p in rejected.problems]
                raise ImportRejected(rejected.file_name, problems) from rejected
        if suffix != ".json":
            raise CatalogImportError(
                f"{path.name}: 研修カタログは Excel（.xlsx）、CSV（.csv）か JSON（.json）のファイルを選んでください。"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CatalogImportError(f"{path.name}: 研修カタログとして読めません（{exc}）。") from exc
        except RecursionError as exc:  # "[[[[…" nested deeper than the interpreter's stack
            raise CatalogImportError(
                f"{path.name}: 研修カタログとして読めません（JSON の入れ子が深すぎます）。"
            ) from exc
        catalog = _checked(data, path.name, framework)
        if catalog.framework != framework.code:
            raise CatalogImportError(
                f"{path.name}: このカタログは診断フレームワーク「{catalog.framework}」用です"
                f"（使用中は「{framework.code}」）。"
            )
        return catalog

    def export_file(self, framework: Framework, path: Path, *, encoding: str = "cp932") -> Catalog:
        """Write the framework's catalogue as .json, .xlsx or .csv (in `encoding`)."""
        suffix = path.suffix.lower()
        if suffix not in (".json", ".xlsx", ".csv"):
            raise CatalogImportError(f"{path.name}: 書き出し先は .xlsx、.csv か .json にしてください。")
        with self._db.transaction() as session:
            catalog = self.current_in(session, framework)
        if catalog is None:
            raise UserFacingError(f"診断フレームワーク「{framework.name}」の研修カタログがありません。")
        with file_errors():
            if suffix == ".json":
                with replacing(path) as file:
                    file.write(json.dumps(catalog.to_data(), ensure_ascii=False, indent=2).encode("utf-8"))
            else:
                write_catalog_table(catalog, framework, path, encoding=encoding)
        return catalog

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
