"""Running one ingest job: validate, write in one transaction, then rebuild the index.

A run holds the run lock (ingest.lock) from start to end, and first repairs an index an
earlier run left stale. Its row in ingest_run says how far it got:

- `index_pending`: the data is committed, the search index not (yet) rebuilt from it (the
  run was started with --no-reindex, is rebuilding now, or died before the swap);
- `index_failed`: the data is committed, rebuilding the index failed (see `message`);
- `ok`: the data is committed and the live index was built from it (or from later data).

A failed validation or write rolls everything back and leaves no row.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.db import make_engine
from app.models import IngestRun
from app.search.errors import SearchError
from app.search.indexer import IndexReport, IndexState
from app.settings import Settings
from ingest.lock import Holder, run_lock
from ingest.writer import Counts, Writer

log = logging.getLogger(__name__)

OK, INDEX_PENDING, INDEX_FAILED = "ok", "index_pending", "index_failed"


@dataclass
class RunResult:
    source: str
    dry_run: bool
    counts: dict[str, Counts]
    total: Counts
    indexed: int | None  # documents in the rebuilt index; None when not rebuilt
    index_note: str = ""
    rejected: dict[str, int] = field(default_factory=dict)  # not stored, by reason
    index_error: SearchError | None = None  # the data is committed, the index is not


@contextmanager
def exclusive(
    settings: Settings,
    *,
    wait: bool = False,
    repair: bool = True,
    on_wait: Callable[[Holder | None], None] | None = None,
) -> Iterator[None]:
    """Hold the run lock; on taking it, first repair an index an earlier run left stale."""
    with run_lock(settings, wait=wait, on_wait=on_wait) as taken:
        if taken and repair:
            _repair_before_run(settings)
        yield


def run_job(
    settings: Settings,
    source: str,
    write: Callable[[Session], Writer],
    *,
    dry_run: bool = False,
    reindex: bool = True,
) -> RunResult:
    """`write` must only stage changes; this function owns commit, rollback and the index.

    An index that cannot be rebuilt does not raise: the data is committed by then, so the
    result carries `index_error` and the run is recorded `index_failed`.
    """
    # A dry run writes nothing, so it neither waits for nor blocks a real one.
    with nullcontext() if dry_run else exclusive(settings, repair=reindex):
        engine = make_engine(settings.database_url)
        try:
            return _run(settings, engine, source, write, dry_run=dry_run, reindex=reindex)
        finally:
            engine.dispose()


def _run(
    settings: Settings,
    engine: Engine,
    source: str,
    write: Callable[[Session], Writer],
    *,
    dry_run: bool,
    reindex: bool,
) -> RunResult:
    started = datetime.now(UTC)
    run_id: int | None = None
    with Session(engine) as session:
        try:
            writer = write(session)
            total = writer.total()
            if dry_run:
                session.rollback()
            else:
                run = IngestRun(
                    source=source,
                    started_at=started,
                    finished_at=datetime.now(UTC),
                    status=INDEX_PENDING,
                    created=total.created,
                    updated=total.updated,
                    unchanged=total.unchanged,
                    rejected=sum(writer.rejected.values()),
                    message=None if reindex else "sökindexet byggdes inte om (--no-reindex)",
                )
                session.add(run)
                session.commit()
                run_id = run.id
        except BaseException:
            session.rollback()
            raise
    result = RunResult(
        source, dry_run, writer.counts, total, indexed=None, rejected=dict(writer.rejected)
    )
    if run_id is not None and reindex:
        try:
            report = rebuild_index(settings, engine, only_if_changed=True)
        except SearchError as exc:
            result.index_error = exc
            _set_status(engine, run_id, INDEX_FAILED, f"sökindexet: {exc}")
        else:
            if report is None:
                result.index_note = "oförändrat"
            else:
                result.indexed = report.documents
    return result


def rebuild_index(
    settings: Settings, engine: Engine, *, only_if_changed: bool = False
) -> IndexReport | None:
    """Rebuild the live index from the database, then mark the runs it covers `ok`.

    Call with the run lock held (`exclusive`): it publishes what the database holds now.
    """
    # Imported here so a database-only ingest never needs the search client loaded.
    from app.search.client import make_client
    from app.search.indexer import rebuild_providers_index

    with Session(engine) as session:
        report = rebuild_providers_index(
            make_client(settings), settings, session, only_if_changed=only_if_changed
        )
    _mark_indexed(engine)
    return report


def repair_index(settings: Settings, engine: Engine) -> tuple[IndexState, IndexReport | None]:
    """Repair a stale index and remove leftover temporary indexes (run lock held)."""
    from app.search.client import make_client
    from app.search.indexer import repair_index as repair

    with Session(engine) as session:
        state, report = repair(make_client(settings), settings, session)
    _mark_indexed(engine)
    return state, report


def _repair_before_run(settings: Settings) -> None:
    """Best effort: if search is down, the run's own rebuild at the end says so."""
    engine = make_engine(settings.database_url)
    try:
        state, report = repair_index(settings, engine)
    except SearchError as exc:
        log.debug("index not checked before the run: %s", exc)
        return
    finally:
        engine.dispose()
    if state.status == "stale":
        built = f"{report.documents} utförare" if report else "innehållet var redan rätt"
        log.warning("Sökindexet var inaktuellt efter en tidigare körning; lagat (%s).", built)
    elif state.leftovers:
        log.warning("Tog bort kvarlämnade tillfälliga sökindex: %s", ", ".join(state.leftovers))


def _mark_indexed(engine: Engine) -> None:
    """The live index now reflects everything committed, so every earlier run is done.

    Safe because the caller holds the run lock: no run can commit between the rebuild and
    this update.
    """
    with Session(engine) as session:
        session.exec(  # type: ignore[call-overload]
            update(IngestRun)
            .where(col(IngestRun.status).in_([INDEX_PENDING, INDEX_FAILED]))
            .values(status=OK, finished_at=datetime.now(UTC))
        )
        session.commit()


def _set_status(engine: Engine, run_id: int, status: str, message: str) -> None:
    with Session(engine) as session:
        run = session.get(IngestRun, run_id)
        if run is not None:
            run.status, run.message = status, message
            session.add(run)
            session.commit()
