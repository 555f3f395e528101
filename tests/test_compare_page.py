"""Comparing providers side by side: /jamfor, its CSV download and the basket form."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.comparison import NoMark, best_marks
from app.figures import Figure, figures_for, short_title
from app.models import Indicator, IndicatorValue, Provider
from app.statistics import Outcome, judge, told_apart
from app.web.basket import COOKIE, MAX_ITEMS
from tests.support import factories as f
from tests.support.factories import figure
from tests.support.html import Node, dom


@dataclass
class Table:
    """The comparison table as (row title, cells) with the header texts."""

    node: Node
    columns: list[Node]  # <th scope=col> of the providers
    rows: list[tuple[Node, list[Node]]]  # (<th scope=row>, <td>s)


def read_table(html: str) -> Table:
    table = dom(html).first("table")
    head = table.first("thead")
    columns = [th for th in head.all("th", scope="col") if "provider-col" in th.classes]
    rows = []
    for tbody in table.all("tbody"):
        for tr in tbody.all("tr"):
            th = tr.all("th", scope="row")
            if th and "summary-row" not in tr.classes:
                rows.append((th[0], tr.all("td")))
    return Table(table, columns, rows)


def row_title(th: Node) -> str:
    """The row's title as read: soft hyphens (for phones) are no part of the words."""
    return th.first("span", class_="ind-title").text.replace("\u00ad", "")


def name_of(th: Node) -> str:
    """A provider's name in its column header, without the soft hyphens for phones."""
    return th.first("a").text.replace("\u00ad", "")


def value_of(td: Node) -> str:
    return td.first("span", class_="cell-value").text


# --- choosing sample providers at run time ---


@pytest.fixture
def db(sample_app) -> Iterator[Session]:
    with Session(sample_app.state.engine) as session:
        yield session


def groups_of_three(db: Session) -> list[list[Provider]]:
    """Providers of one kommun and service type, three at a time, in a stable order."""
    pairs = db.exec(
        select(Provider.kommun_code, Provider.service_type_id)
        .group_by(Provider.kommun_code, Provider.service_type_id)
        .having(func.count() >= 3)
        .order_by(Provider.kommun_code, Provider.service_type_id)
    ).all()
    out = []
    for kommun_code, service_type_id in pairs:
        providers = db.exec(
            select(Provider)
            .where(Provider.kommun_code == kommun_code)
            .where(Provider.service_type_id == service_type_id)
            .order_by(Provider.slug)
        ).all()
        out.append(list(providers[:3]))
    assert out, "the sample data should have three providers of one kind in one kommun"
    return out


def latest_shown(db: Session, providers: list[Provider], indicator_id: str) -> list[float | None]:
    """Each provider's latest value that is shown (status ok), straight from the table."""
    out = []
    for p in providers:
        rows = db.exec(
            select(IndicatorValue)
            .where(IndicatorValue.provider_id == p.id)
            .where(IndicatorValue.indicator_id == indicator_id)
            .where(IndicatorValue.status != "missing")
            .order_by(col(IndicatorValue.year).desc())
        ).all()
        out.append(rows[0].value if rows and rows[0].status == "ok" else None)
    return out


def expected_best(values: list[float | None], direction: str) -> set[int] | None:
    shown = [v for v in values if v is not None]
    if len(shown) < 2 or len(set(shown)) == 1:
        return None
    top = max(shown) if direction == "higher" else min(shown)
    return {i for i, v in enumerate(values) if v == top}


def find_ranked_case(db: Session, direction: str) -> tuple[list[Provider], Indicator, set[int]]:
    """Three providers and a non-survey indicator in `direction` where one value is best."""
    for providers in groups_of_three(db):
        indicators = db.exec(
            select(Indicator)
            .where(Indicator.service_type_id == providers[0].service_type_id)
            .where(Indicator.direction == direction)
            .where(Indicator.source_kind != "survey")
            .order_by(Indicator.id)
        ).all()
        for ind in indicators:
            best = expected_best(latest_shown(db, providers, ind.id), direction)
            if best and clearly_best(db, providers, ind, best):
                return providers, ind, best
    pytest.skip(f"no {direction}-is-better indicator with differing values in the sample")


