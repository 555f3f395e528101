"""Jämför med min nuvarande (`/{kommun}/{tjanst}/omval`) and the one rule behind its verdicts
and behind "Bäst i jämförelsen": app.statistics.judge."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session, col, select

from app.comparison import best_marks
from app.coverage import resolve_place, serving
from app.figures import Figure
from app.models import (
    Indicator,
    Kommun,
    PostalCode,
    Provider,
    ProviderArea,
    ServiceType,
)
from app.statistics import (
    INDEX_SD,
    Method,
    Outcome,
    Problem,
    index_interval,
    judge,
    wilson,
)
from tests.support import factories as f
from tests.support.factories import figure as fig
from tests.support.html import Node, dom

LABELS = {
    "better": "Tydligt bättre",
    "worse": "Tydligt sämre",
    "similar": "Går inte att skilja åt",
    "not_comparable": "Kan inte jämföras",
}

# --- the rule on constructed figures ---


def outcome(a: Figure, b: Figure) -> Outcome:
    return judge(a, b).outcome


def first_separate_share(a: float, n: int) -> int:
    """The smallest whole share above `a` (same n) whose Wilson interval clears a's."""
    top = wilson(a, n).high
    return next(b for b in range(int(a) + 1, 101) if wilson(b, n).low > top)


def test_shares_just_apart_are_clearly_different_and_just_overlapping_are_not() -> None:
    a, n = 50, 100
    apart = first_separate_share(a, n)
    close = apart - 1
    # The edge itself, from the interval bounds:
    assert wilson(close, n).low <= wilson(a, n).high < wilson(apart, n).low
    assert outcome(fig(apart, n), fig(a, n)) == Outcome.BETTER
    assert outcome(fig(a, n), fig(apart, n)) == Outcome.WORSE
    assert outcome(fig(close, n), fig(a, n)) == Outcome.SIMILAR
    assert outcome(fig(a, n), fig(close, n)) == Outcome.SIMILAR


def test_the_same_difference_needs_enough_answers() -> None:
    # 60 % against 50 %: find the fewest answers (each) at which the intervals part.
    n_apart = next(n for n in range(10, 2000) if wilson(60, n).low > wilson(50, n).high)
    assert wilson(60, n_apart - 1).low <= wilson(50, n_apart - 1).high
    assert outcome(fig(60, n_apart), fig(50, n_apart)) == Outcome.BETTER
    assert outcome(fig(60, n_apart - 1), fig(50, n_apart - 1)) == Outcome.SIMILAR


def test_below_the_minimum_answers_there_is_no_verdict() -> None:
    min_n = 10
    # 100 % against 0 % is as clear as it gets, yet nine answers are too few.
    assert outcome(fig(100, min_n, min_n=min_n), fig(0, min_n, min_n=min_n)) == Outcome.BETTER
    j = judge(fig(100, min_n - 1, min_n=min_n), fig(0, min_n, min_n=min_n))
    assert j.outcome == Outcome.NOT_COMPARABLE
    assert j.problem == Problem.TOO_FEW and j.own_problem == Problem.TOO_FEW
    assert j.other_problem is None
    j = judge(fig(100, min_n, min_n=min_n), fig(0, min_n - 1, min_n=min_n))
    assert j.outcome == Outcome.NOT_COMPARABLE and j.other_problem == Problem.TOO_FEW


def test_suppressed_and_missing_figures_cannot_be_compared() -> None:
    j = judge(fig(None, 6, status="too_few"), fig(80, 40))
    assert (j.outcome, j.own_problem) == (Outcome.NOT_COMPARABLE, Problem.TOO_FEW)
    j = judge(fig(80, 40), fig(None, status="missing"))
    assert (j.outcome, j.other_problem) == (Outcome.NOT_COMPARABLE, Problem.MISSING)
    j = judge(fig(None, status="missing"), fig(None, 3, status="too_few"))
    assert j.problem == Problem.MISSING  # the first problem named; both are kept
    assert (j.own_problem, j.other_problem) == (Problem.MISSING, Problem.TOO_FEW)


def test_a_survey_figure_without_its_answers_cannot_be_compared() -> None:
    j = judge(fig(95), fig(20, 400))
    assert (j.outcome, j.problem) == (Outcome.NOT_COMPARABLE, Problem.NO_ANSWER_COUNT)


def test_direction_lower_turns_the_verdict_round() -> None:
    low, high = fig(12, kind="register", unit="count"), fig(20, kind="register", unit="count")
    assert outcome(low, high) == Outcome.WORSE  # higher is better by default
    low = fig(12, kind="register", unit="count", direction="lower")
    high = fig(20, kind="register", unit="count", direction="lower")
    assert outcome(low, high) == Outcome.BETTER
    assert outcome(high, low) == Outcome.WORSE


