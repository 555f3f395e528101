"""Rangordna efter det som är viktigt för dig (`/{kommun}/{tjanst}/prioritera`): a ranking
that explains itself, with no hidden weights and no part for driftsform."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlmodel import Session, select
from starlette.datastructures import QueryParams

from app.models import Indicator, Organisation, PostalCode, Provider
from app.priorities import PriorityForm, Ranking, rank
from tests.support import factories as f
from tests.support.html import Node, dom

PATH = "/taby/hemtjanst/prioritera"


@pytest.fixture
def three(built):
    """Three providers and two indicators whose scores are easy to work out by hand.

    nojd (percent, higher better): A 90, B 80, C 70   -> 100, 50, 0
    kont (count, lower better):    A 20, B 10, C 15   ->   0, 100, 50
    """
    s = built.session
    nojd = f.indicator(s, "nojd", title_sv="Nöjda kunder", source_kind="register")
    kont = f.indicator(
        s,
        "kont",
        title_sv="Personalkontinuitet",
        unit="count",
        direction="lower",
        source_kind="register",
        section=2,
    )
    a = f.provider(s, "Aspens omsorg", driftsform="kommunal", languages=["svenska", "finska"])
    b = f.provider(s, "Björkens omsorg", driftsform="privat", profiles=["demens"])
    c = f.provider(s, "Cederns omsorg", driftsform="ideburen", accepting_new=False)
    for p, n, k in ((a, 90, 20), (b, 80, 10), (c, 70, 15)):
        f.indicator_value(s, p, nojd, value=n)
        f.indicator_value(s, p, kont, value=k)
    return {"a": a, "b": b, "c": c, "nojd": nojd, "kont": kont}


def ranking(s: Session, providers: list[Provider], query: str) -> Ranking:
    indicators = s.exec(select(Indicator).order_by(Indicator.section, Indicator.id)).all()
    form = PriorityForm.from_query(QueryParams(query), indicators)
    return rank(s, [(p, None) for p in providers], indicators, form)


def order(r: Ranking) -> list[tuple[str, int | None, int | None, bool]]:
    return [(e.provider.name, e.score, e.rank, e.shared) for e in r.ranked]


def test_equal_weights_by_default(built, three) -> None:
    r = ranking(built.session, [three["a"], three["b"], three["c"]], "m=nojd&m=kont")
    assert order(r) == [
        ("Björkens omsorg", 75, 1, False),
        ("Aspens omsorg", 50, 2, False),
        ("Cederns omsorg", 25, 3, False),
    ]
    b = r.ranked[0]
    assert [(c.indicator.id, c.scaled, c.weight, c.part) for c in b.contributions] == [
        ("kont", 100, 1, 50),
        ("nojd", 50, 1, 25),
    ]


def test_weights_change_the_order(built, three) -> None:
    r = ranking(built.session, [three["a"], three["b"], three["c"]], "m=nojd&vikt-nojd=3&m=kont")
    # A: (3×100 + 0) ÷ 4 = 75; B: (3×50 + 100) ÷ 4 = 62.5 -> 63; C: (0 + 50) ÷ 4 = 12.5 -> 13
    assert order(r) == [
        ("Aspens omsorg", 75, 1, False),
        ("Björkens omsorg", 63, 2, False),
        ("Cederns omsorg", 13, 3, False),
    ]


def test_a_missing_value_neither_helps_nor_hurts(built, three) -> None:
    s = built.session
    d = f.provider(s, "Dungens omsorg")
    f.indicator_value(s, d, three["nojd"], value=90)  # no continuity figure at all
    r = ranking(s, [three["a"], three["b"], three["c"], d], "m=nojd&m=kont")
    entry = next(e for e in r.ranked if e.provider.name == "Dungens omsorg")
    # Its one value is the best (100); the missing one is left out, not counted as 0.
    assert entry.score == 100
    assert (entry.with_values, entry.chosen) == (1, 2)
    missing = next(c for c in entry.contributions if c.indicator.id == "kont")
    assert missing.scaled is None and missing.part is None and missing.problem == "missing"


def test_too_few_answers_count_as_no_value(built) -> None:
    s = built.session
    ind = f.indicator(s, "nojd", min_n=10)
    ok = f.provider(s, "Aspens omsorg")
    low = f.provider(s, "Björkens omsorg")
    hidden = f.provider(s, "Cederns omsorg")
    odd = f.provider(s, "Dungens omsorg")
    f.indicator_value(s, ok, ind, value=90, n_answers=40)
    f.indicator_value(s, low, ind, value=70, n_answers=40)
    f.indicator_value(s, hidden, ind, value=None, status="too_few", n_answers=6)
    # A source that forgot to suppress: status ok, but below the minimum. Still no value.
    f.indicator_value(s, odd, ind, value=10, n_answers=9)
    r = ranking(s, [ok, low, hidden, odd], "m=nojd")
    assert order(r) == [("Aspens omsorg", 100, 1, False), ("Björkens omsorg", 0, 2, False)]
    assert [e.provider.name for e in r.too_little] == ["Cederns omsorg", "Dungens omsorg"]
    assert {c.problem for e in r.too_little for c in e.contributions} == {"too_few"}


def test_fewer_than_half_of_the_chosen_is_too_little_to_rank(built) -> None:
    s = built.session
    inds = [f.indicator(s, f"i{k}", source_kind="register") for k in range(4)]
    full = f.provider(s, "Aspens omsorg")
    half = f.provider(s, "Björkens omsorg")
    quarter = f.provider(s, "Cederns omsorg")
    for i, ind in enumerate(inds):
        f.indicator_value(s, full, ind, value=50 + i)
        if i < 2:
            f.indicator_value(s, half, ind, value=60 + i)
        if i < 1:
            f.indicator_value(s, quarter, ind, value=90)
    r = ranking(s, [full, half, quarter], "m=i0&m=i1&m=i2&m=i3")
    assert [e.provider.name for e in r.ranked] == ["Björkens omsorg", "Aspens omsorg"]
    assert [(e.provider.name, e.with_values) for e in r.too_little] == [("Cederns omsorg", 1)]


def test_equal_scores_share_a_place_and_are_listed_by_name(built) -> None:
    s = built.session
    ind = f.indicator(s, "nojd", source_kind="register")
    # Swedish order: B < Å < Ä, whatever the order of creation.
    a_ring = f.provider(s, "Ängens omsorg")
    b = f.provider(s, "Bäckens omsorg")
    a_circle = f.provider(s, "Åkerns omsorg")
    last = f.provider(s, "Dalens omsorg")
    for p, v in ((a_ring, 90), (b, 90), (a_circle, 90), (last, 50)):
        f.indicator_value(s, p, ind, value=v)
    r = ranking(s, [a_ring, b, a_circle, last], "m=nojd")
    assert order(r) == [
        ("Bäckens omsorg", 100, 1, True),
        ("Åkerns omsorg", 100, 1, True),
        ("Ängens omsorg", 100, 1, True),
        ("Dalens omsorg", 0, 4, False),
    ]


def test_an_indicator_where_everyone_is_equal_gives_everyone_100(built, three) -> None:
    s = built.session
    same = f.indicator(s, "same", source_kind="register")
    for p in (three["a"], three["b"], three["c"]):
        f.indicator_value(s, p, same, value=77)
    with_same = ranking(s, [three["a"], three["b"], three["c"]], "m=nojd&m=kont&m=same")
    without = ranking(s, [three["a"], three["b"], three["c"]], "m=nojd&m=kont")
    assert [i.id for i in with_same.no_spread] == ["same"]
    assert {c.scaled for e in with_same.ranked for c in e.contributions if c.no_spread} == {100}
    # Everyone has it, so the order stays; the scores move up together.
    assert [e.provider.name for e in with_same.ranked] == [e.provider.name for e in without.ranked]
    # B: (100 + 50 + 100) ÷ 3 = 83.3
    assert with_same.ranked[0].score == 83


def test_a_single_candidate_is_ranked(built, three) -> None:
    r = ranking(built.session, [three["a"]], "m=nojd")
    assert order(r) == [("Aspens omsorg", 100, 1, False)]


def test_swapping_driftsform_changes_nothing(built, three) -> None:
    s = built.session
    providers = [three["a"], three["b"], three["c"]]
    query = "m=nojd&vikt-nojd=2&m=kont"
    before = order(ranking(s, providers, query))
    with built.client() as client:
        page_before = ranked_on_page(client.get(f"{PATH}?{query}").text)
    orgs = {p.id: s.get(Organisation, p.organisation_id) for p in providers}
    swap = {"kommunal": "privat", "privat": "ideburen", "ideburen": "kommunal"}
    for org in orgs.values():
        assert org is not None
        org.driftsform = swap[org.driftsform]
        s.add(org)
    s.flush()
    assert order(ranking(s, providers, query)) == before
    with built.client() as client:
        assert ranked_on_page(client.get(f"{PATH}?{query}").text) == page_before


def ranked_on_page(html: str) -> list[tuple[str, str, str]]:
    """(name, place, score) for each ranked provider, as the page shows them."""
    return [
        (li.first("h3").text, li.first("p", class_="place").text, li.attrs["data-score"])
        for li in dom(html).with_class("ranked")
    ]


def test_must_haves_filter_and_are_shown(built, three) -> None:
    with built.client() as client:
        page = dom(client.get(f"{PATH}?sprak=finska&m=nojd").text)
        assert [li.first("h3").text for li in page.with_class("ranked")] == ["Aspens omsorg"]
        assert "personalen talar finska" in page.first("div", id="sa-har-vi-raknat").text
        assert "1 av 3 utförare uppfyller kraven" in page.text

        page = dom(client.get(f"{PATH}?inriktning=demens&m=nojd").text)
        assert [li.first("h3").text for li in page.with_class("ranked")] == ["Björkens omsorg"]

        page = dom(client.get(f"{PATH}?nya=ja&m=nojd").text)
        names = [li.first("h3").text for li in page.with_class("ranked")]
        assert names == ["Aspens omsorg", "Björkens omsorg"]  # Cederns takes no new clients
        assert "tar emot nya" in page.first("div", id="sa-har-vi-raknat").text


def test_an_address_keeps_only_providers_serving_it(built) -> None:
    s = built.session
    north = f.area(s, "Norr")
    south = f.area(s, "Söder", slug="soder")
    s.add(
        PostalCode(
            code="18330",
            kommun_code="0160",
            area_id=north.id,
            locality="Täby",
            lat=59.44,
            lon=18.07,
        )
    )
    ind = f.indicator(s, "nojd", source_kind="register")
    both = f.provider(s, "Aspens omsorg", areas=[north, south])
    only_south = f.provider(s, "Björkens omsorg", areas=[south])
    only_north = f.provider(s, "Cederns omsorg", areas=[north])
    for p, v in ((both, 80), (only_south, 90), (only_north, 70)):
        f.indicator_value(s, p, ind, value=v)
    with built.client() as client:
        for query in ("postnummer=18330&m=nojd", "omrade=norr&m=nojd"):
            page = dom(client.get(f"{PATH}?{query}").text)
            assert [li.first("h3").text for li in page.with_class("ranked")] == [
                "Aspens omsorg",
                "Cederns omsorg",
            ]
        page = dom(client.get(f"{PATH}?postnummer=99999&m=nojd").text)
        assert "Vi hittar inte postnumret" in page.with_class("error-summary")[0].text
        assert not page.with_class("ranked")


def test_nothing_is_chosen_for_the_resident(built, three) -> None:
    with built.client() as client:
        page = dom(client.get(PATH).text)
    boxes = [i for i in page.all("input") if i.attrs.get("name") == "m"]
    assert {b.attrs["value"] for b in boxes} == {"nojd", "kont"}
    assert not any("checked" in b.attrs for b in boxes)
    selects = [x for x in page.all("select") if x.attrs.get("name", "").startswith("vikt-")]
    assert selects and all(
        [o.attrs["value"] for o in x.all("option") if "selected" in o.attrs] == ["1"]
        for x in selects
    )
    assert not page.with_class("ranked")


def test_facts_are_not_offered(built, three) -> None:
    f.indicator(built.session, "antal", direction="none", source_kind="register")
    with built.client() as client:
        page = dom(client.get(PATH).text)
    assert "antal" not in {i.attrs.get("value") for i in page.all("input")}


def test_the_page_explains_every_input_and_every_score(built, three) -> None:
    with built.client() as client:
        page = dom(client.get(f"{PATH}?m=nojd&vikt-nojd=2&m=kont").text)
    how = page.first("div", id="sa-har-vi-raknat").text
    assert "Nöjda kunder – mycket viktigt (vikt 2)" in how
    assert "Personalkontinuitet – viktigt (vikt 1)" in how
    assert "från 0 till 100" in how and "varken hjälper eller stjälper" in how
    assert "delar de plats" in how and "påverkar aldrig ordningen" in how
    # A: (2 × 100 + 1 × 0) ÷ 3 = 66.7 and B: (2 × 50 + 1 × 100) ÷ 3 = 66.7 share first place.
    first = page.with_class("ranked")[0]
    assert first.first("p", class_="place").text == "Delad plats 1"
    table = first.first("table")
    assert table.first("caption").text == "Poäng för Aspens omsorg, mått för mått"
    assert [th.text for th in table.first("thead").all("th")] == [
        "Värde",
        "Poäng 0–100",
        "Vikt",
        "Bidrag",
    ]
    rows = {tb.attrs["data-indicator"]: tb for tb in table.all("tbody")}
    assert rows["nojd"].first("th").attrs["scope"] == "rowgroup"
    assert rows["nojd"].first("th").first("span", class_="ind-title").text == "Nöjda kunder"
    cells = [td.text for td in rows["nojd"].first("tr", class_="values-row").all("td")]
    assert cells == ["90\u00a0% 2024", "100", "2", "66,7"]
    cells = [td.text for td in rows["kont"].first("tr", class_="values-row").all("td")]
    assert cells == ["20 2024", "0", "1", "0,0"]
    assert table.first("tfoot").first("td").text == "67"
    assert "Bygger på 2 av 2 valda mått." in first.text


def test_too_little_data_is_listed_apart(built, three) -> None:
    s = built.session
    f.provider(s, "Dungens omsorg")  # no values at all
    with built.client() as client:
        page = dom(client.get(f"{PATH}?m=nojd&m=kont").text)
    section = page.first("section", **{"aria-labelledby": "for-lite"})
    assert "För lite underlag för att rangordna" in section.text
    assert "Dungens omsorg" in section.text and "värden för 0 av 2 valda mått" in section.text
    assert "Dungens omsorg" not in [li.first("h3").text for li in page.with_class("ranked")]


# --- the URL holds every choice ---


def test_the_form_round_trips_through_its_url() -> None:
    inds = [
        Indicator(
            id=i,
            service_type_id="hemtjanst",
            section=5,
            title_sv=i,
            title_en=i,
            unit="percent",
            direction="higher",
            source_kind="survey",
            source_name="x",
        )
        for i in ("a", "b.c", "d")
    ]
    form = PriorityForm(
        chosen={"a": 3, "b.c": 1},
        language="finska",
        profile="demens",
        accepting_new=True,
        postal_code="18330",
        area="",
    )
    query = form.query()
    assert PriorityForm.from_query(QueryParams(query), inds) == form
    assert ("vikt-b.c", "1") not in query  # the default weight is not spelt out
    # Unknown indicators and weights outside 1–3 are dropped, not trusted.
    odd = PriorityForm.from_query(QueryParams("m=zzz&m=a&vikt-a=9"), inds)
    assert odd.chosen == {"a": 1}


def test_a_submitted_form_lands_on_the_shareable_url(built, three) -> None:
    submitted = "m=kont&vikt-nojd=1&vikt-kont=2&sprak=&inriktning=&postnummer=&omrade=&m=nojd"
    with built.client() as client:
        response = client.get(f"{PATH}?{submitted}", follow_redirects=False)
        assert response.status_code == 303
        target = response.headers["location"]
        assert parse_qsl(urlsplit(target).query) == [
            ("m", "kont"),
            ("vikt-kont", "2"),
            ("m", "nojd"),
        ]
        page = client.get(target, follow_redirects=False)
        assert page.status_code == 200  # already the shortest form: no second redirect
        shared = dom(page.text).first("input", id="dela").attrs["value"]
        assert urlsplit(shared).path == PATH and urlsplit(shared).query == urlsplit(target).query
        again = client.get(urlsplit(shared).path + "?" + urlsplit(shared).query)
    assert ranked_on_page(again.text) == ranked_on_page(page.text)


def test_english_page(built, three) -> None:
    with built.client() as client:
        response = client.get(f"/en{PATH}?m=nojd", follow_redirects=False)
    assert response.status_code == 200
    page = dom(response.text)
    assert page.first("html").attrs["lang"] == "en"
    assert page.first("form", id="dina-val").attrs["action"] == f"/en{PATH}#rangordning"
    assert urlsplit(page.first("input", id="dela").attrs["value"]).path == f"/en{PATH}"


def test_links_to_about_the_figures(built, three) -> None:
    with built.client() as client:
        page = dom(client.get(f"{PATH}?m=nojd").text)
    hrefs = {a.attrs.get("href", "") for a in page.first("main").all("a")}
    assert "/om-siffrorna#prioritera" in hrefs


def test_sample_data_page_renders_for_every_service(client) -> None:
    for service in ("hemtjanst", "sarskilt-boende", "forskola", "grundskola"):
        page = client.get(f"/taby/{service}/prioritera")
        assert page.status_code == 200
        node: Node = dom(page.text)
        boxes = [i for i in node.all("input") if i.attrs.get("name") == "m"]
        assert boxes
        ranked = client.get(f"/taby/{service}/prioritera?m={boxes[0].attrs['value']}")
        assert ranked.status_code == 200 and dom(ranked.text).with_class("ranked")
