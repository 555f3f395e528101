"""Everything stored, as plain data, to prove that a failed ingest changed nothing."""

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import app.models  # noqa: F401

# A run that changes nothing still records itself (ingest_run), and the footer's "fetched
# on" moves with it, so the data version moves too; tests/test_page_cache.py checks that a
# failed run leaves the version alone.
AUDIT_TABLES = {"ingest_run", "data_version"}


def database_snapshot(engine: Engine) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for name, table in SQLModel.metadata.tables.items():
            if name in AUDIT_TABLES:
                continue
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[name] = [tuple(r) for r in rows]
    return out
