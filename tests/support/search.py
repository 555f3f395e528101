"""Helpers for tests that index the database into a real Meilisearch."""

import meilisearch
from meilisearch.models.task import TaskInfo
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.search.indexer import IndexReport, rebuild_providers_index
from app.settings import Settings


def index_database(client: meilisearch.Client, settings: Settings, engine: Engine) -> IndexReport:
    with Session(engine) as session:
        report = rebuild_providers_index(client, settings, session)
    assert report is not None  # always built when not asked to skip
    return report


def index_uids(client: meilisearch.Client, prefix: str) -> set[str]:
    """The searchable indexes under a prefix (the build-fingerprint meta index left out)."""
    indexes = client.get_indexes({"limit": 1000})["results"]
    return {
        index.uid
        for index in indexes
        if index.uid.startswith(prefix) and not index.uid.endswith("__meta")
    }


def wait_for(client: meilisearch.Client, info: TaskInfo) -> None:
    """Wait for a task, long enough for a server busy with other tests, and insist it worked."""
    task = client.wait_for_task(info.task_uid, timeout_in_ms=60_000)
    assert task.status == "succeeded", task.error
