"""indicator short titles, reference_value.basis, provider.school_years

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(
            sa.Column("short_title_sv", sa.String(), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("short_title_en", sa.String(), nullable=False, server_default="")
        )
    # Existing references were stored as the sources' own kommun and national figures.
    with op.batch_alter_table("reference_value") as batch:
        batch.add_column(sa.Column("basis", sa.String(), nullable=False, server_default="official"))
    with op.batch_alter_table("provider") as batch:
        batch.add_column(sa.Column("school_years", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("provider") as batch:
        batch.drop_column("school_years")
    with op.batch_alter_table("reference_value") as batch:
        batch.drop_column("basis")
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("short_title_en")
        batch.drop_column("short_title_sv")
