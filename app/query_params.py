"""What the services read of a request's query (starlette's QueryParams, for one), so that
forms are parsed below the web layer without importing it."""

from typing import Protocol


class QueryLike(Protocol):
    def get(self, key: str, default: None = None) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...
