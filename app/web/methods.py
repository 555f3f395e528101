"""HEAD is GET without the body, for every route at once, and a 405 says what is allowed.

FastAPI registers `@router.get` for GET only, so HEAD (link checkers, monitors, `curl -I`)
would get 405. Rather than a second method on each route, HEAD is routed as GET here and
the body dropped on the way out; the headers, Content-Length included, stay GET's.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = dict(scope, method="GET")

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                message = {**message, "headers": _allow_head(message.get("headers", []))}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            elif head and message["type"] == "http.response.pathsend":
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(scope, receive, send_head)


def _allow_head(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Routes list GET in `Allow`; HEAD is allowed wherever GET is (see above)."""
    out = []
    for name, value in headers:
        methods = [m.strip() for m in value.split(b",")]
        if name.lower() == b"allow" and b"GET" in methods and b"HEAD" not in methods:
            value = b", ".join(sorted([*methods, b"HEAD"]))
        out.append((name, value))
    return out
