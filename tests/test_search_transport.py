"""The app's way to Meilisearch (app.search.client.PooledRequests): the official client's
calls over one urllib3 pool. Its answers, its errors in the client's own exceptions (which
app.search.errors turns into ours), and its timeouts, against a real Meilisearch and real
sockets that refuse or never answer."""

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)

from app.search.client import make_app_search
from app.search.errors import InvalidSearch, SearchUnavailable, translated_errors
from app.settings import Settings

pytestmark = pytest.mark.search


def test_a_search_answers_as_the_official_client_would(sample_settings: Settings) -> None:
    search = make_app_search(sample_settings)
    query = {"indexUid": sample_settings.providers_index, "q": "", "limit": 3}
    answer = search.client.multi_search([query])
    first = answer["results"][0]
    assert first["indexUid"] == sample_settings.providers_index
    assert len(first["hits"]) == 3 and first["estimatedTotalHits"] > 3
    # The health check's way: one search for nothing.
    assert search.client.multi_search([{**query, "limit": 0}])["results"][0]["hits"] == []


def test_meilisearchs_refusals_keep_their_code_and_message(sample_settings: Settings) -> None:
    client = make_app_search(sample_settings).client
    with pytest.raises(MeilisearchApiError) as missing:
        client.multi_search([{"indexUid": "no-such-index", "q": ""}])
    assert missing.value.status_code == 400 and missing.value.code == "index_not_found"
    assert "no-such-index" in missing.value.message
    with pytest.raises(SearchUnavailable, match="no-such-index"), translated_errors():
        client.multi_search([{"indexUid": "no-such-index", "q": ""}])

    bad_filter = {"indexUid": sample_settings.providers_index, "filter": "nosuchfield = 1"}
    with pytest.raises(InvalidSearch, match="nosuchfield"), translated_errors():
        client.multi_search([bad_filter])


def test_many_threads_share_the_pool(sample_settings: Settings) -> None:
    """As the route threads do: every answer is its own query's, and the connections are
    kept for the next searches (none opened only to be dropped)."""
    search = make_app_search(sample_settings)
    words = ["omsorg", "förskola", "skola", "boende", "", "trygg"]
    expected = {
        w: search.client.multi_search([{"indexUid": sample_settings.providers_index, "q": w}])
        for w in words
    }
    wrong: list[str] = []

    def ask(word: str) -> None:
        for _ in range(5):
            query = {"indexUid": sample_settings.providers_index, "q": word}
            got = search.client.multi_search([query])["results"][0]
            want = expected[word]["results"][0]
            if got["query"] != word or got["hits"] != want["hits"]:
                wrong.append(word)

    threads = [threading.Thread(target=ask, args=(w,)) for w in words * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
    pools = list(search.client.http.pool.pools._container.values())  # type: ignore[attr-defined]
    assert len(pools) == 1 and pools[0].num_connections <= len(threads)
    kept = [conn for conn in pools[0].pool.queue if conn is not None]  # None: a free slot
    assert len(kept) == pools[0].num_connections  # every one back in the pool


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a frozen server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def test_a_server_that_never_answers_times_out(sample_settings: Settings, silent_port) -> None:
    settings = sample_settings.model_copy(
        update={"meili_url": f"http://127.0.0.1:{silent_port}", "meili_timeout_seconds": 0.3}
    )
    client = make_app_search(settings).client
    started = time.perf_counter()
    with pytest.raises(MeilisearchTimeoutError):
        client.multi_search([{"indexUid": "x", "q": ""}])
    assert 0.3 <= time.perf_counter() - started < 2.0
    with pytest.raises(SearchUnavailable, match="unreachable"), translated_errors():
        client.multi_search([{"indexUid": "x", "q": ""}])


def test_a_refused_connection_is_unreachable_not_slow(sample_settings: Settings) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = sample_settings.model_copy(update={"meili_url": f"http://127.0.0.1:{port}"})
    client = make_app_search(settings).client
    started = time.perf_counter()
    with pytest.raises(MeilisearchCommunicationError):
        client.multi_search([{"indexUid": "x", "q": ""}])
    assert time.perf_counter() - started < 1.0
