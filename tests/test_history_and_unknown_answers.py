"""Measures no longer published and survey figures without their number of answers (issue 9):
a discontinued measure is history on the provider page and never a current figure anywhere
else; a survey share whose n is unknown says so and never gets "clearly better / worse"."""

from sqlmodel import Session
from starlette.datastructures import QueryParams

from app.comparison import Marks, NoMark, best_marks
from app.figures import figures_for
from app.models import Indicator, Provider
from app.priorities import PriorityForm
from app.providers import key_indicators
from app.search.documents import provider_documents
from app.search_service import sortable_indicators
from app.statistics import Outcome, Problem, judge, told_apart, wilson
from app.web.about_page import unknown_n_example
from tests.support import factories as f
from tests.support.html import Node, dom


def discontinued_case(s: Session) -> tuple[Indicator, Indicator, Provider, Provider]:
    """Two providers far apart on a measure last published in 2023, and on a current one."""
    staff = f.indicator(
        s,
        "U23493",
        title_sv="Omsorgspersonal per plats, helgdag",
        title_en="Care staff per place, weekend day",
        unit="ratio",
        source_kind="register",
        section=2,
        decimals=2,
        key_rank=1,
        discontinued_after=2023,
    )
    klag = f.indicator(
        s, "klag", title_sv="Klagomål", unit="count", direction="lower", source_kind="register"
    )
    area = f.area(s, "Centrum")
    f.postal_code(s, area)
    a = f.provider(s, "Ängens omsorg", areas=[area])
    b = f.provider(s, "Bäckens omsorg", areas=[area])
    for year, (va, vb) in ((2022, (0.40, 0.20)), (2023, (0.45, 0.15))):
        f.indicator_value(s, a, staff, year=year, value=va)
        f.indicator_value(s, b, staff, year=year, value=vb)
    f.indicator_value(s, a, klag, value=4)
    f.indicator_value(s, b, klag, value=1)
    return staff, klag, a, b


def unknown_n_case(s: Session) -> tuple[Indicator, Provider, Provider]:
    """Two shares 55 points apart from Kolada, which gives no number of answers per unit."""
    nojd = f.indicator(s, "U21468", title_sv="Nöjda med hemtjänsten", min_n=10)
    area = f.area(s, "Centrum")
    f.postal_code(s, area)
    a = f.provider(s, "Ängens omsorg", areas=[area])
    b = f.provider(s, "Bäckens omsorg", areas=[area])
    f.indicator_value(s, a, nojd, value=95, n_answers=None, source="Kolada")
    f.indicator_value(s, b, nojd, value=40, n_answers=None, source="Kolada")
    return nojd, a, b


def figure_article(page: Node, indicator_id: str) -> Node:
    return next(a for a in page.all("article") if a.attrs.get("data-indicator") == indicator_id)


def answers_line(fig: Node) -> str:
    return next(p.text for p in fig.all("p") if "fig-answers" in p.classes)


def compare_row(page: Node, title: str) -> tuple[Node, list[Node]]:
    for tr in page.first("table").all("tr"):
        th = tr.all("th", scope="row")
        if th and th[0].first("span", class_="ind-title").text == title:
            return th[0], tr.all("td")
    raise AssertionError(f"no row {title!r}")


def verdict_rows(page: Node) -> dict[str, Node]:
    return {
        tb.attrs["data-indicator"]: tb for tb in page.all("tbody") if "verdict-row" in tb.classes
    }


# --- discontinued measures ---


def test_discontinued_measure_is_history_under_a_note_on_the_provider_page(built) -> None:
    staff, _klag, a, _b = discontinued_case(built.session)
    with built.client() as client:
        sv = dom(client.get(f"/utforare/{a.slug}").text)
        en = dom(client.get(f"/en/utforare/{a.slug}").text)
    fig = figure_article(sv, staff.id)
    assert "Måttet publiceras inte längre (senast 2023)." in fig.text
    own = fig.first("div", class_="fig-own")
    assert own.text.endswith("0,45 (2023)")  # the last value, as history
    assert "2022: 0,40; 2023: 0,45" in fig.text  # and the years before it
    assert "Äldre uppgift" not in fig.text  # the note says it; no second, vaguer mark
    assert "The measure is no longer published (last 2023)." in figure_article(en, staff.id).text


def test_discontinued_measure_is_no_card_figure_sort_or_search_document_field(built) -> None:
    s = built.session
    staff, klag, a, _b = discontinued_case(s)
    assert key_indicators([staff, klag]) == []
    assert sortable_indicators([staff, klag]) == [klag]
    docs = {d["id"]: d for d in provider_documents(s)}
    assert staff.id not in docs[a.id]["figures"] and docs[a.id]["figures"]["klag"] == 4


def test_discontinued_measure_gets_no_best_mark_in_the_comparison(built) -> None:
    staff, _klag, a, b = discontinued_case(built.session)
    figures = figures_for(built.session, [a, b], [staff])
    row = [figures[a.id][staff.id], figures[b.id][staff.id]]
    assert best_marks(row) == Marks([False, False], NoMark.DISCONTINUED)
    assert judge(row[0], row[1]).problem == Problem.DISCONTINUED
    with built.client() as client:
        page = dom(client.get(f"/jamfor?id={a.slug}&id={b.slug}").text)
    th, cells = compare_row(page, "Omsorgspersonal per plats, helgdag")
    assert not any("is-best" in td.classes for td in cells)
    assert [td.first("span", class_="cell-value").text for td in cells[:2]] == [
        "Publiceras inte längre",
        "Publiceras inte längre",
    ]
    assert "senast 2023: 0,45" in cells[0].text
    assert "Värdena är historik och jämförs inte." in th.text


