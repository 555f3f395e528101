"""Everything that talks to Meilisearch lives in this package."""

from app.search.errors import InvalidSearch, SearchError, SearchIndexError, SearchUnavailable
from app.search.indexer import IndexReport, rebuild_providers_index
from app.search.query import SearchParams, SearchResult, search_providers

__all__ = [
    "IndexReport",
    "InvalidSearch",
    "SearchError",
    "SearchIndexError",
    "SearchParams",
    "SearchResult",
    "SearchUnavailable",
    "rebuild_providers_index",
    "search_providers",
]
