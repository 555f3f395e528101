"""embed_origin: the websites each kommun lets frame our widgets

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "embed_origin",
        sa.Column("kommun_code", sa.String(length=4), sa.ForeignKey("kommun.code"), nullable=False),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("added", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("kommun_code", "origin"),
    )


def downgrade() -> None:
    op.drop_table("embed_origin")