def clearly_best(db: Session, providers: list[Provider], ind: Indicator, best: set[int]) -> bool:
    """The expected best is also clearly better than every other value (app.statistics)."""
    figures = figures_for(db, providers, [ind])
    row = [figures[p.id][ind.id] for p in providers]
    return all(
        judge(row[b], row[o]).outcome == Outcome.BETTER
        for b in best
        for o in range(len(row))
        if o not in best and row[o].value is not None
    )


def compare_path(providers: list[Provider], prefix: str = "") -> str:
    return f"{prefix}/jamfor?" + "&".join(f"id={p.slug}" for p in providers)


# --- the page ---


def test_comparison_is_a_real_table_with_caption_and_headers(client, db) -> None:
    providers = groups_of_three(db)[0]
    response = client.get(compare_path(providers))
    assert response.status_code == 200
    page = dom(response.text)
    table = read_table(response.text)

    caption = table.node.first("caption")
    assert caption.text
    region = page.first("div", role="region")
    assert region.attrs["tabindex"] == "0"
    assert region.attrs["aria-labelledby"] == caption.attrs["id"]
    assert region.first("table") is not None

    assert [name_of(th) for th in table.columns] == [p.name for p in providers]
    assert [th.first("a").attrs["href"] for th in table.columns] == [
        f"/utforare/{p.slug}" for p in providers
    ]
    assert all(re.search(r"Kommunal|Privat|Idéburen", th.text) for th in table.columns)
    assert table.rows and all(th.attrs["scope"] == "row" for th, _ in table.rows)


def test_every_provider_has_the_same_rows_grouped_by_section(client, db) -> None:
    providers = groups_of_three(db)[0]
    table = read_table(client.get(compare_path(providers)).text)
    indicators = db.exec(
        select(Indicator)
        .where(Indicator.service_type_id == providers[0].service_type_id)
        .order_by(Indicator.section, Indicator.sort_order, Indicator.id)
    ).all()

    # The plain short title where the indicator has one, else the official title.
    assert [row_title(th) for th, _ in table.rows] == [
        i.short_title_sv or i.title_sv for i in indicators
    ]
    for _th, cells in table.rows:
        # one cell per provider plus the kommun's reference column
        assert len(cells) == len(providers) + 1
        assert all(value_of(td) for td in cells), "no cell may be blank"
    sections = table.node.all("th", scope="colgroup")
    assert [s.text for s in sections] == [
        "Utföraren presenterar sig själv",
        "Hårda fakta",
        "Kvalitet enligt lagar och förordningar",
        "Basfakta",
        "Upplevd kvalitet",
    ]


def test_columns_keep_the_order_the_resident_gave(client, db) -> None:
    providers = list(reversed(groups_of_three(db)[-1]))
    table = read_table(client.get(compare_path(providers)).text)
    assert [name_of(th) for th in table.columns] == [p.name for p in providers]


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_best_value_is_marked_in_the_indicators_direction(client, db, direction) -> None:
    providers, indicator, best = find_ranked_case(db, direction)
    table = read_table(client.get(compare_path(providers)).text)
    [cells] = [cells for th, cells in table.rows if row_title(th) == short_title(indicator)]
    marked = {i for i, td in enumerate(cells[: len(providers)]) if "is-best" in td.classes}
    assert marked == best
    for i in marked:
        assert "Bäst i jämförelsen" in cells[i].text  # in words, not colour alone
    assert "Bäst" not in cells[-1].text  # the kommun's reference is never marked


def test_rows_where_neither_direction_is_better_have_no_mark(client, db) -> None:
    providers = groups_of_three(db)[0]
    table = read_table(client.get(compare_path(providers)).text)
    neutral = {
        short_title(i)
        for i in db.exec(
            select(Indicator)
            .where(Indicator.service_type_id == providers[0].service_type_id)
            .where(Indicator.direction == "none")
        ).all()
    }
    assert neutral, "the sample should have an indicator that is a fact, not a quality"
    for th, cells in table.rows:
        if row_title(th) in neutral:
            assert not any("is-best" in td.classes for td in cells)


def test_the_page_explains_how_to_read_the_marks(client, db) -> None:
    text = dom(client.get(compare_path(groups_of_three(db)[0])).text).text
    assert "Bäst i jämförelsen" in text or "bäst i jämförelsen" in text
    assert "skillnaden är för liten för att säga säkert med så få svar" in text


