"""The list page on constructed data (issue 10): the kommun's levels, the level summary and
the old-figure mark on the cards; old figures ranked after current ones (index and SQL
listing alike); schools called schools, filtered by årskurs; "Tar emot nya" only where it
is a real statement; adding to the comparison with visible feedback, back to the same card
without JavaScript, and straight on to the comparison with two or more chosen."""

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.support import factories as f
from tests.support.search import index_database
from tests.test_search_page import Node, cards, get

pytestmark = pytest.mark.search


def _world(session) -> dict:
    """Täby's hemtjänst: a key figure with Täby's levels (bra ≥ 90, godkänt ≥ 80), read
    by four providers, one of them from an older year."""
    nojd = f.indicator(
        session,
        "U21468",
        title_sv="Andel brukare som är ganska eller mycket nöjda med sin hemtjänst",
        short_title_sv="Nöjd med hemtjänsten som helhet",
        key_rank=1,
    )
    f.level(session, nojd, good=90, approved=80)
    kommunal = f.organisation(session, "Täby kommun", driftsform="kommunal")
    rows = {
        # slug: [(year, value)], the last one current
        "angen": [(2023, 70.0), (2024, 93.0)],  # bra, clearly better than 2023
        "bjorken": [(2023, 85.0), (2024, 72.0)],  # underkänt, clearly worse
        "citronen": [(2022, 99.0)],  # the best number, but 2022: äldre uppgift
        "dalen": [(2024, 82.0)],  # godkänt
    }
    providers = {}
    for slug, series in rows.items():
        org = kommunal if slug == "bjorken" else None
        p = f.provider(session, slug.capitalize(), slug=slug, org=org)
        for year, value in series:
            f.indicator_value(session, p, nojd, year, value, n_answers=200)
        providers[slug] = p
    providers["tom"] = f.provider(session, "Tom", slug="tom")  # no figure at all
    return {"indicator": nojd, **providers}


@pytest.fixture
def world(built, meili_client, settings, engine):
    data = _world(built.session)
    client = built.client()
    index_database(meili_client, settings, engine)
    return client, data


@pytest.fixture
def search_down(settings):
    """The same database with Meilisearch unreachable: the SQL listing answers."""
    app = create_app(settings.model_copy(update={"meili_url": "http://127.0.0.1:9"}))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def card_node(doc: Node, slug: str) -> Node:
    return doc.one("li", id=f"utforare-{slug}")


# --- levels, summary, old mark ---------------------------------------------------------


def test_cards_show_the_level_the_summary_and_the_old_mark(world):
    client, _ = world
    doc = get(client, "/taby/hemtjanst")
    angen, bjorken, citronen = (card_node(doc, s) for s in ("angen", "bjorken", "citronen"))

    # The short plain title, the value, the kommun's level as a word with its rule.
    figure = angen.one("div", "key-figure")
    assert figure.one("dt").text == "Nöjd med hemtjänsten som helhet"
    assert figure.one("span", "kf-value").text == "93 %"
    assert figure.one("span", "level-tag").text == "Bra"
    assert "Bra: minst 90 %" in figure.one("details", "level-rule-more").text
    failed = bjorken.one("div", "key-figure").one("span", "level-tag")
    assert failed.text.startswith("Underkänt") and "level-failed" in failed.classes()

    # The summary line: counts, the red flag and the trend in words, linked to the page.
    good_line = angen.one("p", "level-summary-line")
    assert "Kommunens nivåer: 1 bra" in good_line.text and "Röd flagga" not in good_line.text
    assert "Bättre än förra perioden" in good_line.text
    assert good_line.one("a").attrs["href"] == "/utforare/angen#sammanfattning"
    bad_line = bjorken.one("p", "level-summary-line")
    assert "has-flag" in bad_line.classes() and "Röd flagga" in bad_line.text
    assert "Sämre än förra perioden" in bad_line.text

    # The 2022 figure is marked; it has no level (not current) and no mark elsewhere.
    assert citronen.one("span", "tag-old").text == "Äldre uppgift (2022)"
    assert not angen.all("span", "tag-old")


def test_cards_are_the_same_for_kommunal_and_private_units(world):
    """Björken is run by the kommun, Ängen privately; both have two years of the figure:
    the cards have exactly the same parts (only the level words differ)."""
    client, _ = world
    doc = get(client, "/taby/hemtjanst")

    def parts(node: Node) -> list[str]:
        return sorted(
            {
                c
                for n in node.all()
                for c in n.classes()
                if not c.startswith(("level-", "has-", "flag", "change-"))
            }
        )

    assert parts(card_node(doc, "bjorken")) == parts(card_node(doc, "angen"))


# --- sorting by a figure -----------------------------------------------------------------


def _order(client: TestClient) -> tuple[list[str], str]:
    doc = get(client, "/taby/hemtjanst", params={"sortera": "U21468"})
    return [c.slug for c in cards(doc)], doc.one("p", "order-note").text


