"""The search page, `/{kommun}/{tjanst}`: free text without diacritics and with typos,
facets that count what they filter, neutral orders, distance and figure sorting, pages,
help when nothing matches, and a page that still works when Meilisearch is down.

Expectations are computed from the sample data in the database at run time, so the tests
keep holding when the sample is regenerated."""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, col, select

from app import search_service
from app.figures import figures_for
from app.i18n import current_lang, gettext
from app.main import create_app
from app.models import Area, Kommun, Organisation, PostalCode, Provider, ServiceType
from app.models.vocab import Direction
from app.providers import indicators_for, key_indicators
from app.settings import Settings

pytestmark = pytest.mark.search

SWEDISH = "abcdefghijklmnopqrstuvwxyzåäö"
DRIFTSFORM_LABELS = {"kommunal": "Kommunal", "privat": "Privat", "ideburen": "Idéburen"}


# --- reading the HTML ---------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list["Node | str"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", self._raw().replace("\u00a0", " ")).strip()

    def _raw(self) -> str:
        return "".join(c if isinstance(c, str) else c._raw() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if (
                (tag is None or child.tag == tag)
                and (cls is None or cls in child.classes())
                and all(
                    child.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()
                )
            ):
                found.append(child)
            found.extend(child.all(tag, cls, **attrs))
        return found

    def one(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> "Node":
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one {tag or ''}.{cls or ''} {attrs}, got {len(found)}"
        return found[0]


VOID_TAGS = frozenset({"input", "br", "img", "meta", "link", "hr", "source", "col", "area", "wbr"})


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


@dataclass
class Card:
    slug: str
    name: str
    facts: dict[str, str]
    figures: list[tuple[str, str]]  # (title, value text)
    old: set[str] = field(default_factory=set)  # titles marked "Äldre uppgift"


def cards(doc: Node) -> list[Card]:
    out = []
    for li in doc.all("li", "result-card"):
        link = li.one("h3").one("a")
        facts = {}
        for row in li.one("dl", "card-facts").all("div"):
            facts[row.one("dt").text] = row.one("dd").text
        figures = []
        old: set[str] = set()
        for box in li.all("div", "key-figure"):
            title = box.one("dt").text
            for hint in box.all("span", "kf-hint"):
                title = title.removesuffix(" " + hint.text)
            # The value and its period; the level and the age mark are read apart.
            dd = box.one("dd")
            value = " ".join(
                n.text for n in dd.all("span", "kf-value") + dd.all("span", "kf-period")
            )
            figures.append((title, value))
            if dd.all("span", "tag-old"):
                old.add(title)
        out.append(Card(link.attrs["href"].rsplit("/", 1)[-1], link.text, facts, figures, old))
    return out


def get(client: TestClient, url: str, **kwargs) -> Node:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return parse(response.text)


def facet_counts(doc: Node, param: str) -> dict[str, int]:
    counts = {}
    for box in doc.all("input", name=param):
        label = doc.one("label", for_=box.attrs["id"]).text
        found = re.search(r"\((\d+) (?:utförare|förskol(?:a|or)|skol(?:a|or))\)", label)
        if found:
            counts[box.attrs["value"]] = int(found.group(1))
    return counts


def metres(text: str) -> float:
    number, unit = re.match(r"([\d\s,]+)\s*(km|m)\b", text).groups()  # type: ignore[union-attr]
    value = float(number.replace(" ", "").replace(",", "."))
    return value * 1000 if unit == "km" else value


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def swedish_order(name: str) -> list[int]:
    """Swedish alphabetical order, written out: a–z, then å, ä, ö; é sorts as e."""
    key = []
    for char in name.lower():
        if char in "åäö":
            key.append(1000 + SWEDISH.index(char))
        else:
            base = fold(char) or char
            key.append(1000 + SWEDISH.index(base) if base in SWEDISH else ord(base))
    return key


def sv(indicator) -> str:
    """The short title cards use (app.figures.short_title), in Swedish."""
    return indicator.short_title_sv or indicator.title_sv


# --- the sample data as the tests see it -----------------------------------------------


@pytest.fixture
def session(sample_app) -> Session:
    with Session(sample_app.state.engine) as session:
        yield session


def providers_of(session: Session, kommun_slug: str, service: str) -> list[Provider]:
    return list(
        session.exec(
            select(Provider)
            .join(Kommun, col(Kommun.code) == Provider.kommun_code)
            .where(Kommun.slug == kommun_slug, Provider.service_type_id == service)
        ).all()
    )


def driftsform_of(session: Session, providers: list[Provider]) -> dict[int, str]:
    orgs = {o.id: o.driftsform for o in session.exec(select(Organisation)).all()}
    return {p.id: orgs[p.organisation_id] for p in providers}  # type: ignore[misc]


def combinations(session: Session) -> list[tuple[str, str]]:
    rows = session.exec(
        select(Kommun.slug, Provider.service_type_id)
        .join(Kommun, col(Kommun.code) == Provider.kommun_code)
        .distinct()
    ).all()
    return sorted(rows)


def largest_combination(session: Session) -> tuple[str, str]:
    return max(combinations(session), key=lambda c: len(providers_of(session, *c)))


# --- what is listed ------------------------------------------------------------------


def test_results_are_the_kommuns_providers_of_that_service_only(client, session):
    expected = providers_of(session, "taby", "hemtjanst")
    doc = get(client, "/taby/hemtjanst")
    assert doc.one("h1").text == "Hemtjänst i Täby"
    assert {c.slug for c in cards(doc)} == {p.slug for p in expected}
    assert doc.one("h2", "result-count").text == f"{len(expected)} utförare"


def test_free_text_without_diacritics_finds_a_name_with_them(client, session):
    provider, word = _provider_with_a_swedish_word(session)
    kommun = session.get(Kommun, provider.kommun_code)
    folded = fold(word).lower()
    assert folded != word.lower()
    doc = get(client, f"/{kommun.slug}/{provider.service_type_id}", params={"q": folded})
    assert provider.slug in [c.slug for c in cards(doc)]


def test_a_typo_still_finds_the_provider(client, session):
    provider, word = _provider_with_a_swedish_word(session, min_length=5)
    kommun = session.get(Kommun, provider.kommun_code)
    folded = fold(word).lower()
    # One wrong letter, not the first (Meilisearch counts a wrong first letter double).
    typo = folded[:2] + ("x" if folded[2] != "x" else "y") + folded[3:]
    doc = get(client, f"/{kommun.slug}/{provider.service_type_id}", params={"q": typo})
    assert provider.slug in [c.slug for c in cards(doc)]


def _provider_with_a_swedish_word(session: Session, min_length: int = 4) -> tuple[Provider, str]:
    for provider in session.exec(select(Provider).order_by(Provider.id)).all():
        for word in re.findall(r"\w+", provider.name):
            if len(word) >= min_length and re.search("[åäöÅÄÖ]", word):
                return provider, word
    pytest.skip("no provider name with å, ä or ö in the sample")


# --- facets --------------------------------------------------------------------------


def test_driftsform_counts_equal_the_database(client, session):
    for kommun_slug, service in combinations(session):
        providers = providers_of(session, kommun_slug, service)
        expected = Counter(driftsform_of(session, providers).values())
        doc = get(client, f"/{kommun_slug}/{service}")
        shown = facet_counts(doc, "driftsform")
        assert shown == {d: expected.get(d, 0) for d in DRIFTSFORM_LABELS}, (kommun_slug, service)


def test_driftsform_and_language_filter_together(client, session):
    providers = providers_of(session, "taby", "hemtjanst")
    driftsform = driftsform_of(session, providers)
    language = _second_most_common_language(providers)
    expected = {
        p.slug for p in providers if driftsform[p.id] == "privat" and language in p.languages
    }
    assert expected, "the sample should have a private provider speaking " + language
    doc = get(client, "/taby/hemtjanst", params={"driftsform": "privat", "sprak": language})
    assert {c.slug for c in cards(doc)} == expected
    assert all(c.facts["Driftsform"] == "Privat" for c in cards(doc))
    # The chosen facet still counts its other values, so they can be added.
    assert facet_counts(doc, "driftsform")["kommunal"] == sum(
        1 for p in providers if driftsform[p.id] == "kommunal" and language in p.languages
    )


def _second_most_common_language(providers: list[Provider]) -> str:
    counts = Counter(lang for p in providers for lang in p.languages)
    return counts.most_common(2)[-1][0]


def test_area_filter_lists_those_working_in_the_area(client, session):
    kommun = session.exec(select(Kommun).where(Kommun.slug == "taby")).one()
    area = session.exec(select(Area).where(Area.kommun_code == kommun.code)).first()
    providers = providers_of(session, "taby", "hemtjanst")
    from app.providers import areas_of

    served = areas_of(session, [p.id for p in providers])  # type: ignore[misc]
    expected = {p.slug for p in providers if area.id in {a.id for a in served[p.id]}}
    doc = get(client, "/taby/hemtjanst", params={"omrade": area.slug})
    assert {c.slug for c in cards(doc)} == expected
    assert facet_counts(doc, "omrade")[area.slug] == len(expected)


def test_accepting_new_filter(client, session):
    providers = providers_of(session, "taby", "hemtjanst")
    doc = get(client, "/taby/hemtjanst", params={"nya": "ja"})
    assert {c.slug for c in cards(doc)} == {p.slug for p in providers if p.accepting_new}
    assert all(c.facts["Tar emot nya"] == "Ja" for c in cards(doc))


# --- order ---------------------------------------------------------------------------


def test_name_order_is_swedish_alphabetical_whoever_runs_the_unit(client, session):
    mixed = 0
    for kommun_slug, service in combinations(session):
        providers = providers_of(session, kommun_slug, service)
        expected = sorted(providers, key=lambda p: (swedish_order(p.name), p.id))
        shown = [c.slug for c in cards(get(client, f"/{kommun_slug}/{service}"))]
        assert shown == [p.slug for p in expected][: search_service.PER_PAGE], (
            kommun_slug,
            service,
        )
        mixed += len(set(driftsform_of(session, providers).values())) > 1
    assert mixed, "the sample should have a list mixing kommunal and private units"


def test_names_with_a_o_sort_after_z(client, session):
    for kommun_slug, service in combinations(session):
        names = [p.name for p in providers_of(session, kommun_slug, service)]
        if any(n[0] in "ÅÄÖ" for n in names) and any(n[0] not in "ÅÄÖ" for n in names):
            shown = [c.name for c in cards(get(client, f"/{kommun_slug}/{service}"))]
            first_swedish = next(i for i, n in enumerate(shown) if n[0] in "ÅÄÖ")
            assert all(n[0] in "ÅÄÖ" for n in shown[first_swedish:]), shown
            return
    pytest.skip("no list in the sample with a name starting with Å, Ä or Ö")


def test_distance_order_from_an_area_is_nearest_first(client, session):
    kommun_slug, service = "taby", "forskola"
    kommun = session.exec(select(Kommun).where(Kommun.slug == kommun_slug)).one()
    area = session.exec(select(Area).where(Area.kommun_code == kommun.code)).first()
    doc = get(client, f"/{kommun_slug}/{service}", params={"sortera": "avstand", "fran": area.slug})
    shown = cards(doc)
    distances = [metres(c.facts["Avstånd"]) for c in shown]
    assert distances == sorted(distances)
    assert all(c.facts["Avstånd"].endswith(f"från {area.name}") for c in shown)
    assert "Sorterat efter avstånd från" in doc.one("p", "order-note").text


def test_distance_from_a_postal_code_written_with_a_space(client, session):
    kommun = session.exec(select(Kommun).where(Kommun.slug == "taby")).one()
    code = session.exec(select(PostalCode).where(PostalCode.kommun_code == kommun.code)).first()
    spaced = f"{code.code[:3]} {code.code[3:]}"
    doc = get(client, "/taby/forskola", params={"sortera": "avstand", "postnummer": spaced})
    distances = [metres(c.facts["Avstånd"]) for c in cards(doc)]
    assert distances and distances == sorted(distances)


def test_unknown_postal_code_says_so_and_orders_by_name(client):
    doc = get(client, "/taby/forskola", params={"sortera": "avstand", "postnummer": "99999"})
    assert doc.one("input", id="postnummer").attrs["aria-invalid"] == "true"
    assert "Vi hittar inte postnumret 999 99" in doc.one("p", id="postnummer-fel").text
    assert "sorterad efter namn" in doc.one("div", "search-notice").text


def _figure_orders(client: TestClient, session: Session):
    """Each list of the sample sorted by each of its key figures: (indicator, shown values)."""
    for kommun_slug, service in combinations(session):
        for indicator in key_indicators(indicators_for(session, service)):
            doc = get(client, f"/{kommun_slug}/{service}", params={"sortera": indicator.id})
            shown = cards(doc)
            yield (
                indicator,
                [dict(c.figures)[sv(indicator)] for c in shown],
                [sv(indicator) in c.old for c in shown],
            )


def test_figure_order_puts_the_best_first_and_missing_values_last(client, session):
    """Best first in the indicator's direction, current figures before old ones ("Äldre
    uppgift"); every card without a number (för få svar, uppgift saknas) after every card
    with one, so the order agrees with the cards."""
    checked = 0
    for indicator, values, old in _figure_orders(client, session):
        numbered = [i for i, v in enumerate(values) if _number(v) is not None]
        assert numbered == list(range(len(numbered))), (indicator.id, values)
        ages = [old[i] for i in numbered]  # a missing value may be old too: last anyway
        assert ages == sorted(ages), (indicator.id, values, old)  # current, then old
        best_first = indicator.direction == Direction.HIGHER
        for group in (False, True):
            known = [_number(values[i]) for i in numbered if old[i] == group]
            assert known == sorted(known, reverse=best_first), (indicator.id, values)  # type: ignore[type-var]
        checked += 1 < len(numbered) < len(values)
    assert checked, "the sample should have a list where some values are missing"


def test_sorting_by_a_figure_shows_that_figure_on_every_card(client, session):
    key = key_indicators(indicators_for(session, "hemtjanst"))
    other = next(
        i
        for i in indicators_for(session, "hemtjanst")
        if i not in key and i.direction != Direction.NONE
    )
    doc = get(client, "/taby/hemtjanst", params={"sortera": other.id})
    shown = cards(doc)
    assert shown and all(c.figures[0][0] == sv(other) for c in shown)
    assert all([t for t, _ in c.figures[1:]] == [sv(i) for i in key] for c in shown)
    assert sv(other) in doc.one("p", "order-note").text


def _number(text: str) -> float | None:
    found = re.match(r"(-?[\d\s]+(?:,\d+)?)", text)
    return float(found.group(1).replace(" ", "").replace(",", ".")) if found else None


def test_only_indicators_with_a_direction_can_be_sorted_by(client, session):
    doc = get(client, "/taby/hemtjanst")
    offered = {o.attrs["value"] for o in doc.one("select", id="sortera").all("option")}
    for indicator in indicators_for(session, "hemtjanst"):
        assert (indicator.id in offered) == (indicator.direction != Direction.NONE)
    assert {"namn", "avstand"} <= offered


# --- pages ---------------------------------------------------------------------------


def test_pages_keep_the_filters(client, session, monkeypatch):
    monkeypatch.setattr(search_service, "PER_PAGE", 3)
    kommun_slug, service = largest_combination(session)
    providers = providers_of(session, kommun_slug, service)
    driftsform = driftsform_of(session, providers)
    wanted = Counter(driftsform.values()).most_common(1)[0][0]
    total = sum(1 for d in driftsform.values() if d == wanted)
    assert total > 3, "the sample's largest list should fill more than one page of three"
    pages = -(-total // 3)

    first = get(client, f"/{kommun_slug}/{service}", params={"driftsform": wanted})
    nav = first.one("nav", "pagination")
    assert f"Sida 1 av {pages}" in nav.text
    assert not nav.all("a", rel="prev")
    next_url = nav.one("a", rel="next").attrs["href"]
    query = parse_qs(urlsplit(next_url).query)
    assert query == {"driftsform": [wanted], "sida": ["2"]}

    second = get(client, next_url)
    assert f"Sida 2 av {pages}" in second.one("nav", "pagination").text
    prev_url = second.one("nav", "pagination").one("a", rel="prev").attrs["href"]
    assert parse_qs(urlsplit(prev_url).query) == {"driftsform": [wanted]}
    seen = [c.slug for c in cards(first)] + [c.slug for c in cards(second)]
    assert len(set(seen)) == 6


def test_a_page_past_the_end_goes_to_the_last_page(client, session):
    response = client.get("/taby/hemtjanst", params={"sida": "99"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/taby/hemtjanst"


# --- when nothing matches ------------------------------------------------------------


def test_zero_results_help_instead_of_a_blank_page(client):
    doc = get(client, "/taby/hemtjanst", params={"q": "qqxqzzvv", "driftsform": "privat"})
    assert doc.one("h2", "result-count").text == "Inga utförare hittades"
    assert not cards(doc)
    help_box = doc.one("div", "no-results")
    assert "qqxqzzvv" in help_box.text
    removals = {
        a.text.removesuffix(" ×"): a.attrs["href"]
        for a in doc.one("div", "active-filters").all("a")
    }
    assert removals["Ta bort: Sökord: ”qqxqzzvv”"] == "/taby/hemtjanst?driftsform=privat"
    assert removals["Ta bort: Privat"] == "/taby/hemtjanst?q=qqxqzzvv"
    links = {a.attrs["href"] for a in help_box.all("a")}
    assert "/taby/hemtjanst" in links  # all providers of the service in the kommun
    assert "/taby/hemtjanst?driftsform=privat" in links  # without the search words


# --- addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/stockholm/hemtjanst", "/taby/tandvard", "/en/nowhere/forskola", "/valj?kommun=x&tjanst=y"],
)
def test_unknown_kommun_or_service_is_a_404_page(client, url):
    response = client.get(url, follow_redirects=False)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    # "Sidan finns inte", in the page's language (English once the catalogue has it).
    token = current_lang.set("en" if url.startswith("/en/") else "sv")
    try:
        title = gettext("Sidan finns inte")
    finally:
        current_lang.reset(token)
    assert parse(response.text).one("h1").text == title


def test_an_unknown_api_path_is_still_a_json_404(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert "json" in response.headers["content-type"]


def test_the_home_page_chooser_redirects_to_the_search_page(client):
    response = client.get("/valj?kommun=osteraker&tjanst=sarskilt-boende", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/osteraker/sarskilt-boende"
    response = client.get("/en/valj?kommun=vaxholm&tjanst=grundskola", follow_redirects=False)
    assert response.headers["location"] == "/en/vaxholm/grundskola"


def test_the_provider_page_is_not_shadowed(client, session):
    provider = session.exec(select(Provider)).first()
    response = client.get(f"/utforare/{provider.slug}")
    assert response.status_code == 200
    assert provider.name in response.text
    assert 'id="sok"' not in response.text


def test_english_page_links_stay_in_english(client, session):
    service = session.get(ServiceType, "forskola")
    doc = get(client, "/en/taby/forskola")
    assert doc.one("html").attrs["lang"] == "en"
    assert service.name_en in doc.one("h1").text
    assert doc.one("form", id="sok").attrs["action"] == "/en/taby/forskola"
    hrefs = [li.one("h3").one("a").attrs["href"] for li in doc.all("li", "result-card")]
    assert hrefs and all(h.startswith("/en/utforare/") for h in hrefs)
    indicator = key_indicators(indicators_for(session, "forskola"))[0]
    assert (indicator.short_title_en or indicator.title_en) in [
        t for c in cards(doc) for t, _ in c.figures
    ]


# --- cards ---------------------------------------------------------------------------


def test_cards_show_the_key_figures_with_their_periods(client, session):
    seen_statuses = set()
    for kommun_slug, service in combinations(session):
        indicators = key_indicators(indicators_for(session, service))
        providers = {p.slug: p for p in providers_of(session, kommun_slug, service)}
        shown = cards(get(client, f"/{kommun_slug}/{service}"))
        figures = figures_for(session, [providers[c.slug] for c in shown], indicators)
        for card in shown:
            expected = []
            for indicator in indicators:
                figure = figures[providers[card.slug].id][indicator.id]
                text = figure.text.replace("\u00a0", " ")
                expected.append(
                    (sv(indicator), f"{text} ({figure.period})" if figure.period else text)
                )
                seen_statuses.add(figure.status)
            assert card.figures == expected, card.slug
    assert {"ok", "too_few"} <= seen_statuses


def test_cards_show_who_runs_the_unit_and_where(client, session):
    providers = {p.slug: p for p in providers_of(session, "taby", "hemtjanst")}
    driftsform = driftsform_of(session, list(providers.values()))
    for card in cards(get(client, "/taby/hemtjanst")):
        provider = providers[card.slug]
        assert card.facts["Driftsform"] == DRIFTSFORM_LABELS[driftsform[provider.id]]
        assert card.facts["Tar emot nya"] == (
            "Ja" if provider.accepting_new else "Nej, inte just nu"
        )
        assert card.facts["Huvudman"]
        if provider.street:
            assert card.facts["Adress"].startswith(provider.street)


def test_cards_are_built_in_a_constant_number_of_queries(client, sample_app):
    engine = sample_app.state.engine
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        # Both kommuner have levels for their service type, so both read level summaries.
        few = _queries(client, statements, "/osteraker/sarskilt-boende")
        many = _queries(client, statements, "/taby/forskola")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert few == many


def _queries(client: TestClient, statements: list[str], url: str) -> int:
    client.get(url)  # warm caches (the sample banner check is cached)
    statements.clear()
    assert client.get(url).status_code == 200
    return len(statements)


# --- as you type ---------------------------------------------------------------------


def test_partial_answer_has_only_the_regions_that_change(client):
    response = client.get("/taby/hemtjanst", params={"q": "omsorg"}, headers={"X-Partial": "1"})
    assert response.status_code == 200
    assert "<html" not in response.text
    doc = parse(response.text)
    assert {n.attrs["id"] for n in doc.children if isinstance(n, Node) and "id" in n.attrs} == {
        "search-errors",
        "search-place",
        "search-facets",
        "search-sort",
        "search-results",
    }
    assert "X-Partial" in response.headers["vary"]
    assert response.headers["cache-control"] == "no-store"
    assert "X-Partial" in client.get("/taby/hemtjanst").headers["vary"]


def test_the_form_works_without_javascript(client):
    doc = get(client, "/taby/hemtjanst")
    form = doc.one("form", id="sok")
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == "/taby/hemtjanst"
    for control in doc.all("input") + doc.all("select"):
        if control.attrs.get("type") == "hidden":
            continue
        if control.attrs.get("name") in {"slug", "next", "action"}:
            continue
        assert control.attrs.get("form") == "sok" or control is doc.one("input", id="q")
        assert doc.all("label", for_=control.attrs["id"]), control.attrs
    assert [f.one("legend").text for f in doc.all("fieldset", "facet")][:3] == [
        "Område",
        "Driftsform",
        "Tar emot nya",
    ]


# --- choosing guide link ---------------------------------------------------------------


def test_the_choice_guide_is_linked(client):
    doc = get(client, "/taby/hemtjanst")
    guide = [a for a in doc.all("a") if a.text == "Så väljer du"]
    assert guide and guide[0].attrs["href"] == "/taby/hemtjanst/sa-valjer-du"
    english = get(client, "/en/taby/hemtjanst")
    assert "/en/taby/hemtjanst/sa-valjer-du" in {a.attrs.get("href") for a in english.all("a")}


# --- when Meilisearch is down --------------------------------------------------------


@pytest.fixture
def search_down(sample_settings: Settings):
    settings = sample_settings.model_copy(update={"meili_url": "http://127.0.0.1:9"})
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_pages_are_still_served_from_sql_when_search_is_down(search_down, session):
    providers = providers_of(session, "taby", "hemtjanst")
    driftsform = driftsform_of(session, providers)
    expected = sorted(
        (p for p in providers if driftsform[p.id] == "privat"),
        key=lambda p: (swedish_order(p.name), p.id),
    )
    doc = get(search_down, "/taby/hemtjanst", params={"q": "anything", "driftsform": "privat"})
    assert "Sökningen fungerar inte just nu" in doc.one("div", "search-notice").text
    assert [c.slug for c in cards(doc)] == [p.slug for p in expected]
    assert facet_counts(doc, "driftsform") == {
        d: sum(1 for x in driftsform.values() if x == d) for d in DRIFTSFORM_LABELS
    }
    assert all(
        len(c.figures) == len(key_indicators(indicators_for(session, "hemtjanst")))
        for c in cards(doc)
    )


def test_sql_listing_applies_list_filters_too(search_down, session):
    providers = providers_of(session, "taby", "hemtjanst")
    language = _second_most_common_language(providers)
    doc = get(search_down, "/taby/hemtjanst", params={"sprak": language})
    assert {c.slug for c in cards(doc)} == {p.slug for p in providers if language in p.languages}


def test_a_card_drawn_once_follows_the_place_the_language_and_the_basket(client, session):
    """Cards are kept drawn (app.web.search_page._card_html) apart from their compare
    control: another place, language or basket on the same cards shows its own."""
    codes = session.exec(
        select(PostalCode).where(PostalCode.kommun_code == "0160").order_by(PostalCode.code)
    ).all()
    first, last = codes[0], codes[-1]
    near = {
        c.slug: c for c in cards(get(client, "/taby/forskola", params={"postnummer": first.code}))
    }
    far = {
        c.slug: c for c in cards(get(client, "/taby/forskola", params={"postnummer": last.code}))
    }
    both = sorted(near.keys() & far.keys())
    assert both
    for slug in both:
        assert (
            near[slug]
            .facts["Avstånd"]
            .endswith(f"från {first.code[:3]} {first.code[3:]} {first.locality}")
        )
        assert (
            far[slug]
            .facts["Avstånd"]
            .endswith(f"från {last.code[:3]} {last.code[3:]} {last.locality}")
        )
    assert any(near[s].facts["Avstånd"] != far[s].facts["Avstånd"] for s in both)

    english = cards(get(client, "/en/taby/forskola", params={"postnummer": first.code}))
    assert english and all("Type of ownership" in c.facts for c in english)
    assert all("Driftsform" in c.facts for c in near.values())

    chosen = both[0]
    client.cookies.set("jamfor", chosen)
    try:
        doc = get(client, "/taby/forskola", params={"postnummer": first.code})
    finally:
        client.cookies.clear()
    pressed = {
        li.attrs["id"].removeprefix("utforare-"): li.one("button").attrs["aria-pressed"]
        for li in doc.all("li", "result-card")
    }
    assert pressed[chosen] == "true"
    assert {v for s, v in pressed.items() if s != chosen} == {"false"}