def test_discontinued_measure_is_no_omval_verdict_nor_a_choosable_priority(built) -> None:
    staff, klag, a, _b = discontinued_case(built.session)
    with built.client() as client:
        omval = dom(
            client.get(f"/taby/hemtjanst/omval?nuvarande={a.slug}&postnummer=18330&visa=ja").text
        )
        prio = client.get("/taby/hemtjanst/prioritera").text
        old_link = client.get(f"/taby/hemtjanst/prioritera?m={staff.id}&m=klag")
    assert set(verdict_rows(omval)) == {"klag"}
    assert 'value="klag"' in prio and f'value="{staff.id}"' not in prio
    # An old link that chose it: dropped, like any measure not on offer.
    assert old_link.status_code == 200 and old_link.history
    assert old_link.history[0].headers["location"].endswith("?m=klag")
    form = PriorityForm.from_query(QueryParams(f"m={staff.id}&m=klag"), [staff, klag])
    assert form.chosen == {"klag": 1}


# --- unknown number of answers ---


def test_unknown_n_is_written_beside_the_figure_and_no_minimum_is_implied(built) -> None:
    nojd, a, _b = unknown_n_case(built.session)
    with built.client() as client:
        sv = dom(client.get(f"/utforare/{a.slug}").text)
        en = dom(client.get(f"/en/utforare/{a.slug}").text)
    fig = figure_article(sv, nojd.id)
    assert answers_line(fig) == "Antal svar okänt"
    assert "95\u00a0%" in fig.first("div", class_="fig-own").text
    assert "visas bara när minst 10" not in fig.text
    assert "vi vet inte om minst 10 personer har svarat" in fig.text
    assert answers_line(figure_article(en, nojd.id)) == "Number of answers unknown"


def test_unknown_n_gives_no_verdict_however_large_the_gap(built) -> None:
    nojd, a, b = unknown_n_case(built.session)
    figures = figures_for(built.session, [a, b], [nojd])
    fa, fb = figures[a.id][nojd.id], figures[b.id][nojd.id]
    assert fa.answers_unknown and fb.answers_unknown
    # 95 % against 40 % would be clear with as few as 20 answers each, were n known ...
    assert told_apart(95, 20, 40, 20)
    # ... but n is not known, so: kan inte avgöras.
    j = judge(fa, fb)
    assert (j.outcome, j.problem) == (Outcome.NOT_COMPARABLE, Problem.NO_ANSWER_COUNT)
    assert best_marks([fa, fb]).reason == NoMark.ANSWERS_UNKNOWN

    with built.client() as client:
        compare = dom(client.get(f"/jamfor?id={a.slug}&id={b.slug}").text)
        omval = dom(
            client.get(f"/taby/hemtjanst/omval?nuvarande={b.slug}&postnummer=18330&visa=ja").text
        )
    th, cells = compare_row(compare, "Nöjda med hemtjänsten")
    assert not any("is-best" in td.classes for td in cells)
    assert all("antal svar okänt" in td.text for td in cells[:2])
    assert "antalet svar är okänt, så det kan inte avgöras" in th.text
    row = verdict_rows(omval)[nojd.id]
    assert row.attrs["data-outcome"] == "not_comparable"
    assert [v.text for v in row.all("strong") if "verdict" in v.classes] == ["Kan inte avgöras"]
    assert "antal svar okänt" in row.text
    assert "Antalet svar är okänt hos" in row.text


def test_known_n_on_one_side_does_not_rescue_an_unknown_other(built) -> None:
    nojd, a, _b = unknown_n_case(built.session)
    c = f.provider(built.session, "Citronens omsorg")
    f.indicator_value(built.session, c, nojd, value=40, n_answers=400)
    figures = figures_for(built.session, [a, c], [nojd])
    j = judge(figures[a.id][nojd.id], figures[c.id][nojd.id])
    assert (j.outcome, j.own_problem, j.other_problem) == (
        Outcome.NOT_COMPARABLE,
        Problem.NO_ANSWER_COUNT,
        None,
    )


def test_om_siffrorna_works_the_unknown_n_example_with_the_code(client) -> None:
    example = unknown_n_example()
    a, b, n = example.example.a, example.example.b, example.example.n_a
    assert (a, b, n) == (80, 40, 5)
    assert example.judgement.problem == Problem.NO_ANSWER_COUNT
    assert not told_apart(a, n, b, n)  # even 40 points can be chance with five answers each

    page = dom(client.get("/om-siffrorna").text)
    table = next(t for t in page.all("table") if t.first("caption").attrs["id"] == "exempel-okant")
    row = next(tr for tr in table.all("tr") if "example" in tr.classes)
    assert row.attrs["data-problem"] == "no_answer_count"
    assert "Kan inte avgöras" in row.text and "Tydlig skillnad" not in row.text
    worked = page.first("p", class_="example-if")
    assert worked.attrs["data-apart"] == "nej"
    low_a, low_b = wilson(a, n), wilson(b, n)
    for interval in (low_a, low_b):
        shown = f"{interval.low:.1f}–{interval.high:.1f}\u00a0%".replace(".", ",")
        assert shown in worked.text
    assert "Skillnaden är 40 procentenheter" in worked.text
    assert "om bara 5 personer svarat" in worked.text
    assert "Måttet publiceras inte längre" in page.text
