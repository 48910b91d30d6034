"""Courses and training records (schema only; their screens come later).

Revision ID: 0002_courses_records
Revises: 0001_roster
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_courses_records"
down_revision = "0001_roster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("provider", sa.String(64), nullable=True),
        sa.Column("delivery_method", sa.String(32), nullable=True),
        sa.Column("standard_hours", sa.Numeric(7, 2), nullable=True),
        sa.Column("fee_yen", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_courses"),
        sa.UniqueConstraint("code", name="uq_courses_code"),
    )
    op.create_table(
        "training_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("last_accessed_on", sa.Date(), nullable=True),
        sa.Column("hours", sa.Numeric(7, 2), nullable=True),
        sa.Column("progress_percent", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_training_records"),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name="fk_training_records_learner_id_learners",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name="fk_training_records_course_id_courses", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("learner_id", "course_id", name="uq_training_records_learner_id_course_id"),
    )
    op.create_index("ix_training_records_learner_id", "training_records", ["learner_id"])
    op.create_index("ix_training_records_course_id", "training_records", ["course_id"])


def downgrade() -> None:
    op.drop_table("training_records")
    op.drop_table("courses")
