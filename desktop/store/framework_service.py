"""Skill frameworks in the database: the bundled default, offices' own files, versions.

A framework version that has been answered against is frozen: saving a changed
framework then stores a new version, and the earlier diagnoses keep pointing
at the version they were answered on. A version nobody has answered yet is
simply replaced, so an office can correct its file before the first diagnosis.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.framework import Framework, framework_from_data
from desktop.exchange.framework_file import FrameworkFileError, read_framework_file, write_framework_file
from desktop.exchange.tabular import TableFileError
from desktop.resources import resource_path
from desktop.store.database import Database
from desktop.store.errors import UserFacingError
from desktop.store.models import Diagnosis, SkillFramework
from desktop.store.settings import FRAMEWORK_IN_USE, read_setting, write_setting
from desktop.store.write_guard import storing_bundled_data

DEFAULT_FRAMEWORK_FILE = "municipal_dx.json"


@dataclass(frozen=True)
class FrameworkInfo:
    id: int
    code: str
    framework_version: int
    name: str
    source: str | None
    diagnosis_count: int
    latest: bool
    in_use: bool  # the framework new diagnoses are started on (its newest version)

    @property
    def label(self) -> str:
        return f"{self.name} 第{self.framework_version}版"


@dataclass(frozen=True)
class FrameworkSaved:
    id: int
    framework_version: int
    outcome: str  # "new" (first of its code), "new_version", "replaced", "unchanged"

    @property
    def message(self) -> str:
        return {
            "new": f"第{self.framework_version}版として登録しました。",
            "new_version": f"回答済みの診断があるため、第{self.framework_version}版として新しく登録しました。"
            "これまでの診断結果は前の版のまま残ります。",
            "replaced": f"第{self.framework_version}版を更新しました（まだ回答がないため、同じ版を置き換えました）。",
            "unchanged": f"第{self.framework_version}版と同じ内容のため、変更はありません。",
        }[self.outcome]


class FrameworkImportError(UserFacingError):
    pass


@cache  # read once per run: every page load and CLI command asks for the current framework
def bundled_framework() -> Framework:
    return read_framework_file(resource_path("frameworks", DEFAULT_FRAMEWORK_FILE))


class FrameworkService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[tuple[int, str], Framework] = {}

    # -- reading -------------------------------------------------------------

    def frameworks(self) -> list[FrameworkInfo]:
        with self._db.transaction() as session:
            counts = dict(
                session.execute(
                    select(Diagnosis.framework_id, func.count()).group_by(Diagnosis.framework_id)
                ).all()
            )
            rows = session.scalars(
                select(SkillFramework).order_by(SkillFramework.code, SkillFramework.framework_version)
            ).all()
            newest: dict[str, int] = {}
            for row in rows:
                newest[row.code] = max(newest.get(row.code, 0), row.framework_version)
            in_use = self._in_use_code(session)
            return [
                FrameworkInfo(
                    row.id,
                    row.code,
                    row.framework_version,
                    row.name,
                    row.source,
                    int(counts.get(row.id, 0)),
                    newest[row.code] == row.framework_version,
                    row.code == in_use and newest[row.code] == row.framework_version,
                )
                for row in rows
            ]

    def load(self, framework_id: int) -> Framework:
        with self._db.transaction() as session:
            return self.load_in(session, framework_id)

    def load_in(self, session: Session, framework_id: int) -> Framework:
        """One version, read in the caller's transaction."""
        found = self.load_all_in(session, [framework_id])
        if framework_id not in found:
            raise UserFacingError("診断フレームワークが見つかりません。削除された可能性があります。")
        return found[framework_id]

    def load_all_in(self, session: Session, framework_ids: Iterable[int]) -> dict[int, Framework]:
        """Several versions with two queries at most; parsed once per content and kept."""
        wanted = set(framework_ids)
        if not wanted:
            return {}
        hashes = dict(
            session.execute(
                select(SkillFramework.id, SkillFramework.content_sha256).where(SkillFramework.id.in_(wanted))
            ).all()
        )
        missing = [i for i, digest in hashes.items() if (i, digest) not in self._cache]
        if missing:
            for row in session.scalars(select(SkillFramework).where(SkillFramework.id.in_(missing))):
                self._cache[(row.id, row.content_sha256)] = framework_from_data(
                    json.loads(row.data_json), f"{row.name} 第{row.framework_version}版"
                )
        return {i: self._cache[(i, digest)] for i, digest in hashes.items()}

    def current(self, code: str | None = None) -> tuple[int, Framework]:
        """The newest version of a framework: the one in use unless a code is given.

        The bundled framework is stored on first use, so a fresh database can start diagnosing.
        """
        with self._db.transaction() as session:
            framework_id = self._current_id(session, code)
            return framework_id, self.load_in(session, framework_id)

    def in_use_code(self) -> str:
        with self._db.transaction() as session:
            return self._in_use_code(session)

    def use(self, code: str) -> None:
        """New diagnoses start on this framework's newest version from now on."""
        with self._db.transaction() as session:
            if self._newest(session, code) is None:
                raise UserFacingError(f"診断フレームワーク「{code}」が登録されていません。")
            write_setting(session, FRAMEWORK_IN_USE, code)

    def _in_use_code(self, session: Session) -> str:
        chosen = read_setting(session, FRAMEWORK_IN_USE)
        if chosen is not None and self._newest(session, chosen) is not None:
            return chosen
        return bundled_framework().code

    def _current_id(self, session: Session, code: str | None) -> int:
        if code is None:
            code = self._in_use_code(session)
            bundled = bundled_framework()
            if code == bundled.code and self._newest(session, code) is None:
                with storing_bundled_data():
                    self._save(session, bundled, None)
                    session.flush()
        row = self._newest(session, code)
        if row is None:
            raise UserFacingError(f"診断フレームワーク「{code}」が登録されていません。")
        return row.id

    @staticmethod
    def _newest(session: Session, code: str) -> SkillFramework | None:
        return session.scalars(
            select(SkillFramework)
            .where(SkillFramework.code == code)
            .order_by(SkillFramework.framework_version.desc())
            .limit(1)
        ).first()

    # -- saving --------------------------------------------------------------

    def save(self, framework: Framework, source: str | None) -> FrameworkSaved:
        """Store an edited or imported framework under its code (see the module docstring)."""
        with self._db.transaction() as session:
            return self._save(session, framework, source)

    def import_file(self, path: Path) -> FrameworkSaved:
        try:
            framework = read_framework_file(path)
        except FrameworkFileError as exc:
            raise FrameworkImportError(str(exc)) from exc
        return self.save(framework, path.name)

    def export_file(self, framework_id: int, path: Path) -> None:
        try:
            write_framework_file(self.load(framework_id), path)
        except (FrameworkFileError, TableFileError) as exc:
            raise FrameworkImportError(str(exc)) from exc

    def _save(self, session: Session, framework: Framework, source: str | None) -> FrameworkSaved:
        digest = framework.content_hash()
        latest = self._newest(session, framework.code)
        if latest is None:
            version, outcome = framework.version, "new"
        elif latest.content_sha256 == digest:
            return FrameworkSaved(latest.id, latest.framework_version, "unchanged")
        else:
            answered = session.scalar(
                select(func.count()).select_from(Diagnosis).where(Diagnosis.framework_id == latest.id)
            )
            if not answered:
                stored = replace(framework, version=latest.framework_version)
                latest.name = stored.name
                latest.data_json = json.dumps(stored.to_data(), ensure_ascii=False)
                latest.content_sha256 = digest
                latest.source = source
                session.flush()
                return FrameworkSaved(latest.id, latest.framework_version, "replaced")
            version, outcome = latest.framework_version + 1, "new_version"
        stored = replace(framework, version=version)
        row = SkillFramework(
            code=stored.code,
            framework_version=version,
            name=stored.name,
            data_json=json.dumps(stored.to_data(), ensure_ascii=False),
            content_sha256=digest,
            source=source,
        )
        session.add(row)
        session.flush()
        return FrameworkSaved(row.id, version, outcome)