def test_direction_none_is_never_judged() -> None:
    j = judge(
        fig(10, direction="none", kind="register"), fig(90, direction="none", kind="register")
    )
    assert (j.outcome, j.problem) == (Outcome.NOT_COMPARABLE, Problem.NOT_RANKED)


def test_periods_more_than_a_year_apart_cannot_be_compared() -> None:
    j = judge(fig(95, 400, year=2024), fig(20, 400, year=2022))
    assert (j.outcome, j.problem) == (Outcome.NOT_COMPARABLE, Problem.PERIODS_APART)
    assert outcome(fig(95, 400, year=2024), fig(20, 400, year=2023)) == Outcome.BETTER


def test_index_uses_a_normal_interval_with_the_stated_spread() -> None:
    a, n = 7.0, 100
    top = index_interval(a, n).high
    assert top == pytest.approx(a + 1.959963984540054 * INDEX_SD / n**0.5)
    # The first mean, in tenths, whose interval clears a's, and the one just below it.
    apart = next(x / 10 for x in range(71, 101) if index_interval(x / 10, n).low > top)
    close = round(apart - 0.1, 1)
    assert index_interval(close, n).low <= top
    kw = {"unit": "index", "decimals": 1}
    assert judge(fig(apart, n, **kw), fig(a, n, **kw)).method == Method.INDEX
    assert outcome(fig(apart, n, **kw), fig(a, n, **kw)) == Outcome.BETTER
    assert outcome(fig(close, n, **kw), fig(a, n, **kw)) == Outcome.SIMILAR


@pytest.mark.parametrize(
    ("a", "b", "decimals", "expected"),
    [
        (30, 27, 0, Outcome.SIMILAR),  # exactly 10 % of the larger: not more than it
        (30, 26, 0, Outcome.BETTER),
        (1, 0, 0, Outcome.SIMILAR),  # one step is never enough
        (2, 0, 0, Outcome.BETTER),
        (0.3, 0.2, 1, Outcome.SIMILAR),
        (0.3, 0.1, 1, Outcome.BETTER),
        (90, 81, 0, Outcome.SIMILAR),  # 9 is exactly 10 % of 90
        (90, 80, 0, Outcome.BETTER),
    ],
)
def test_figures_without_answers_need_more_than_the_tolerance(a, b, decimals, expected) -> None:
    kw = {"kind": "register", "unit": "count", "decimals": decimals}
    j = judge(fig(a, **kw), fig(b, **kw))
    assert j.method == Method.TOLERANCE
    assert j.outcome == expected


def test_values_are_compared_as_shown() -> None:
    # 80.4 and 89.6 are shown as 80 and 90: beyond the tolerance as shown.
    kw = {"kind": "register"}
    assert judge(fig(89.6, **kw), fig(80.4, **kw)).values == (90, 80)
    assert outcome(fig(89.6, **kw), fig(80.4, **kw)) == Outcome.BETTER


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (fig(95, 400), fig(60, 400)),
        (fig(85, 12), fig(70, 14)),
        (fig(90, kind="register"), fig(80, kind="register")),
        (fig(85, kind="register"), fig(80, kind="register")),
        (fig(8.1, 400, unit="index", decimals=1), fig(7.0, 400, unit="index", decimals=1)),
        (fig(95, 400, year=2024), fig(20, 400, year=2021)),
    ],
)
def test_best_in_the_comparison_is_the_same_rule(a: Figure, b: Figure) -> None:
    """There is one rule: a best mark means clearly better, and nothing else does."""
    assert best_marks([a, b]).best[0] == (outcome(a, b) == Outcome.BETTER)
    assert (
        outcome(b, a)
        == {
            Outcome.BETTER: Outcome.WORSE,
            Outcome.WORSE: Outcome.BETTER,
            Outcome.SIMILAR: Outcome.SIMILAR,
            Outcome.NOT_COMPARABLE: Outcome.NOT_COMPARABLE,
        }[outcome(a, b)]
    )


# --- the page over the sample data ---


@pytest.fixture
def db(sample_app) -> Iterator[Session]:
    with Session(sample_app.state.engine) as session:
        yield session


