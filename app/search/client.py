"""The two ways to reach Meilisearch: ingest's admin client and the app's guarded search."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import meilisearch

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


def make_app_search(settings: Settings) -> AppSearch:
    client = meilisearch.Client(
        settings.meili_url,
        settings.app_search_key,
        timeout=settings.meili_timeout_seconds,
    )
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
            return client.index(index_uid).search("", {"limit": 0})["estimatedTotalHits"]

    try:
        return {"status": "ok", "documents": search.run(count)}
    except SearchError as exc:
        # The kind of failure only (SearchPaused, MeilisearchTimeoutError, …): no addresses.
        return {"status": "unavailable", "detail": type(exc.__cause__ or exc).__name__}
