"""The provider page: one page per provider, the same five sections for everyone, and every
figure with its period, comparison values, level, trend, reliability and source.

Cases are picked from the loaded sample data, never hard-coded, so the tests keep
holding when the sample is regenerated."""

import gzip
import html as html_lib
import itertools
import re
from collections import defaultdict
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select

from app.formatting import day, with_unit
from app.models import (
    Indicator,
    IndicatorValue,
    Kommun,
    Level,
    Organisation,
    Provider,
    ReferenceValue,
    ServiceType,
)

SECTIONS = [
    "Utföraren presenterar sig själv",
    "Hårda fakta",
    "Kvalitet enligt lagar och förordningar",
    "Basfakta",
    "Upplevd kvalitet",
]


# --- reading the HTML ---------------------------------------------------------------


class _Outline(HTMLParser):
    """Headings (level, text) in document order, and the summary-list keys."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.keys: list[str] = []
        self._open: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]|dt", tag):
            self._open, self._buf = tag, []

    def handle_endtag(self, tag):
        if tag == self._open:
            text = squash("".join(self._buf))
            if tag == "dt":
                self.keys.append(text)
            else:
                self.headings.append((int(tag[1]), text))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._buf.append(data)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return squash(" ".join(parser.parts))


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def article(html: str, indicator_id: str) -> str:
    """The figure block of one indicator."""
    m = re.search(
        rf'<article[^>]*data-indicator="{re.escape(indicator_id)}".*?</article>', html, re.S
    )
    assert m, f"no figure for {indicator_id}"
    return m.group(0)


def main_value(figure_html: str) -> str:
    m = re.search(r'class="fig-num">(.*?)</span>', figure_html, re.S)
    assert m
    return squash(m.group(1))


def page(client, slug: str, lang: str = "sv") -> str:
    response = client.get(f"/en/utforare/{slug}" if lang == "en" else f"/utforare/{slug}")
    assert response.status_code == 200, slug
    return response.text


# --- picking cases from the sample data ------------------------------------------------


@pytest.fixture(scope="module")
def db(sample_app):
    with Session(sample_app.state.engine) as session:
        yield session


@pytest.fixture(scope="module")
def latest(db) -> dict[tuple[int, str], IndicatorValue]:
    """Each provider's latest reported value (not missing) per indicator: what the page shows."""
    out: dict[tuple[int, str], IndicatorValue] = {}
    for v in db.exec(select(IndicatorValue).order_by(IndicatorValue.year)).all():
        if v.status != "missing":
            out[(v.provider_id, v.indicator_id)] = v
    return out


@pytest.fixture(scope="module")
def providers(db) -> dict[int, Provider]:
    return {p.id: p for p in db.exec(select(Provider)).all()}


@pytest.fixture(scope="module")
def indicators(db) -> dict[str, Indicator]:
    return {i.id: i for i in db.exec(select(Indicator)).all()}


# --- the page ----------------------------------------------------------------------------


def test_every_service_type_shows_the_five_sections_in_model_order(client, db) -> None:
    for st in db.exec(select(ServiceType)).all():
        p = db.exec(select(Provider).where(Provider.service_type_id == st.id)).first()
        parsed = outline(page(client, p.slug))
        h2 = [text for level, text in parsed.headings if level == 2]
        assert [t for t in h2 if t in SECTIONS] == SECTIONS, st.id
        assert [text for level, text in parsed.headings if level == 1] == [squash(p.name)]


def test_headings_never_skip_a_level(client, providers) -> None:
    p = next(iter(providers.values()))
    levels = [level for level, _ in outline(page(client, p.slug)).headings]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_too_few_answers_shows_the_reason_and_never_a_number(
    client, latest, providers, indicators
) -> None:
    case = next(
        v
        for v in latest.values()
        if v.status == "too_few" and indicators[v.indicator_id].source_kind == "survey"
    )
    ind = indicators[case.indicator_id]
    fig = article(page(client, providers[case.provider_id].slug), ind.id)

    assert main_value(fig) == "För få svar"
    assert not re.search(r"\d", main_value(fig))
    assert "level-tag" not in fig  # no level is judged on a hidden value
    why = text_of(re.search(r'class="fig-why">(.*?)</p>', fig, re.S).group(1))
    assert f"Minst {ind.min_n} svar" in why
    assert f"{case.n_answers} svar" in text_of(fig)  # the answers line says how many
    # the row for this provider holds only the words and the period
    own = re.search(r'class="fig-own">(.*?)</div>', fig, re.S).group(1)
    assert text_of(own) == f"Utföraren För få svar ({case.period})"


def test_missing_figure_says_so_with_the_reason(client, latest, providers, indicators) -> None:
    p, ind = next(
        (p, ind)
        for p in providers.values()
        for ind in indicators.values()
        if ind.service_type_id == p.service_type_id and (p.id, ind.id) not in latest
    )
    fig = article(page(client, p.slug), ind.id)
    assert main_value(fig) == "Uppgift saknas"
    assert "Ingen uppgift har rapporterats" in fig


