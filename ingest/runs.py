"""Running one ingest job: validate, write in one transaction, then rebuild the index."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from app.db import make_engine
from app.models import IngestRun
from app.settings import Settings
from ingest.writer import Counts, Writer


@dataclass
class RunResult:
    source: str
    dry_run: bool
    counts: dict[str, Counts]
    total: Counts
    indexed: int | None  # documents in the rebuilt index; None when not rebuilt
    index_note: str = ""
    rejected: dict[str, int] = field(default_factory=dict)  # not stored, by reason


def run_job(
    settings: Settings,
    source: str,
    write: Callable[[Session], Writer],
    *,
    dry_run: bool = False,
    reindex: bool = True,
) -> RunResult:
    """`write` must only stage changes; this function owns commit, rollback and the index."""
    engine = make_engine(settings.database_url)
    started = datetime.now(UTC)
    try:
        with Session(engine) as session:
            try:
                writer = write(session)
                total = writer.total()
                if dry_run:
                    session.rollback()
                else:
                    session.add(
                        IngestRun(
                            source=source,
                            started_at=started,
                            finished_at=datetime.now(UTC),
                            status="ok",
                            created=total.created,
                            updated=total.updated,
                            unchanged=total.unchanged,
                            rejected=sum(writer.rejected.values()),
                        )
                    )
                    session.commit()
            except BaseException:
                session.rollback()
                raise
        result = RunResult(
            source, dry_run, writer.counts, total, indexed=None, rejected=dict(writer.rejected)
        )
        if not dry_run and reindex:
            _refresh_index(settings, engine, result)
        return result
    finally:
        engine.dispose()


def _refresh_index(settings: Settings, engine, result: RunResult) -> None:
    # Imported here so a database-only ingest never needs the search client loaded.
    from app.search.client import make_client
    from app.search.indexer import rebuild_providers_index

    with Session(engine) as session:
        report = rebuild_providers_index(
            make_client(settings), settings, session, only_if_changed=True
        )
    if report is None:
        result.index_note = "oförändrat"
    else:
        result.indexed = report.documents
