"""The two ways to reach Meilisearch: ingest's admin client and the app's guarded search."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import meilisearch
import requests
from meilisearch._httprequests import HttpRequests
from meilisearch.config import Config
from requests.adapters import HTTPAdapter

from app.search.breaker import CircuitBreaker
from app.search.errors import SearchError, translated_errors
from app.settings import Settings

T = TypeVar("T")


def make_client(settings: Settings) -> meilisearch.Client:
    """Ingest's client: the master key, to build and swap indexes. Never used by the app."""
    return meilisearch.Client(settings.meili_url, settings.meili_master_key or None, timeout=5)


@dataclass(frozen=True)
class AppSearch:
    """The app's way to the index: a search-only key, a short timeout and a circuit breaker,
    so a slow or absent server costs each search at most the timeout, and then nothing."""

    client: meilisearch.Client
    breaker: CircuitBreaker

    def run(self, fn: Callable[[meilisearch.Client], T]) -> T:
        """`fn(client)` through the breaker; SearchUnavailable when it is open or fails."""
        return self.breaker.call(lambda: fn(self.client))


# Uncompressed: the index is on the same host or network, where gzip costs both ends more
# than it saves, and Meilisearch's chunked gzip answers on a reused connection meet the
# peer's delayed ACK (a 40 ms stall per search, measured in bench/search.py).
APP_HEADERS = {"Accept-Encoding": "identity"}


class PooledRequests(HttpRequests):
    """The official client's requests through one session with a connection pool.

    The client calls `requests.get`/`requests.post`, which open (and close) a connection
    per call: on loopback that was a third of a search's time. The app only ever calls
    `multi_search` (a POST, searches and the health check alike); GET for completeness.
    """

    def __init__(self, config: Config, pool_size: int) -> None:
        super().__init__(config, APP_HEADERS)
        self.session = requests.Session()
        # MEILI_URL is the address to use: no proxy or .netrc from the environment, which
        # requests would otherwise look up again on every call.
        self.session.trust_env = False
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def get(self, path: str) -> Any:
        return self.send_request(self.session.get, path)

    def post(  # type: ignore[override]
        self,
        path: str,
        body: Any = None,
        content_type: str | None = "application/json",
        *,
        serializer: Any = None,
    ) -> Any:
        return self.send_request(self.session.post, path, body, content_type, serializer=serializer)


def make_app_search(settings: Settings) -> AppSearch:
    client = meilisearch.Client(
        settings.meili_url,
        settings.app_search_key,
        timeout=settings.meili_timeout_seconds,
        custom_headers=APP_HEADERS,
    )
    # As many pooled connections as requests may search at once (one per DB session slot
    # and then some): beyond the pool, urllib3 would open and drop extra ones.
    client.http = PooledRequests(client.config, pool_size=max(10, settings.db_pool_size * 2))
    breaker = CircuitBreaker(
        settings.search_breaker_failures, settings.search_breaker_cooldown_seconds
    )
    return AppSearch(client, breaker)


def search_status(search: AppSearch, index_uid: str) -> dict[str, Any]:
    """'ok' with the number of indexed providers, or 'unavailable' with the reason.

    One search for nothing (limit 0): all a search-only key may do, and it says how many
    documents there are. With the breaker open the server is not asked at all.
    """

    def count(client: meilisearch.Client) -> int:
        with translated_errors():
            query = {"indexUid": index_uid, "q": "", "limit": 0}
            return client.multi_search([query])["results"][0]["estimatedTotalHits"]

    try:
        return {"status": "ok", "documents": search.run(count)}
    except SearchError as exc:
        # The kind of failure only (SearchPaused, MeilisearchTimeoutError, …): no addresses.
        return {"status": "unavailable", "detail": type(exc.__cause__ or exc).__name__}
