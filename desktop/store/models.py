"""SQLAlchemy 2 typed models. A change here needs a migration in migrations/versions/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from desktop.domain.accounts import Role
from desktop.domain.diagnosis import DiagnosisKind
from desktop.domain.grant_plan import EmploymentType, GrantPlanStatus
from desktop.domain.grant_rules import TrainingMethod
from desktop.domain.plan import PlanStatus
from desktop.domain.roster import LearnerKind, LearnerStatus, OrganizationKind, SizeClass

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_of(model: type[Base]) -> Table:
    """A model's Core table, for bulk statements (typed as Table, which mypy needs)."""
    return cast(Table, model.__table__)


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no zone, so every timestamp is stored the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum_class: type[StrEnum]) -> Enum:
    # Stored as short ASCII codes in a VARCHAR so both databases hold the same text
    # and a label change in the UI never needs a migration.
    return Enum(
        enum_class,
        native_enum=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class TrainingStatus(StrEnum):
    ENROLLED = "enrolled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


RECORD_SOURCE_MANUAL = "manual"
RECORD_SOURCE_UDEMY = "udemy"


class ImportKind(StrEnum):
    ROSTER = "roster"
    UDEMY_COURSES = "udemy_courses"
    UDEMY_USERS = "udemy_users"

    @property
    def label(self) -> str:
        return {
            "roster": "名簿",
            "udemy_courses": "Udemy コース別実績",
            "udemy_users": "Udemy ユーザー別実績",
        }[self.value]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow, onupdate=utcnow)