def test_old_figures_rank_after_current_ones_and_the_page_says_so(world):
    client, _ = world
    order, note = _order(client)
    assert order == ["angen", "dalen", "bjorken", "citronen", "tom"]
    assert "Nöjd med hemtjänsten som helhet, bäst först" in note
    assert "Äldre uppgifter" in note and "står efter de aktuella" in note


def test_the_sql_listing_orders_by_the_figure_the_same_way(world, search_down):
    client, _ = world
    doc = get(search_down, "/taby/hemtjanst", params={"sortera": "U21468"})
    assert "Sökningen fungerar inte just nu" in doc.one("div", "search-notice").text
    assert [c.slug for c in cards(doc)] == _order(client)[0]
    assert "står efter de aktuella" in doc.one("p", "order-note").text


def test_the_sort_options_use_the_short_titles(world):
    client, _ = world
    doc = get(client, "/taby/hemtjanst")
    labels = [o.text for o in doc.one("select", id="sortera").all("option")]
    assert "Nöjd med hemtjänsten som helhet, bäst först" in labels


# --- next steps ----------------------------------------------------------------------------


def test_the_list_links_to_omval_and_prioritera(world):
    client, _ = world
    links = {
        a.attrs.get("href") for a in get(client, "/taby/hemtjanst").one("ul", "next-steps").all("a")
    }
    assert links == {"/taby/hemtjanst/omval", "/taby/hemtjanst/prioritera"}
    english = get(client, "/en/taby/hemtjanst").one("ul", "next-steps")
    assert {a.attrs["href"] for a in english.all("a")} == {
        "/en/taby/hemtjanst/omval",
        "/en/taby/hemtjanst/prioritera",
    }


# --- adding to the comparison --------------------------------------------------------------


