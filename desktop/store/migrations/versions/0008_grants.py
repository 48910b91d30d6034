"""人材開発支援助成金: establishment details, loaded rule files, training plans and their trainees.

Revision ID: 0008_grants
Revises: 0007_record_lookup
Create Date: 2026-11-22

An establishment (事業所) is an organization of kind 企業; it gains the fields
the 計画届 asks for. Bundled rule sets stay in resources/grant_rules; only the
files an office loads are stored here.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008_grants"
down_revision = "0007_record_lookup"
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("main_business", sa.String(128), nullable=True))
        batch.add_column(sa.Column("labour_bureau", sa.String(32), nullable=True))
        batch.add_column(sa.Column("contact_name", sa.String(64), nullable=True))
        batch.add_column(sa.Column("contact_phone", sa.String(32), nullable=True))
    op.create_table(
        "grant_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("loaded_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_grant_rule_sets"),
        sa.UniqueConstraint("rule_id", name="uq_grant_rule_sets_rule_id"),
    )
    op.create_table(
        "grant_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(128), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(7, 2), nullable=False),
        sa.Column("fee_yen", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("notice_submitted_on", sa.Date(), nullable=True),
        sa.Column("claim_submitted_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_grant_plans"),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name="fk_grant_plans_organization_id_organizations",
            ondelete="RESTRICT",
        ),
    )
    op.create_index("ix_grant_plans_organization_id", "grant_plans", ["organization_id"])
    op.create_table(
        "grant_trainees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("employment_type", sa.String(16), nullable=False),
        sa.Column("wage_hours", sa.Numeric(7, 2), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_grant_trainees"),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["grant_plans.id"], name="fk_grant_trainees_plan_id_grant_plans", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_grant_trainees_learner_id_learners", ondelete="RESTRICT"
        ),
        sa.UniqueConstraint("plan_id", "learner_id", name="uq_grant_trainees_plan_id_learner_id"),
    )
    op.create_index("ix_grant_trainees_plan_id", "grant_trainees", ["plan_id"])
    op.create_index("ix_grant_trainees_learner_id", "grant_trainees", ["learner_id"])


def downgrade() -> None:
    op.drop_table("grant_trainees")
    op.drop_table("grant_plans")
    op.drop_table("grant_rule_sets")
    with op.batch_alter_table("organizations") as batch:
        for column in ("contact_phone", "contact_name", "labour_bureau", "main_business"):
            batch.drop_column(column)
