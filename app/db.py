"""The database engine and the one way to open a session."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

# Installs the rule that every committed change to public data bumps the data version.
import app.data_version  # noqa: F401

# The app hands out at most `pool_size` sessions at a time (app.deps), so a request never
# waits for a connection; if one ever does, something is wrong, and it should say so soon.
POOL_TIMEOUT_SECONDS = 10


def make_engine(database_url: str, pool_size: int | None = None) -> Engine:
    """With `pool_size` (the app): exactly that many connections, no overflow.
    Without (ingest, scripts, tests): SQLAlchemy's defaults."""
    url = make_url(database_url)
    pool: dict = {}
    if pool_size is not None:
        pool = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": POOL_TIMEOUT_SECONDS}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True, **pool)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Commit on success, roll back on any error: the one place that decides."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