def test_print_stylesheet_is_linked(client, db) -> None:
    response = client.get(compare_path(groups_of_three(db)[0]))
    links = dom(response.text).all("link", rel="stylesheet")
    assert any(
        lk.attrs["href"] == "/static/print.css" and lk.attrs["media"] == "print" for lk in links
    )
    assert any(lk.attrs["href"] == "/static/compare.css" for lk in links)
    css = client.get("/static/compare.css").text
    assert "@media print" in css


def test_page_offers_csv_and_a_shareable_link(client, db) -> None:
    providers = groups_of_three(db)[0]
    page = dom(client.get(compare_path(providers)).text)
    csv_link = next(a for a in page.all("a") if "/jamfor.csv" in a.attrs.get("href", ""))
    assert parse_qs(urlsplit(csv_link.attrs["href"]).query)["id"] == [p.slug for p in providers]
    share = page.first("input", id="dela").attrs["value"]
    assert share.endswith(compare_path(providers))


def test_english_comparison_uses_english_titles_and_links(client, db) -> None:
    providers = groups_of_three(db)[0]
    response = client.get(compare_path(providers, "/en"))
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    table = read_table(response.text)
    titles = [row_title(th) for th, _ in table.rows]
    english = db.exec(
        select(Indicator).where(Indicator.service_type_id == providers[0].service_type_id)
    ).all()
    english = [i.short_title_en or i.title_en for i in english]
    assert set(titles) == set(english)
    assert all(th.first("a").attrs["href"].startswith("/en/utforare/") for th in table.columns)


# --- the CSV download ---


