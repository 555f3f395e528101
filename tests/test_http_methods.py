"""HEAD answers wherever GET does (same status and headers, no body), and a 405 says in
`Allow` which methods the address takes."""

import pytest
from fastapi.routing import iter_route_contexts
from sqlmodel import Session, select

from app.models import Provider
from tests.support.html import dom

# Headers that may differ between two answers to the same request.
VOLATILE = {"date", "set-cookie", "x-page-cache"}  # the HEAD after a GET is a cache hit


def get_paths(app) -> list[str]:
    """Every GET route of the app as an address over the sample data."""
    with Session(app.state.engine) as session:
        provider = session.exec(select(Provider).order_by(Provider.slug)).first()
    assert provider is not None
    values = {
        "slug": provider.slug,
        "kommun_slug": "taby",
        "tjanst": "hemtjanst",
        "code": "0160",
        "service_type": "hemtjanst",
        "place": "taby",
        "token": "finns-inte",
        "draft_id": "1",
        "indicator_id": "U21468",
        "user_id": "1",
        "kind": "providers",
    }
    paths = []
    for route in iter_route_contexts(app.routes):
        if route.methods is None:  # the /static mount, checked below
            continue
        if "GET" in route.methods:
            paths.append(route.path_format.format(**values))
    return paths


def comparable(headers) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in VOLATILE}


def test_every_get_route_answers_head(client, sample_app) -> None:
    paths = [*get_paths(sample_app), "/static/site.css", "/static/js/compare.js"]
    assert {"/", "/jamfor", "/jamfor.csv", "/taby/hemtjanst", "/healthz"} <= set(paths)
    for path in paths:
        for prefix in ("", "/en"):
            url = prefix + path if not path.startswith(("/static", "/api", "/healthz")) else path
            get = client.get(url, follow_redirects=False)
            head = client.head(url, follow_redirects=False)
            assert head.status_code == get.status_code, url
            assert get.status_code < 500 or path == "/healthz", url  # 503: degraded
            assert head.content == b"", url
            assert comparable(head.headers) == comparable(get.headers), url


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/", "/taby/hemtjanst", "/en/jamfor", "/utforare/x"])
def test_other_methods_on_a_page_get_405_with_allow(client, method, path) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert dom(response.text).first("h1")  # the error page, not a bare text


def test_405_on_the_json_api_carries_allow_too(client) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert response.headers["content-type"] == "application/problem+json"


def test_405_on_static_files_carries_allow(client) -> None:
    response = client.post("/static/site.css")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