def test_kommun_level_shows_verdict_label_and_rule(
    client, db, latest, providers, indicators
) -> None:
    levels = {(lv.kommun_code, lv.indicator_id): lv for lv in db.exec(select(Level)).all()}
    seen: set[str] = set()
    for (pid, ind_id), v in latest.items():
        level = levels.get((providers[pid].kommun_code, ind_id))
        if level is None or v.status != "ok":
            continue
        ind = indicators[ind_id]
        higher = ind.direction == "higher"
        passes = (lambda x, bar: x >= bar) if higher else (lambda x, bar: x <= bar)
        label = (
            "Bra"
            if passes(v.value, level.good)
            else "Godkänt"
            if passes(v.value, level.approved)
            else "Underkänt"
        )
        if label in seen:
            continue
        seen.add(label)
        fig = text_of(article(page(client, providers[pid].slug), ind_id))
        assert f"Kommunens nivå: {label}" in fig
        good = squash(with_unit(level.good, ind.unit, ind.decimals))
        approved = squash(with_unit(level.approved, ind.unit, ind.decimals))
        word = "minst" if higher else "högst"
        assert f"Bra: {word} {good}. Godkänt: {word} {approved}." in fig
        if level.decided_by:
            assert level.decided_by in fig
    assert seen, "the sample has no provider value under a kommun level"


def test_kommun_and_country_values_stand_beside_the_figure(
    client, db, latest, providers, indicators
) -> None:
    refs = {
        (r.indicator_id, r.municipality_code, r.year): r
        for r in db.exec(select(ReferenceValue).where(ReferenceValue.status == "ok")).all()
    }
    kommuner = {k.code: k for k in db.exec(select(Kommun)).all()}
    for (pid, ind_id), v in latest.items():
        p = providers[pid]
        kommun_ref = refs.get((ind_id, p.kommun_code, v.year))
        country_ref = refs.get((ind_id, "0000", v.year))
        # "Hela …" is only for the source's own figures (means per unit: test_provider_levels).
        official = (
            kommun_ref and country_ref and {kommun_ref.basis, country_ref.basis} == {"official"}
        )
        if v.status == "ok" and official:
            break
    else:
        pytest.fail("no figure with both a kommun and a country value in the sample")
    ind = indicators[ind_id]
    fig = text_of(article(page(client, p.slug), ind_id))

    def shown(value: float) -> str:
        return squash(with_unit(value, ind.unit, ind.decimals))

    assert f"Utföraren {shown(v.value)} ({v.period})" in fig
    assert (
        f"Hela {kommuner[p.kommun_code].name} {shown(kommun_ref.value)} ({kommun_ref.period})"
        in fig
    )
    assert f"Hela Sverige {shown(country_ref.value)} ({country_ref.period})" in fig


def test_survey_figure_shows_answers_and_response_rate(
    client, latest, providers, indicators
) -> None:
    v = next(
        v
        for v in latest.values()
        if v.status == "ok"
        and indicators[v.indicator_id].source_kind == "survey"
        and v.n_answers is not None
        and v.response_rate is not None
    )
    fig = text_of(article(page(client, providers[v.provider_id].slug), v.indicator_id))
    rate = squash(with_unit(v.response_rate, "percent"))
    assert f"{v.n_answers} svar, svarsfrekvens {rate}" in fig


def test_every_figure_names_its_source_and_direction(client, providers, indicators) -> None:
    p = next(iter(providers.values()))
    html = page(client, p.slug)
    for ind in indicators.values():
        if ind.service_type_id != p.service_type_id:
            continue
        fig = text_of(article(html, ind.id))
        assert "Källa:" in fig and "Om måttet" in fig
        hint = {"higher": "Högre är bättre", "lower": "Lägre är bättre"}.get(ind.direction)
        if hint:
            assert hint in fig


def test_provider_without_presentation_says_so(client, providers) -> None:
    silent = next(p for p in providers.values() if not p.presentation)
    html = text_of(page(client, silent.slug))
    assert "Utföraren har inte skrivit någon presentation." in html
    assert "Uppdaterad " not in html

    talking = next(p for p in providers.values() if p.presentation and p.presentation_updated)
    html = text_of(page(client, talking.slug))
    assert "Utförarens egen text" in html
    assert squash(talking.presentation.split("\n")[0]) in html
    assert f"Uppdaterad {squash(day(talking.presentation_updated))}" in html


def test_provider_not_accepting_new_says_so_prominently(client, providers) -> None:
    closed = next(p for p in providers.values() if not p.accepting_new)
    html = page(client, closed.slug)
    before_first_section = html.split("<h2", 1)[0]
    assert "Tar inte emot nya just nu." in before_first_section
    assert "Tar emot nya Nej, inte just nu" in text_of(html)

    open_ = next(p for p in providers.values() if p.accepting_new)
    assert "Tar inte emot nya" not in page(client, open_.slug)


