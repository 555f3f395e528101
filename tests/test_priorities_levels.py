"""/prioritera on constructed data: the kommun's level beside each value, each provider's
level summary with its trend in words, honest references, plain titles, and old figures
marked and treated as the page says (at most a year behind: counted and marked; older: not
counted, like a missing value)."""

from app.priorities import rank
from tests.support.html import Node, dom
from tests.test_rechoose_levels import LevelsCase, levels_case

QUERY = "/taby/hemtjanst/prioritera?m=nojd&m=kont"


def prioritera(built, query: str = QUERY) -> Node:
    with built.client() as client:
        response = client.get(query)
    assert response.status_code == 200
    return dom(response.text)


def entry(page: Node, case_provider) -> Node:
    return page.first("li", id=f"plats-{case_provider.slug}")


def score_row(item: Node, indicator_id: str) -> Node:
    return next(tb for tb in item.all("tbody") if tb.attrs.get("data-indicator") == indicator_id)


def test_the_ranking_and_what_it_rests_on(built) -> None:
    case: LevelsCase = levels_case(built.session)
    page = prioritera(built)
    places = [(li.attrs["id"], li.attrs["data-score"]) for li in page.with_class("ranked")]
    # Bäckens 2022 continuity figure does not count (two years behind 2024): it is ranked on
    # satisfaction alone (100). Cedrens counts its 2023 figure: 59 × 1/2 + 100 × 1/2 = 79.
    assert places == [
        (f"plats-{case.alt_old.slug}", "100"),
        (f"plats-{case.alt_recent.slug}", "79"),
        (f"plats-{case.mine.slug}", "0"),
    ]


def test_each_value_has_the_kommuns_level(built) -> None:
    case = levels_case(built.session)
    page = prioritera(built)
    mine = score_row(entry(page, case.mine), "nojd").first("td", class_="value")
    assert mine.with_class("level-tag")[0].text == "Underkänt ⚑"
    assert "Bra: minst 90\xa0%. Godkänt: minst 80\xa0%. Lägre är underkänt." in mine.text
    recent = score_row(entry(page, case.alt_recent), "kont").first("td", class_="value")
    assert recent.with_class("level-tag")[0].text == "Godkänt"
    # The level does not change the points; the page says so.
    assert "Nivån påverkar inte poängen" in page.first("div", id="sa-har-vi-raknat").text


def test_each_provider_has_its_level_summary_with_the_trend(built) -> None:
    case = levels_case(built.session)
    page = prioritera(built)
    line = entry(page, case.mine).with_class("level-summary-line")[0]
    assert "2 underkända" in line.text and "Röd flagga" in line.text
    assert "↘" in line.text and "Sämre än förra perioden" in line.text
    assert "2 bra" in entry(page, case.alt_old).with_class("level-summary-line")[0].text


def test_references_and_plain_titles(built) -> None:
    case = levels_case(built.session)
    item = entry(prioritera(built), case.mine)
    nojd = score_row(item, "nojd").first("tr", class_="title-row")
    kont = score_row(item, "kont").first("tr", class_="title-row")
    assert nojd.first("span", class_="ind-title").text == "Nöjd med hemtjänsten som helhet"
    assert "Hela Täby 2024: 85\xa0%" in nojd.text
    assert "Genomsnitt per utförare i Täby 2024: 15,3" in kont.text
    assert "Hela Täby" not in kont.text
    assert "Personalkontinuitet, antal personal" in kont.first("details").text


def test_old_figures_are_marked_and_their_treatment_is_stated(built) -> None:
    case = levels_case(built.session)
    page = prioritera(built)
    # Two years behind: marked, and not counted, with the reason.
    old = score_row(entry(page, case.alt_old), "kont")
    assert old.with_class("tag-old")[0].text == "Äldre uppgift (2022)"
    assert "Räknas inte: äldre uppgift (2022), mer än 1 år äldre än den nyaste." in old.text
    assert "Bygger på 1 av 2 valda mått." in entry(page, case.alt_old).text
    # One year behind: counted, and the card says its score rests partly on it.
    recent = entry(page, case.alt_recent)
    assert score_row(recent, "kont").with_class("tag-old")[0].text == "Äldre uppgift (2023)"
    assert recent.with_class("score-old")[0].text == (
        "Bygger delvis på äldre uppgifter: Antal personal på 14 dagar (2023)."
    )
    assert not entry(page, case.mine).with_class("score-old")
    # The rule is on the page, not only in the code.
    rule = page.first("p", class_="old-rule").text
    assert "Är den högst 1 år äldre räknas den med" in rule
    assert "räknas den inte alls, precis som en saknad uppgift" in rule


def test_the_rule_in_the_service(built) -> None:
    """The same treatment read from app.priorities, without the page."""
    from app.models import Kommun, ServiceType
    from app.priorities import PriorityForm, offered_providers
    from app.providers import ranked_indicators
    from app.statistics import Problem

    case = levels_case(built.session)
    s = built.session
    kommun, service = s.get(Kommun, "0160"), s.get(ServiceType, "hemtjanst")
    indicators = ranked_indicators(s, "hemtjanst")
    form = PriorityForm(chosen={"nojd": 1, "kont": 1})
    ranking = rank(s, offered_providers(s, kommun, service, None), indicators, form)
    by_id = {e.provider.id: e for e in ranking.ranked}
    old = {c.indicator.id: c for c in by_id[case.alt_old.id].contributions}
    assert old["kont"].problem == Problem.PERIODS_APART and old["kont"].scaled is None
    recent = {c.indicator.id: c for c in by_id[case.alt_recent.id].contributions}
    assert recent["kont"].problem is None and recent["kont"].scaled == 100
    assert [c.indicator.id for c in by_id[case.alt_recent.id].old_counted] == ["kont"]
