"""Widgets in a kommun's page, in real Chromium (issue 11): a host page served from a second
origin on loopback embeds each widget with the snippet the builder writes; the widget
renders, the loader sizes the frame to its content, a comparison is put together inside
the frame without any cookie, and a site the kommun has not registered is refused."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, delete, select

from app.models import EmbedOrigin, Provider
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

HOST_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Täby kommun – Hemtjänst</title></head>
<body><h1>Täby kommun</h1><p>Välj utförare av hemtjänst.</p>
<iframe src="{src}" title="Hemtjänst i Täby – Välfärdsjämföraren" loading="lazy" width="100%"
 height="600" sandbox="allow-scripts allow-same-origin allow-forms allow-popups
 allow-popups-to-escape-sandbox" data-valfardsjamforaren></iframe>
<p><a href="{app}/taby/hemtjanst">Öppna i Välfärdsjämföraren</a></p>
<script src="{app}/static/js/embed.js" async></script></body></html>"""


class _Host(BaseHTTPRequestHandler):
    app_url = ""

    def do_GET(self) -> None:
        src = parse_qs(urlsplit(self.path).query).get("src", ["/embed/taby/hemtjanst"])[0]
        body = HOST_PAGE.format(src=self.app_url + src, app=self.app_url).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _serve(app_url: str) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Host", (_Host,), {"app_url": app_url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # "localhost", not 127.0.0.1: a different origin from the app's, as a kommun's site is.
    return server, f"http://localhost:{server.server_address[1]}"


@pytest.fixture(scope="module")
def hosts(live_url, sample_app) -> Iterator[tuple[str, str]]:
    """A registered kommun site and an unregistered one."""
    registered, registered_url = _serve(live_url)
    stranger, stranger_url = _serve(live_url)
    with Session(sample_app.state.engine) as s:
        s.add(EmbedOrigin(kommun_code="0160", origin=registered_url))
        s.commit()
    yield registered_url, stranger_url
    with Session(sample_app.state.engine) as s:
        s.exec(delete(EmbedOrigin).where(EmbedOrigin.origin == registered_url))  # type: ignore[call-overload]
        s.commit()
    registered.shutdown()
    stranger.shutdown()


@pytest.fixture(scope="module")
def taby_slugs(sample_app) -> list[str]:
    with Session(sample_app.state.engine) as s:
        return list(
            s.exec(
                select(Provider.slug)
                .where(Provider.kommun_code == "0160", Provider.service_type_id == "hemtjanst")
                .order_by(Provider.slug)
            ).all()
        )


def _resized(page) -> int:
    page.wait_for_function(
        "() => document.querySelector('iframe').hasAttribute('data-resized')", timeout=15000
    )
    return int(page.get_attribute("iframe", "data-resized") or 0)


def test_search_widget_renders_resizes_and_compares_without_cookies(
    browser, hosts, taby_slugs
) -> None:
    registered, _ = hosts
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(registered + "/")
    frame = page.frame_locator("iframe")
    frame.get_by_role("heading", name="Hemtjänst i Täby").wait_for()
    height = _resized(page)
    assert height > 600  # the list is taller than the reserved 600 px: no inner scrollbar
    assert page.evaluate("document.querySelector('iframe').style.height") == f"{height}px"
    screenshot(page, "embed-search-in-host")

    first, second = taby_slugs[0], taby_slugs[1]
    frame.locator(f"#utforare-{first} a.embed-toggle").click()
    frame.locator(f"#utforare-{second} a.embed-toggle").click()
    frame.get_by_role("link", name="Jämför nu (2)").click()
    frame.get_by_role("heading", name="Jämförelse: Hemtjänst").wait_for()
    headers = frame.locator("table.embed-compare thead th")
    assert headers.count() == 3  # the measure column and the two chosen
    screenshot(page, "embed-compare-in-host")
    assert context.cookies() == []  # nothing kept in a cookie, ours or anyone's
    context.close()


@pytest.mark.parametrize("widget", ["card", "compare"])
def test_card_and_comparison_widgets_render_and_resize(browser, hosts, taby_slugs, widget) -> None:
    registered, _ = hosts
    src = {
        "card": f"/embed/utforare/{taby_slugs[0]}",
        "compare": f"/embed/jamfor?id={taby_slugs[0]}%26id={taby_slugs[1]}",
    }[widget]
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{registered}/?src={src}")
    page.frame_locator("iframe").locator("h1").wait_for()
    assert _resized(page) >= 150
    screenshot(page, f"embed-{widget}-in-host-375")
    context.close()


def test_a_site_the_kommun_has_not_registered_is_refused(browser, hosts) -> None:
    _, stranger = hosts
    context = browser.new_context()
    page = context.new_page()
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(stranger + "/")
    page.wait_for_timeout(1500)
    child = page.frames[1]
    assert "Hemtjänst i Täby" not in child.content()
    assert refusals, "Chromium says why it refused the frame"
    assert page.get_attribute("iframe", "data-resized") is None
    context.close()