class Organization(Timestamped, Base):
    """団体: a municipality, a firm or another body whose people learn."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(enum_column(OrganizationKind))
    size_class: Mapped[SizeClass | None] = mapped_column(enum_column(SizeClass))
    employment_office_number: Mapped[str | None] = mapped_column(String(16))
    corporate_number: Mapped[str | None] = mapped_column(String(13))
    # What the grant's 計画届 asks of an establishment (migration 0008).
    main_business: Mapped[str | None] = mapped_column(String(128))
    labour_bureau: Mapped[str | None] = mapped_column(String(32))
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class Department(Timestamped, Base):
    """所属: nested (部 → 課 → 係) within one organization."""

    __tablename__ = "departments"
    __table_args__ = (
        UniqueConstraint("organization_id", "parent_id", "name"),
        # NULLs are distinct in a unique constraint, so top-level names need their own index.
        Index(
            "uq_departments_top_level_name",
            "organization_id",
            "name",
            unique=True,
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(128))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class Learner(Timestamped, Base):
    """受講者: one person in the roster of one organization."""

    __tablename__ = "learners"
    __table_args__ = (
        UniqueConstraint("organization_id", "number"),
        Index("ix_learners_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    furigana: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    job_title: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[LearnerKind] = mapped_column(enum_column(LearnerKind))
    role: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[LearnerStatus] = mapped_column(enum_column(LearnerStatus), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date())
    insured_number: Mapped[str | None] = mapped_column(String(11))
    notes: Mapped[str | None] = mapped_column(Text())
    # The import that last created or changed this learner (undo finds it by this).
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class Course(Timestamped, Base):
    """講座: entered by hand for group training, or created by a Udemy import."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(256))
    provider: Mapped[str | None] = mapped_column(String(64))
    delivery_method: Mapped[str | None] = mapped_column(String(32))
    standard_hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    fee_yen: Mapped[int | None] = mapped_column(Integer)
    level: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(128))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class TrainingRecord(Timestamped, Base):
    """受講記録: one learner's activity in one course."""

    __tablename__ = "training_records"
    # A Udemy report has one line per learner and course; group training may be
    # taken again in a later year, so only imported records are unique.
    __table_args__ = (
        Index(
            "uq_training_records_udemy",
            "learner_id",
            "course_id",
            unique=True,
            sqlite_where=text("source = 'udemy'"),
            postgresql_where=text("source = 'udemy'"),
        ),
        # Plan progress looks records up by both (migration 0007).
        Index("ix_training_records_learner_course", "learner_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"), index=True)
    status: Mapped[TrainingStatus] = mapped_column(enum_column(TrainingStatus))
    enrolled_on: Mapped[date | None] = mapped_column(Date())
    started_on: Mapped[date | None] = mapped_column(Date())
    completed_on: Mapped[date | None] = mapped_column(Date())
    last_accessed_on: Mapped[date | None] = mapped_column(Date())
    hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    progress_percent: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text())
    source: Mapped[str] = mapped_column(String(32), default=RECORD_SOURCE_MANUAL)
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class ImportBatch(Timestamped, Base):
    """One file taken in: what, from where, by whom, with what result."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = mapped_column(enum_column(ImportKind))
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    encoding: Mapped[str | None] = mapped_column(String(16))
    sheet: Mapped[str | None] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    retired_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    unmatched_count: Mapped[int] = mapped_column(Integer, default=0)
    user_name: Mapped[str] = mapped_column(String(64))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime())
    undone_by: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class ImportChange(Base):
    """A row an import overwrote, with the values it had, so the import can be undone."""

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    before_json: Mapped[str] = mapped_column(Text())
    after_version: Mapped[int] = mapped_column(Integer)


class ColumnMapping(Timestamped, Base):
    """A named choice of which file column feeds which field, kept for the next file."""

    __tablename__ = "column_mappings"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    mapping_json: Mapped[str] = mapped_column(Text())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class PlatformTotals(Timestamped, Base):
    """A learner's totals on a learning platform, as its last user-activity report gave them."""

    __tablename__ = "platform_totals"
    __table_args__ = (UniqueConstraint("learner_id", "platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    courses_enrolled: Mapped[int | None] = mapped_column(Integer)
    courses_started: Mapped[int | None] = mapped_column(Integer)
    courses_completed: Mapped[int | None] = mapped_column(Integer)
    minutes_consumed: Mapped[int | None] = mapped_column(Integer)
    last_visited_on: Mapped[date | None] = mapped_column(Date())
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class DiagnosisStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return "回答中" if self is DiagnosisStatus.IN_PROGRESS else "完了"


class SkillFramework(Timestamped, Base):
    """One version of a skill framework. Once answered against, its data never changes."""

    __tablename__ = "skill_frameworks"
    __table_args__ = (UniqueConstraint("code", "framework_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    framework_version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(128))
    data_json: Mapped[str] = mapped_column(Text())
    content_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(255))  # file it came from; None when bundled
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class Diagnosis(Timestamped, Base):
    """スキル診断: one learner answering one framework version, once (事前, 事後 or 定期)."""

    __tablename__ = "diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("skill_frameworks.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[DiagnosisKind] = mapped_column(enum_column(DiagnosisKind))
    role_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[DiagnosisStatus] = mapped_column(enum_column(DiagnosisStatus), index=True)
    method: Mapped[str] = mapped_column(String(16))  # screen / paper / import
    diagnosed_on: Mapped[date] = mapped_column(Date())
    current_page: Mapped[int] = mapped_column(Integer, default=0)  # where the wizard resumes
    completed_at: Mapped[datetime | None] = mapped_column(DateTime())
    # Category id → level, kept when the diagnosis is completed, so that a
    # department's heatmap does not score every learner's answers again.
    levels_json: Mapped[str | None] = mapped_column(Text())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class DiagnosisAnswer(Base):
    __tablename__ = "diagnosis_answers"
    __table_args__ = (UniqueConstraint("diagnosis_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnosis_id: Mapped[int] = mapped_column(ForeignKey("diagnoses.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(32))
    value: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)


class Setting(Timestamped, Base):
    """One office-wide setting (see migration 0005): a key and its text value."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class StoredCatalog(Timestamped, Base):
    """A course catalogue with its learning paths, one per framework code (see migration 0006)."""

    __tablename__ = "catalogs"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    data_json: Mapped[str] = mapped_column(Text())
    content_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class LearningPlan(Timestamped, Base):
    """学習計画: one learner's plan for one 年度; revisions follow one another, one is current."""

    __tablename__ = "learning_plans"
    __table_args__ = (UniqueConstraint("learner_id", "fiscal_year", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="RESTRICT"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus))
    period_start: Mapped[date] = mapped_column(Date())
    period_end: Mapped[date] = mapped_column(Date())
    hours_budget: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    goal: Mapped[str] = mapped_column(Text(), default="")
    mentor: Mapped[str] = mapped_column(String(64), default="")
    role_id: Mapped[str] = mapped_column(String(32))
    role_name: Mapped[str] = mapped_column(String(128))
    diagnosis_id: Mapped[int | None] = mapped_column(ForeignKey("diagnoses.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(64))
    status_by: Mapped[str] = mapped_column(String(64))
    status_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class PlanLine(Base):
    __tablename__ = "plan_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("learning_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    month: Mapped[date] = mapped_column(Date())
    hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    reason: Mapped[str] = mapped_column(String(16))
    why: Mapped[str] = mapped_column(Text(), default="")


class PlanStatusChange(Base):
    __tablename__ = "plan_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("learning_plans.id", ondelete="CASCADE"), index=True)
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus))
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    note: Mapped[str] = mapped_column(Text(), default="")


class StoredGrantRuleSet(Timestamped, Base):
    """A 助成金 rule file an office loaded (migration 0008); the bundled ones stay in resources/."""

    __tablename__ = "grant_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    data_json: Mapped[str] = mapped_column(Text())
    content_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(255))
    loaded_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class GrantPlan(Timestamped, Base):
    """訓練計画: one training an establishment (a firm in organizations) plans for the grant."""

    __tablename__ = "grant_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(128), default="")
    method: Mapped[TrainingMethod] = mapped_column(enum_column(TrainingMethod))
    start_on: Mapped[date] = mapped_column(Date())
    end_on: Mapped[date] = mapped_column(Date())
    hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    fee_yen: Mapped[int] = mapped_column(Integer)
    status: Mapped[GrantPlanStatus] = mapped_column(enum_column(GrantPlanStatus))
    notice_submitted_on: Mapped[date | None] = mapped_column(Date())
    claim_submitted_on: Mapped[date | None] = mapped_column(Date())
    notes: Mapped[str] = mapped_column(Text(), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class GrantTrainee(Base):
    """A learner of the roster in a 訓練計画, with the terms the grant asks for."""

    __tablename__ = "grant_trainees"
    __table_args__ = (UniqueConstraint("plan_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("grant_plans.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    employment_type: Mapped[EmploymentType] = mapped_column(enum_column(EmploymentType))
    wage_hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))


class AppUser(Timestamped, Base):
    """利用者: a person who signs in to the window (when the office uses sign-in)."""

    __tablename__ = "app_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class AuditEntry(Base):
    """監査ログ: one fact of who did what, written once and never changed (triggers refuse it)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow, index=True)
    actor_login: Mapped[str] = mapped_column(String(64), index=True)
    actor_name: Mapped[str] = mapped_column(String(128))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16), index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    entity_label: Mapped[str] = mapped_column(String(200), default="")
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text())
    new_value: Mapped[str | None] = mapped_column(Text())
    detail: Mapped[str] = mapped_column(Text(), default="")
