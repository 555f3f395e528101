"""What can go wrong with search, in the app's own terms, so callers never import meilisearch."""

from collections.abc import Iterator
from contextlib import contextmanager

from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)


class SearchError(Exception):
    """Any search failure."""


class SearchUnavailable(SearchError):
    """The search server cannot be reached or has no index yet: pages fall back to SQL."""


class SearchIndexError(SearchError):
    """Building or publishing the index failed; the live index is unchanged."""


class InvalidSearch(SearchError, ValueError):
    """The request asks for something the index cannot do, e.g. sort by an unknown figure."""


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn the client's exceptions into ours."""
    try:
        yield
    except (MeilisearchCommunicationError, MeilisearchTimeoutError) as exc:
        raise SearchUnavailable(f"search server unreachable: {exc.message}") from exc
    except MeilisearchApiError as exc:
        if exc.code == "index_not_found" or exc.status_code >= 500:
            raise SearchUnavailable(f"search not ready: {exc.message}") from exc
        if exc.code in {"invalid_search_sort", "invalid_search_filter"}:
            raise InvalidSearch(exc.message) from exc
        raise SearchError(f"{exc.code}: {exc.message}") from exc
