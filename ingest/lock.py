"""One ingest run at a time per database, released by the operating system if a run dies.

PostgreSQL: a session-level advisory lock on a connection of its own, held for the run; the
server drops it when that connection closes, however the process ended. SQLite: flock(2) on
a file next to the database; the kernel drops it when the process's descriptor closes.
Either way the holder leaves its pid, host and start time where a second run can read them.
"""

import fcntl
import json
import os
import socket
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from app.db import make_engine
from app.settings import Settings

# Advisory lock keys are scoped to the database, so installations sharing a server never
# block each other. Below 2**31 so pg_locks shows it as classid 0, objid KEY.
PG_LOCK_KEY = 7_146_032
POLL_SECONDS = 1.0
# (lock identity, thread): a command that already holds the lock may call run_job, which
# takes it again; another thread of the same process must still wait like anyone else.
_held: set[tuple[str, int]] = set()


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: datetime  # aware

    def __str__(self) -> str:
        local = self.started.astimezone()
        when = (
            f"{local:%H:%M}" if local.date() == datetime.now().date() else f"{local:%Y-%m-%d %H:%M}"
        )
        return f"startad {when} av pid {self.pid} på {self.host}"


class RunLocked(Exception):
    """Another run holds the lock."""

    def __init__(self, holder: Holder | None) -> None:
        self.holder = holder
        who = f" ({holder})" if holder else ""
        super().__init__(
            f"En annan inläsning pågår{who}; försök igen när den är klar, "
            "eller kör med --wait för att vänta på den."
        )


@contextmanager
def run_lock(
    settings: Settings,
    *,
    wait: bool = False,
    on_wait: Callable[[Holder | None], None] | None = None,
) -> Iterator[bool]:
    """Hold the run lock for the database in `settings`; yield True if taken here.

    Raises RunLocked if another run holds it, unless `wait`: then poll until it is free,
    calling `on_wait` once with the holder. Re-entering in the same thread yields False.
    """
    url = make_url(settings.database_url)
    key = (url.render_as_string(hide_password=False), threading.get_ident())
    if key in _held:
        yield False
        return
    if url.get_backend_name() == "sqlite":
        database = (url.database or "").removeprefix("file:")
        lock: _Lock = (
            _FileLock(_lock_path(database)) if database not in ("", ":memory:") else _NoLock()
        )
    else:
        lock = _AdvisoryLock(settings.database_url)
    try:
        told = False
        while not lock.try_acquire():
            if not wait:
                raise RunLocked(lock.holder())
            if on_wait and not told:
                on_wait(lock.holder())
                told = True
            time.sleep(POLL_SECONDS)
        _held.add(key)
        try:
            yield True
        finally:
            _held.discard(key)
    finally:
        lock.close()


def lock_path(settings: Settings) -> Path | None:
    """The SQLite lock file, or None when the lock lives in PostgreSQL (or memory)."""
    url = make_url(settings.database_url)
    database = (url.database or "").removeprefix("file:")
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    return _lock_path(database)


def _lock_path(database: str) -> Path:
    path = Path(database)
    return path.with_name(f"{path.name}.ingest-lock")


def _me() -> Holder:
    return Holder(os.getpid(), socket.gethostname(), datetime.now().astimezone())


class _Lock(ABC):
    @abstractmethod
    def try_acquire(self) -> bool: ...

    @abstractmethod
    def holder(self) -> Holder | None: ...

    @abstractmethod
    def close(self) -> None: ...


class _NoLock(_Lock):
    """An in-memory SQLite database belongs to one process: nothing to share."""

    def try_acquire(self) -> bool:
        return True

    def holder(self) -> Holder | None:
        return None

    def close(self) -> None:
        pass


class _FileLock(_Lock):
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Never deleted: removing a lock file lets two runs lock two different files.
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)

    def try_acquire(self) -> bool:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        me = _me()
        record = {"pid": me.pid, "host": me.host, "started": me.started.isoformat()}
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, json.dumps(record).encode(), 0)
        return True

    def holder(self) -> Holder | None:
        try:
            record = json.loads(self.path.read_text() or "null")
            return Holder(
                int(record["pid"]), str(record["host"]), datetime.fromisoformat(record["started"])
            )
        except (OSError, ValueError, TypeError, KeyError):
            return None  # being written, or written by something else

    def close(self) -> None:
        os.close(self.fd)  # releases the flock if we held it


class _AdvisoryLock(_Lock):
    # application_name is how a waiting run learns who holds the lock; PostgreSQL keeps 63
    # bytes of it, so the host goes last where truncation only shortens it.
    PREFIX = "valfard-ingest"

    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        self.conn: Connection = self.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        )

    def try_acquire(self) -> bool:
        me = _me()
        name = f"{self.PREFIX} pid={me.pid} t={int(me.started.timestamp())} host={me.host}"
        self.conn.execute(
            text("SELECT set_config('application_name', :name, false)"), {"name": name}
        )
        got = self.conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
        return bool(got.scalar())

    def holder(self) -> Holder | None:
        name = self.conn.execute(
            text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0"
                " AND l.objid = :key AND l.objsubid = 1"
                " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"key": PG_LOCK_KEY},
        ).scalar()
        fields = dict(part.split("=", 1) for part in (name or "").split()[1:] if "=" in part)
        try:
            started = datetime.fromtimestamp(int(fields["t"])).astimezone()
            return Holder(int(fields["pid"]), fields.get("host", "?"), started)
        except (KeyError, ValueError):
            return None

    def close(self) -> None:
        # Closing the session releases a session-level advisory lock; no unlock call needed.
        self.conn.close()
        self.engine.dispose()
