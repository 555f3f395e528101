"""Parts of answers kept against the data version (app/versioned_cache.py): a search that is
new to the page cache reads from SQL only the cards it has not read at this version, and
every part is read afresh right after a committed change. Real database, real Meilisearch,
real API and pages through HTTP, with the page cache off so each answer is built anew."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.data_version import read_version
from app.main import create_app
from app.models import IndicatorValue, Provider
from app.search.client import make_app_search
from app.versioned_cache import VersionedCache
from tests.support import factories as f
from tests.support.search import index_database

pytestmark = pytest.mark.search

LIST = "/api/v1/providers?municipality=taby&service_type=hemtjanst"


@pytest.fixture
def taby(built, meili_client, settings, engine) -> list[Provider]:
    s = built.session
    units = [f.provider(s, name) for name in ("Ängens omsorg", "Björkens omsorg", "Citronen")]
    s.commit()
    index_database(meili_client, settings, engine)
    return units


@pytest.fixture
def uncached_client(settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"page_cache_mb": 0}))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` (the app's) meanwhile."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["contents"]]


def test_a_second_search_reads_no_card_again(taby, uncached_client) -> None:
    engine = uncached_client.app.state.engine
    first = uncached_client.get(LIST)
    with statements(engine) as again:
        second = uncached_client.get(LIST)
    with statements(engine) as narrower:
        one = uncached_client.get(LIST + "&q=citronen")
    assert names(first) == names(second) == ["Björkens omsorg", "Citronen", "Ängens omsorg"]
    assert second.content == first.content
    assert names(one) == ["Citronen"]
    # Only the data version is read: the kommun, the service, its indicators and every
    # card were kept from the first answer.
    assert len(again) == len(narrower) == 1 and "data_version" in again[0]


def test_with_the_page_cache_the_version_is_read_once(taby, settings) -> None:
    """The page cache reads the data version as a request comes in; a new search that it
    has not kept reuses that number for the parts instead of asking the database again."""
    app = create_app(settings.model_copy(update={"page_cache_mb": 8}))
    with TestClient(app) as client:
        client.get(LIST)
        with statements(app.state.engine) as seen:
            one = client.get(LIST + "&q=citronen")
    app.state.engine.dispose()
    assert names(one) == ["Citronen"]
    assert len(seen) == 1 and "data_version" in seen[0]


def test_comparisons_of_other_baskets_share_each_providers_figures(
    built, uncached_client, engine
) -> None:
    s = built.session
    measure = f.indicator(s, "U28532", section=5, short_title_sv="Nöjda kunder")
    units = [f.provider(s, name) for name in ("Ängens omsorg", "Björkens omsorg", "Citronen")]
    for unit, value in zip(units, (81.0, 82.0, 83.0), strict=True):
        f.indicator_value(s, unit, measure, value=value)
    s.commit()
    a, b, c = (u.slug for u in units)
    seen: list[tuple[str, object]] = []

    def note(_conn, _cursor, statement, parameters, *_args) -> None:
        seen.append((statement, parameters))

    app_engine = uncached_client.app.state.engine
    assert uncached_client.get(f"/api/v1/comparison?id={a}&id={b}").status_code == 200
    event.listen(app_engine, "before_cursor_execute", note)
    try:
        second = uncached_client.get(f"/api/v1/comparison?id={b}&id={c}")
    finally:
        event.remove(app_engine, "before_cursor_execute", note)
    assert second.status_code == 200, second.text
    figures_read = [
        list(p.values()) if isinstance(p, dict) else list(p)  # PostgreSQL names them
        for st, p in seen
        if "FROM indicator_value" in st and "max(" not in st
    ]
    # Only Citronen's figures were read: Björken's were kept from the first comparison.
    assert len(figures_read) == 1 and units[2].id in figures_read[0]
    assert units[1].id not in figures_read[0]

    with Session(engine) as other:  # a revised figure is in the very next comparison
        row = other.exec(select(IndicatorValue).where(IndicatorValue.value == 82.0)).one()
        row.value = 72.0
        other.commit()
    again = uncached_client.get(f"/api/v1/comparison?id={b}&id={c}").json()
    shown = {cell["provider"]: cell["figure"]["value"] for cell in again["rows"][0]["cells"]}
    assert shown == {b: 72.0, c: 83.0}


def test_a_committed_change_is_in_the_very_next_answer(taby, uncached_client, engine) -> None:
    assert "Citronen" in names(uncached_client.get(LIST))
    with Session(engine) as s:  # another worker or process: seen only through the database
        unit = s.exec(select(Provider).where(Provider.name == "Citronen")).one()
        unit.name = "Citronen hemtjänst"
        unit.accepting_new = False
        s.commit()
    after = uncached_client.get(LIST).json()["contents"]
    changed = next(item for item in after if item["id"] == taby[2].slug)
    assert changed["name"] == "Citronen hemtjänst" and changed["accepting_new"] is False
    # The page is built from the same cards and is fresh as well.
    page = uncached_client.get("/taby/hemtjanst")
    assert "Citronen hemtjänst" in page.text


def test_a_rolled_back_change_keeps_the_cards(taby, uncached_client, engine) -> None:
    uncached_client.get(LIST)
    with Session(engine) as s:
        s.exec(select(Provider)).first().name = "Aldrig sparad"  # type: ignore[union-attr]
        s.rollback()
    with statements(uncached_client.app.state.engine) as seen:
        assert "Aldrig sparad" not in names(uncached_client.get(LIST))
    assert len(seen) == 1


def test_what_was_read_before_a_change_is_not_kept_after_it(built, engine) -> None:
    """A request that read the version before another committed a change must not store
    what it read among what later requests read."""
    unit = f.provider(built.session, "Ängens omsorg")
    built.session.commit()
    cache = VersionedCache(max_entries=100)
    with Session(engine) as early, Session(engine) as late, Session(engine) as writer:
        before = cache.at(early)
        early_stamp = before.stamp  # the early request reads the version first
        writer.get(Provider, unit.id).name = "Nytt namn"  # type: ignore[union-attr]
        writer.commit()
        after = cache.at(late)
        assert after.stamp[0] > early_stamp[0]
        old = before.get("name", lambda: "Ängens omsorg")
        assert old == "Ängens omsorg"  # the early request still gets its answer…
        # …but it was not kept: the later request reads for itself.
        assert after.get("name", lambda: late.get(Provider, unit.id).name) == "Nytt namn"  # type: ignore[union-attr]


def test_a_request_from_before_a_change_leaves_the_newer_entries(built, engine) -> None:
    """Requests overlap: one that read the version before a change, and uses the cache only
    after a later request has, neither empties the cache nor reads or keeps entries."""
    unit = f.provider(built.session, "Ängens omsorg")
    built.session.commit()
    cache = VersionedCache(max_entries=100)
    with Session(engine) as early, Session(engine) as late, Session(engine) as writer:
        old = read_version(early)
        writer.get(Provider, unit.id).name = "Nytt namn"  # type: ignore[union-attr]
        writer.commit()
        newer = cache.at(late)
        assert newer.get("name", lambda: "Nytt namn") == "Nytt namn"
        stale = cache.at(early, version=old)
        assert stale.get("name", lambda: "Ängens omsorg") == "Ängens omsorg"
        assert cache.at(late).get("name", lambda: pytest.fail("emptied")) == "Nytt namn"
        assert len(cache) == 1


def test_the_cache_is_bounded(built, engine) -> None:
    cache = VersionedCache(max_entries=3)
    with Session(engine) as s:
        view = cache.at(s)
        view.get_many(list(range(5)), lambda keys: {k: k * 10 for k in keys})
        assert len(cache) == 3
        # The most recently used stay.
        assert view.get_many([2, 3, 4], lambda keys: pytest.fail(f"read again: {keys}")) == {
            2: 20,
            3: 30,
            4: 40,
        }


def test_searches_reuse_one_connection_to_meilisearch(taby, settings) -> None:
    """The official client opens a connection per call; the app's pools them
    (app.search.client.PooledRequests), uncompressed on the local network."""
    search = make_app_search(settings)
    for word in ("omsorg", "citronen", "björk", "", "omsorg"):
        search.client.multi_search([{"indexUid": settings.providers_index, "q": word}])
    http = search.client.http
    pools = list(http.pool.pools._container.values())  # type: ignore[attr-defined]
    assert [pool.num_connections for pool in pools] == [1]
    answer = http.pool.request(  # type: ignore[attr-defined]
        "POST",
        f"{settings.meili_url}/multi-search",
        json={"queries": [{"indexUid": settings.providers_index, "q": "omsorg"}]},
        headers=http.headers,
    )
    assert answer.status == 200 and "content-encoding" not in answer.headers


def test_each_language_reads_its_own_parts(sample_settings) -> None:
    """The services translate as they read (section titles, reference labels): a Swedish
    visitor's provider page must not lend its parts to the English one, or back."""
    app = create_app(sample_settings.model_copy(update={"page_cache_mb": 0}))
    with TestClient(app) as client, Session(app.state.engine) as s:
        slug = s.exec(select(Provider.slug).order_by(Provider.slug)).first()
        swedish = client.get(f"/utforare/{slug}")
        english = client.get(f"/en/utforare/{slug}")
        again = client.get(f"/utforare/{slug}")
    app.state.engine.dispose()
    assert "Hårda fakta" in swedish.text and "Hard facts" not in swedish.text
    assert "Hard facts" in english.text and "Hårda fakta" not in english.text
    assert again.text == swedish.text
