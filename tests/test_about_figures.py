"""Om siffrorna (`/om-siffrorna`): plain words about the figures, with worked examples that
must agree with the code the pages use."""

import pytest
from sqlmodel import Session, col, select

from app.formatting import number
from app.models import Indicator
from app.priorities import scale, whole
from app.statistics import (
    beyond_tolerance,
    index_interval,
    index_told_apart,
    told_apart,
    tolerance,
    wilson,
)
from tests.support.html import Node, dom


@pytest.fixture
def page(client) -> Node:
    response = client.get("/om-siffrorna")
    assert response.status_code == 200
    return dom(response.text)


def examples(page: Node, caption_id: str) -> list[Node]:
    table = next(t for t in page.all("table") if t.first("caption").attrs["id"] == caption_id)
    return [row for row in table.all() if "example" in row.classes]


def span(low: float, high: float, decimals: int, percent: bool) -> str:
    return f"{number(low, decimals)}–{number(high, decimals)}" + ("\u00a0%" if percent else "")


def test_the_brief_s_share_examples_are_what_the_code_says(page) -> None:
    first, second = examples(page, "exempel-andel")
    # 80 % of 40 against 90 % of 50: cannot be told apart.
    assert not told_apart(80, 40, 90, 50)
    assert first.attrs["data-apart"] == "nej"
    assert "Går inte att skilja åt" in first.text
    a, b = wilson(80, 40), wilson(90, 50)
    assert span(a.low, a.high, 1, True) in first.text
    assert span(b.low, b.high, 1, True) in first.text
    assert "80\u00a0% (40 svar)" in first.text and "90\u00a0% (50 svar)" in first.text
    # 70 % of 200 against 85 % of 200: clearly different.
    assert told_apart(70, 200, 85, 200)
    assert second.attrs["data-apart"] == "ja"
    assert "Tydlig skillnad" in second.text
    a, b = wilson(70, 200), wilson(85, 200)
    assert span(a.low, a.high, 1, True) in second.text
    assert span(b.low, b.high, 1, True) in second.text


def test_the_written_out_intervals_are_right() -> None:
    # The numbers a reader can check by hand (Wilson, 95 %).
    assert span(*_bounds(wilson(80, 40)), 1, True) == "65,2–89,5\u00a0%"
    assert span(*_bounds(wilson(90, 50)), 1, True) == "78,6–95,7\u00a0%"
    assert span(*_bounds(wilson(70, 200)), 1, True) == "63,3–75,9\u00a0%"
    assert span(*_bounds(wilson(85, 200)), 1, True) == "79,4–89,3\u00a0%"


def _bounds(interval) -> tuple[float, float]:
    return interval.low, interval.high


def test_index_examples_are_what_the_code_says(page) -> None:
    rows = examples(page, "exempel-index")
    assert len(rows) == 2
    for row, n in zip(rows, (60, 200), strict=True):
        apart = index_told_apart(7.2, n, 8.0, n)
        assert row.attrs["data-apart"] == ("ja" if apart else "nej")
        a, b = index_interval(7.2, n), index_interval(8.0, n)
        assert span(a.low, a.high, 2, False) in row.text
        assert span(b.low, b.high, 2, False) in row.text
    assert [r.attrs["data-apart"] for r in rows] == ["nej", "ja"]
    assert "2,5 enheter" in page.text  # the assumed spread is stated


def test_tolerance_examples_are_what_the_code_says(page) -> None:
    rows = examples(page, "exempel-utan-svar")
    shown = [[td.text for td in tr.all("td")][:2] for tr in rows]
    assert shown == [["15", "12"], ["15", "14"], ["1", "0"], ["2", "0"]]
    for row, (a, b) in zip(rows, ((15, 12), (15, 14), (1, 0), (2, 0)), strict=True):
        assert row.attrs["data-apart"] == ("ja" if beyond_tolerance(a, b) else "nej")
        assert f"mer än {number(tolerance(a, b), 1)}" in row.text
    assert [r.attrs["data-apart"] for r in rows] == ["ja", "nej", "nej", "ja"]
    assert "10 procent av det högre värdet" in page.text


