"""Rebuild the providers index beside the live one, then swap it in atomically.

Searches only ever see the live index, which is either the previous complete build or the
new complete build: documents go into a temporary index, and only when every task of that
build has succeeded is it swapped with the live one. Rebuilds are not meant to run
concurrently (ingest runs them one at a time); one that did would remove the other's
temporary index and make that rebuild fail, never publish a partial one.
"""

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import meilisearch
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)
from meilisearch.models.task import Task, TaskInfo
from sqlmodel import Session

from app.search.documents import Document, indicator_ids, provider_documents
from app.search.errors import SearchIndexError, SearchUnavailable
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
    client: meilisearch.Client, settings: Settings, session: Session, *, only_if_changed=False
) -> IndexReport | None:
    """Index every provider in the database and publish the result as the live index.

    With `only_if_changed`, nothing is done (None is returned) when the live index was
    built from exactly these documents and settings: a fingerprint of both is kept in a
    small meta index, so a change in the data *or* in the code that shapes documents
    triggers a rebuild, and an unchanged re-run costs one lookup.
    """
    documents = provider_documents(session)
    index_settings = providers_index_settings(indicator_ids(session))
    digest = fingerprint(documents, index_settings)
    live = settings.providers_index
    if only_if_changed and _live_fingerprint(client, live) == (digest, len(documents)):
        return None
    report = publish_index(client, live, documents, index_settings)
    with _translated_errors():
        meta = client.index(_meta_uid(live))
        _wait(client, meta.add_documents([{"id": "build", "fingerprint": digest}], "id"), "meta")
    return report


def fingerprint(documents: Sequence[Document], index_settings: dict[str, Any]) -> str:
    payload = json.dumps([index_settings, list(documents)], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _meta_uid(live_uid: str) -> str:
    return f"{live_uid}__meta"


def _live_fingerprint(client: meilisearch.Client, live_uid: str) -> tuple[str, int] | None:
    """The fingerprint recorded for the live index and its document count, if both exist."""
    try:
        recorded = client.index(_meta_uid(live_uid)).get_document("build")
        count = client.index(live_uid).get_stats().number_of_documents
    except (MeilisearchApiError, MeilisearchCommunicationError):
        return None
    return (dict(recorded)["fingerprint"], count)


def publish_index(
    client: meilisearch.Client,
    live_uid: str,
    documents: Sequence[Document],
    index_settings: dict[str, Any],
    *,
    batch_size: int = BATCH_SIZE,
) -> IndexReport:
    """Build `documents` into a new index and swap it with `live_uid`; raise if any step fails.

    On failure the live index is untouched and the temporary index is removed.
    """
    with _translated_errors():
        _delete_leftovers(client, live_uid)
        build_uid = temporary_uid(live_uid)
        try:
            _build(client, build_uid, documents, index_settings, batch_size)
            _ensure_exists(client, live_uid)
            _wait(client, client.swap_indexes([{"indexes": [live_uid, build_uid]}]), "swap")
        except BaseException:
            _discard(client, build_uid)
            raise
        # After the swap the temporary uid holds the previous live documents.
        _discard(client, build_uid)
    log.info("published %d documents to %s", len(documents), live_uid)
    return IndexReport(index_uid=live_uid, documents=len(documents))


def temporary_uid(live_uid: str) -> str:
    return f"{live_uid}_{datetime.now(UTC):%Y%m%d%H%M%S}_{uuid.uuid4().hex[:8]}"


def _is_temporary(uid: str, live_uid: str) -> bool:
    return re.fullmatch(rf"{re.escape(live_uid)}_\d{{14}}_[0-9a-f]{{8}}", uid) is not None


def _build(
    client: meilisearch.Client,
    uid: str,
    documents: Sequence[Document],
    index_settings: dict[str, Any],
    batch_size: int,
) -> None:
    _wait(client, client.create_index(uid, {"primaryKey": "id"}), "create index")
    index = client.index(uid)
    # Settings first: indexing documents once is cheaper than re-indexing them for settings.
    _wait(client, index.update_settings(index_settings), "settings")
    tasks = index.add_documents_in_batches(list(documents), batch_size, primary_key="id")
    for task in tasks:
        _wait(client, task, "documents")
    indexed = index.get_stats().number_of_documents
    if indexed != len(documents):
        raise SearchIndexError(f"{uid} holds {indexed} documents, expected {len(documents)}")


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
    leftovers = [uid for uid in _index_uids(client) if _is_temporary(uid, live_uid)]
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
