"""Import history, saved column mappings, Udemy totals, and manual training records.

Revision ID: 0003_imports
Revises: 0002_courses_records
Create Date: 2026-11-22

A learner or training record remembers the import batch that last wrote it;
together with the batch's change rows (the values it overwrote) that is enough
to undo an import as a whole. The one-record-per-learner-and-course rule now
holds for Udemy records only: group training may be taken again each year.
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003_imports"
down_revision = "0002_courses_records"
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("encoding", sa.String(16), nullable=True),
        sa.Column("sheet", sa.String(64), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("retired_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.Column("unmatched_count", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_import_batches"),
    )
    op.create_table(
        "import_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=False),
        sa.Column("after_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_changes"),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name="fk_import_changes_batch_id_import_batches",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_import_changes_batch_id", "import_changes", ["batch_id"])
    op.create_table(
        "column_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_column_mappings"),
        sa.UniqueConstraint("kind", "name", name="uq_column_mappings_kind_name"),
    )
    op.create_table(
        "platform_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("courses_enrolled", sa.Integer(), nullable=True),
        sa.Column("courses_started", sa.Integer(), nullable=True),
        sa.Column("courses_completed", sa.Integer(), nullable=True),
        sa.Column("minutes_consumed", sa.Integer(), nullable=True),
        sa.Column("last_visited_on", sa.Date(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_platform_totals"),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_platform_totals_learner_id_learners", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["import_batch_id"],
            ["import_batches.id"],
            name="fk_platform_totals_import_batch_id_import_batches",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("learner_id", "platform", name="uq_platform_totals_learner_id_platform"),
    )
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_learners_import_batch_id_import_batches",
            "import_batches",
            ["import_batch_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("category", sa.String(128), nullable=True))
        batch.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_courses_import_batch_id_import_batches",
            "import_batches",
            ["import_batch_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("training_records") as batch:
        batch.add_column(sa.Column("minutes", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("notes", sa.Text(), nullable=True))
        batch.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_training_records_import_batch_id_import_batches",
            "import_batches",
            ["import_batch_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.drop_constraint("uq_training_records_learner_id_course_id", type_="unique")
    op.create_index(
        "uq_training_records_udemy",
        "training_records",
        ["learner_id", "course_id"],
        unique=True,
        sqlite_where=sa.text("source = 'udemy'"),
        postgresql_where=sa.text("source = 'udemy'"),
    )
    op.create_index("ix_training_records_import_batch_id", "training_records", ["import_batch_id"])
    op.create_index("ix_learners_import_batch_id", "learners", ["import_batch_id"])


def downgrade() -> None:
    op.drop_index("ix_learners_import_batch_id", "learners")
    op.drop_index("ix_training_records_import_batch_id", "training_records")
    op.drop_index("uq_training_records_udemy", "training_records")
    with op.batch_alter_table("training_records") as batch:
        batch.create_unique_constraint(
            "uq_training_records_learner_id_course_id", ["learner_id", "course_id"]
        )
        batch.drop_constraint("fk_training_records_import_batch_id_import_batches", type_="foreignkey")
        batch.drop_column("import_batch_id")
        batch.drop_column("notes")
        batch.drop_column("minutes")
    with op.batch_alter_table("courses") as batch:
        batch.drop_constraint("fk_courses_import_batch_id_import_batches", type_="foreignkey")
        batch.drop_column("import_batch_id")
        batch.drop_column("category")
    with op.batch_alter_table("learners") as batch:
        batch.drop_constraint("fk_learners_import_batch_id_import_batches", type_="foreignkey")
        batch.drop_column("import_batch_id")
    op.drop_table("platform_totals")
    op.drop_table("column_mappings")
    op.drop_index("ix_import_changes_batch_id", "import_changes")
    op.drop_table("import_changes")
    op.drop_table("import_batches")
