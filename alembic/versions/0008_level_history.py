"""level history: a kommun's levels apply from a period (valid_from) and carry the decision's day

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 23:00:00

One kommun × indicator may now have several levels over time: the primary key gains
`valid_from`. Existing levels apply from 2000 (app.models.indicators.LEVELS_SINCE), so every
figure already judged keeps its verdict. A day written at the end of `decided_by`
("Socialnämnden 2023-03-15", the old convention) moves to `decided_on`.
"""

import re
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS_SINCE = 2000  # a copy: migrations never import the app's current models
OLD_KEY = ["kommun_code", "indicator_id"]
NEW_KEY = ["kommun_code", "indicator_id", "valid_from"]
TRAILING_DAY = re.compile(r"^(?P<who>.*\S)\s+(?P<day>\d{4}-\d{2}-\d{2})$")


def _level_table(key: list[str]) -> sa.Table:
    """The level table with every column of this revision and the given primary key."""
    return sa.Table(
        "level",
        sa.MetaData(),
        sa.Column("kommun_code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("indicator_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("good", sa.Float(), nullable=False),
        sa.Column("approved", sa.Float(), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("valid_from", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.ForeignKeyConstraint(["kommun_code"], ["kommun.code"]),
        sa.PrimaryKeyConstraint(*key, name="level_pkey"),
    )


def _set_primary_key(columns: list[str]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot alter a key: batch mode rebuilds the table from this definition.
        with op.batch_alter_table("level", recreate="always", copy_from=_level_table(columns)):
            pass
    else:
        op.drop_constraint("level_pkey", "level", type_="primary")
        op.create_primary_key("level_pkey", "level", columns)


def upgrade() -> None:
    with op.batch_alter_table("level", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("valid_from", sa.Integer(), nullable=False, server_default=str(LEVELS_SINCE))
        )
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
    _set_primary_key(NEW_KEY)
    with op.batch_alter_table("level", schema=None) as batch_op:
        batch_op.alter_column("valid_from", server_default=None)

    level = sa.table(
        "level",
        sa.column("kommun_code", sa.String),
        sa.column("indicator_id", sa.String),
        sa.column("decided_by", sa.String),
        sa.column("decided_on", sa.Date),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(level.c.kommun_code, level.c.indicator_id, level.c.decided_by)
    ).all()
    for kommun_code, indicator_id, decided_by in rows:
        match = TRAILING_DAY.match(decided_by or "")
        if not match:
            continue
        try:
            day = date.fromisoformat(match["day"])
        except ValueError:
            continue
        bind.execute(
            level.update()
            .where(level.c.kommun_code == kommun_code)
            .where(level.c.indicator_id == indicator_id)
            .values(decided_by=match["who"], decided_on=day)
        )


def downgrade() -> None:
    # One level per kommun × indicator again: the one in force now (the newest) is kept, with
    # its day written back into decided_by.
    bind = op.get_bind()
    level = sa.table(
        "level",
        sa.column("kommun_code", sa.String),
        sa.column("indicator_id", sa.String),
        sa.column("valid_from", sa.Integer),
        sa.column("decided_by", sa.String),
        sa.column("decided_on", sa.Date),
    )
    rows = bind.execute(
        sa.select(
            level.c.kommun_code,
            level.c.indicator_id,
            level.c.valid_from,
            level.c.decided_by,
            level.c.decided_on,
        ).order_by(level.c.kommun_code, level.c.indicator_id, level.c.valid_from)
    ).all()
    newest = {(r.kommun_code, r.indicator_id): r for r in rows}
    for r in rows:
        key = (r.kommun_code, r.indicator_id)
        where = (
            (level.c.kommun_code == r.kommun_code)
            & (level.c.indicator_id == r.indicator_id)
            & (level.c.valid_from == r.valid_from)
        )
        if newest[key] is not r:
            bind.execute(level.delete().where(where))
        elif r.decided_on is not None:
            who = " ".join(x for x in (r.decided_by, r.decided_on.isoformat()) if x)
            bind.execute(level.update().where(where).values(decided_by=who))
    _set_primary_key(OLD_KEY)
    with op.batch_alter_table("level", schema=None) as batch_op:
        batch_op.drop_column("decided_on")
        batch_op.drop_column("valid_from")
