"""Widgets for kommun websites (issue 11): embed pages framed only by the sites the kommun
registered, state in the URL rather than cookies, the builder's snippet, and the badge."""

import pytest
from sqlmodel import Session

from app.embed.badge import render as badge
from app.embed.origins import allowed, frame_ancestors, normalise_origin
from app.level_summary import summarise
from app.models import EmbedOrigin, Provider
from tests.support import factories as f
from tests.support.html import dom


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("https://www.taby.se", "https://www.taby.se"),
        ("https://WWW.Taby.se/", "https://www.taby.se"),
        ("https://www.taby.se:8443", "https://www.taby.se:8443"),
        ("https://*.taby.se", "https://*.taby.se"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://www.taby.se", None),  # plain http only for the machine itself
        ("https://www.taby.se/omsorg", None),  # a path never matches an origin
        ("https://www.taby.se/?a=1", None),
        ("https://*.se", None),  # every Swedish site
        ("https://intranet", None),
        ("javascript:alert(1)", None),
        ("https://user@www.taby.se", None),
        ("https://www.taby.se\n", "https://www.taby.se"),
        ("https://www.ta by.se", None),
        ("", None),
    ],
)
def test_origins_are_normalised_or_refused(text: str, origin: str | None) -> None:
    assert normalise_origin(text) == origin


def test_wildcards_cover_subdomains_only() -> None:
    registered = ["https://*.taby.se", "https://www.vaxholm.se"]
    assert allowed("https://skola.taby.se", registered)
    assert not allowed("https://taby.se", registered)
    assert not allowed("https://eviltaby.se", registered)
    assert not allowed("http://skola.taby.se", registered)
    assert allowed("https://www.vaxholm.se", registered)
    assert frame_ancestors(registered) == "'self' https://*.taby.se https://www.vaxholm.se"


def embed_case(s: Session) -> tuple[Provider, Provider, Provider]:
    nojd = f.indicator(s, "U21468", key_rank=1, short_title_sv="Nöjd med hemtjänsten")
    f.level(s, nojd, 90, 80)
    a = f.provider(s, "Ängens omsorg")
    b = f.provider(s, "Bäckens <omsorg> & co")
    elsewhere = f.provider(s, "Vaxholms omsorg", kommun_code="0187")
    for p, v in ((a, 95), (b, 70), (elsewhere, 85)):
        f.indicator_value(s, p, nojd, value=v, n_answers=200)
    s.add(EmbedOrigin(kommun_code="0160", origin="https://www.taby.se"))
    s.add(EmbedOrigin(kommun_code="0187", origin="https://www.vaxholm.se"))
    s.flush()
    return a, b, elsewhere


def csp(response) -> str:
    return response.headers["content-security-policy"]


def test_embed_pages_may_be_framed_by_the_kommuns_sites_only(built) -> None:
    a, _b, elsewhere = embed_case(built.session)
    with built.client() as client:
        search = client.get("/embed/taby/hemtjanst")
        card = client.get(f"/embed/utforare/{a.slug}")
        other = client.get(f"/embed/utforare/{elsewhere.slug}")
        both = client.get(f"/embed/jamfor?id={a.slug}&id={elsewhere.slug}")
        page = client.get(f"/utforare/{a.slug}")
    assert "frame-ancestors 'self' https://www.taby.se;" in csp(search) + ";"
    assert "frame-ancestors 'self' https://www.taby.se" in csp(card)
    assert "https://www.vaxholm.se" in csp(other) and "taby" not in csp(other)
    assert "frame-ancestors 'self' https://www.taby.se https://www.vaxholm.se" in csp(both)
    for r in (search, card, other, both):
        assert "x-frame-options" not in r.headers  # it cannot name other sites
    assert "frame-ancestors 'self';" in csp(page) + ";"  # every other page: ours only
    assert page.headers["x-frame-options"] == "SAMEORIGIN"


def test_search_widget_keeps_the_comparison_in_the_url(built) -> None:
    a, b, elsewhere = embed_case(built.session)
    with built.client() as client:
        first = dom(client.get("/embed/taby/hemtjanst").text)
        add_a = first.first("li", id=f"utforare-{a.slug}").first("a", class_="embed-toggle")
        url = add_a.attrs["href"]
        assert url.startswith(f"/embed/taby/hemtjanst?jamfor={a.slug}")
        second = dom(client.get(url).text)
        add_b = second.first("li", id=f"utforare-{b.slug}").first("a", class_="embed-toggle")
        third = client.get(add_b.attrs["href"])
        # Someone else's unit in the URL is not taken into this kommun's comparison.
        foreign = client.get(f"/embed/taby/hemtjanst?jamfor={a.slug}&jamfor={elsewhere.slug}")
        assert "set-cookie" not in third.headers
    compare = dom(third.text).first("p", class_="embed-compare-now").first("a")
    assert compare.attrs["href"] == f"/embed/jamfor?id={a.slug}&id={b.slug}"
    assert compare.attrs["target"] == "_self"
    assert "Jämför nu" not in foreign.text
    with built.client() as client:
        table = dom(client.get(compare.attrs["href"]).text)
    assert "★ Bäst" in table.text and "Underkänt" in table.text  # 95 vs 70, level 80
    # Links out open the full page, never inside the kommun's frame.
    assert table.first("base").attrs["target"] == "_blank"


def test_card_shows_the_level_summary_and_escapes_names(built) -> None:
    _a, b, _elsewhere = embed_case(built.session)
    with built.client() as client:
        card = client.get(f"/embed/utforare/{b.slug}")
        svg = client.get(f"/embed/utforare/{b.slug}/badge.svg")
        missing = client.get("/embed/utforare/finns-inte/badge.svg")
    assert "Bäckens &lt;omsorg&gt; &amp; co" in card.text
    assert "1 underkänt" in dom(card.text).with_class("level-summary-line")[0].text
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.headers["cache-control"] == "public, max-age=3600" and svg.headers["etag"]
    assert "&lt;omsorg&gt; &amp; co" in svg.text and "<omsorg>" not in svg.text
    assert "1 underkänt" in svg.text and "röd flagga" in svg.text
    assert missing.status_code == 404 and "max-age" not in missing.headers["cache-control"]


def test_badge_without_levels_says_so() -> None:
    assert "inga nivåer" in badge("Ängen", summarise([]))


def test_builder_writes_a_snippet_with_a_fallback_and_the_loader(built) -> None:
    a, _b, _elsewhere = embed_case(built.session)
    with built.client() as client:
        empty = dom(client.get("/widgetar").text)
        page = dom(
            client.get(
                f"/widgetar?kommun=taby&tjanst=hemtjanst&widget=utforare&utforare={a.slug}"
            ).text
        )
    assert empty.first("form").attrs["method"] == "get"
    preview = page.first("iframe")
    assert preview.attrs["src"] == f"/embed/utforare/{a.slug}"
    snippet = page.first("textarea").text
    assert f'src="http://testserver/embed/utforare/{a.slug}"' in snippet
    assert 'loading="lazy"' in snippet and "title=" in snippet
    assert 'sandbox="allow-scripts allow-same-origin allow-forms allow-popups' in snippet
    assert "allow-top-navigation" not in snippet
    assert '<script src="http://testserver/static/js/embed.js" async></script>' in snippet
    assert "<p><a href=" in snippet  # the fallback link
    assert "https://www.taby.se" in page.text  # the registered sites are listed
