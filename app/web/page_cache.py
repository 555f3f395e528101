"""Rendered public pages, kept in memory against the data version, in one place.

Pages change only when data changes, and every committed change bumps the data version
(app.data_version) in its own transaction. So a response is stored under the version read
*before* rendering it, and looked up under the version read for each request: a page from
before a change is never served after it, in any process, whatever wrote the change.

What a stored response may depend on is all in the key: the version, the Swedish day (old
figures, freshness), the address as asked (with its /en prefix and query string), scheme
and host (absolute share links), the comparison basket cookie, and the request headers that
routes read (Accept, the search list's partial header, gzip or not: the body is stored as
it left GZipMiddleware).

Only routes that opt in are stored (`cacheable` as a router dependency in app.main); a route
may opt out of one answer (`not_cacheable`), e.g. a list shown from SQL while search is
down. Only 200s without Set-Cookie or `no-store` are kept. Entries are evicted least
recently used beyond PAGE_CACHE_MB, and all of them when the version moves on. A miss that
another request is already rendering waits for it instead of rendering the same page twice.
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass

import anyio
from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.clock import today_in_sweden
from app.data_version import read_version_from
from app.deps import DATA_VERSION, session_slot
from app.web.basket import COOKIE as BASKET_COOKIE
from app.web.http_cache import matches, not_modified

STATE_KEY = "page_cache"
MAX_ENTRY_BYTES = 2 * 1024 * 1024
VARY_HEADERS = ("accept", "x-partial")
STORE_STATUS = "x-page-cache"  # HIT or MISS, for the benchmarks and tests; harmless to keep


async def cacheable(request: Request) -> None:
    """Router dependency: this route's answers may be stored."""
    request.state.page_cache = True


def not_cacheable(request: Request) -> None:
    """Call from a route whose answer this time must not be stored."""
    request.state.page_cache = False


@dataclass(frozen=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Store:
    """Least recently used, bounded by the bodies' total size."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.version = -1
        self.size = 0
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()

    def get(self, key: tuple) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, version: int, key: tuple, entry: Entry) -> None:
        if version < self.version or len(entry.body) > min(MAX_ENTRY_BYTES, self.max_bytes):
            return
        if version > self.version:
            self.clear()
            self.version = version
        if (old := self.entries.pop(key, None)) is not None:
            self.size -= len(old.body)
        self.entries[key] = entry
        self.size += len(entry.body)
        while self.size > self.max_bytes:
            _, evicted = self.entries.popitem(last=False)
            self.size -= len(evicted.body)

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


class PageCache:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.store = Store(max_bytes)
        self.rendering: dict[tuple, asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"].startswith("/static/")
            or self.store.max_bytes <= 0
        ):
            await self.app(scope, receive, send)
            return
        try:
            version = await _current_version(scope["app"])
        except SQLAlchemyError:
            # The database is unreachable: no page can be vouched for. The route answers as
            # it would without a cache (an error page, /healthz's 503).
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = _key(scope, headers, version)
        if_none_match = headers.get("if-none-match")

        entry = self.store.get(key)
        if entry is None and (busy := self.rendering.get(key)) is not None:
            await busy.wait()  # once: if that answer was not kept, render our own
            entry = self.store.get(key)
        if entry is not None:
            await _send_entry(send, entry, if_none_match, hit=True)
            return

        done = asyncio.Event()
        first = self.rendering.setdefault(key, done) is done
        try:
            await self._render(scope, receive, send, version, key, if_none_match)
        finally:
            if first:
                del self.rendering[key]
            done.set()

    async def _render(self, scope, receive, send, version, key, if_none_match) -> None:
        # The full answer is needed to store it: ask without If-None-Match, answer it here.
        scope = dict(scope, headers=[(k, v) for k, v in scope["headers"] if k != b"if-none-match"])
        state = scope.setdefault("state", {})
        state[DATA_VERSION] = version  # the route's data cache reads at this version too
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                if sum(map(len, chunks)) <= MAX_ENTRY_BYTES:
                    return
                passing = True  # too large to keep: send what came, the rest as it comes
                await send(_tagged(start, b"MISS"))
                body = b"".join(chunks)
                await send({"type": "http.response.body", "body": body, "more_body": True})
                return
            entry = Entry(start["status"], list(start.get("headers", [])), b"".join(chunks))
            if state.get(STATE_KEY) is True and _storable(entry):
                self.store.put(version, key, entry)
            await _send_entry(send, entry, if_none_match, hit=False)

        await self.app(scope, receive, capture)


async def _current_version(app) -> int:
    # Through the same slots as the routes' sessions (app.deps): never one connection more.
    # In a worker thread: a database that hangs must hold up this request, not the loop.
    async with session_slot(app):
        return await anyio.to_thread.run_sync(read_version_from, app.state.engine)


def _key(scope: Scope, headers: Headers, version: int) -> tuple:
    basket = ""
    for name, value in scope["headers"]:
        if name == b"cookie" and BASKET_COOKIE.encode() in value:
            basket = _cookie(value.decode("latin-1"), BASKET_COOKIE)
    gzip = "gzip" in headers.get("accept-encoding", "")
    return (
        version,
        today_in_sweden(),
        scope.get("scheme"),
        headers.get("host", ""),
        scope["path"],
        scope.get("query_string", b""),
        basket,
        gzip,
        *(headers.get(name, "") for name in VARY_HEADERS),
    )


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def _storable(entry: Entry) -> bool:
    if entry.status != 200:
        return False
    names = {k.lower(): v for k, v in entry.headers}
    return b"set-cookie" not in names and b"no-store" not in names.get(b"cache-control", b"")


def _tagged(start: Message | None, tag: bytes) -> Message:
    assert start is not None
    message = dict(start, headers=list(start.get("headers", [])))
    MutableHeaders(scope=message)[STORE_STATUS] = tag.decode()
    return message


async def _send_entry(send: Send, entry: Entry, if_none_match: str | None, *, hit: bool) -> None:
    start = _tagged(
        {"type": "http.response.start", "status": entry.status, "headers": entry.headers},
        b"HIT" if hit else b"MISS",
    )
    headers = MutableHeaders(scope=start)
    etag = headers.get("etag")
    if entry.status == 200 and if_none_match and etag and matches(if_none_match, etag):
        await not_modified(send, start, headers)
        return
    await send(start)
    await send({"type": "http.response.body", "body": entry.body})
