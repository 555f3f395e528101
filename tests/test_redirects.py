"""Forms send the resident back only to our own pages: the basket's `next` and the
comparison's back link (`tillbaka`) never lead to another site, however they are written."""

from urllib.parse import urljoin, urlsplit

import pytest

from app.web.params import has_control_characters
from app.web.redirects import safe_next
from tests.support.html import dom

SITE = "https://valfard.example"
# Classic open-redirect payloads: each one, followed by a browser, would leave the site.
PAYLOADS = [
    "//evil.example",
    "//evil.example/jamfor",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%252F%252Fevil.example",
    "/%5Cevil.example",
    "https://evil.example",
    "https:evil.example",
    "HTTPS://evil.example/",
    "/en//evil.example",
    "/en/\\evil.example",
    "/en/%2F/evil.example",
    "/en/%2Fevil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/%09/evil.example",
    "/\x00/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "/javascript:alert(1)//evil.example",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "/" + "a" * 3000,
]


def browser_destination(location: str) -> str:
    """Where a browser goes: it drops tabs and newlines and reads '\\' as '/' (WHATWG URL)."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urljoin(SITE + "/jamfor", cleaned.strip())


def assert_on_site(location: str) -> None:
    parts = urlsplit(browser_destination(location))
    assert (parts.scheme, parts.netloc) == ("https", "valfard.example"), location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


@pytest.mark.parametrize("target", PAYLOADS)
def test_safe_next_refuses_every_way_off_the_site(target: str) -> None:
    assert safe_next(target) is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/", "/"),
        ("/utforare/ekens-omsorg", "/utforare/ekens-omsorg"),
        ("/en/utforare/ekens-omsorg", "/utforare/ekens-omsorg"),  # the current language wins
        ("/en", "/"),
        (
            "/taby/hemtjanst?q=a%2F%2Fb&sida=2#resultat",
            "/taby/hemtjanst?q=a%2F%2Fb&sida=2#resultat",
        ),
    ],
)
def test_safe_next_keeps_our_own_paths(target: str, expected: str) -> None:
    assert safe_next(target) == expected


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("target", PAYLOADS)
def test_the_basket_never_redirects_off_site(client, slug, prefix, target) -> None:
    response = client.post(
        f"{prefix}/jamfor/korg",
        data={"slug": slug, "action": "add", "next": target},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert_on_site(response.headers["location"])
    assert "evil" not in response.headers["location"]


def test_the_basket_returns_to_the_page_in_the_current_language(client, slug) -> None:
    for path, target in [("/jamfor/korg", "/en/taby"), ("/en/jamfor/korg", "/taby/hemtjanst")]:
        response = client.post(
            path, data={"slug": slug, "action": "add", "next": target}, follow_redirects=False
        )
        expected = "/taby" if path.startswith("/jamfor") else "/en/taby/hemtjanst"
        assert response.headers["location"] == expected


def back_links(client, path: str, slug: str, target: str) -> list[str]:
    """The back link on the page that says the basket is full (`full` names who waits).

    An address with a control character in it is refused as a whole (the 400 page): no page,
    so no link either.
    """
    page = client.get(path, params={"full": slug, "tillbaka": target})
    if has_control_characters(target):
        assert page.status_code == 400
        return []
    assert page.status_code == 200
    return [a.attrs["href"] for a in dom(page.text).all("a") if a.text.startswith(("Till", "Back"))]


@pytest.mark.parametrize("target", PAYLOADS)
def test_the_comparisons_back_link_stays_on_site(client, slug, target) -> None:
    assert back_links(client, "/jamfor", slug, target) == []


def test_the_comparisons_back_link_goes_back(client, slug) -> None:
    assert back_links(client, "/jamfor", slug, "/en/taby/hemtjanst?sida=2") == [
        "/taby/hemtjanst?sida=2"
    ]
    assert back_links(client, "/en/jamfor", slug, "/taby/hemtjanst?sida=2") == [
        "/en/taby/hemtjanst?sida=2"
    ]
