"""Training records found by learner and course together.

Revision ID: 0007_record_lookup
Revises: 0006_plans
Create Date: 2026-11-22

Plan progress matches every plan line with the learner's records of the same
course. With only the single-column indexes, SQLite chose the course index
(thousands of records per course) for each of half a million lines.
"""

from alembic import op

revision = "0007_record_lookup"
down_revision = "0006_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_training_records_learner_course", "training_records", ["learner_id", "course_id"])


def downgrade() -> None:
    op.drop_index("ix_training_records_learner_course", table_name="training_records")
