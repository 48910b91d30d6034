"""Roster actions: each public method is one user action in one transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import NamedTuple

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from desktop.domain.roster import (
    FIELD_LABELS,
    CleanLearner,
    LearnerDraft,
    LearnerKind,
    LearnerStatus,
    OrganizationKind,
    validate_learner,
)
from desktop.store.database import Database
from desktop.store.errors import (
    ConflictError,
    DuplicateNumberError,
    HasRecordsError,
    NotFoundError,
    StaleEditError,
    UserFacingError,
    ValidationFailed,
)
from desktop.store.models import Department, Learner, Organization, TrainingRecord
from desktop.store.stale import compared, stale_error

DEPARTMENT_SEPARATOR = "／"


@dataclass(frozen=True, slots=True)
class OrganizationInfo:
    id: int
    name: str
    kind: OrganizationKind


@dataclass(frozen=True, slots=True)
class DepartmentInfo:
    id: int
    organization_id: int
    parent_id: int | None
    name: str
    path: str  # 部／課, what a clerk recognises


class RosterRow(NamedTuple):
    """One line of the 名簿 table: enough to show, search, sort and filter.

    A NamedTuple, not a frozen dataclass: building 50,000 of them on load is
    several times cheaper.
    """

    id: int
    organization_id: int
    organization: str
    number: str
    name: str
    furigana: str
    email: str
    department_id: int | None
    department: str
    job_title: str
    kind: LearnerKind
    role: str
    status: LearnerStatus
    version: int


@dataclass(frozen=True)
class LearnerRecord:
    """Everything the edit dialog shows, as of `version`."""

    id: int
    version: int
    organization_id: int
    organization_name: str
    number: str
    name: str
    furigana: str
    email: str
    department_id: int | None
    department_name: str
    job_title: str
    kind: LearnerKind
    role: str
    status: LearnerStatus
    birth_date: date | None
    insured_number: str
    notes: str


_COMPARED_FIELDS = (
    "organization_name",
    "number",
    "name",
    "furigana",
    "email",
    "department_name",
    "job_title",
    "kind",
    "role",
    "status",
    "birth_date",
    "insured_number",
    "notes",
)
_LABEL_OF = {**FIELD_LABELS, "organization_name": "団体", "department_name": "所属"}


def department_paths(departments: Iterable[Department]) -> dict[int, str]:
    by_id = {d.id: d for d in departments}
    paths: dict[int, str] = {}

    def path_of(dept_id: int, depth: int = 0) -> str:
        if dept_id in paths:
            return paths[dept_id]
        dept = by_id[dept_id]
        if dept.parent_id is None or dept.parent_id not in by_id or depth > 16:
            text = dept.name
        else:
            text = path_of(dept.parent_id, depth + 1) + DEPARTMENT_SEPARATOR + dept.name
        paths[dept_id] = text
        return text

    for dept_id in by_id:
        path_of(dept_id)
    return paths


class RosterService:
    def __init__(self, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    # -- reading ---------------------------------------------------------

    def organizations(self) -> list[OrganizationInfo]:
        with self._db.transaction() as session:
            rows = session.execute(
                select(Organization.id, Organization.name, Organization.kind).order_by(Organization.id)
            )
            return [OrganizationInfo(r.id, r.name, r.kind) for r in rows]

    def departments(self) -> list[DepartmentInfo]:
        with self._db.transaction() as session:
            departments = list(session.scalars(select(Department)))
            paths = department_paths(departments)
            infos = [
                DepartmentInfo(d.id, d.organization_id, d.parent_id, d.name, paths[d.id]) for d in departments
            ]
        return sorted(infos, key=lambda d: (d.organization_id, d.path))

    def roster_rows(self) -> list[RosterRow]:
        """Every learner, retirees included: the table filters, the database does not."""
        with self._db.transaction() as session:
            return self._rows(session, None)

    def roster_row(self, learner_id: int) -> RosterRow:
        with self._db.transaction() as session:
            return self._saved_row(session, learner_id)

    def learner(self, learner_id: int) -> LearnerRecord:
        with self._db.transaction() as session:
            return self._record(session, learner_id)

    def count(self) -> int:
        with self._db.transaction() as session:
            return int(session.scalar(select(func.count(Learner.id))) or 0)

    # -- changing --------------------------------------------------------

    def create_learner(self, draft: LearnerDraft) -> RosterRow:
        clean = self._validated(draft)
        try:
            with self._db.transaction() as session:
                org_id, dept_id = self._placement(session, clean)
                self._refuse_duplicate(session, org_id, clean.number, None)
                learner = Learner(organization_id=org_id, department_id=dept_id)
                self._apply(learner, clean)
                session.add(learner)
                session.flush()
                return self._saved_row(session, learner.id)
        except IntegrityError as exc:
            raise self._integrity_problem(clean, exc) from exc

    def update_learner(self, original: LearnerRecord, draft: LearnerDraft) -> RosterRow:
        """Save `draft` over `original`; refuse if someone saved in between."""
        clean = self._validated(draft)
        try:
            with self._db.transaction() as session:
                learner = self._current(session, original)
                org_id, dept_id = self._placement(session, clean)
                self._refuse_duplicate(session, org_id, clean.number, learner.id)
                learner.organization_id = org_id
                learner.department_id = dept_id
                self._apply(learner, clean)
                session.flush()
                return self._saved_row(session, learner.id)
        except StaleDataError:
            raise self._stale(original) from None
        except IntegrityError as exc:
            raise self._integrity_problem(clean, exc) from exc

    def set_status(self, original: LearnerRecord, status: LearnerStatus) -> RosterRow:
        """Retire (or reinstate) instead of deleting: records stay attached."""
        try:
            with self._db.transaction() as session:
                learner = self._current(session, original)
                learner.status = status
                session.flush()
                return self._saved_row(session, learner.id)
        except StaleDataError:
            raise self._stale(original) from None

    def delete_learner(self, original: LearnerRecord) -> None:
        try:
            with self._db.transaction() as session:
                learner = self._current(session, original)
                records = session.scalar(
                    select(func.count(TrainingRecord.id)).where(TrainingRecord.learner_id == learner.id)
                )
                if records:
                    raise HasRecordsError(
                        f"{learner.name} さんには受講記録が{records}件あるため削除できません。"
                        "削除の代わりに「退職」にしてください。"
                    )
                session.delete(learner)
                session.flush()
        except StaleDataError:
            raise self._stale(original) from None
        except IntegrityError as exc:
            # A record was added on another PC between the count and the delete.
            raise HasRecordsError(
                f"{original.name} さんには受講記録があるため削除できません。"
                "削除の代わりに「退職」にしてください。"
            ) from exc

    # -- helpers ---------------------------------------------------------

    def _validated(self, draft: LearnerDraft) -> CleanLearner:
        clean, problems = validate_learner(draft, self._today())
        if clean is None:
            raise ValidationFailed([(p.field, p.message) for p in problems])
        return clean

    def _current(self, session: Session, original: LearnerRecord) -> Learner:
        learner = session.get(Learner, original.id)
        if learner is None:
            raise NotFoundError(
                f"{original.name} さんは、編集中に他の画面または他のPCで削除されました。保存していません。"
            )
        if learner.version != original.version:
            raise self._stale(original, session)
        return learner

    def stale_error(self, original: LearnerRecord) -> StaleEditError:
        """The refusal for an edit based on `original`, naming what changed since."""
        return self._stale(original)

    def _stale(self, original: LearnerRecord, session: Session | None = None) -> StaleEditError:
        if session is None:
            with self._db.transaction() as fresh:
                current = self._record(fresh, original.id)
        else:
            current = self._record(session, original.id)
        changes = compared(original, current, {name: _LABEL_OF[name] for name in _COMPARED_FIELDS})
        return stale_error(
            f"{original.name} さんの情報",
            changes,
            "最新の内容を読み込み直してから、もう一度編集してください。",
        )

    def _placement(self, session: Session, clean: CleanLearner) -> tuple[int, int | None]:
        org_id = clean.organization_id
        if org_id is None:
            org_id = session.scalar(
                select(Organization.id).where(Organization.name == clean.organization_name)
            )
        if org_id is None:
            kind = (
                OrganizationKind.COMPANY
                if clean.kind is LearnerKind.EMPLOYEE
                else OrganizationKind.MUNICIPALITY
            )
            organization = Organization(name=clean.organization_name, kind=kind)
            session.add(organization)
            session.flush()
            org_id = organization.id
        elif session.get(Organization, org_id) is None:
            raise NotFoundError("選んだ団体は削除されています。一覧を更新（F5）してください。")

        dept_id = clean.department_id
        if dept_id is not None:
            department = session.get(Department, dept_id)
            if department is None or department.organization_id != org_id:
                raise ValidationFailed([("department_id", "所属が選んだ団体のものではありません。")])
        elif clean.department_name:
            dept_id = self.department_by_path(session, org_id, clean.department_name)
        return org_id, dept_id

    @staticmethod
    def department_by_path(session: Session, org_id: int, typed: str) -> int:
        """Find or make the department a typed path names: 「総務部／人事課」 nests 人事課 under 総務部."""
        parent_id: int | None = None
        for name in (part.strip() for part in re.split(rf"[{DEPARTMENT_SEPARATOR}/]", typed)):
            if not name:
                continue
            found = session.scalar(
                select(Department.id).where(
                    Department.organization_id == org_id,
                    Department.name == name,
                    Department.parent_id.is_(None)
                    if parent_id is None
                    else Department.parent_id == parent_id,
                )
            )
            if found is None:
                department = Department(organization_id=org_id, parent_id=parent_id, name=name)
                session.add(department)
                session.flush()
                found = department.id
            parent_id = found
        if parent_id is None:
            raise ValidationFailed([("department_id", "所属の名前を入力してください。")])
        return parent_id

    def _refuse_duplicate(self, session: Session, org_id: int, number: str, learner_id: int | None) -> None:
        query = select(Learner).where(Learner.organization_id == org_id, Learner.number == number)
        if learner_id is not None:
            query = query.where(Learner.id != learner_id)
        holder = session.scalar(query)
        if holder is None:
            return
        department = self._department_path(session, holder.organization_id, holder.department_id)
        where = f"（{department}）" if department else ""
        retired = "・退職済み" if holder.status is LearnerStatus.RETIRED else ""
        raise DuplicateNumberError(
            f"受講者番号「{number}」は、すでに {holder.name} さん{where}{retired} が使っています。"
            "別の番号を入力してください。"
        )

    def _integrity_problem(self, clean: CleanLearner, exc: IntegrityError) -> UserFacingError:
        """What a constraint refused, in words: a concurrent save got there first."""
        with self._db.transaction() as session:
            org_id = clean.organization_id or session.scalar(
                select(Organization.id).where(Organization.name == clean.organization_name)
            )
            if org_id is not None:
                try:
                    self._refuse_duplicate(session, org_id, clean.number, None)
                except DuplicateNumberError as duplicate:
                    return duplicate
        return ConflictError(
            "同じ内容が他の画面または他のPCで同時に保存されたため、保存できませんでした"
            "（何も変更していません）。一覧を更新（F5）してから、もう一度操作してください。"
        )

    def _saved_row(self, session: Session, learner_id: int) -> RosterRow:
        rows = self._rows(session, learner_id)
        if not rows:
            raise NotFoundError("この受講者は削除されています。一覧を更新（F5）してください。")
        return rows[0]

    @staticmethod
    def _apply(learner: Learner, clean: CleanLearner) -> None:
        learner.number = clean.number
        learner.name = clean.name
        learner.furigana = clean.furigana
        learner.email = clean.email
        learner.job_title = clean.job_title
        learner.kind = clean.kind
        learner.role = clean.role
        learner.status = clean.status
        learner.birth_date = clean.birth_date
        learner.insured_number = clean.insured_number
        learner.notes = clean.notes

    def _record(self, session: Session, learner_id: int) -> LearnerRecord:
        learner = session.get(Learner, learner_id, populate_existing=True)
        if learner is None:
            raise NotFoundError("この受講者は削除されています。一覧を更新（F5）してください。")
        organization = session.get(Organization, learner.organization_id)
        department_name = ""
        if learner.department_id is not None:
            paths = department_paths(
                session.scalars(
                    select(Department).where(Department.organization_id == learner.organization_id)
                )
            )
            department_name = paths.get(learner.department_id, "")
        return LearnerRecord(
            id=learner.id,
            version=learner.version,
            organization_id=learner.organization_id,
            organization_name=organization.name if organization else "",
            number=learner.number,
            name=learner.name,
            furigana=learner.furigana,
            email=learner.email or "",
            department_id=learner.department_id,
            department_name=department_name,
            job_title=learner.job_title or "",
            kind=learner.kind,
            role=learner.role or "",
            status=learner.status,
            birth_date=learner.birth_date,
            insured_number=learner.insured_number or "",
            notes=learner.notes or "",
        )

    @staticmethod
    def _department_path(session: Session, organization_id: int, department_id: int | None) -> str:
        if department_id is None:
            return ""
        departments = session.scalars(select(Department).where(Department.organization_id == organization_id))
        return department_paths(departments).get(department_id, "")

    @staticmethod
    def _rows(session: Session, learner_id: int | None) -> list[RosterRow]:
        organizations = {r.id: r.name for r in session.execute(select(Organization.id, Organization.name))}
        paths = department_paths(session.scalars(select(Department)))
        paths_or_blank: dict[int | None, str] = {key: path for key, path in paths.items()}
        paths_or_blank[None] = ""
        kinds = {kind.value: kind for kind in LearnerKind}
        statuses = {status.value: status for status in LearnerStatus}
        table = Learner.__table__
        # Plain strings from the driver, mapped to enums by dictionary: the
        # Enum type's per-row processing is most of the cost at 50,000 rows.
        query = select(
            table.c.id,
            table.c.organization_id,
            table.c.number,
            table.c.name,
            table.c.furigana,
            table.c.email,
            table.c.department_id,
            table.c.job_title,
            type_coerce(table.c.kind, String),
            table.c.role,
            type_coerce(table.c.status, String),
            table.c.version,
        )
        if learner_id is not None:
            query = query.where(table.c.id == learner_id)
        return [
            RosterRow(
                id,
                organization_id,
                organizations.get(organization_id, ""),
                number,
                name,
                furigana,
                email or "",
                department_id,
                paths_or_blank.get(department_id, ""),
                job_title or "",
                kinds[kind],
                role or "",
                statuses[status],
                version,
            )
            for (
                id,
                organization_id,
                number,
                name,
                furigana,
                email,
                department_id,
                job_title,
                kind,
                role,
                status,
                version,
            ) in session.execute(query).all()
        ]


def record_as_draft(record: LearnerRecord) -> LearnerDraft:
    """The draft an edit dialog starts from."""
    names = {f.name for f in fields(LearnerDraft)}
    values = {name: getattr(record, name) for name in names if hasattr(record, name)}
    values["organization_name"] = ""
    values["department_name"] = ""
    return LearnerDraft(**values)
