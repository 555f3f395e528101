"""Searching providers against a real Meilisearch, as a resident would."""

from typing import Any

import meilisearch
import pytest
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from app.db import session_scope
from app.search.client import make_client
from app.search.errors import InvalidSearch, SearchUnavailable
from app.search.query import SearchParams, SearchResult, search_providers
from app.settings import Settings
from tests.support import factories as f
from tests.support.search import index_database

pytestmark = pytest.mark.search

TABY_CENTRUM = (59.4439, 18.0687)


@pytest.fixture
def world(meili_client: meilisearch.Client, settings: Settings, engine: Engine) -> None:
    """Täby's hemtjänst (two private, one kommunal, one idéburen), plus units that filters
    must keep out: one in Österåker and one nursing home in Täby."""
    with session_scope(engine) as s:
        gribby = f.area(s, "Gribbylund")
        nasby = f.area(s, "Näsby park")
        taby_kommun = f.organisation(s, "Täby kommun", driftsform="kommunal")
        f.provider(
            s,
            "Ängen hemtjänst",
            slug="angen",
            areas=[gribby],
            languages=["svenska", "finska"],
            profiles=["demens"],
            lat=59.4450,
            lon=18.0700,
        )
        f.provider(
            s,
            "Björkens omsorg",
            slug="bjorken",
            org=taby_kommun,
            areas=[nasby],
            languages=["svenska"],
            lat=59.4200,
            lon=18.0700,
        )
        f.provider(
            s,
            "Citronens vård",
            slug="citronen",
            areas=[gribby, nasby],
            languages=["svenska", "arabiska"],
            accepting_new=False,
            lat=59.4800,
            lon=18.0700,
        )
        f.provider(
            s,
            "Dalens hemtjänst",
            slug="dalen",
            driftsform="ideburen",
            languages=["svenska", "finska"],
        )
        f.provider(
            s,
            "Österåkers omsorg",
            slug="osteraker",
            kommun_code="0117",
            driftsform="kommunal",
            city="Åkersberga",
            languages=["svenska", "finska"],
        )
        f.provider(
            s, "Almgården", slug="almgarden", service_type_id="sarskilt-boende", org=taby_kommun
        )
    index_database(meili_client, settings, engine)


def search(client: meilisearch.Client, settings: Settings, **params: Any) -> SearchResult:
    """With whole documents, so a test can see what the index holds."""
    return search_providers(client, settings, SearchParams(**params), retrieve=("*",))


def slugs(result: SearchResult) -> list[str]:
    return [hit["slug"] for hit in result.hits]


TABY_HEMTJANST = {"kommun_slug": "taby", "service_type": "hemtjanst"}


@pytest.mark.usefixtures("world")
def test_search_without_diacritics_finds_taby(meili_client, settings) -> None:
    assert set(slugs(search(meili_client, settings, q="taby", service_type="hemtjanst"))) == {
        "angen",
        "bjorken",
        "citronen",
        "dalen",
    }
    assert slugs(search(meili_client, settings, q="Osteraker")) == ["osteraker"]
    assert slugs(search(meili_client, settings, q="Angen")) == ["angen"]
    assert slugs(search(meili_client, settings, q="akersberga")) == ["osteraker"]


@pytest.mark.usefixtures("world")
def test_search_with_diacritics_finds_the_same(meili_client, settings) -> None:
    assert slugs(search(meili_client, settings, q="Österåker")) == ["osteraker"]
    assert slugs(search(meili_client, settings, q="ängen")) == ["angen"]
    assert "angen" in slugs(search(meili_client, settings, q="Täby"))


@pytest.mark.usefixtures("world")
def test_typo_tolerance(meili_client, settings) -> None:
    assert slugs(search(meili_client, settings, q="Citrnens")) == ["citronen"]
    assert slugs(search(meili_client, settings, q="bjorkans omsorg")) == ["bjorken"]


@pytest.mark.usefixtures("world")
def test_filters_by_kommun_and_service_type(meili_client, settings) -> None:
    result = search(meili_client, settings, **TABY_HEMTJANST)
    assert slugs(result) == ["bjorken", "citronen", "dalen", "angen"]
    assert result.total == 4
    boende = search(meili_client, settings, kommun_slug="taby", service_type="sarskilt-boende")
    assert slugs(boende) == ["almgarden"]
    assert slugs(search(meili_client, settings, kommun_slug="osteraker")) == ["osteraker"]


