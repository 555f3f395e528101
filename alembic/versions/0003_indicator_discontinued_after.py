"""indicator.discontinued_after: the last year a source published an indicator

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kolada's enhetsundersökning KPIs end with 2023 ("(-2023)" in Kolada's catalogue). The
# ingest never rewrites an existing definition, so a database made before this revision
# learns it here.
DISCONTINUED = {"U23493": 2023, "U23496": 2023}


def upgrade() -> None:
    op.add_column('indicator', sa.Column('discontinued_after', sa.Integer(), nullable=True))
    indicator = sa.table(
        'indicator', sa.column('id', sa.String()), sa.column('discontinued_after', sa.Integer())
    )
    for indicator_id, year in DISCONTINUED.items():
        op.execute(
            indicator.update()
            .where(indicator.c.id == indicator_id)
            .values(discontinued_after=year)
        )


def downgrade() -> None:
    with op.batch_alter_table('indicator') as batch:
        batch.drop_column('discontinued_after')
