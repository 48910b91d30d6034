"""Skill frameworks, diagnoses and their answers.

Revision ID: 0004_diagnosis
Revises: 0003_imports
Create Date: 2026-11-22

A framework version is stored whole (its JSON) beside its content hash: a
diagnosis points at the exact version it was answered against, and editing a
framework that has answers makes a new version instead of changing this one.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_diagnosis"
down_revision = "0003_imports"
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "skill_frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("framework_version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_skill_frameworks"),
        sa.UniqueConstraint("code", "framework_version", name="uq_skill_frameworks_code_framework_version"),
    )
    op.create_table(
        "diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("diagnosed_on", sa.Date(), nullable=False),
        sa.Column("current_page", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("levels_json", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_diagnoses"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_diagnoses_learner_id_learners", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["skill_frameworks.id"],
            name="fk_diagnoses_framework_id_skill_frameworks",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_diagnoses_learner_id", "diagnoses", ["learner_id"])
    op.create_index("ix_diagnoses_framework_id", "diagnoses", ["framework_id"])
    op.create_index("ix_diagnoses_status", "diagnoses", ["status"])
    op.create_table(
        "diagnosis_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("diagnosis_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_diagnosis_answers"),
        sa.ForeignKeyConstraint(
            ["diagnosis_id"],
            ["diagnoses.id"],
            name="fk_diagnosis_answers_diagnosis_id_diagnoses",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("diagnosis_id", "item_id", name="uq_diagnosis_answers_diagnosis_id_item_id"),
    )


def downgrade() -> None:
    op.drop_table("diagnosis_answers")
    op.drop_index("ix_diagnoses_status", "diagnoses")
    op.drop_index("ix_diagnoses_framework_id", "diagnoses")
    op.drop_index("ix_diagnoses_learner_id", "diagnoses")
    op.drop_table("diagnoses")
    op.drop_table("skill_frameworks")
