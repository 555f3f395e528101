"""Fresh, migrated databases for tests, on SQLite by default or on the PostgreSQL server
named by DATABASE_URL (each test database is created on that server and dropped after)."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def server_url() -> str | None:
    """The PostgreSQL server under test, or None for SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def backend_name() -> str:
    return "postgresql" if server_url() else "sqlite"


def migrate(database_url: str, revision: str = "head") -> None:
    config = Config(str(ROOT / "alembic.ini"))
    engine = make_engine(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()


@contextmanager
def fresh_database(tmp_dir: Path, *, migrated: bool = True) -> Iterator[str]:
    """Yield the URL of a new, empty database (migrated to head unless told otherwise)."""
    server = server_url()
    if server is None:
        url = f"sqlite:///{tmp_dir / f'test-{uuid.uuid4().hex[:8]}.db'}"
        if migrated:
            migrate(url)
        yield url
        return
    name = f"vj_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    url_str = url.render_as_string(hide_password=False)
    try:
        if migrated:
            migrate(url_str)
        yield url_str
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
