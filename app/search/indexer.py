"""Rebuild the providers index beside the live one, then swap it in atomically.

Searches only ever see the live index, which is either the previous complete build or the
new complete build: documents go into a temporary index, and only when every task of that
build has succeeded is it swapped with the live one. Rebuilds are not meant to run
concurrently (ingest runs them one at a time, under its run lock); one that did would remove
the other's temporary index and make that rebuild fail, never publish a partial one.

A small meta index records what the live index was built from: a fingerprint of documents
and settings, and the database's data version (its latest ingest run). `index_state` compares
that with the database cheaply, so a run killed between its commit and the swap is noticed
(and `repair_index` fixes it) instead of leaving an old index that looks current.
"""

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, Literal

import meilisearch
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)
from meilisearch.models.task import Task, TaskInfo
from sqlmodel import Session, col, select

from app.models import IngestRun
from app.search.documents import Document, indicator_ids, provider_documents
from app.search.errors import SearchError, SearchIndexError, SearchUnavailable
from app.search.index_settings import providers_index_settings
from app.settings import Settings

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Indexing tens of thousands of documents takes a while; a stuck server still ends the wait.
TASK_TIMEOUT_SECONDS = 15 * 60
FIRST_POLL_SECONDS = 0.005
MAX_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class IndexReport:
    index_uid: str  # the live index, now holding the new build
    documents: int


def rebuild_providers_index(
    client: meilisearch.Client,
    settings: Settings,
    session: Session,
    *,
    only_if_changed=False,
    batch_size: int = BATCH_SIZE,
) -> IndexReport | None:
    """Index every provider in the database and publish the result as the live index.

    Documents are made, fingerprinted and sent `batch_size` providers at a time, so memory
    does not grow with the number of providers.

    With `only_if_changed`, nothing is rebuilt (None is returned) when the live index was
    built from exactly these documents and settings: a fingerprint of both is kept in a
    small meta index, so a change in the data *or* in the code that shapes documents
    triggers a rebuild. The documents are then made twice when they changed (once to
    fingerprint, once to send), and an unchanged re-run costs one pass over SQL and one
    lookup (and, when a run changed nothing, one small write recording that the index is
    current for it).
    """
    version = data_version(session)
    index_settings = providers_index_settings(indicator_ids(session))
    live = settings.providers_index
    if only_if_changed and (built := _live_build(client, live)) is not None:
        current = Fingerprint(index_settings)
        for _ in current.through(provider_documents(session, batch_size=batch_size)):
            pass
        if (built.fingerprint, built.documents) == (current.hexdigest(), current.documents):
            if built.data_version != version:
                _record_build(client, live, current.hexdigest(), version)
            return None
    sent = Fingerprint(index_settings)
    documents = sent.through(provider_documents(session, batch_size=batch_size))
    report = publish_index(client, live, documents, index_settings, batch_size=batch_size)
    _record_build(client, live, sent.hexdigest(), version)
    return report


class Fingerprint:
    """A sha256 of index settings and of the documents passed `through` it, in their order:
    any change in either changes it. Documents are hashed one at a time, never all held."""

    def __init__(self, index_settings: dict[str, Any]) -> None:
        self._sha = hashlib.sha256(_canonical(index_settings))
        self.documents = 0

    def through(self, documents: Iterable[Document]) -> Iterator[Document]:
        for document in documents:
            self._sha.update(b"\n" + _canonical(document))  # JSON never holds a raw newline
            self.documents += 1
            yield document

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, default=str).encode()


def data_version(session: Session) -> str | None:
    """What the database holds, named by its latest ingest run; None before the first run.

    The run's start time is part of it so a new database whose run ids start over is never
    mistaken for the one an old index was built from.
    """
    run = session.exec(select(IngestRun).order_by(col(IngestRun.id).desc()).limit(1)).first()
    return None if run is None else f"{run.id}@{run.started_at.isoformat()}"


@dataclass(frozen=True)
class IndexState:
    """How the live index relates to the database; cheap to compute (see `index_state`)."""

    status: Literal["current", "stale", "unavailable"]
    data_version: str | None  # the database's (latest ingest run)
    index_version: str | None  # what the live index was built from, as recorded
    leftovers: tuple[str, ...] = ()  # temporary indexes of builds that died
    detail: str = ""

    @property
    def needs_repair(self) -> bool:
        return self.status == "stale" or bool(self.leftovers)


