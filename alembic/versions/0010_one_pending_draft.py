"""one pending draft per unit and kind (and figure), held by the database

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 11:15:00

The service always replaced a pending draft before adding a new one; two submissions at
the same moment could still both be pending. Older duplicates, if any, are marked replaced
(as the service would have), then partial unique indexes keep it so.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING_PRESENTATION = "status = 'pending' AND indicator_id IS NULL"
PENDING_COMMENT = "status = 'pending' AND indicator_id IS NOT NULL"


def upgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE presentation_draft SET status = 'replaced' WHERE status = 'pending' "
            "AND id NOT IN (SELECT max(id) FROM presentation_draft WHERE status = 'pending' "
            "GROUP BY provider_id, kind, coalesce(indicator_id, ''))"
        )
    )
    op.create_index(
        "one_pending_presentation",
        "presentation_draft",
        ["provider_id", "kind"],
        unique=True,
        sqlite_where=sa.text(PENDING_PRESENTATION),
        postgresql_where=sa.text(PENDING_PRESENTATION),
    )
    op.create_index(
        "one_pending_comment",
        "presentation_draft",
        ["provider_id", "kind", "indicator_id"],
        unique=True,
        sqlite_where=sa.text(PENDING_COMMENT),
        postgresql_where=sa.text(PENDING_COMMENT),
    )


def downgrade() -> None:
    op.drop_index("one_pending_comment", table_name="presentation_draft")
    op.drop_index("one_pending_presentation", table_name="presentation_draft")
