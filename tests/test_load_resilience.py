"""Under concurrent load, and with the search server slow, frozen or dead, every page answers.

Served by a real uvicorn process (tests.support.live_server): only a real server shows what
concurrent requests do to the connection pool. The frozen and dead search servers are this
test's own (tests.support.meili_process), never the shared one.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import make_engine
from app.main import create_app
from app.models import Provider
from app.search.client import make_client
from app.settings import Settings
from tests.support.live_server import burst, serve
from tests.support.meili_process import OwnMeili, own_meili
from tests.support.search import index_database

pytestmark = pytest.mark.search

PARALLEL = 24
FALLBACK_NOTICE = "Sökningen fungerar inte just nu"
COOLDOWN_S = 4.0


@pytest.fixture(scope="module")
def slugs(sample_settings: Settings) -> list[str]:
    engine = make_engine(sample_settings.database_url)
    with Session(engine) as session:
        found = session.exec(
            select(Provider.slug).where(Provider.service_type_id == "hemtjanst").limit(4)
        ).all()
    engine.dispose()
    return list(found)


@pytest.fixture(scope="module")
def pages(slugs: list[str]) -> dict[str, str]:
    return {
        "home": "/",
        "provider": f"/utforare/{slugs[0]}",
        "search": "/taby/hemtjanst?q=omsorg",
        "list": "/taby/hemtjanst",
        "compare": "/jamfor?" + "&".join(f"id={s}" for s in slugs[:3]),
    }


@pytest.fixture(scope="module")
def live(sample_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # The app gets no master key: the search-only key must be all it needs.
    settings = sample_settings.model_copy(update={"meili_master_key": ""})
    with serve(settings, tmp_path_factory.mktemp("live") / "uvicorn.log") as url:
        yield url


@pytest.mark.parametrize("page", ["provider", "home", "search"])
def test_parallel_requests_never_get_a_server_error(live: str, pages, page: str) -> None:
    answers = burst([live + pages[page]] * PARALLEL)
    assert answers.statuses == {200: PARALLEL}
    if page == "search":  # answered by the index, through the search-only key
        assert not any(FALLBACK_NOTICE in a.text for a in answers.answers)


def test_every_page_needs_only_one_connection(sample_settings: Settings, pages) -> None:
    """With a pool of one, a request that asked for a second connection would wait for
    itself until the pool timed out."""
    app = create_app(sample_settings.model_copy(update={"db_pool_size": 1}))
    try:
        with TestClient(app) as client:
            for path in [*pages.values(), "/om-siffrorna", "/finns/inte", "/healthz"]:
                started = time.perf_counter()
                response = client.get(path)
                assert response.status_code in (200, 404), path
                assert time.perf_counter() - started < 5, path
            assert "Exempeldata." in client.get("/finns/inte").text  # the banner, from cache
    finally:
        app.state.engine.dispose()


@pytest.fixture
def search_server(sample_settings: Settings, tmp_path: Path) -> Iterator[OwnMeili]:
    """A Meilisearch of this test's own, holding the sample index."""
    with own_meili(tmp_path) as server:
        admin = sample_settings.model_copy(
            update={"meili_url": server.url, "meili_master_key": server.master_key}
        )
        engine = make_engine(sample_settings.database_url)
        index_database(make_client(admin), admin, engine)
        engine.dispose()
        yield server


@pytest.fixture
def app_on(sample_settings: Settings, search_server: OwnMeili, tmp_path: Path) -> Iterator[str]:
    settings = sample_settings.model_copy(
        update={
            "meili_url": search_server.url,
            "meili_master_key": "",
            "meili_search_key": search_server.search_key,
            "search_breaker_cooldown_seconds": COOLDOWN_S,
        }
    )
    with serve(settings, tmp_path / "uvicorn.log") as url:
        yield url


def from_index(url: str) -> bool:
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200
    return FALLBACK_NOTICE not in response.text


def test_a_frozen_search_server_costs_only_search(
    app_on: str, search_server: OwnMeili, pages
) -> None:
    assert from_index(app_on + pages["search"])
    # Another search than the one just answered (and kept by the page cache): this one
    # needs the index now.
    search_url = app_on + "/taby/hemtjanst?q=trygg"
    timeout = Settings().meili_timeout_seconds

    search_server.freeze()
    # One search alone waits the short timeout (not the client's old 5 s), then lists from SQL.
    started = time.perf_counter()
    assert not from_index(search_url)
    assert timeout <= time.perf_counter() - started < timeout + 3.0

    # Searches hanging on the frozen server, and other pages at the same time: the pages
    # are not held up behind the searches' database connections, nothing fails.
    mixed = burst(
        [search_url] * PARALLEL
        + [app_on + pages["provider"]] * PARALLEL
        + [app_on + pages["home"]] * PARALLEL
    )
    assert mixed.statuses == {200: 3 * PARALLEL}
    assert all(FALLBACK_NOTICE in a.text for a in mixed.to(search_url))

    # The breaker is open now: search is not even tried, health says so at once.
    started = time.perf_counter()
    assert not from_index(search_url)
    health = httpx.get(app_on + "/healthz", timeout=30)
    assert time.perf_counter() - started < 1.0
    assert health.status_code == 503
    assert health.json()["search"] == {"status": "unavailable", "detail": "SearchPaused"}

    search_server.thaw()
    thawed = time.monotonic()
    while not from_index(search_url):
        assert time.monotonic() - thawed < COOLDOWN_S + 10, "search did not come back"
        time.sleep(0.5)
    health = httpx.get(app_on + "/healthz", timeout=30).json()
    assert health["search"]["status"] == "ok" and health["search"]["documents"] > 0


def test_a_dead_search_server_leaves_every_page_working(
    app_on: str, search_server: OwnMeili, pages
) -> None:
    assert from_index(app_on + pages["search"])
    search_server.kill()
    new_search = app_on + "/taby/hemtjanst?q=trygg"
    answers = burst([app_on + path for path in pages.values()] * 4 + [new_search] * 4)
    assert answers.statuses == {200: 4 * len(pages) + 4}
    # A search not asked before is listed from SQL, and not kept; the one answered before
    # search died is still served whole from the page cache.
    assert all(FALLBACK_NOTICE in a.text for a in answers.to(new_search))
    assert not any(FALLBACK_NOTICE in a.text for a in answers.to(app_on + pages["search"]))
    health = httpx.get(app_on + "/healthz", timeout=30)
    assert health.status_code == 503
    assert health.json()["database"]["status"] == "ok"
