"""The two ways to reach Meilisearch: ingest's admin client and the app's guarded search."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import meilisearch
import urllib3
from meilisearch._httprequests import HttpRequests
from meilisearch.config import Config
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)

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
# As many pooled connections as route threads may search at once: a search holds no
# database connection while it waits for Meilisearch, so the bound is the threads that run
# sync routes (anyio's default limiter, 40). Beyond the pool, urllib3 would open a
# connection per search and drop it.
SEARCHES_AT_ONCE = 40


@dataclass(frozen=True)
class _Answer:
    """What MeilisearchApiError reads from an answer (requests' names)."""

    status_code: int
    text: str


class PooledRequests(HttpRequests):
    """The official client's calls, sent over one urllib3 connection pool.

    The client calls `requests.get`/`requests.post`, which open (and close) a connection
    per call: on loopback that was a third of a search's time. A pooled `requests.Session`
    still spent 0.6 ms of CPU per search on its own machinery (hooks, cookies, environment,
    header parsing twice); urllib3, which it wraps, does the same request in half that.
    Only the transport is replaced: the client's URLs, headers, body and errors stay its own.
    """

    def __init__(self, config: Config, pool_size: int) -> None:
        super().__init__(config, APP_HEADERS)
        # One connection pool per host (the app knows one); no retries and no redirects, as
        # before: a failed search falls back to SQL at once and counts in the breaker.
        # Unlike requests, urllib3 reads no proxy or .netrc: MEILI_URL is the address to use.
        self.pool = urllib3.PoolManager(
            num_pools=1,
            maxsize=pool_size,
            retries=False,
            timeout=urllib3.Timeout(connect=config.timeout, read=config.timeout),
        )

    def send_request(  # type: ignore[override]
        self,
        http_method: Callable[..., Any],
        path: str,
        body: Any = None,
        content_type: str | None = None,
        *,
        serializer: type[json.JSONEncoder] | None = None,
    ) -> Any:
        method = http_method.__name__.upper()  # the client passes requests.get, .post, …
        # A copy per call: the base class sets Content-Type on its shared dict, which two
        # threads could race on.
        headers = {k: v for k, v in self.headers.items() if k != "Content-Type"}
        if content_type:
            headers["Content-Type"] = content_type
        data = None if method == "GET" else _encoded(body, serializer)
        try:
            answer = self.pool.request(
                method, f"{self.config.url}/{path}", body=data, headers=headers
            )
        except urllib3.exceptions.TimeoutError as exc:
            # NewConnectionError is a ConnectTimeoutError to urllib3: refused is not slow.
            if isinstance(exc, urllib3.exceptions.NewConnectionError):
                raise MeilisearchCommunicationError(str(exc)) from exc
            raise MeilisearchTimeoutError(str(exc)) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise MeilisearchCommunicationError(str(exc)) from exc
        if answer.status >= 400:
            text = answer.data.decode("utf-8", "replace")
            raise MeilisearchApiError(f"{answer.status} Error", _Answer(answer.status, text))  # type: ignore[arg-type]
        return json.loads(answer.data) if answer.data else None


def _encoded(body: Any, serializer: type[json.JSONEncoder] | None) -> bytes | str:
    """The body as the official client sends it (HttpRequests.send_request)."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, bool | dict) or body:
        return json.dumps(body, cls=serializer)
    return "" if body == "" else "null"


def make_app_search(settings: Settings) -> AppSearch:
    client = meilisearch.Client(
        settings.meili_url,
        settings.app_search_key,
        timeout=settings.meili_timeout_seconds,
        custom_headers=APP_HEADERS,
    )
    client.http = PooledRequests(client.config, pool_size=SEARCHES_AT_ONCE)
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