def test_without_javascript_adding_returns_to_the_same_card(world):
    client, _ = world
    url = "/taby/hemtjanst?sortera=U21468"
    doc = get(client, url)
    form = card_node(doc, "dalen").one("form", "compare-toggle")
    fields = {i.attrs["name"]: i.attrs.get("value", "") for i in form.all("input")}
    assert fields["next"] == url + "#utforare-dalen"

    response = client.post(form.attrs["action"], data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == url + "#utforare-dalen"

    # Back on the card: the added state is visible, and one more is needed to compare.
    card = card_node(get(client, url), "dalen")
    state = card.one("p", "compare-state")
    assert "hidden" not in state.attrs
    assert state.one("span", "compare-added").text == "✓ Tillagd i jämförelsen (1 vald)"
    assert "hidden" not in state.one("span", "compare-more").attrs
    assert "hidden" in card.one("a", "compare-now").attrs
    assert card.one("button").text.startswith("Ta bort från jämförelsen")


def test_with_two_chosen_the_control_leads_straight_to_the_comparison(world):
    client, _ = world
    for slug in ("dalen", "angen"):
        client.post("/jamfor/korg", data={"slug": slug, "action": "add", "next": "/taby/hemtjanst"})
    doc = get(client, "/taby/hemtjanst")
    for slug in ("dalen", "angen"):
        card = card_node(doc, slug)
        assert card.one("span", "compare-added").text == "✓ Tillagd i jämförelsen (2 valda)"
        link = card.one("a", "compare-now")
        assert "hidden" not in link.attrs and link.text == "Jämför nu (2)"
        href = urlsplit(link.attrs["href"])
        assert href.path == "/jamfor" and parse_qs(href.query) == {"id": ["dalen", "angen"]}
        assert client.get(link.attrs["href"]).status_code == 200
    # Cards not chosen offer adding, with no state line and no link.
    other = card_node(doc, "bjorken")
    assert "hidden" in other.one("p", "compare-state").attrs
    assert "hidden" in other.one("a", "compare-now").attrs
    assert doc.one("div", data_compare_here="dalen angen")


def test_a_chosen_provider_of_another_kind_is_not_compared_here(
    built, meili_client, settings, engine
):
    data = _world(built.session)
    school = f.provider(built.session, "Skolan", slug="skolan", service_type_id="grundskola")
    client = built.client()
    index_database(meili_client, settings, engine)
    for slug in ("skolan", "dalen"):
        client.post("/jamfor/korg", data={"slug": slug, "action": "add"})
    card = card_node(get(client, "/taby/hemtjanst"), "dalen")
    # One hemtjänst chosen: one more is needed, whatever else the basket holds.
    assert card.one("span", "compare-added").text == "✓ Tillagd i jämförelsen (1 vald)"
    assert data and school


# --- schools ---------------------------------------------------------------------------------


@pytest.fixture
def schools(built, meili_client, settings, engine):
    s = built.session
    kommunal = f.organisation(s, "Täby kommun", driftsform="kommunal")
    f.provider(
        s, "Ekskolan", slug="ekskolan", service_type_id="grundskola", school_years=list(range(7))
    )
    f.provider(
        s,
        "Granskolan",
        slug="granskolan",
        service_type_id="grundskola",
        org=kommunal,
        school_years=[7, 8, 9],
    )
    f.provider(
        s, "Hela skolan", slug="hela", service_type_id="grundskola", school_years=list(range(10))
    )
    f.provider(s, "Lärkan", slug="larkan", service_type_id="forskola", accepting_new=False)
    f.provider(s, "Mården", slug="marden", service_type_id="forskola")
    f.provider(s, "Ängens hemtjänst", slug="angen", accepting_new=False)
    client = built.client()
    index_database(meili_client, settings, engine)
    return client


def test_schools_are_called_schools(schools):
    doc = get(schools, "/taby/forskola")
    assert doc.one("h2", "result-count").text == "2 förskolor"
    assert doc.one("label", for_="q").text == "Sök bland förskolorna"
    assert "utförare" not in doc.one("main").text.lower().replace("utföraren", "")
    empty = get(schools, "/taby/forskola", params={"driftsform": "ideburen"})
    assert empty.one("h2", "result-count").text == "Inga förskolor hittades"
    assert "Ingen förskola i Täby passar alla dina filter." in empty.one("div", "no-results").text

    grund = get(schools, "/taby/grundskola")
    assert grund.one("h2", "result-count").text == "3 skolor"
    label = grund.one("label", for_="f-driftsform-kommunal").text
    assert label == "Kommunal (1 skola)"
    assert get(schools, "/taby/hemtjanst").one("h2", "result-count").text == "1 utförare"


def test_schools_do_not_say_tar_emot_nya(schools):
    """A school place is given by the kommun's placement, not by a yes/no per unit."""
    for url in ("/taby/forskola", "/taby/grundskola", "/taby/forskola?nya=ja"):
        doc = get(schools, url)
        assert "Tar emot nya" not in doc.text
        assert not doc.all("input", name="nya")
    # nya=ja from an old link filters nothing away.
    assert {c.slug for c in cards(get(schools, "/taby/forskola?nya=ja"))} == {"larkan", "marden"}
    home = get(schools, "/taby/hemtjanst")
    assert cards(home)[0].facts["Tar emot nya"] == "Nej, inte just nu"
    assert home.all("input", name="nya")


def test_grundskola_filters_by_arskurs_and_shows_the_span(schools, search_down):
    doc = get(schools, "/taby/grundskola")
    select = doc.one("select", id="arskurs")
    assert select.attrs["form"] == "sok"
    assert [o.attrs["value"] for o in select.all("option")] == ["", "F", *map(str, range(1, 10))]
    assert doc.one("label", for_="arskurs").text == "Årskurs"
    spans = {c.slug: c.facts["Årskurser"] for c in cards(doc)}
    assert spans == {"ekskolan": "F–6", "granskolan": "7–9", "hela": "F–9"}

    for client in (schools, search_down):  # the index and the SQL listing alike
        for year, expected in {"F": {"ekskolan", "hela"}, "8": {"granskolan", "hela"}}.items():
            found = get(client, "/taby/grundskola", params={"arskurs": year})
            assert {c.slug for c in cards(found)} == expected, (client, year)
    chosen = get(schools, "/taby/grundskola", params={"arskurs": "F"})
    assert chosen.one("option", value="F").attrs.get("selected") is not None
    chips = [a.text for a in chosen.one("div", "active-filters").all("a")]
    assert any(c.endswith("Förskoleklass ×") for c in chips)
    # Not a grundskola: no årskurs, and the parameter is ignored.
    assert not get(schools, "/taby/forskola").all("select", id="arskurs")
    assert len(cards(get(schools, "/taby/forskola", params={"arskurs": "3"}))) == 2


def test_bad_arskurs_values_are_ignored(schools):
    for value in ("10", "x", "-1", "F9"):
        assert len(cards(get(schools, "/taby/grundskola", params={"arskurs": value}))) == 3


def test_card_queries_do_not_grow_with_the_list(built, meili_client, settings, engine):
    from sqlalchemy import event

    s = built.session
    ind = f.indicator(s, "U21468", key_rank=1)
    f.level(s, ind, good=90, approved=80)
    f.level(s, ind, good=90, approved=80, kommun_code="0117")
    for i in range(12):
        f.indicator_value(s, f.provider(s, f"Täby {i}"), ind, 2024, 80.0 + i)
    for i in range(2):
        f.indicator_value(s, f.provider(s, f"Öst {i}", kommun_code="0117"), ind, 2024, 85.0)
    client = built.client()
    index_database(meili_client, settings, engine)
    statements: list[str] = []
    app_engine = client.app.state.engine

    def count(*_args) -> None:
        statements.append("x")

    def queries(url: str) -> int:
        client.get(url)
        statements.clear()
        assert client.get(url).status_code == 200
        return len(statements)

    event.listen(app_engine, "before_cursor_execute", count)
    try:
        assert queries("/osteraker/hemtjanst") == queries("/taby/hemtjanst")
    finally:
        event.remove(app_engine, "before_cursor_execute", count)