@pytest.mark.usefixtures("world")
def test_facets_count_driftsform(meili_client, settings) -> None:
    result = search(meili_client, settings, **TABY_HEMTJANST)
    assert result.facets["driftsform"] == {"ideburen": 1, "kommunal": 1, "privat": 2}
    assert result.facets["languages"] == {"arabiska": 1, "finska": 2, "svenska": 4}
    assert result.facets["accepting_new"] == {"false": 1, "true": 3}
    assert result.facets["areas"] == {"gribbylund": 2, "nasby-park": 2}
    assert set(result.facets) == {"driftsform", "languages", "profiles", "accepting_new", "areas"}


@pytest.mark.usefixtures("world")
def test_facet_counts_reflect_the_other_active_filters(meili_client, settings) -> None:
    result = search(meili_client, settings, **TABY_HEMTJANST, driftsform=["privat"])
    assert slugs(result) == ["citronen", "angen"]
    # The chosen facet keeps counting its alternatives, so the resident can widen the choice…
    assert result.facets["driftsform"] == {"ideburen": 1, "kommunal": 1, "privat": 2}
    # …and every other facet counts only what the filters leave.
    assert result.facets["languages"] == {"arabiska": 1, "finska": 1, "svenska": 2}

    both = search(
        meili_client, settings, **TABY_HEMTJANST, driftsform=["privat"], languages=["finska"]
    )
    assert slugs(both) == ["angen"]
    assert both.facets["driftsform"] == {"ideburen": 1, "privat": 1}
    assert both.facets["languages"] == {"arabiska": 1, "finska": 1, "svenska": 2}


@pytest.mark.usefixtures("world")
def test_filters_by_accepting_new_area_and_profile(meili_client, settings) -> None:
    closed = search(meili_client, settings, **TABY_HEMTJANST, accepting_new=False)
    assert slugs(closed) == ["citronen"]
    assert slugs(search(meili_client, settings, **TABY_HEMTJANST, area="nasby-park")) == [
        "bjorken",
        "citronen",
    ]
    assert slugs(search(meili_client, settings, **TABY_HEMTJANST, profiles=["demens"])) == ["angen"]
    either = search(meili_client, settings, **TABY_HEMTJANST, languages=["arabiska", "finska"])
    assert slugs(either) == ["citronen", "dalen", "angen"]


def test_filter_values_with_quotes_are_safe(meili_client, settings, engine) -> None:
    tricky = 'Säg "hej" \\ ok'
    with session_scope(engine) as s:
        f.provider(s, "Ängen", slug="angen", profiles=[tricky])
        f.provider(s, "Björken", slug="bjorken", profiles=["demens"])
    index_database(meili_client, settings, engine)

    assert slugs(search(meili_client, settings, profiles=[tricky])) == ["angen"]
    injections = [
        'taby" OR kommun_slug EXISTS OR kommun_slug = "x',
        "taby' OR kommun_slug EXISTS OR kommun_slug = 'x",
        "taby\\",
        'x"] OR profiles EXISTS OR profiles IN ["y',
    ]
    for value in injections:
        assert search(meili_client, settings, kommun_slug=value).hits == []
        assert search(meili_client, settings, profiles=[value]).hits == []
        assert search(meili_client, settings, area=value).hits == []


def test_sort_by_name_is_neutral(meili_client, settings, engine) -> None:
    names = ["Ekdalen", "Almen", "Ödmjuka", "Björken", "Åsen", "Citronen", "Äppelgården"]
    with session_scope(engine) as s:
        for i, name in enumerate(names):
            f.provider(s, name, slug=f"p{i}", driftsform=["kommunal", "privat", "ideburen"][i % 3])
        # Same name: the older row first, whoever runs it.
        f.provider(s, "Almen", slug="almen-privat", driftsform="privat")
        f.provider(s, "Almen", slug="almen-kommunal", driftsform="kommunal")
    index_database(meili_client, settings, engine)

    result = search(meili_client, settings, per_page=100)
    assert [(hit["name"], hit["slug"]) for hit in result.hits] == [
        ("Almen", "p1"),
        ("Almen", "almen-privat"),
        ("Almen", "almen-kommunal"),
        ("Björken", "p3"),
        ("Citronen", "p5"),
        ("Ekdalen", "p0"),
        ("Åsen", "p4"),
        ("Äppelgården", "p6"),
        ("Ödmjuka", "p2"),
    ]


