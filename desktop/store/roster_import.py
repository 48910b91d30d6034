"""名簿取込: merge an HR file into the roster, all or nothing, recorded for undo.

The same analysis serves the preview and the import: the preview reads the
file and the database and writes nothing; the import repeats the analysis in
its own transaction (so it sees the database as it is then, and refuses a file
changed since the preview) and writes everything or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from desktop.domain.audit import AuditAction
from desktop.domain.roster import CleanLearner, LearnerKind, LearnerStatus, OrganizationKind
from desktop.exchange.columns import guess_mapping, missing_required
from desktop.exchange.roster_file import COLUMN_BY_KEY, ROSTER_COLUMNS, RosterLine, RosterRowReader
from desktop.exchange.tabular import TableInfo, open_table
from desktop.store.audit_log import Fact, as_text, write_many
from desktop.store.bulk import date_binder, day_binder, insert_rows
from desktop.store.database import Database
from desktop.store.errors import ConflictError
from desktop.store.import_common import (
    PROGRESS_EVERY,
    ImportRejected,
    LineProblem,
    Progress,
    current_user,
    cyclic_gc_paused,
    dump_before,
    file_errors,
    file_sha256,
    refuse_if_changed,
)
from desktop.store.models import (
    Department,
    ImportBatch,
    ImportChange,
    ImportKind,
    Learner,
    Organization,
    table_of,
    utcnow,
)
from desktop.store.roster_service import DEPARTMENT_SEPARATOR, RosterService, department_paths

_PATH_SPLIT = re.compile(rf"[{DEPARTMENT_SEPARATOR}/]")
# Stored learner columns an import may change, keyed as roster_file names them.
_STORED = {
    "name": "name",
    "furigana": "furigana",
    "email": "email",
    "job_title": "job_title",
    "kind": "kind",
    "role": "role",
    "status": "status",
    "birth_date": "birth_date",
    "insured_number": "insured_number",
    "notes": "notes",
}


_INSERT_COLUMNS = (
    "organization_id",
    "number",
    "department_id",
    *_STORED,
    "import_batch_id",
    "version",
    "created_at",
    "updated_at",
)
assert _INSERT_COLUMNS[7] == "kind" and _INSERT_COLUMNS[9] == "status"


class RowAction(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    INVALID = "invalid"
    RETIRE = "retire"

    @property
    def label(self) -> str:
        return {
            "new": "新規",
            "changed": "更新",
            "unchanged": "変更なし",
            "invalid": "エラー",
            "retire": "退職にする",
        }[self.value]


@dataclass(slots=True)  # not frozen: its __init__ would cost 1 µs more on every row
class PreviewLine:
    line: int | None  # None for a learner the file does not list (retire-missing)
    action: RowAction
    organization: str
    number: str
    name: str
    detail: str


@dataclass
class RosterSource:
    path: Path
    encoding: str | None = None
    sheet: str | None = None
    mapping: dict[str, int] | None = None  # field → column index; None guesses from headers


@dataclass
class RosterImportOptions:
    default_organization: str | None = None
    retire_missing: bool = False
    valid_rows_only: bool = False


@dataclass
class RosterPreview:
    file_name: str
    sha256: str
    table: TableInfo
    mapping: dict[str, int]
    lines: list[PreviewLine] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    new_organizations: list[str] = field(default_factory=list)
    row_count: int = 0

    def count(self, action: RowAction) -> int:
        return sum(1 for line in self.lines if line.action is action)

    def summary(self) -> str:
        counts = {a: self.count(a) for a in RowAction}
        text = (
            f"{self.file_name}: {self.row_count}行 — 新規 {counts[RowAction.NEW]}件、"
            f"更新 {counts[RowAction.CHANGED]}件、変更なし {counts[RowAction.UNCHANGED]}件"
        )
        if counts[RowAction.RETIRE]:
            text += f"、退職にする {counts[RowAction.RETIRE]}件"
        if counts[RowAction.INVALID]:
            text += f"、エラー {counts[RowAction.INVALID]}行"
        return text


@dataclass
class RosterImportResult:
    batch_id: int
    created: int
    updated: int
    unchanged: int
    retired: int
    skipped: int
    file_name: str

    def summary(self) -> str:
        text = (
            f"{self.file_name}: 新規 {self.created}件、更新 {self.updated}件、"
            f"変更なし {self.unchanged}件、退職 {self.retired}件を取り込みました（取込番号 {self.batch_id}）。"
        )
        if self.skipped:
            text += f" エラーの {self.skipped}行は取り込んでいません。"
        return text


@dataclass(slots=True)
class _Existing:
    id: int
    version: int
    import_batch_id: int | None
    department: str
    values: dict[str, Any]
    number: str = ""


@dataclass(slots=True)
class _Planned:
    line: RosterLine
    clean: CleanLearner
    existing: _Existing | None
    changes: list[tuple[str, object, object]]  # key, before, after


@dataclass
class _Analysis:
    preview: RosterPreview
    planned: list[_Planned]
    to_retire: list[_Existing]
    organization_ids: dict[str, int]
    organization_kinds: dict[str, OrganizationKind]


# Enum .value is a property lookup: a dict is several times cheaper per row.
_KIND_CODES = {member: member.value for member in LearnerKind}
_STATUS_CODES = {member: member.value for member in LearnerStatus}


@lru_cache(maxsize=4096)  # one call per row, a few dozen distinct 所属
def _path_key(path: str) -> str:
    return DEPARTMENT_SEPARATOR.join(p.strip() for p in _PATH_SPLIT.split(path) if p.strip())


def _shown(value: object) -> str:
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    if value in (None, ""):
        return "（空欄）"
    return value.isoformat() if isinstance(value, date) else str(value)


class RosterImporter:
    def __init__(self, db: Database, today: date | None = None, user_name: str | None = None) -> None:
        self._db = db
        self._today = today or date.today()
        self._user = user_name or current_user()

    def preview(
        self, source: RosterSource, options: RosterImportOptions, progress: Progress | None = None
    ) -> RosterPreview:
        with file_errors(), cyclic_gc_paused(), self._db.transaction() as session:
            return self._analyse(session, source, options, progress, keep_lines=True).preview

    def run(
        self,
        source: RosterSource,
        options: RosterImportOptions,
        expected_sha256: str | None = None,
        progress: Progress | None = None,
    ) -> RosterImportResult:
        with file_errors(), cyclic_gc_paused(), self._db.transaction() as session:
            # The analysis dies as _import returns, before the collector is back on: left
            # alive, its 50,000 rows would all be walked by that collector's first pass.
            return self._import(session, source, options, expected_sha256, progress)

    def _import(
        self,
        session: Session,
        source: RosterSource,
        options: RosterImportOptions,
        expected_sha256: str | None,
        progress: Progress | None,
    ) -> RosterImportResult:
        analysis = self._analyse(session, source, options, progress, keep_lines=False)
        preview = analysis.preview
        refuse_if_changed(source.path, expected_sha256, preview.sha256)
        if preview.problems and not options.valid_rows_only:
            raise ImportRejected(preview.file_name, preview.problems)
        if not analysis.planned and not analysis.to_retire and preview.problems:
            raise ImportRejected(
                preview.file_name,
                preview.problems,
                f"{preview.file_name} には取り込める行がありません。何も取り込みませんでした。",
            )
        if progress is not None:
            progress(preview.row_count)  # the last moment a 中止 stops the import cleanly
        return self._write(session, analysis, options)

    # -- analysis ----------------------------------------------------------

    def _analyse(
        self,
        session: Session,
        source: RosterSource,
        options: RosterImportOptions,
        progress: Progress | None,
        *,
        keep_lines: bool,
    ) -> _Analysis:
        """Read and check the whole file against the database.

        keep_lines=False (the import itself) lists only the invalid and retired
        rows: the preview screen has already shown the others.
        """
        sha = file_sha256(source.path)
        table, rows = open_table(source.path, encoding=source.encoding, sheet=source.sheet)
        try:
            mapping = (
                source.mapping if source.mapping is not None else guess_mapping(ROSTER_COLUMNS, table.headers)
            )
            preview = RosterPreview(source.path.name, sha, table, dict(mapping))
            organizations = {
                r.name: (r.id, r.kind)
                for r in session.execute(select(Organization.id, Organization.name, Organization.kind))
            }
            default_org = options.default_organization or self._first_organization(session)
            missing = missing_required(ROSTER_COLUMNS, mapping)
            if "organization" not in mapping and not default_org:
                preview.problems.append(
                    LineProblem(
                        table.header_line,
                        "団体名",
                        "団体名の列がなく、取り込み先の団体も決まっていません。団体名の列を割り当てるか、団体を指定してください。",
                    )
                )
            for column in missing:
                preview.problems.append(
                    LineProblem(
                        table.header_line,
                        column.header,
                        f"「{column.header}」の列がありません。列の割り当てを確認してください。",
                    )
                )
            if preview.problems:
                return _Analysis(preview, [], [], {}, {})
            lines = self._read_lines(rows, mapping, table.headers, default_org, progress)
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()

        existing = self._existing(session)
        planned: list[_Planned] = []
        seen: dict[tuple[str, str], int] = {}
        preview.row_count += len(lines)
        for index, line in enumerate(lines):
            if line.clean is not None:
                key = (line.clean.organization_name, line.clean.number)
                first = seen.get(key)
                if first is None:
                    seen[key] = index
                else:
                    number_column = COLUMN_BY_KEY["number"].header
                    label = table.headers[mapping["number"]] if "number" in mapping else number_column
                    earlier = lines[first]
                    line.problems.append(
                        (label, f"受講者番号「{line.clean.number}」が {earlier.line} 行目と重複しています。")
                    )
                    earlier.problems.append(
                        (label, f"受講者番号「{line.clean.number}」が {line.line} 行目と重複しています。")
                    )
        new_orgs: dict[str, None] = {}
        for line in lines:
            if line.problems or line.clean is None:
                for column_label, reason in line.problems:
                    preview.problems.append(LineProblem(line.line, column_label, reason))
                preview.lines.append(
                    PreviewLine(
                        line.line,
                        RowAction.INVALID,
                        "",
                        "",
                        "",
                        " / ".join(f"{c}: {r}" for c, r in line.problems),
                    )
                )
                continue
            clean = line.clean
            org = organizations.get(clean.organization_name)
            if org is None:
                new_orgs.setdefault(clean.organization_name)
            found = existing.get((org[0], clean.number)) if org else None
            changes = self._changes(line, clean, found) if found else []
            planned.append(_Planned(line, clean, found, changes))
            if not keep_lines:
                continue
            action = RowAction.NEW if found is None else RowAction.CHANGED if changes else RowAction.UNCHANGED
            detail = (
                "、".join(
                    f"{COLUMN_BY_KEY[key].header}: {_shown(before)} → {_shown(after)}"
                    for key, before, after in changes
                )
                if changes
                else ""
            )
            preview.lines.append(
                PreviewLine(line.line, action, clean.organization_name, clean.number, clean.name, detail)
            )
        preview.problems.sort(key=lambda p: p.line)
        preview.new_organizations = list(new_orgs)

        to_retire: list[_Existing] = []
        if options.retire_missing:
            listed_orgs = {
                organizations[p.clean.organization_name][0]
                for p in planned
                if p.clean.organization_name in organizations
            }
            listed = {
                (organizations[p.clean.organization_name][0], p.clean.number)
                for p in planned
                if p.clean.organization_name in organizations
            }
            # Invalid rows still name a learner: never retire someone whose line merely had a typo.
            listed |= {
                (org_id, number)
                for (org_name, number) in seen
                for org_id in [organizations.get(org_name, (None,))[0]]
                if org_id is not None
            }
            names = {org_id: name for name, (org_id, _) in organizations.items()}
            for (org_id, number), learner in existing.items():
                if (
                    org_id in listed_orgs
                    and (org_id, number) not in listed
                    and learner.values["status"] is not LearnerStatus.RETIRED
                ):
                    to_retire.append(learner)
                    preview.lines.append(
                        PreviewLine(
                            None,
                            RowAction.RETIRE,
                            names[org_id],
                            number,
                            str(learner.values["name"]),
                            "ファイルにないため退職にします",
                        )
                    )
        return _Analysis(
            preview,
            planned,
            to_retire,
            {name: org_id for name, (org_id, _) in organizations.items()},
            {name: kind for name, (_, kind) in organizations.items()},
        )

    def _read_lines(
        self,
        rows: Iterator[tuple[int, list[str]]],
        mapping: dict[str, int],
        headers: list[str],
        default_org: str | None,
        progress: Progress | None,
    ) -> list[RosterLine]:
        lines: list[RosterLine] = []
        read_row = RosterRowReader(mapping, headers, default_org, self._today)
        for count, (line, cells) in enumerate(rows, 1):
            lines.append(read_row(line, cells))
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
        if progress is not None:
            progress(len(lines))  # a 中止 pressed during a short file still counts
        return lines

    @staticmethod
    def _first_organization(session: Session) -> str | None:
        return session.scalar(select(Organization.name).order_by(Organization.id).limit(1))

    @staticmethod
    def _existing(session: Session) -> dict[tuple[int, str], _Existing]:
        paths = department_paths(session.scalars(select(Department)))
        table = table_of(Learner)
        columns = [table.c[name] for name in _STORED.values()]
        query = select(
            table.c.id,
            table.c.organization_id,
            table.c.number,
            table.c.department_id,
            table.c.version,
            table.c.import_batch_id,
            *columns,
        )
        existing: dict[tuple[int, str], _Existing] = {}
        for row in session.execute(query):
            values = {key: row[6 + i] for i, key in enumerate(_STORED)}
            existing[(row.organization_id, row.number)] = _Existing(
                row.id,
                row.version,
                row.import_batch_id,
                paths.get(row.department_id, "") if row.department_id else "",
                values,
                row.number,
            )
        return existing

    @staticmethod
    def _changes(line: RosterLine, clean: CleanLearner, found: _Existing) -> list[tuple[str, object, object]]:
        changes: list[tuple[str, object, object]] = []
        for key, attribute in _STORED.items():
            if key in line.present:
                after = getattr(clean, attribute)
                before = found.values[key]
                if before != after:
                    changes.append((key, before, after))
        if "department" in line.present:
            after_path = _path_key(clean.department_name)
            if after_path != found.department:
                changes.append(("department", found.department, after_path))
        return changes

    # -- writing -------------------------------------------------------------

    def _write(
        self, session: Session, analysis: _Analysis, options: RosterImportOptions
    ) -> RosterImportResult:
        preview = analysis.preview
        batch = ImportBatch(
            kind=ImportKind.ROSTER,
            file_name=preview.file_name[:255],
            file_sha256=preview.sha256,
            encoding=preview.table.encoding,
            sheet=preview.table.sheet,
            row_count=preview.row_count,
            user_name=self._user,
        )
        session.add(batch)
        session.flush()
        now = utcnow()
        org_ids = dict(analysis.organization_ids)
        org_kinds = dict(analysis.organization_kinds)
        changes: list[dict[str, Any]] = []
        for name in preview.new_organizations:
            first_kind = next(p.clean.kind for p in analysis.planned if p.clean.organization_name == name)
            org_kind = (
                OrganizationKind.COMPANY
                if first_kind is LearnerKind.EMPLOYEE
                else OrganizationKind.MUNICIPALITY
            )
            organization = Organization(name=name, kind=org_kind)
            session.add(organization)
            session.flush()
            org_ids[name], org_kinds[name] = organization.id, org_kind
            changes.append(self._change(batch.id, "organization", organization.id, "created", {}, 1))

        department_ids = self._departments(session, analysis, org_ids, batch.id, changes)
        new_rows: list[tuple[Any, ...]] = []
        stamp = date_binder(session)(now)
        bind_day = day_binder(session)
        batch_id = batch.id  # an ORM attribute read costs 0.5 µs; this loop runs per row
        updated = unchanged = 0
        facts: list[Fact] = []
        table = table_of(Learner)
        for planned in analysis.planned:
            clean = planned.clean
            org_id = org_ids[clean.organization_name]
            dept_id = (
                department_ids.get((org_id, _path_key(clean.department_name)))
                if clean.department_name
                else None
            )
            if planned.existing is None:
                kind = clean.kind
                if (
                    "kind" not in planned.line.present
                    and org_kinds[clean.organization_name] is OrganizationKind.COMPANY
                ):
                    kind = LearnerKind.EMPLOYEE
                new_rows.append(
                    (
                        org_id,
                        clean.number,
                        dept_id,
                        clean.name,
                        clean.furigana,
                        clean.email,
                        clean.job_title,
                        _KIND_CODES[kind],
                        clean.role,
                        _STATUS_CODES[clean.status],
                        bind_day(clean.birth_date) if clean.birth_date else None,
                        clean.insured_number,
                        clean.notes,
                        batch_id,
                        1,
                        stamp,
                        stamp,
                    )
                )
            elif planned.changes:
                existing = planned.existing
                facts.extend(self._update_facts(existing, planned.changes, batch_id))
                values: dict[str, Any] = {key: after for key, _, after in planned.changes if key in _STORED}
                before: dict[str, Any] = {key: b for key, b, _ in planned.changes if key in _STORED}
                if any(key == "department" for key, _, _ in planned.changes):
                    values["department_id"] = dept_id
                    before["department_id"] = self._department_id_of(session, existing.id)
                self._update(session, existing, values, before, batch.id, now, changes, "updated")
                updated += 1
            else:
                unchanged += 1
        insert_rows(session, table, _INSERT_COLUMNS, new_rows)
        detail = f"取込番号 {batch_id}"
        facts.extend(
            Fact(AuditAction.CREATE, "learners", None, f"{r[1]} {r[3]}", detail=detail) for r in new_rows
        )
        for learner in analysis.to_retire:
            label = f"{learner.number} {learner.values.get('name', '')}".strip()
            old_status = as_text(learner.values["status"])
            facts.append(
                Fact(
                    AuditAction.UPDATE,
                    "learners",
                    learner.id,
                    label,
                    "status",
                    old_status,
                    LearnerStatus.RETIRED.label,
                    detail,
                )
            )
            self._update(
                session,
                learner,
                {"status": LearnerStatus.RETIRED},
                {"status": learner.values["status"]},
                batch.id,
                now,
                changes,
                "retired",
            )
        if changes:
            session.execute(insert(table_of(ImportChange)), changes)
        summary = (
            f"{preview.file_name}: 追加 {len(new_rows)}件、更新 {updated}件、退職 {len(analysis.to_retire)}件"
        )
        facts.append(
            Fact(AuditAction.IMPORT, "roster", batch_id, "名簿取込", detail=f"{summary}（{detail}）")
        )
        write_many(session, self._db.actor, facts)
        batch.created_count = len(new_rows)
        batch.updated_count = updated
        batch.unchanged_count = unchanged
        batch.retired_count = len(analysis.to_retire)
        batch.skipped_count = preview.count(RowAction.INVALID)
        session.flush()
        return RosterImportResult(
            batch.id,
            len(new_rows),
            updated,
            unchanged,
            len(analysis.to_retire),
            batch.skipped_count,
            preview.file_name,
        )

    @staticmethod
    def _update_facts(existing: _Existing, changes: Any, batch_id: int) -> list[Fact]:
        label = f"{existing.number} {existing.values.get('name', '')}".strip()
        return [
            Fact(
                AuditAction.UPDATE,
                "learners",
                existing.id,
                label,
                key,
                as_text(old),
                as_text(new),
                f"取込番号 {batch_id}",
            )
            for key, old, new in changes
        ]

    @staticmethod
    def _change(
        batch_id: int, entity: str, entity_id: int, action: str, before: dict[str, Any], after_version: int
    ) -> dict[str, Any]:
        return {
            "batch_id": batch_id,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "before_json": dump_before(before),
            "after_version": after_version,
        }

    def _update(
        self,
        session: Session,
        existing: _Existing,
        values: dict[str, Any],
        before: dict[str, Any],
        batch_id: int,
        now: object,
        changes: list[dict[str, Any]],
        action: str,
    ) -> None:
        table = table_of(Learner)
        result = session.execute(
            update(table)
            .where(table.c.id == existing.id, table.c.version == existing.version)
            .values(**values, version=existing.version + 1, updated_at=now, import_batch_id=batch_id)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConflictError(
                f"{existing.values['name']} さんの情報が取り込みの途中で他の画面または他のPCで変更されました。"
                "何も取り込んでいません。もう一度取り込んでください。"
            )
        before = {**before, "version": existing.version, "import_batch_id": existing.import_batch_id}
        changes.append(self._change(batch_id, "learner", existing.id, action, before, existing.version + 1))

    @staticmethod
    def _department_id_of(session: Session, learner_id: int) -> int | None:
        return session.scalar(select(Learner.department_id).where(Learner.id == learner_id))

    @staticmethod
    def _departments(
        session: Session,
        analysis: _Analysis,
        org_ids: dict[str, int],
        batch_id: int,
        changes: list[dict[str, Any]],
    ) -> dict[tuple[int, str], int]:
        """Find or make every 所属 path the file names; record the ones made, for undo."""
        wanted: set[tuple[int, str]] = set()
        for planned in analysis.planned:
            if planned.clean.department_name:
                wanted.add(
                    (org_ids[planned.clean.organization_name], _path_key(planned.clean.department_name))
                )
        if not wanted:
            return {}
        before = set(session.scalars(select(Department.id)))
        ids = {key: RosterService.department_by_path(session, key[0], key[1]) for key in sorted(wanted)}
        made = sorted(set(session.scalars(select(Department.id))) - before)
        changes.extend(RosterImporter._change(batch_id, "department", d, "created", {}, 1) for d in made)
        return ids


def preview_lines_by_action(preview: RosterPreview, actions: Iterable[RowAction]) -> list[PreviewLine]:
    wanted = set(actions)
    return [line for line in preview.lines if line.action in wanted]
