"""Facts about the loaded data set as a whole, asked on every page and changed only by ingest."""

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.data_version import read_version
from app.models import IngestRun, Provider

# A run in any of these statuses has its data committed (ingest.runs): the source was
# fetched successfully then, whether or not the search index has caught up.
FETCHED = ("ok", "index_pending", "index_failed")


@dataclass(frozen=True)
class DataSet:
    version: int  # the data version (app.data_version) these facts were read at
    sample: bool  # any fictional sample provider loaded (drives the banner)
    # ingest_run.source -> start (UTC) of its latest run with committed data
    fetched: dict[str, datetime] = field(default_factory=dict)


def read_dataset(session: Session) -> DataSet:
    version = read_version(session)
    sample = session.exec(
        select(col(Provider.id)).where(Provider.origin == "sample").limit(1)
    ).first()
    latest = session.exec(
        select(IngestRun.source, func.max(IngestRun.started_at))
        .where(col(IngestRun.status).in_(FETCHED))
        .group_by(IngestRun.source)
    ).all()
    fetched = {source: _utc(at) for source, at in latest if at is not None}
    return DataSet(version=version, sample=sample is not None, fetched=fetched)


def _utc(at: datetime) -> datetime:
    """SQLite gives back the stored UTC time without its zone."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class DataSetCache:
    """The facts, re-read only when the data version has changed, through a session the
    caller holds (one small query per call to check the version).

    Never through a connection of its own: a request that waited for a second connection
    while holding its first is how the pool ran dry under load.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._facts: DataSet | None = None

    def get(self, session: Session | None) -> DataSet | None:
        """The facts as of now; without a session only what is known (None at first)."""
        with self._lock:
            facts = self._facts
        if session is None or (facts and facts.version == read_version(session)):
            return facts
        facts = read_dataset(session)
        with self._lock:
            self._facts = facts
        return facts