def test_csv_has_exactly_the_rows_and_cells_shown(client, db) -> None:
    providers = groups_of_three(db)[0]
    table = read_table(client.get(compare_path(providers)).text)
    response = client.get(compare_path(providers).replace("/jamfor?", "/jamfor.csv?"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert re.search(
        r'attachment; filename="[\w.-]+\.csv"', response.headers["content-disposition"]
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = lines[0], lines[1:]

    for p in providers:
        assert any(h.startswith(p.name) for h in header)
    assert len(body) == len(table.rows)
    first_provider = next(i for i, h in enumerate(header) if h.startswith(providers[0].name))
    for line, (th, cells) in zip(body, table.rows, strict=True):
        assert line[1] == row_title(th)
        shown = [shown_cell(td) for td in cells]
        assert line[first_provider : first_provider + len(cells)] == shown


def shown_cell(td: Node) -> str:
    """What a reader sees in a cell, as the CSV writes it: 'value (mark, small print)'."""
    level = [t.text.replace("⚑", "").strip() for t in td.with_class("level-tag")]
    old = [t.text for t in td.with_class("tag-old")] + [t.text for t in td.with_class("ref-label")]
    best = ["Bäst i jämförelsen"] if td.with_class("best-badge") else []
    failed = [t.text for t in td.with_class("best-failed")]
    extra = level + old + best + failed + [d.text for d in td.with_class("cell-detail")]
    value = value_of(td)
    return f"{value} ({', '.join(extra)})" if extra else value


# --- requests that cannot be compared ---


def test_unknown_provider_is_404_and_named(client, db) -> None:
    providers = groups_of_three(db)[0][:2]
    response = client.get(compare_path(providers) + "&id=finns-inte-alls")
    assert response.status_code == 404
    assert "finns-inte-alls" in response.text


def test_mixed_service_types_are_400_with_a_link_per_type(client, db) -> None:
    groups = groups_of_three(db)
    first = groups[0]
    other = next(g for g in groups if g[0].service_type_id != first[0].service_type_id)
    mixed = [first[0], other[0], first[1], other[1]]
    response = client.get(compare_path(mixed))
    assert response.status_code == 400
    hrefs = [a.attrs.get("href", "") for a in dom(response.text).all("a")]
    assert compare_path(first[:2]) in hrefs
    assert compare_path(other[:2]) in hrefs


def test_more_than_six_is_400(client, db) -> None:
    slugs = db.exec(select(Provider.slug).order_by(Provider.slug).limit(MAX_ITEMS + 1)).all()
    response = client.get("/jamfor?" + "&".join(f"id={s}" for s in slugs))
    assert response.status_code == 400
    assert "högst 6" in response.text


@pytest.mark.parametrize("count", [0, 1])
def test_fewer_than_two_explains_how_and_lists_the_basket(client, db, count) -> None:
    providers = groups_of_three(db)[0]
    client.cookies.set(COOKIE, ".".join(p.slug for p in providers[1:3]))
    response = client.get(compare_path(providers[:count]) if count else "/jamfor")
    assert response.status_code == 200
    text = dom(response.text).text
    assert "Lägg till i jämförelsen" in text  # how to add
    for p in providers[:count] + providers[1:3]:
        assert p.name in text
    hrefs = [a.attrs.get("href") for a in dom(response.text).all("a")]
    assert compare_path(providers[1:3]) in hrefs


# --- the basket ---


def test_basket_add_remove_and_clear_redirect_back(client, db) -> None:
    a, b, _c = groups_of_three(db)[0]
    r = client.post(
        "/jamfor/korg",
        data={"slug": a.slug, "action": "add", "next": f"/utforare/{a.slug}"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/utforare/{a.slug}"
    assert client.cookies.get(COOKIE) == a.slug

    client.post("/jamfor/korg", data={"slug": b.slug, "action": "add", "next": "/"})
    assert client.cookies.get(COOKIE) == f"{a.slug}.{b.slug}"

    r = client.post(
        "/jamfor/korg",
        data={"slug": a.slug, "action": "remove", "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert client.cookies.get(COOKIE) == b.slug

    r = client.post("/jamfor/korg", data={"action": "clear", "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    assert not client.cookies.get(COOKIE)


def test_basket_answers_json_when_asked(client, db) -> None:
    a, b, _c = groups_of_three(db)[0]
    client.cookies.set(COOKIE, a.slug)
    r = client.post(
        "/jamfor/korg",
        data={"slug": b.slug, "action": "add", "next": "/"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 200
    data = r.json()
    assert data["basket"] == [a.slug, b.slug]
    assert data["count"] == 2
    assert data["compare_url"] == f"/jamfor?id={a.slug}&id={b.slug}"
    assert data["in_basket"] is True
    assert b.name in data["message"]


def test_removing_on_the_comparison_page_also_removes_the_column(client, db) -> None:
    providers = groups_of_three(db)[0]
    page = dom(client.get(compare_path(providers)).text)
    forms = page.all("form", class_="remove-control")
    fields = [{i.attrs["name"]: i.attrs["value"] for i in fm.all("input")} for fm in forms]
    assert [fd["slug"] for fd in fields] == [p.slug for p in providers]
    form, fields = forms[0], fields[0]
    r = client.post(form.attrs["action"], data=fields, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == compare_path(providers[1:])


def test_basket_returns_to_the_page_in_the_language_it_was_sent_from(client, db) -> None:
    a, b, _c = groups_of_three(db)[0]
    r = client.post(
        "/en/jamfor/korg",
        data={"slug": a.slug, "action": "add", "next": f"/utforare/{a.slug}"},
        follow_redirects=False,
    )
    assert r.headers["location"] == f"/en/utforare/{a.slug}"
    r = client.post(
        "/en/jamfor/korg",
        data={"slug": a.slug, "action": "remove", "next": f"/en/jamfor?id={a.slug}&id={b.slug}"},
        follow_redirects=False,
    )
    assert r.headers["location"] == f"/en/jamfor?id={b.slug}"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_basket_never_redirects_off_site(client, db, target) -> None:
    a = groups_of_three(db)[0][0]
    r = client.post(
        "/jamfor/korg",
        data={"slug": a.slug, "action": "add", "next": target},
        follow_redirects=False,
    )
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location and "javascript" not in location


def test_a_seventh_provider_is_refused_with_a_message(client, db) -> None:
    slugs = db.exec(select(Provider.slug).order_by(Provider.slug).limit(MAX_ITEMS + 1)).all()
    full = ".".join(slugs[:MAX_ITEMS])
    client.cookies.set(COOKIE, full)
    seventh = slugs[MAX_ITEMS]

    r = client.post(
        "/jamfor/korg",
        data={"slug": seventh, "action": "add", "next": "/"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 409
    assert r.json()["count"] == MAX_ITEMS and seventh not in r.json()["basket"]
    assert "högst 6" in r.json()["message"]

    r = client.post("/jamfor/korg", data={"slug": seventh, "action": "add", "next": "/"})
    assert r.status_code == 200  # after the redirect to the page that explains
    assert "Jämförelsen är full" in r.text
    assert client.cookies.get(COOKIE) == full


def test_after_making_room_the_refused_provider_can_be_added(client, db) -> None:
    slugs = db.exec(select(Provider.slug).order_by(Provider.slug).limit(MAX_ITEMS + 1)).all()
    for slug in slugs[:MAX_ITEMS]:  # through the form, so the server's cookie is the only one
        client.post("/jamfor/korg", data={"slug": slug, "action": "add", "next": "/"})
    seventh = slugs[MAX_ITEMS]
    r = client.post("/jamfor/korg", data={"slug": seventh, "action": "add", "next": "/"})
    assert "Jämförelsen är full" in r.text
    waiting_page = str(r.url.path) + "?" + r.url.query.decode()

    client.post("/jamfor/korg", data={"slug": slugs[0], "action": "remove", "next": waiting_page})
    page = client.get(waiting_page)
    assert "Nu finns det plats" in page.text
    r = client.post("/jamfor/korg", data={"slug": seventh, "action": "add", "next": waiting_page})
    assert "Tillagd" in r.text
    assert seventh in client.cookies.get(COOKIE)


def test_adding_an_unknown_provider_is_refused(client) -> None:
    r = client.post("/jamfor/korg", data={"slug": "finns-inte", "action": "add", "next": "/"})
    assert r.status_code == 404
    assert not client.cookies.get(COOKIE)


# --- constructed cases: a database of our own ---


def test_no_mark_where_survey_shares_cannot_be_told_apart(built) -> None:
    s = built.session
    close = f.indicator(s, "nojd", title_sv="Nöjda med bemötandet", min_n=5)
    clear = f.indicator(s, "trygg", title_sv="Trygga hemma", min_n=5)
    a = f.provider(s, "Ängens omsorg")
    b = f.provider(s, "Bäckens omsorg")
    f.indicator_value(s, a, close, value=85, n_answers=12)
    f.indicator_value(s, b, close, value=70, n_answers=14)
    f.indicator_value(s, a, clear, value=95, n_answers=400)
    f.indicator_value(s, b, clear, value=60, n_answers=400)
    assert not told_apart(85, 12, 70, 14) and told_apart(95, 400, 60, 400)

    with built.client() as client:
        table = read_table(client.get(f"/jamfor?id={a.slug}&id={b.slug}").text)
    rows = {row_title(th): (th, cells) for th, cells in table.rows}
    th, cells = rows["Nöjda med bemötandet"]
    assert not any("is-best" in td.classes for td in cells)
    assert "skillnaden är för liten för att säga säkert med så få svar" in th.text
    _th, cells = rows["Trygga hemma"]
    assert ["is-best" in td.classes for td in cells[:2]] == [True, False]


def test_missing_and_too_few_are_written_out(built) -> None:
    s = built.session
    ind = f.indicator(s, "nojd", title_sv="Nöjda med bemötandet", min_n=10)
    a = f.provider(s, "Ängens omsorg")
    b = f.provider(s, "Bäckens omsorg")
    c = f.provider(s, "Citronens omsorg")
    f.indicator_value(s, a, ind, value=85, n_answers=40)
    f.indicator_value(s, b, ind, value=None, status="too_few", n_answers=6)
    # c has no value at all
    with built.client() as client:
        path = f"/jamfor?id={a.slug}&id={b.slug}&id={c.slug}"
        table = read_table(client.get(path).text)
        body = client.get(path.replace("/jamfor?", "/jamfor.csv?")).content.decode("utf-8-sig")
    [(_th, cells)] = table.rows
    assert [value_of(td) for td in cells] == [
        "85\u00a0%",
        "För få svar",
        "Uppgift saknas",
        "Uppgift saknas",
    ]
    assert "6 svar" in cells[1].text
    assert not any("is-best" in td.classes for td in cells)  # one value is no comparison
    line = next(csv.reader(io.StringIO(body.splitlines()[1]), delimiter=";"))
    assert line[4:8] == [
        "85\u00a0% (40 svar)",
        "För få svar (6 svar)",
        "Uppgift saknas",
        "Uppgift saknas",
    ]


def test_providers_in_different_kommuner_show_each_kommuns_value(built) -> None:
    s = built.session
    ind = f.indicator(s, "nojd", title_sv="Nöjda med bemötandet")
    a = f.provider(s, "Ängens omsorg", kommun_code="0160")
    b = f.provider(s, "Bäckens omsorg", kommun_code="0162")
    f.indicator_value(s, a, ind, value=85, n_answers=40)
    f.indicator_value(s, b, ind, value=80, n_answers=40)
    with built.client() as client:
        response = client.get(f"/jamfor?id={a.slug}&id={b.slug}")
    table = read_table(response.text)
    [(_th, cells)] = table.rows
    assert len(cells) == 2  # no single kommun column
    assert "Täby" in cells[0].text and "Danderyd" in cells[1].text
    assert "olika kommuner" in response.text


# --- the best-mark rule on its own ---


def fig(value: float | None, **kwargs) -> Figure:
    """A register figure unless told otherwise (the comparison's most common case)."""
    return figure(value, **{"kind": "register", **kwargs})


def marks(*figures: Figure) -> list[bool]:
    return best_marks(figures).best


def test_higher_is_better_marks_the_highest() -> None:
    assert marks(fig(70), fig(90), fig(80)) == [False, True, False]


def test_lower_is_better_marks_the_lowest() -> None:
    assert marks(*(fig(v, direction="lower") for v in (7, 3, 5))) == [False, True, False]


def test_all_tied_best_are_marked() -> None:
    assert marks(fig(90), fig(70), fig(90)) == [True, False, True]


def test_all_equal_is_no_mark() -> None:
    result = best_marks([fig(80), fig(80), fig(80)])
    assert result.best == [False, False, False]
    assert result.reason == NoMark.ALL_EQUAL


def test_one_value_only_is_no_mark() -> None:
    result = best_marks([fig(80), fig(None), fig(None)])
    assert result.best == [False, False, False]
    assert result.reason == NoMark.TOO_FEW_VALUES


def test_direction_none_is_no_mark() -> None:
    result = best_marks([fig(10, direction="none"), fig(20, direction="none")])
    assert result.best == [False, False]
    assert result.reason == NoMark.NOT_RANKED


def test_survey_share_with_few_answers_is_no_mark() -> None:
    result = best_marks([fig(85, kind="survey", n=12), fig(70, kind="survey", n=14)])
    assert result.best == [False, False]
    assert result.reason == NoMark.TOO_CLOSE


def test_survey_share_with_many_answers_is_marked() -> None:
    assert marks(fig(95, kind="survey", n=400), fig(60, kind="survey", n=400)) == [True, False]


def test_survey_best_must_stand_apart_from_everyone_not_only_the_runner_up() -> None:
    # 90 is clearly above 80 (many answers each), but 70 from 3 answers might be anything.
    figures = [
        fig(90, kind="survey", n=500),
        fig(80, kind="survey", n=500),
        fig(70, kind="survey", n=3),
    ]
    assert told_apart(90, 500, 80, 500) and not told_apart(90, 500, 70, 3)
    assert best_marks(figures).reason == NoMark.TOO_CLOSE


def test_survey_share_without_answer_count_is_no_mark() -> None:
    assert marks(fig(95, kind="survey"), fig(60, kind="survey")) == [False, False]


def test_survey_index_is_marked_only_when_its_intervals_do_not_overlap() -> None:
    # Skolenkäten's 0–10 means get a normal interval with the assumed spread (INDEX_SD).
    few = [fig(8.1, kind="survey", unit="index", n=5, decimals=1) for _ in "ab"]
    few[1] = fig(7.0, kind="survey", unit="index", n=5, decimals=1)
    assert best_marks(few).reason == NoMark.TOO_CLOSE
    many = [
        fig(8.1, kind="survey", unit="index", n=400, decimals=1),
        fig(7.0, kind="survey", unit="index", n=400, decimals=1),
    ]
    assert marks(*many) == [True, False]


def test_values_without_answers_must_differ_by_more_than_the_tolerance() -> None:
    # 10 % of the larger value: 85 against 80 is within 8.5, 90 against 80 is beyond 9.
    result = best_marks([fig(85), fig(80)])
    assert result.best == [False, False]
    assert result.reason == NoMark.SMALL_DIFFERENCE
    assert marks(fig(90), fig(80)) == [True, False]


def test_values_from_years_far_apart_get_no_mark() -> None:
    result = best_marks([fig(95, year=2024), fig(60, year=2022)])
    assert result.reason == NoMark.NOT_COMPARABLE
    assert marks(fig(95, year=2024), fig(60, year=2023)) == [True, False]
