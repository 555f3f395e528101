"""Rules every response follows, whichever route, file or error answered: security headers,
the Host names we answer to, whose X-Forwarded-* headers we believe, our public address.

The headers are defaults. A response that sets one itself keeps its own value, so a route
can give its page another policy, e.g. an embed page allowing a kommun's site to frame it:

    response.headers["Content-Security-Policy"] = content_security_policy(
        frame_ancestors="'self' https://www.taby.se"
    )

A response with its own Content-Security-Policy also gets no X-Frame-Options (that older
header cannot name other sites, and browsers that know CSP ignore it anyway).
"""

from fastapi import FastAPI, Request
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.settings import Settings
from app.web.methods import HeadAsGet

# Every script and style is a file in app/static: no 'unsafe-inline', no inline handlers.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000"  # a year; no includeSubDomains: the kommun's other hosts are theirs


def content_security_policy(**directives: str) -> str:
    """Our policy with some directives replaced (`frame_ancestors=...`), as a header value."""
    policy = POLICY | {name.replace("_", "-"): value for name, value in directives.items()}
    return "; ".join(f"{name} {value}" for name, value in policy.items())


class SecurityHeaders:
    """A pure ASGI middleware (BaseHTTPMiddleware would buffer streaming and cost time)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Built once: the same bytes go out on every response.
        self.headers = [
            (b"content-security-policy", content_security_policy().encode()),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"permissions-policy", PERMISSIONS.encode()),
        ]
        self.hsts = (b"strict-transport-security", HSTS.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The scheme as ProxyHeadersMiddleware (outside this one) left it: https only when a
        # trusted proxy said so, or the connection itself was TLS.
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                own_policy = b"content-security-policy" in present
                for name, value in self.headers:
                    if name in present or (own_policy and name == b"x-frame-options"):
                        continue
                    headers.append((name, value))
                if https and self.hsts[0] not in present:
                    headers.append(self.hsts)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the cross-cutting middleware; call last, so these wrap everything else.

    Outermost first: forwarded headers (only from FORWARDED_ALLOW_IPS) decide scheme and
    client; then the headers, so even a refused Host gets them; then the Host check; then
    HEAD as GET, before anything routes. The first two wrap the whole stack, outside
    Starlette's ServerErrorMiddleware (which any added middleware sits inside), so that a
    500 page carries the headers too.
    """
    app.add_middleware(HeadAsGet)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.trusted_hosts)
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return ProxyHeadersMiddleware(
            SecurityHeaders(build()), trusted_hosts=settings.forwarded_allow_ips
        )

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]


def public_url(request: Request, path: str) -> str:
    """An absolute address to share: PUBLIC_BASE_URL when set, else the request's own host
    (which TrustedHostMiddleware has checked against ALLOWED_HOSTS)."""
    base = request.app.state.settings.public_base_url or str(request.base_url).rstrip("/")
    return base + path
