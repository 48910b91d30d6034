"""Course catalogues, learning plans with their lines and status history.

Revision ID: 0006_plans
Revises: 0005_settings
Create Date: 2026-11-22

A catalogue is stored whole (its JSON), as a framework is; its courses are
also kept in ``courses`` so that plan lines and training records meet on the
same course row. A plan that has been approved is never changed: an edit makes
a new revision, and the old one stays as it was approved.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006_plans"
down_revision = "0005_settings"
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "catalogs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_catalogs"),
        sa.UniqueConstraint("framework_code", name="uq_catalogs_framework_code"),
    )
    op.create_table(
        "learning_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("hours_budget", sa.Numeric(7, 2), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("mentor", sa.String(64), nullable=False),
        sa.Column("role_id", sa.String(32), nullable=False),
        sa.Column("role_name", sa.String(128), nullable=False),
        sa.Column("diagnosis_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("status_by", sa.String(64), nullable=False),
        sa.Column("status_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_learning_plans"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_learning_plans_learner_id_learners", ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["diagnosis_id"],
            ["diagnoses.id"],
            name="fk_learning_plans_diagnosis_id_diagnoses",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint(
            "learner_id", "fiscal_year", "revision", name="uq_learning_plans_learner_id_fiscal_year_revision"
        ),
    )
    op.create_index("ix_learning_plans_learner_id", "learning_plans", ["learner_id"])
    op.create_table(
        "plan_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(7, 2), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_lines"),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["learning_plans.id"],
            name="fk_plan_lines_plan_id_learning_plans",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name="fk_plan_lines_course_id_courses", ondelete="RESTRICT"
        ),
    )
    op.create_index("ix_plan_lines_plan_id", "plan_lines", ["plan_id"])
    op.create_table(
        "plan_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_status_changes"),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["learning_plans.id"],
            name="fk_plan_status_changes_plan_id_learning_plans",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_plan_status_changes_plan_id", "plan_status_changes", ["plan_id"])


def downgrade() -> None:
    op.drop_table("plan_status_changes")
    op.drop_table("plan_lines")
    op.drop_table("learning_plans")
    op.drop_table("catalogs")