def test_priority_examples_are_what_the_code_says(page) -> None:
    text = page.first("section", **{"aria-labelledby": "prioritera"}).text
    for value in (70, 80, 90):
        assert f"{value}\u00a0% → {whole(scale(value, 70, 90))} poäng" in text
    assert f"= {whole((2 * 100 + 1 * 50) / 3)} poäng" in text
    assert "83 poäng" in text
    assert "Driftsform" in text and "används aldrig" in text


def test_explains_sources_periods_too_few_and_levels(page, sample_app) -> None:
    text = page.text
    assert "Källa: Kolada" in text
    for kind in ("Register", "Tillsyn", "Enkät", "Utförarens egen uppgift"):
        assert kind in text
    assert "Äldre uppgift" in text and "För få svar" in text
    assert "bra, godkänt och underkänt" in text
    with Session(sample_app.state.engine) as s:
        minimums = set(
            s.exec(select(Indicator.min_n).where(col(Indicator.min_n).is_not(None))).all()
        )
    for n in minimums:
        assert f"minst {n} svar" in text


def test_every_page_links_here_from_the_footer(client) -> None:
    footer = dom(client.get("/").text).first("footer")
    assert "/om-siffrorna" in {a.attrs["href"] for a in footer.all("a")}
    en_footer = dom(client.get("/en/").text).first("footer")
    assert "/en/om-siffrorna" in {a.attrs["href"] for a in en_footer.all("a")}


def test_the_comparison_links_here(client, sample_app) -> None:
    from app.models import Provider

    with Session(sample_app.state.engine) as s:
        slugs = s.exec(
            select(Provider.slug)
            .where(Provider.kommun_code == "0160", Provider.service_type_id == "hemtjanst")
            .order_by(Provider.slug)
            .limit(2)
        ).all()
    main = dom(client.get(f"/jamfor?id={slugs[0]}&id={slugs[1]}").text).first("main")
    hrefs = {a.attrs.get("href", "") for a in main.all("a")}
    assert "/om-siffrorna" in hrefs and "/om-siffrorna#tydligt" in hrefs


def test_english_page(client) -> None:
    response = client.get("/en/om-siffrorna")
    assert response.status_code == 200
    assert dom(response.text).first("html").attrs["lang"] == "en"


def section_text(page: Node, heading_id: str) -> str:
    return page.first("section", **{"aria-labelledby": heading_id}).text


def test_the_level_summary_rule_is_stated_where_the_summaries_link(page) -> None:
    assert page.first("h2", id="nivaer")
    assert page.first("nav", class_="toc").first("a", href="#nivaer")
    text = section_text(page, "nivaer")
    # What counts, the status, the red flag, the arrow and what is never an input.
    assert "Bara aktuella siffror där utförarens kommun har bestämt nivåer räknas" in text
    assert "den sämsta nivån" in text
    assert "röd flagga" in text and "”Röd flagga”" in text
    assert "samma försiktiga regel" in text and "tydligt bättre" in text
    for arrow in ("↗ Bättre", "↘ Sämre", "→ Oförändrat", "Kan inte avgöras"):
        assert arrow in text
    assert "Driftsform" in text and "används aldrig" in text
    assert "Bäst i en jämförelse betyder inte godkänt" in text


def test_the_reference_labels_are_explained_with_the_pages_own_words(page) -> None:
    from app.figures import reference_label

    assert page.first("nav", class_="toc").first("a", href="#jamforelsevarden")
    section = page.first("section", **{"aria-labelledby": "jamforelsevarden"})
    terms = [dt.text for dt in section.all("dt")]
    assert terms == [
        reference_label("official", "Täby"),
        reference_label("unit_mean", "Täby"),
        reference_label("total", "Täby"),
    ]
    assert terms == ["Hela Täby", "Genomsnitt per utförare i Täby", "Summa för Täby"]
    assert "aldrig ”Hela Täby”" in section.text