def index_state(
    client: meilisearch.Client, settings: Settings, session: Session, *, leftovers: bool = True
) -> IndexState:
    """Compare the live index with the database: one SQL query and two or three requests.

    Never raises for a search outage (status "unavailable"), so a health check can call it.
    With `leftovers=False` it only searches, so the app's search-only key is enough; listing
    leftover temporary indexes needs an admin key. Only ingest runs change the data version:
    rows written any other way are not seen here.
    """
    version = data_version(session)
    live = settings.providers_index
    try:
        with _translated_errors():
            exists, index_version = _searched_build(client, live)
            found = _leftover_uids(client, live) if leftovers else []
    except SearchError as exc:
        return IndexState("unavailable", version, None, detail=str(exc))
    temporary = tuple(sorted(found))
    if not exists and version is not None:
        return IndexState("stale", version, None, temporary, "no live index")
    if index_version != version:
        detail = f"built from {index_version or 'unknown data'}, database is at {version}"
        return IndexState("stale", version, index_version, temporary, detail)
    return IndexState("current", version, index_version, temporary)


def _searched_build(client: meilisearch.Client, live_uid: str) -> tuple[bool, str | None]:
    """Whether the live index exists, and the data version recorded for it (searches only)."""
    try:
        client.index(live_uid).search("", {"limit": 0})
    except MeilisearchApiError as exc:
        if exc.code == "index_not_found":
            return (False, None)
        raise
    try:
        hits = client.index(_meta_uid(live_uid)).search("", {"limit": 1})["hits"]
    except MeilisearchApiError as exc:
        if exc.code == "index_not_found":
            return (True, None)  # built before versions were recorded: treat as stale
        raise
    return (True, hits[0].get("data_version") if hits else None)


def repair_index(
    client: meilisearch.Client, settings: Settings, session: Session
) -> tuple[IndexState, IndexReport | None]:
    """Bring a stale index up to date and remove leftover temporary indexes.

    Returns the state found and the rebuild's report (None when only the recorded version
    or nothing needed changing). Raises SearchUnavailable when the server cannot be reached.
    """
    state = index_state(client, settings, session)
    if state.status == "unavailable":
        raise SearchUnavailable(state.detail)
    report = None
    if state.status == "stale":
        report = rebuild_providers_index(client, settings, session, only_if_changed=True)
    if state.leftovers:
        with _translated_errors():
            _delete_leftovers(client, settings.providers_index)
    return state, report


def _leftover_uids(client: meilisearch.Client, live_uid: str) -> list[str]:
    return [uid for uid in _index_uids(client) if _is_temporary(uid, live_uid)]


def _meta_uid(live_uid: str) -> str:
    return f"{live_uid}__meta"


@dataclass(frozen=True)
class _Build:
    fingerprint: str
    data_version: str | None
    documents: int  # in the live index now


def _live_build(client: meilisearch.Client, live_uid: str) -> _Build | None:
    """What the live index was built from, if both it and its record exist."""
    try:
        recorded = dict(client.index(_meta_uid(live_uid)).get_document("build"))
        count = client.index(live_uid).get_stats().number_of_documents
    except MeilisearchApiError:
        return None
    except MeilisearchCommunicationError:
        return None  # the rebuild that follows reports the outage
    return _Build(recorded["fingerprint"], recorded.get("data_version"), count)


def _record_build(
    client: meilisearch.Client, live_uid: str, digest: str, version: str | None
) -> None:
    record = {
        "id": "build",
        "fingerprint": digest,
        "data_version": version,
        "built_at": datetime.now(UTC).isoformat(),
    }
    with _translated_errors():
        meta = client.index(_meta_uid(live_uid))
        _wait(client, meta.add_documents([record], "id"), "meta")


def publish_index(
    client: meilisearch.Client,
    live_uid: str,
    documents: Iterable[Document],
    index_settings: dict[str, Any],
    *,
    batch_size: int = BATCH_SIZE,
) -> IndexReport:
    """Build `documents` into a new index and swap it with `live_uid`; raise if any step fails.

    The documents are read once, `batch_size` at a time, and sent as they come. On failure
    the live index is untouched and the temporary index is removed.
    """
    with _translated_errors():
        _delete_leftovers(client, live_uid)
        build_uid = temporary_uid(live_uid)
        try:
            count = _build(client, build_uid, documents, index_settings, batch_size)
            _ensure_exists(client, live_uid)
            _wait(client, client.swap_indexes([{"indexes": [live_uid, build_uid]}]), "swap")
        except Exception as exc:
            if _removed_under_us(client, build_uid, exc):
                raise RebuildRaced(
                    f"{build_uid} was deleted while being built: another rebuild of {live_uid} "
                    "ran at the same time"
                ) from exc
            _discard(client, build_uid)
            raise
        except BaseException:
            _discard(client, build_uid)
            raise
        # After the swap the temporary uid holds the previous live documents.
        _discard(client, build_uid)
    log.info("published %d documents to %s", count, live_uid)
    return IndexReport(index_uid=live_uid, documents=count)


class RebuildRaced(SearchIndexError):
    """Another rebuild deleted this one's temporary index; the live index is unchanged."""


