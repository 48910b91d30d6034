"""Office settings kept in the database, shared by every PC that opens it.

Revision ID: 0005_settings
Revises: 0004_diagnosis
Create Date: 2026-11-22

Settings that describe the programme (which skill framework diagnoses use, the
approval boxes of a plan) belong with the data, not with one PC's registry.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_settings"
down_revision = "0004_diagnosis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )


def downgrade() -> None:
    op.drop_table("settings")