def hemtjanst_case(db: Session) -> tuple[Kommun, PostalCode, Provider, list[Provider]]:
    """A postal code whose area some of the kommun's home-care providers do not serve, and a
    current provider that does: so the filter has something to leave out."""
    for pc in db.exec(select(PostalCode).order_by(PostalCode.code)).all():
        kommun = db.get(Kommun, pc.kommun_code)
        everyone = db.exec(
            select(Provider)
            .where(Provider.kommun_code == pc.kommun_code)
            .where(Provider.service_type_id == "hemtjanst")
            .order_by(Provider.slug)
        ).all()
        serving_ids = set(
            db.exec(
                select(ProviderArea.provider_id).where(ProviderArea.area_id == pc.area_id)
            ).all()
        )
        inside = [p for p in everyone if p.id in serving_ids]
        outside = [p for p in everyone if p.id not in serving_ids]
        if len(inside) >= 3 and outside and kommun:
            return kommun, pc, inside[0], outside
    pytest.skip("no postal code with a partly served area in the sample")


def alternatives(page: Node) -> list[str]:
    return [li.attrs["id"].removeprefix("alt-") for li in page.with_class("alternative")]


def omval_path(kommun: Kommun, service: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/{kommun.slug}/{service}/omval" + (f"?{query}" if query else "")


def test_only_alternatives_serving_the_address_in_name_order(client, db) -> None:
    kommun, pc, current, outside = hemtjanst_case(db)
    response = client.get(
        omval_path(kommun, "hemtjanst", nuvarande=current.slug, postnummer=pc.code, visa="ja")
    )
    assert response.status_code == 200
    shown = alternatives(dom(response.text))

    place = resolve_place(db, kommun, postal_code=pc.code)
    st = db.get(ServiceType, "hemtjanst")
    assert place and st and st.choice_basis == "area"
    expected = [s.provider.slug for s in serving(db, kommun, st, place)]
    assert shown == [s for s in expected if s != current.slug]
    assert current.slug not in shown
    assert not {p.slug for p in outside} & set(shown)
    names = {p.slug: p.name for p in db.exec(select(Provider)).all()}
    # Neutral order: by name, whatever the verdicts or the driftsform.
    assert [names[s].casefold() for s in shown] == sorted(names[s].casefold() for s in shown)


def test_distance_based_alternatives_come_nearest_first(client, db) -> None:
    pc = db.exec(select(PostalCode).where(PostalCode.kommun_code == "0160")).first()
    kommun = db.get(Kommun, "0160")
    st = db.get(ServiceType, "sarskilt-boende")
    assert pc and kommun and st
    units = db.exec(
        select(Provider)
        .where(Provider.kommun_code == kommun.code, Provider.service_type_id == st.id)
        .order_by(Provider.slug)
    ).all()
    current = units[0]
    page = dom(
        client.get(
            omval_path(kommun, st.id, nuvarande=current.slug, postnummer=pc.code, visa="ja")
        ).text
    )
    place = resolve_place(db, kommun, postal_code=pc.code)
    assert place
    order = [s.provider.slug for s in serving(db, kommun, st, place)]
    assert alternatives(page) == [s for s in order if s != current.slug]
    distances = [s.distance_m for s in serving(db, kommun, st, place) if s.distance_m is not None]
    assert distances == sorted(distances)


def test_every_alternative_has_a_summary_and_a_real_table(client, db) -> None:
    kommun, pc, current, _outside = hemtjanst_case(db)
    page = dom(
        client.get(
            omval_path(kommun, "hemtjanst", nuvarande=current.slug, postnummer=pc.code, visa="ja")
        ).text
    )
    ranked = db.exec(
        select(Indicator)
        .where(Indicator.service_type_id == "hemtjanst")
        .where(col(Indicator.direction).in_(["higher", "lower"]))
    ).all()
    items = page.with_class("alternative")
    assert items
    for li in items:
        table = li.first("table")
        caption = table.first("caption")
        assert current.name in caption.text
        assert [th.attrs.get("scope") for th in table.first("thead").all("th")] == ["col"] * 3
        # One row group per indicator, headed by its title (and the section, when it starts).
        rows = [tb for tb in table.all("tbody") if "verdict-row" in tb.classes]
        assert {tb.attrs["data-indicator"] for tb in rows} == {i.id for i in ranked}
        titles = {i.id: i.short_title_sv or i.title_sv for i in ranked}
        for tb in rows:
            header = tb.first("tr", class_="title-row").first("th")
            assert header.attrs["scope"] == "rowgroup"
            assert (
                header.first("span", class_="ind-title").text == titles[tb.attrs["data-indicator"]]
            )
            assert len(tb.first("tr", class_="values-row").all("td")) == 3
        outcomes = [tr.attrs["data-outcome"] for tr in rows]
        for tr in rows:  # each verdict in words, with a reason
            cell = tr.with_class("judgement")[0]
            assert cell.first("strong").text == LABELS[tr.attrs["data-outcome"]]
            assert cell.first("span", class_="reason").text
        counts = li.first("ul", class_="verdict-counts").all("li")
        assert counts[0].text == (
            f"Tydligt bättre på {outcomes.count('better')} av {len(rows)} mått"
        )
        assert counts[1].text == f"Tydligt sämre på {outcomes.count('worse')}"
        assert counts[2].text == f"Går inte att skilja åt på {outcomes.count('similar')}"
        assert counts[3].text == f"Kan inte jämföras på {outcomes.count('not_comparable')}"


def test_nuvarande_prefills_the_form_without_errors(client, db) -> None:
    kommun, _pc, current, _outside = hemtjanst_case(db)
    response = client.get(omval_path(kommun, "hemtjanst", nuvarande=current.slug))
    page = dom(response.text)
    selected = [
        o for o in page.first("select", id="nuvarande").all("option") if "selected" in o.attrs
    ]
    assert [o.attrs["value"] for o in selected] == [current.slug]
    assert not page.with_class("error-summary")
    assert not page.with_class("alternative")


def test_unknown_postal_code_and_missing_choices_are_explained(client, db) -> None:
    kommun, _pc, current, _outside = hemtjanst_case(db)
    page = dom(
        client.get(
            omval_path(kommun, "hemtjanst", nuvarande=current.slug, postnummer="99999", visa="ja")
        ).text
    )
    summary = page.with_class("error-summary")[0]
    assert "Vi hittar inte postnumret 999\u00a099" in summary.text
    assert summary.first("a").attrs["href"] == "#postnummer"
    assert page.first("input", id="postnummer").attrs["aria-invalid"] == "true"

    page = dom(client.get(omval_path(kommun, "hemtjanst", visa="ja")).text)
    text = page.with_class("error-summary")[0].text
    assert "Välj vem du har i dag." in text
    assert "Skriv ditt postnummer eller välj kommundel." in text


def test_unknown_kommun_or_service_is_404(client) -> None:
    assert client.get("/finns-inte/hemtjanst/omval").status_code == 404
    assert client.get("/taby/finns-inte/omval").status_code == 404


def test_english_page_keeps_the_prefix(client, db) -> None:
    kommun, pc, current, _outside = hemtjanst_case(db)
    response = client.get(
        "/en"
        + omval_path(kommun, "hemtjanst", nuvarande=current.slug, postnummer=pc.code, visa="ja")
    )
    page = dom(response.text)
    assert page.first("html").attrs["lang"] == "en"
    assert page.first("form", class_="tool-form").attrs["action"].startswith("/en/")
    assert any(a.attrs.get("href", "").startswith("/en/om-siffrorna") for a in page.all("a"))


def test_links_to_about_the_figures(client, db) -> None:
    kommun, pc, current, _outside = hemtjanst_case(db)
    page = dom(
        client.get(
            omval_path(kommun, "hemtjanst", nuvarande=current.slug, postnummer=pc.code, visa="ja")
        ).text
    )
    hrefs = {a.attrs.get("href", "") for a in page.first("main").all("a")}
    assert "/om-siffrorna#tydligt" in hrefs


# --- constructed cases: the reasons in words ---


def test_reasons_name_who_lacks_what(built) -> None:
    s = built.session
    area = f.area(s, "Centrum")
    f.postal_code(s, area)
    nojd = f.indicator(s, "nojd", title_sv="Nöjda", min_n=10)
    klag = f.indicator(
        s, "klag", title_sv="Klagomål", unit="count", direction="lower", source_kind="register"
    )
    fact = f.indicator(
        s, "fakta", title_sv="Antal kunder", direction="none", source_kind="register"
    )
    mine = f.provider(s, "Ängens omsorg", areas=[area])
    other = f.provider(s, "Bäckens omsorg", areas=[area])
    f.indicator_value(s, mine, nojd, value=None, status="too_few", n_answers=6)
    f.indicator_value(s, other, nojd, value=85, n_answers=40)
    f.indicator_value(s, mine, klag, value=4)
    f.indicator_value(s, other, klag, value=1)
    f.indicator_value(s, mine, fact, value=100)
    f.indicator_value(s, other, fact, value=50)
    with built.client() as client:
        page = dom(
            client.get(f"/taby/hemtjanst/omval?nuvarande={mine.slug}&postnummer=18330&visa=ja").text
        )
    assert alternatives(page) == [other.slug]
    rows = {
        tb.attrs["data-indicator"]: tb for tb in page.all("tbody") if "verdict-row" in tb.classes
    }
    assert set(rows) == {"nojd", "klag"}  # facts (direction none) are not judged
    assert rows["nojd"].attrs["data-outcome"] == "not_comparable"
    assert "För få svar hos din nuvarande utförare: 6 svar, minst 10 behövs." in rows["nojd"].text
    assert rows["klag"].attrs["data-outcome"] == "better"
    assert "Skillnaden är 3, större än 1,0, så den är tydlig." in rows["klag"].text