@pytest.mark.usefixtures("world")
def test_place_query_does_not_favour_the_kommuns_own_units(meili_client, settings) -> None:
    # "Täby kommun" runs Björken; the place name must not lift it above the others in Täby.
    result = search(meili_client, settings, q="Täby", service_type="hemtjanst")
    assert slugs(result) == ["bjorken", "citronen", "dalen", "angen"]


@pytest.mark.usefixtures("world")
def test_sort_by_distance_returns_distances(meili_client, settings) -> None:
    lat, lon = TABY_CENTRUM
    result = search(meili_client, settings, **TABY_HEMTJANST, sort="distance", lat=lat, lon=lon)
    assert slugs(result) == ["angen", "bjorken", "citronen", "dalen"]
    *placed, unplaced = result.hits
    near, middle, far = (hit["distance_m"] for hit in placed)
    assert near < 300 and near < middle < far
    assert 2500 < middle < 3000  # 0.024° of latitude
    assert "distance_m" not in unplaced  # no coordinates: last, without a made-up distance


@pytest.mark.usefixtures("world")
def test_hits_carry_only_what_the_app_reads_unless_asked(meili_client, settings) -> None:
    """The app reads cards from SQL: by default a hit is its id (and its distance), not the
    whole document, which would be many times the bytes to send and parse per search."""
    lat, lon = TABY_CENTRUM
    params = SearchParams(**TABY_HEMTJANST, sort="distance", lat=lat, lon=lon)
    lean = search_providers(meili_client, settings, params)
    whole = search(meili_client, settings, **TABY_HEMTJANST, sort="distance", lat=lat, lon=lon)
    assert [hit["id"] for hit in lean.hits] == [hit["id"] for hit in whole.hits]
    assert {frozenset(hit) for hit in lean.hits} == {
        frozenset({"id", "distance_m"}),
        frozenset({"id"}),  # the unit without coordinates
    }
    assert [h.get("distance_m") for h in lean.hits] == [h.get("distance_m") for h in whole.hits]


class _Counting:
    """The real client, counting the queries of each multi-search."""

    def __init__(self, client: meilisearch.Client) -> None:
        self.client, self.sizes = client, []

    def multi_search(self, queries: list[dict[str, Any]]) -> dict[str, Any]:
        self.sizes.append(len(queries))
        return self.client.multi_search(queries)


@pytest.mark.usefixtures("world")
def test_without_facets_a_search_is_one_query_with_the_same_hits(meili_client, settings) -> None:
    counting = _Counting(meili_client)
    asked = {**TABY_HEMTJANST, "driftsform": ["privat"], "area": "nasby-park"}
    counted = search_providers(counting, settings, SearchParams(**asked))  # type: ignore[arg-type]
    bare = search_providers(counting, settings, SearchParams(**asked, facets=False))  # type: ignore[arg-type]
    assert counting.sizes == [3, 1]  # the page, then one per active filter; without: one
    assert bare.hits == counted.hits and bare.total == counted.total == 1
    assert counted.facets["driftsform"] and not any(bare.facets.values())


def test_sort_by_figure(meili_client, settings, engine) -> None:
    with session_scope(engine) as s:
        nojdhet = f.indicator(s, "U28532")
        values = {"Almen": 60.0, "Björken": 95.0, "Citronen": None, "Dalen": 80.0}
        for name, value in values.items():
            p = f.provider(s, name, slug=name.lower())
            f.indicator_value(s, p, nojdhet, 2023, 50.0)
            if value is not None:
                f.indicator_value(s, p, nojdhet, 2024, value)
    index_database(meili_client, settings, engine)

    best_first = search(meili_client, settings, sort="figure:U28532:desc")
    assert slugs(best_first) == ["björken", "dalen", "almen", "citronen"]
    assert [hit["figures"]["U28532"] for hit in best_first.hits] == [95.0, 80.0, 60.0, 50.0]
    assert best_first.hits[3]["figure_years"]["U28532"] == 2023
    # Worst first among the current (2024) figures; Citronen's 2023 figure is older than
    # the newest in Täby, so it still comes after them.
    worst_first = search(meili_client, settings, sort="figure:U28532:asc")
    assert slugs(worst_first) == ["almen", "dalen", "björken", "citronen"]


