"""presentation edits: drafts waiting for the kommun, and approved figure comments

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 22:37:41.950697
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "figure_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider_id", "indicator_id"),
    )
    with op.batch_alter_table("figure_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_figure_comment_indicator_id"), ["indicator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_figure_comment_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "presentation_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("indicator_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_by_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["submitted_by"], ["app_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("presentation_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_presentation_draft_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_presentation_draft_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("presentation_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presentation_draft_status"))
        batch_op.drop_index(batch_op.f("ix_presentation_draft_provider_id"))
    op.drop_table("presentation_draft")
    with op.batch_alter_table("figure_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figure_comment_provider_id"))
        batch_op.drop_index(batch_op.f("ix_figure_comment_indicator_id"))
    op.drop_table("figure_comment")