def test_provider_started_2023_has_a_trend_from_2023_only(client, providers) -> None:
    new = next(p for p in providers.values() if p.started_year == 2023)
    html = page(client, new.slug)
    trends = re.findall(r"<summary>Utveckling år för år</summary>\s*<p>(.*?)</p>", html, re.S)
    assert trends
    years = {int(y) for t in trends for y in re.findall(r"\b(20\d\d)\b", t)}
    assert years <= {2023, 2024}
    charts = re.findall(r"<svg[^>]*class=\"spark\".*?</svg>", html, re.S)
    assert charts, "two years with values make a chart"
    labels = re.findall(r'class="spark-years"[^>]*><span>(\d{4})</span><span>(\d{4})</span>', html)
    assert set(labels) == {("2023", "2024")}


def test_trend_chart_has_a_text_alternative(client, providers) -> None:
    html = page(client, next(iter(providers.values())).slug)
    charts = re.findall(r"<svg[^>]*>", html)
    assert charts
    for svg in charts:
        assert 'role="img"' in svg
        assert re.search(r'aria-label="Utveckling: \d{4}', svg)


def test_figures_older_than_two_years_are_marked(client, latest, providers) -> None:
    cutoff = date.today().year - 2
    old = next(v for v in latest.values() if v.year < cutoff)
    html = page(client, providers[old.provider_id].slug)
    assert "Äldre uppgift" in article(html, old.indicator_id)
    fresh = next(v for (pid, _), v in latest.items() if pid == old.provider_id and v.year >= cutoff)
    assert "Äldre uppgift" not in article(html, fresh.indicator_id)


def test_breadcrumb_contact_and_compare_control(client, db, providers) -> None:
    p = next(p for p in providers.values() if p.phone and p.email and p.website)
    kommun = db.get(Kommun, p.kommun_code)
    html = page(client, p.slug)
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    # The same trail as every page: Start › {service} i {kommun} › this provider
    assert text_of(crumbs).startswith("Start ") and f" i {kommun.name} " in text_of(crumbs)
    assert f'href="/{kommun.slug}/{p.service_type_id}"' in crumbs
    assert text_of(crumbs).endswith(p.name) and 'aria-current="page"' in crumbs
    assert re.search(r'href="tel:\+46\d+"', html)
    assert f'href="mailto:{p.email}"' in html
    assert f'href="{p.website}"' in html
    assert 'action="/jamfor/korg"' in html and f'name="slug" value="{p.slug}"' in html


def test_unknown_slug_is_a_404_page_in_swedish(client) -> None:
    response = client.get("/utforare/finns-inte-alls")
    assert response.status_code == 404
    assert '<html lang="sv">' in response.text
    assert "Sidan finns inte" in response.text
    assert client.get("/en/utforare/finns-inte-alls").status_code == 404


def test_english_page_uses_english_data_fields(client, db, providers, indicators) -> None:
    p = next(iter(providers.values()))
    st = db.get(ServiceType, p.service_type_id)
    kommun = db.get(Kommun, p.kommun_code)
    html = page(client, p.slug, lang="en")
    assert '<html lang="en">' in html
    own = [i for i in indicators.values() if i.service_type_id == st.id]
    differing = [i for i in own if i.title_en != i.title_sv]
    assert differing
    for ind in differing:
        fig = html_lib.unescape(article(html, ind.id))
        # The plain short title as the heading, the official title in "Om måttet".
        assert f">{ind.short_title_en or ind.title_en}</h3>" in fig
        assert ind.title_en in fig.split("About this measure")[1]
        assert ind.title_sv not in fig
    assert f'<a href="/en/{kommun.slug}/{st.id}">{st.name_en} in {kommun.name}</a>' in html


def test_kommunal_and_private_units_get_the_same_structure(client, db) -> None:
    by_kind: dict[tuple[str, str, str], Provider] = {}
    for p, org in db.exec(
        select(Provider, Organisation).join(
            Organisation, Organisation.id == Provider.organisation_id
        )
    ).all():
        by_kind.setdefault((p.kommun_code, p.service_type_id, org.driftsform), p)
    groups = defaultdict(dict)
    for (kommun, st, form), p in by_kind.items():
        groups[(kommun, st)][form] = p
    pair = next(g for g in groups.values() if {"kommunal", "privat"} <= g.keys())
    kommunal, privat = (
        outline(page(client, pair["kommunal"].slug)),
        outline(page(client, pair["privat"].slug)),
    )
    assert kommunal.headings[1:] == privat.headings[1:]  # all but the name
    assert kommunal.keys == privat.keys


def test_page_weight_with_its_css_and_js_is_under_60_kb_compressed(client, db, providers) -> None:
    counts: dict[int, int] = defaultdict(int)
    for pid in db.exec(select(IndicatorValue.provider_id)).all():
        counts[pid] += 1
    heaviest = max(providers.values(), key=lambda p: (counts[p.id], len(p.presentation or "")))
    html = page(client, heaviest.slug)
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', html)
    total = len(gzip.compress(html.encode()))
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        total += len(gzip.compress(response.content))
    assert total <= 60 * 1024, total
