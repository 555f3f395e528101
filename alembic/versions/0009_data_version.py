"""data version: one row whose number every committed change to public data increases

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 05:00:00

Rendered pages are cached against this number (app.web.page_cache); app.data_version
bumps it in the same transaction as each change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0, "changed_at": None}])


def downgrade() -> None:
    op.drop_table("data_version")