def _removed_under_us(client: meilisearch.Client, build_uid: str, exc: Exception) -> bool:
    if "index_not_found" not in str(exc) and getattr(exc, "code", None) != "index_not_found":
        return False
    try:
        client.get_index(build_uid)
    except MeilisearchApiError as missing:
        return missing.code == "index_not_found"
    except Exception:
        return False
    return False


def temporary_uid(live_uid: str) -> str:
    return f"{live_uid}_{datetime.now(UTC):%Y%m%d%H%M%S}_{uuid.uuid4().hex[:8]}"


def _is_temporary(uid: str, live_uid: str) -> bool:
    return re.fullmatch(rf"{re.escape(live_uid)}_\d{{14}}_[0-9a-f]{{8}}", uid) is not None


def _build(
    client: meilisearch.Client,
    uid: str,
    documents: Iterable[Document],
    index_settings: dict[str, Any],
    batch_size: int,
) -> int:
    """Fill a new index `uid`; return how many documents it holds, after checking them."""
    _wait(client, client.create_index(uid, {"primaryKey": "id"}), "create index")
    index = client.index(uid)
    # Settings first: indexing documents once is cheaper than re-indexing them for settings.
    _wait(client, index.update_settings(index_settings), "settings")
    tasks, sent = [], 0
    remaining = iter(documents)
    while batch := list(islice(remaining, batch_size)):
        tasks.append(index.add_documents(batch, primary_key="id"))
        sent += len(batch)
    for task in tasks:
        _wait(client, task, "documents")
    indexed = index.get_stats().number_of_documents
    if indexed != sent:
        raise SearchIndexError(f"{uid} holds {indexed} documents, expected {sent}")
    return sent


def _ensure_exists(client: meilisearch.Client, uid: str) -> None:
    """Swapping needs both indexes; the first build swaps with an empty live index."""
    try:
        client.get_index(uid)
        return
    except MeilisearchApiError as exc:
        if exc.code != "index_not_found":
            raise
    task = _wait_task(client, client.create_index(uid, {"primaryKey": "id"}))
    if task.status != "succeeded" and (task.error or {}).get("code") != "index_already_exists":
        _raise_failed(task, "create live index")


def _delete_leftovers(client: meilisearch.Client, live_uid: str) -> None:
    """Temporary indexes of earlier runs that died between build and clean-up."""
    leftovers = _leftover_uids(client, live_uid)
    for task in [client.delete_index(uid) for uid in leftovers]:
        _wait(client, task, "delete leftover")
    if leftovers:
        log.info("removed leftover indexes %s", ", ".join(leftovers))


def _discard(client: meilisearch.Client, uid: str) -> None:
    # Best effort: a failure here must not hide the error being raised, and a leftover is
    # removed by the next rebuild anyway.
    try:
        _wait_task(client, client.delete_index(uid))
    except Exception as exc:
        log.warning("could not delete temporary index %s: %s", uid, exc)


def _index_uids(client: meilisearch.Client) -> list[str]:
    uids: list[str] = []
    page = 100
    while True:
        batch = client.get_indexes({"limit": page, "offset": len(uids)})["results"]
        uids.extend(index.uid for index in batch)
        if len(batch) < page:
            return uids


def _wait_task(client: meilisearch.Client, info: TaskInfo) -> Task:
    """Poll with backoff: small builds finish in milliseconds, large ones take minutes."""
    deadline = time.monotonic() + TASK_TIMEOUT_SECONDS
    delay = FIRST_POLL_SECONDS
    while True:
        task = client.get_task(info.task_uid)
        if task.status not in {"enqueued", "processing"}:
            return task
        if time.monotonic() > deadline:
            raise SearchIndexError(
                f"task {task.uid} ({task.type}) still {task.status} after {TASK_TIMEOUT_SECONDS} s"
            )
        time.sleep(delay)
        delay = min(delay * 1.5, MAX_POLL_SECONDS)


def _wait(client: meilisearch.Client, info: TaskInfo, what: str) -> None:
    task = _wait_task(client, info)
    if task.status != "succeeded":
        _raise_failed(task, what)


def _raise_failed(task: Task, what: str) -> None:
    error = task.error or {}
    raise SearchIndexError(
        f"{what} failed (task {task.uid}, {task.type} on {task.index_uid}, {task.status}): "
        f"{error.get('message', 'no message')} [{error.get('code', 'no code')}]"
    )


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except MeilisearchCommunicationError as exc:
        raise SearchUnavailable(f"search server unreachable: {exc.message}") from exc
    except MeilisearchTimeoutError as exc:
        raise SearchIndexError(f"indexing timed out: {exc.message}") from exc
    except MeilisearchApiError as exc:
        raise SearchIndexError(f"indexing rejected: {exc.code}: {exc.message}") from exc
