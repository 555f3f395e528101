"""Rebuilding the providers index: searches only ever see a complete index."""

import threading

import meilisearch
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import session_scope
from app.search.client import make_client
from app.search.documents import provider_documents
from app.search.errors import SearchIndexError, SearchUnavailable
from app.search.index_settings import providers_index_settings
from app.search.indexer import publish_index, rebuild_providers_index
from app.settings import Settings
from tests.support import factories as f
from tests.support.search import index_database, index_uids, wait_for

pytestmark = pytest.mark.search


def add_providers(engine: Engine, count: int, start: int = 0) -> None:
    with session_scope(engine) as s:
        nojdhet = f.indicator(s, "U28532") if start == 0 else None
        for i in range(start, start + count):
            p = f.provider(s, f"Enhet {i:04d}", slug=f"enhet-{i:04d}", lat=59.4, lon=18.0)
            if nojdhet:
                f.indicator_value(s, p, nojdhet, 2024, float(i))


def live_count(client: meilisearch.Client, uid: str) -> int:
    return client.index(uid).search("", {"hitsPerPage": 1, "page": 1})["totalHits"]


def test_first_build_creates_the_live_index_with_its_settings(
    meili_client: meilisearch.Client, settings: Settings, engine: Engine
) -> None:
    add_providers(engine, 3)
    report = index_database(meili_client, settings, engine)

    assert (report.index_uid, report.documents) == (settings.providers_index, 3)
    assert index_uids(meili_client, settings.meili_index_prefix) == {settings.providers_index}
    live = meili_client.index(settings.providers_index)
    assert live.get_stats().number_of_documents == 3
    assert live.get_primary_key() == "id"
    index_settings = live.get_settings()
    assert "figures.U28532" in index_settings["sortableAttributes"]
    assert index_settings["localizedAttributes"] == [
        {"attributePatterns": ["*"], "locales": ["swe"]}
    ]
    assert index_settings["searchableAttributes"][0] == "name"


def test_rebuild_swaps_atomically(
    meili_client: meilisearch.Client, settings: Settings, engine: Engine
) -> None:
    uid = settings.providers_index
    add_providers(engine, 5)
    index_database(meili_client, settings, engine)
    add_providers(engine, 400, start=5)

    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(live_count(meili_client, uid))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with Session(engine) as s:
            documents = list(provider_documents(s))
            index_settings = providers_index_settings(["U28532"])
        # Small batches: many tasks, so a half-built index would have time to show.
        publish_index(meili_client, uid, documents, index_settings, batch_size=25)
    finally:
        done.set()
        watcher.join()

    assert len(seen) > 1
    assert set(seen) <= {5, 405}, sorted(set(seen))
    assert live_count(meili_client, uid) == 405
    assert index_uids(meili_client, settings.meili_index_prefix) == {uid}


def test_a_rebuild_in_batches_publishes_every_document_and_skips_an_unchanged_rerun(
    meili_client: meilisearch.Client, settings: Settings, engine: Engine
) -> None:
    uid = settings.providers_index
    add_providers(engine, 23)

    with Session(engine) as s:
        report = rebuild_providers_index(meili_client, settings, s, batch_size=5)
        whole = list(provider_documents(s))

    assert report is not None and report.documents == 23
    live = meili_client.index(uid).get_documents({"limit": 100}).results
    assert sorted((dict(d) for d in live), key=lambda d: d["id"]) == whole
    with Session(engine) as s:
        # Unchanged, whatever the batches: the fingerprint is over the documents in order.
        for size in (5, 7, 1000):
            assert (
                rebuild_providers_index(
                    meili_client, settings, s, only_if_changed=True, batch_size=size
                )
                is None
            )
    add_providers(engine, 1, start=23)
    with Session(engine) as s:
        again = rebuild_providers_index(
            meili_client, settings, s, only_if_changed=True, batch_size=5
        )
    assert again is not None and again.documents == live_count(meili_client, uid) == 24


def test_rebuild_removes_leftover_temporary_indexes_only(
    meili_client: meilisearch.Client, settings: Settings, engine: Engine
) -> None:
    uid = settings.providers_index
    leftover = f"{uid}_20240101000000_0123abcd"
    unrelated = f"{uid}_archive"
    for name in (leftover, unrelated):
        wait_for(meili_client, meili_client.create_index(name))
    add_providers(engine, 2)

    index_database(meili_client, settings, engine)

    assert index_uids(meili_client, settings.meili_index_prefix) == {uid, unrelated}


def test_failed_rebuild_leaves_live_index(
    meili_client: meilisearch.Client, settings: Settings, engine: Engine
) -> None:
    uid = settings.providers_index
    add_providers(engine, 3)
    index_database(meili_client, settings, engine)
    before = meili_client.index(uid).get_documents({"limit": 100}).results

    with Session(engine) as s:
        documents = list(provider_documents(s))
    documents[1]["name"] = "Ändrad"
    documents.append({"id": 999, "name": "Trasig", "_geo": {"lat": 59.4, "lng": "öster"}})
    with pytest.raises(SearchIndexError, match="invalid_document_geo_field"):
        publish_index(meili_client, uid, documents, providers_index_settings(["U28532"]))

    after = meili_client.index(uid).get_documents({"limit": 100}).results
    assert [dict(d) for d in after] == [dict(d) for d in before]
    assert index_uids(meili_client, settings.meili_index_prefix) == {uid}


def test_duplicate_ids_fail_the_rebuild(
    meili_client: meilisearch.Client, settings: Settings, engine: Engine
) -> None:
    uid = settings.providers_index
    documents = [{"id": 1, "name": "A"}, {"id": 1, "name": "B"}]
    with pytest.raises(SearchIndexError, match="expected 2"):
        publish_index(meili_client, uid, documents, providers_index_settings([]))
    assert index_uids(meili_client, settings.meili_index_prefix) == set()


def test_rebuild_without_a_server_is_unavailable(settings: Settings, engine: Engine) -> None:
    add_providers(engine, 1)
    closed = make_client(settings.model_copy(update={"meili_url": "http://127.0.0.1:9"}))
    with pytest.raises(SearchUnavailable):
        index_database(closed, settings, engine)


def test_a_rebuild_whose_temporary_index_is_deleted_says_another_ran(
    meili_client: meilisearch.Client, settings: Settings, engine: Engine, monkeypatch
) -> None:
    """What a second rebuild's clean-up did to the first, before ingest took a lock."""
    from app.search import indexer

    uid = settings.providers_index
    add_providers(engine, 2)
    index_database(meili_client, settings, engine)
    original = indexer._build

    def build_then_lose_it(client, build_uid, *args) -> int:
        built = original(client, build_uid, *args)
        wait_for(client, client.delete_index(build_uid))  # as the other run's clean-up did
        return built

    monkeypatch.setattr(indexer, "_build", build_then_lose_it)
    with Session(engine) as s:
        documents = list(provider_documents(s))
    with pytest.raises(indexer.RebuildRaced, match="another rebuild") as raced:
        publish_index(meili_client, uid, documents, providers_index_settings(["U28532"]))
    from ingest.failures import explain

    assert "ett annat ombygge av sökindexet pågick samtidigt" in explain(raced.value, settings)
    assert live_count(meili_client, uid) == 2
    assert index_uids(meili_client, settings.meili_index_prefix) == {uid}
