"""Caching and CORS headers for every GET, in one place, whichever route answered.

- A weak `ETag` from the body of every 200 (weak: gzip in a proxy changes the bytes, not
  the meaning), and `304 Not Modified` when `If-None-Match` names it (compared weakly, as a
  list, as Starlette's StaticFiles does). A route that sets its own ETag keeps it.
- A `Cache-Control` where the route set none: the open API may be kept by anyone for a
  while; pages are per visitor (the comparison basket) and always revalidated.
- The open API (`/api/`) answers any origin, without credentials, and lets scripts read
  `ETag` and `Link`; a preflight (`OPTIONS`) is answered here.

Static files have their own ETag and Last-Modified (StaticFiles) and are left alone. The
body is hashed after rendering; issue 13 may skip rendering with a data-version cache.
"""

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"
API_CACHE = "public, max-age=300"
PAGE_CACHE = "private, no-cache"
# The back office and account pages: never stored anywhere.
PRIVATE_PREFIXES = ("/admin/", "/konto", "/en/admin/", "/en/konto")
PRIVATE_CACHE = "no-store"
MAX_HASHED = 8 * 1024 * 1024  # larger bodies stream through without an ETag
CORS_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "ETag, Link",
}
PREFLIGHT_HEADERS = CORS_HEADERS | {
    "access-control-allow-methods": "GET, HEAD, OPTIONS",
    "access-control-allow-headers": "Accept, Accept-Language, If-None-Match",
    "access-control-max-age": "86400",
}
# Kept on a 304 (RFC 9110 15.4.5); the rest describe a body that is not sent.
NOT_MODIFIED_KEEP = {
    "etag",
    "cache-control",
    "vary",
    "content-location",
    "date",
    "expires",
    *CORS_HEADERS,
}


def etag_for(body: bytes) -> str:
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison of an If-None-Match list against our ETag."""
    if if_none_match.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in if_none_match.split(","))


class HttpCache:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith(API_PREFIX)
        method = scope["method"]
        if api and method == "OPTIONS":
            await _preflight(send)
            return
        if method not in ("GET", "HEAD"):
            await self.app(scope, receive, _with_cors(send) if api else send)
            return

        request_headers = Headers(scope=scope)
        if_none_match = request_headers.get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False  # too large, not a 200, or the route's own ETag: sent as it comes
        swallow = False  # a 304 has been sent for the route's own ETag: drop its body

        async def send_cached(message: Message) -> None:
            nonlocal start, size, passing, swallow
            if swallow:
                return
            if message["type"] == "http.response.start":
                start = message
                headers = MutableHeaders(scope=start)
                ok = start["status"] == 200
                # An error may be fixed any moment (an ingest, a typo corrected): not kept.
                default = (API_CACHE if ok else "no-store") if api else PAGE_CACHE
                if scope["path"].startswith(PRIVATE_PREFIXES):
                    default = PRIVATE_CACHE
                headers.setdefault("cache-control", default)
                if api:
                    headers.update(CORS_HEADERS)
                if start["status"] != 200:
                    passing = True
                    await send(start)
                elif "etag" in headers:
                    passing = True
                    if if_none_match and matches(if_none_match, headers["etag"]):
                        swallow = True
                        await not_modified(send, start, headers)
                    else:
                        await send(start)
                return
            if message["type"] != "http.response.body" or passing:
                await send(message)
                return
            assert start is not None
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_HASHED:
                passing = True
                await send(start)
                buffered = b"".join(chunks)
                await send({"type": "http.response.body", "body": buffered, "more_body": True})
                chunks.clear()
                if message.get("more_body", False):
                    return
                await send({"type": "http.response.body", "body": b""})
                return
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = MutableHeaders(scope=start)
            headers["etag"] = etag_for(body)
            if if_none_match and matches(if_none_match, headers["etag"]):
                await not_modified(send, start, headers)
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_cached)


async def not_modified(send: Send, start: Message, headers: MutableHeaders) -> None:
    kept = [(k, v) for k, v in headers.raw if k.decode("latin-1").lower() in NOT_MODIFIED_KEEP]
    await send({"type": "http.response.start", "status": 304, "headers": kept})
    await send({"type": "http.response.body", "body": b""})


async def _preflight(send: Send) -> None:
    headers = [(k.encode(), v.encode()) for k, v in PREFLIGHT_HEADERS.items()]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _with_cors(send: Send) -> Send:
    async def send_with_cors(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message).update(CORS_HEADERS)
        await send(message)

    return send_with_cors
