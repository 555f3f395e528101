"""Omval (`/{kommun}/{tjanst}/omval`) on constructed data: the kommun's level beside each
value with its rule, each provider's level summary with its trend in words, honest
reference labels, the "äldre uppgift" mark, plain titles, and a result that ends with how to
change (the kommun's steps, phone, e-service, how long it takes) and links onwards."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.models import ChoiceGuide, Provider
from tests.support import factories as f
from tests.support.html import Node, dom


@dataclass(frozen=True)
class LevelsCase:
    mine: Provider  # underkänt on both, worse than last year
    alt_old: Provider  # bra, but its continuity figure is from 2022
    alt_recent: Provider  # godkänt; its continuity figure is from 2023


def levels_case(s: Session) -> LevelsCase:
    """Three Täby home-care providers in one area, two indicators with Täby's levels:
    satisfaction (higher is better, bra ≥ 90, godkänt ≥ 80, Täby's official value 85) and
    staff continuity (lower is better, bra ≤ 12, godkänt ≤ 16, a mean of the units)."""
    area = f.area(s, "Centrum")
    f.postal_code(s, area, "18330")
    nojd = f.indicator(
        s,
        "nojd",
        title_sv="Andel brukare som sammantaget är mycket eller ganska nöjda med hemtjänsten",
        short_title_sv="Nöjd med hemtjänsten som helhet",
    )
    kont = f.indicator(
        s,
        "kont",
        section=2,
        title_sv="Personalkontinuitet, antal personal som en hemtjänsttagare möter under 14 dagar",
        short_title_sv="Antal personal på 14 dagar",
        unit="count",
        direction="lower",
        source_kind="register",
    )
    f.level(s, nojd, good=90, approved=80)
    f.level(s, kont, good=12, approved=16)
    f.reference_value(s, nojd, 85)  # Täby's own figure
    f.reference_value(s, kont, 15.3, basis="unit_mean")  # a mean of the units, not Täby's
    mine = f.provider(s, "Ängens omsorg", areas=[area], driftsform="kommunal")
    alt_old = f.provider(s, "Bäckens omsorg", areas=[area])
    alt_recent = f.provider(s, "Cedrens omsorg", areas=[area])
    f.indicator_value(s, mine, nojd, year=2023, value=90, n_answers=200)
    f.indicator_value(s, mine, nojd, year=2024, value=75, n_answers=200)
    f.indicator_value(s, mine, kont, year=2024, value=17)
    f.indicator_value(s, alt_old, nojd, year=2024, value=92, n_answers=200)
    f.indicator_value(s, alt_old, kont, year=2022, value=10)
    f.indicator_value(s, alt_recent, nojd, year=2024, value=85, n_answers=100)
    f.indicator_value(s, alt_recent, kont, year=2023, value=14)
    return LevelsCase(mine, alt_old, alt_recent)


def guide(**fields) -> ChoiceGuide:
    defaults = {
        "kommun_code": "0160",
        "service_type_id": "hemtjanst",
        "who_can_choose": "Alla med beslut om hemtjänst.",
        "apply_steps": ["Ring en biståndshandläggare."],
        "apply_url": "https://eservice.example.se/hemtjanst",
        "contact_name": "Kundvalskontoret",
        "contact_phone": "08-555 123 45",
        "contact_email": "kundval@example.se",
        "contact_hours": "Vardagar 8–12",
        "if_no_choice": "Kommunens egen hemtjänst.",
        "change_steps": [
            "Ring Kundvalskontoret och säg vem du vill byta till.",
            "Du får ett brev.",
        ],
        "change_takes": "Bytet sker inom 14 dagar.",
        "updated": date(2025, 1, 10),
    }
    return ChoiceGuide(**(defaults | fields))


def omval(built, case: LevelsCase) -> Node:
    with built.client() as client:
        response = client.get(
            f"/taby/hemtjanst/omval?nuvarande={case.mine.slug}&postnummer=18330&visa=ja"
        )
    assert response.status_code == 200
    return dom(response.text)


def alternative(page: Node, p: Provider) -> Node:
    return page.first("li", id=f"alt-{p.slug}")


def row(alt: Node, indicator_id: str) -> Node:
    return next(tb for tb in alt.all("tbody") if tb.attrs.get("data-indicator") == indicator_id)


def cells(tbody: Node) -> list[Node]:
    """(current's cell, the alternative's cell)."""
    return [td for td in tbody.first("tr", class_="values-row").all("td") if "value" in td.classes]


def test_each_value_has_the_kommuns_level_with_its_rule(built) -> None:
    case = levels_case(built.session)
    page = omval(built, case)
    mine, theirs = cells(row(alternative(page, case.alt_old), "nojd"))
    tag = mine.with_class("level-tag")[0]
    assert tag.text == "Underkänt ⚑"
    assert "level-failed" in tag.classes
    # In words for a screen reader, and the rule on demand (no script) and in print.
    assert "Kommunens nivå:" in mine.text
    rule = "Bra: minst 90\xa0%. Godkänt: minst 80\xa0%. Lägre är underkänt."
    assert rule in mine.first("details").text
    assert any(rule in n.text for n in mine.with_class("print-only"))
    assert "Vård- och omsorgsnämnden 2024-02-20" in mine.first("details").text
    assert theirs.with_class("level-tag")[0].text == "Bra"
    recent = cells(row(alternative(page, case.alt_recent), "nojd"))[1]
    assert recent.with_class("level-tag")[0].text == "Godkänt"
    # Lower is better: 17 is above Täby's godkänt (16).
    kont_mine = cells(row(alternative(page, case.alt_recent), "kont"))[0]
    assert kont_mine.with_class("level-tag")[0].text == "Underkänt ⚑"
    assert "Bra: högst 12. Godkänt: högst 16. Högre är underkänt." in kont_mine.text


def test_each_provider_has_its_level_summary_with_the_trend_in_words(built) -> None:
    case = levels_case(built.session)
    page = omval(built, case)
    current = page.first("div", id="ditt-val").with_class("level-summary-line")[0]
    assert "2 underkända" in current.text
    assert "Röd flagga" in current.text
    # 90 % → 75 % with 200 answers each: clearly worse, the arrow has its words.
    change = current.with_class("change-worse")[0]
    assert "↘" in change.text and "Sämre än förra perioden" in change.text
    assert current.first("a").attrs["href"] == "/om-siffrorna#nivaer"
    old = alternative(page, case.alt_old).with_class("level-summary-line")[0]
    assert "2 bra" in old.text and "Röd flagga" not in old.text
    recent = alternative(page, case.alt_recent).with_class("level-summary-line")[0]
    assert "2 godkända" in recent.text


def test_references_say_what_they_are(built) -> None:
    case = levels_case(built.session)
    alt = alternative(omval(built, case), case.alt_old)
    nojd = row(alt, "nojd").first("tr", class_="title-row").text
    kont = row(alt, "kont").first("tr", class_="title-row").text
    assert "Hela Täby 2024: 85\xa0%" in nojd  # Täby's own figure
    assert "Genomsnitt per utförare i Täby 2024: 15,3" in kont  # a mean, never "Hela Täby"
    assert "Hela Täby" not in kont


def test_old_figures_are_marked_with_their_year(built) -> None:
    case = levels_case(built.session)
    page = omval(built, case)
    theirs = cells(row(alternative(page, case.alt_old), "kont"))[1]
    assert theirs.with_class("tag-old")[0].text == "Äldre uppgift (2022)"
    recent = cells(row(alternative(page, case.alt_recent), "kont"))[1]
    assert recent.with_class("tag-old")[0].text == "Äldre uppgift (2023)"
    mine = cells(row(alternative(page, case.alt_old), "kont"))[0]
    assert not mine.with_class("tag-old")  # the newest period is not old
    assert "2024" in mine.text
    assert "äldre uppgift" not in page.first("main").text.replace("Äldre uppgift (", "")


def test_plain_titles_in_rows_and_the_official_one_in_the_detail(built) -> None:
    case = levels_case(built.session)
    tb = row(alternative(omval(built, case), case.alt_old), "nojd")
    assert tb.first("span", class_="ind-title").text == "Nöjd med hemtjänsten som helhet"
    detail = tb.first("details", class_="ind-more").text
    assert "Andel brukare som sammantaget är mycket eller ganska nöjda med hemtjänsten" in detail
    assert "Socialstyrelsen" in detail


def test_the_result_ends_with_how_to_change(built) -> None:
    case = levels_case(built.session)
    built.session.add(guide())
    page = omval(built, case)
    section = page.first("section", class_="change-how")
    assert section.first("h2").text == "Byta utförare (omval): så gör du"
    assert [li.text for li in section.first("ol").all("li")] == [
        "Ring Kundvalskontoret och säg vem du vill byta till.",
        "Du får ett brev.",
    ]
    assert "Hur lång tid tar det? Bytet sker inom 14 dagar." in section.text
    hrefs = {a.attrs["href"]: a.text for a in section.all("a")}
    assert hrefs["tel:+46855512345"] == "08-555 123 45"
    assert hrefs["mailto:kundval@example.se"] == "kundval@example.se"
    assert hrefs["https://eservice.example.se/hemtjanst"] == "Till kommunens e-tjänst"
    assert "Kundvalskontoret" in section.text and "Vardagar 8–12" in section.text
    assert "/taby/hemtjanst/sa-valjer-du" in hrefs
    # Onwards: the providers shown, side by side, in the page's order; and the ranking.
    compare = f"/jamfor?id={case.mine.slug}&id={case.alt_old.slug}&id={case.alt_recent.slug}"
    assert hrefs[compare] == "Jämför Ängens omsorg med de 2 andra, sida vid sida"
    assert "/taby/hemtjanst/prioritera?postnummer=18330" in hrefs
    # It is the last thing in the result: nothing after it but the page's end.
    main = page.first("main")
    sections = main.all("section")
    assert sections[-1] is section


def test_without_a_guide_it_says_whom_to_ask(built) -> None:
    case = levels_case(built.session)
    section = omval(built, case).first("section", class_="change-how")
    # (The factory's service is called "Hemtjanst".)
    assert "Vill du byta, kontakta Täby och fråga hur du byter hemtjanst." in section.text
    assert "tel:" not in str([a.attrs for a in section.all("a")])
    hrefs = [a.attrs["href"] for a in section.all("a")]
    assert any(h.startswith("/jamfor?id=") for h in hrefs)
    assert any(h.startswith("/taby/hemtjanst/prioritera") for h in hrefs)


def test_english_page_shows_the_guide_in_its_own_language(built) -> None:
    case = levels_case(built.session)
    built.session.add(guide(change_takes_en="Within 14 days."))
    with built.client() as client:
        page = dom(
            client.get(
                f"/en/taby/hemtjanst/omval?nuvarande={case.mine.slug}&postnummer=18330&visa=ja"
            ).text
        )
    section = page.first("section", class_="change-how")
    assert section.first("ol").attrs.get("lang") == "sv"  # no English steps: Swedish, marked
    assert "Within 14 days." in section.text
    assert any(a.attrs["href"].startswith("/en/jamfor?id=") for a in section.all("a"))
