"""Running one ingest job: validate, write in one transaction, then rebuild the index."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from app.db import make_engine
from app.models import IngestRun, Provider
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

    client = make_client(settings)
    with Session(engine) as session:
        providers = session.exec(select(func.count()).select_from(Provider)).one()
        if not result.total.changed and _live_count(client, settings) == providers:
            result.index_note = "oförändrat"
            return
        report = rebuild_providers_index(client, settings, session)
    result.indexed = report.documents


def _live_count(client, settings: Settings) -> int | None:
    try:
        return client.index(settings.providers_index).get_stats().number_of_documents
    except Exception:  # no live index yet: it must be built
        return None