def test_old_figures_sort_after_current_ones_and_no_value_last(
    meili_client, settings, engine
) -> None:
    """Old = behind the newest period of the indicator in the provider's own kommun (as
    Figure.is_old); too few answers counts as published. No value: last either way."""
    with session_scope(engine) as s:
        ind = f.indicator(s, "U28532")
        rows = {
            "gammal-bast": (2023, 99.0),  # the best number, but from an older year
            "ny-bra": (2024, 90.0),
            "ny-samre": (2024, 70.0),
            "gammal-samre": (2022, 40.0),
        }
        for slug, (year, value) in rows.items():
            f.indicator_value(s, f.provider(s, slug, slug=slug), ind, year, value)
        few = f.provider(s, "För få", slug="for-fa")
        f.indicator_value(s, few, ind, 2024, None, status="too_few")
        f.provider(s, "Inget", slug="inget")
        # In Österåker 2023 is the newest: its 2023 figure is current there.
        osteraker = f.provider(s, "Österåker", slug="ost", kommun_code="0117")
        f.indicator_value(s, osteraker, ind, 2023, 50.0)
    index_database(meili_client, settings, engine)

    best = search(meili_client, settings, **TABY_HEMTJANST, sort="figure:U28532:desc")
    assert slugs(best)[:4] == ["ny-bra", "ny-samre", "gammal-bast", "gammal-samre"]
    assert set(slugs(best)[4:]) == {"for-fa", "inget"}
    worst = search(meili_client, settings, **TABY_HEMTJANST, sort="figure:U28532:asc")
    assert slugs(worst)[:4] == ["ny-samre", "ny-bra", "gammal-samre", "gammal-bast"]
    assert set(slugs(worst)[4:]) == {"for-fa", "inget"}
    ost = search(meili_client, settings, kommun_slug="osteraker", sort="figure:U28532:desc")
    assert ost.hits[0]["figure_current"] == {"U28532": 1}


def test_filter_by_school_year(meili_client, settings, engine) -> None:
    with session_scope(engine) as s:
        for slug, years in {"f6": list(range(7)), "f9": list(range(10)), "79": [7, 8, 9]}.items():
            f.provider(s, slug, slug=slug, service_type_id="grundskola", school_years=years)
        f.provider(s, "okand", slug="okand", service_type_id="grundskola")
    index_database(meili_client, settings, engine)

    def teaching(year: int) -> set[str]:
        return set(
            slugs(search(meili_client, settings, service_type="grundskola", school_year=year))
        )

    assert teaching(0) == {"f6", "f9"}
    assert teaching(6) == {"f6", "f9"}
    assert teaching(8) == {"f9", "79"}
    assert len(search(meili_client, settings, service_type="grundskola").hits) == 4
    with pytest.raises(ValidationError):
        SearchParams(school_year=10)


@pytest.mark.usefixtures("world")
def test_sort_by_an_unknown_figure_is_invalid(meili_client, settings) -> None:
    with pytest.raises(InvalidSearch):
        search(meili_client, settings, sort="figure:NOSUCH:asc")


@pytest.mark.usefixtures("world")
def test_pages(meili_client, settings) -> None:
    second = search(meili_client, settings, **TABY_HEMTJANST, page=2, per_page=3)
    assert (second.total, second.pages, second.page, second.per_page) == (4, 2, 2, 3)
    assert slugs(second) == ["angen"]


def test_search_params_refuse_what_the_index_cannot_do() -> None:
    for bad in (
        {"per_page": 101},
        {"page": 0},
        {"sort": "distance"},
        {"sort": "figure:U1:sideways"},
        {"sort": "figure:U1:asc, id:desc"},
        {"sort": "driftsform"},
        {"lat": 91, "lon": 18, "sort": "distance"},
    ):
        with pytest.raises(ValidationError):
            SearchParams(**bad)


def test_blank_form_fields_are_ignored() -> None:
    params = SearchParams(kommun_slug="", area=" ", driftsform=["", "privat", "privat"])
    assert (params.kommun_slug, params.area, params.driftsform) == (None, None, ["privat"])


def test_search_unavailable_raises(settings) -> None:
    closed = make_client(settings.model_copy(update={"meili_url": "http://127.0.0.1:9"}))
    with pytest.raises(SearchUnavailable):
        search(closed, settings)


def test_search_before_the_first_build_is_unavailable(meili_client, settings) -> None:
    with pytest.raises(SearchUnavailable):
        search(meili_client, settings)
