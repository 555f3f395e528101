"""The provider page on constructed data: the kommun's levels summed up at the top (counts
per section, status, red flag, trend arrows in words, the rule on /om-siffrorna), every
figure with its plain title, level, change, honest reference labels and old-figure mark,
the presentation's age and a school's årskurser."""

from datetime import date, timedelta

import pytest

from app.presentation import presentation_age, year_before
from tests.support import factories as f
from tests.support.html import Node, dom

TODAY = date.today()


def figure_article(page: Node, indicator_id: str) -> Node:
    return page.first("article", **{"data-indicator": indicator_id})


@pytest.fixture
def taby(built):
    """Two Täby hemtjänst providers: Ängen (private) with levels on three figures, and
    Björken (kommunal) that only sets the newest period for the kommun."""
    s = built.session
    kontinuitet = f.indicator(
        s,
        "kontinuitet",
        section=2,
        title_sv="Personalkontinuitet, antal personal som en hemtjänsttagare möter under 14 dagar",
        short_title_sv="Antal personal kunden möter på 14 dagar",
        unit="count",
        direction="lower",
        source_kind="register",
        source_name="Kommunens uppföljning",
    )
    utbildning = f.indicator(
        s,
        "utbildning",
        section=2,
        title_sv="Andel omsorgspersonal med adekvat utbildning",
        short_title_sv="Personal med rätt utbildning",
        source_kind="register",
        source_name="Kommunens uppföljning",
    )
    nojd = f.indicator(
        s,
        "U21468",
        section=5,
        title_sv="Brukarbedömning hemtjänst äldreomsorg - helhetssyn, andel (%)",
        short_title_sv="Nöjd med hemtjänsten som helhet",
        source_kind="register",
        source_name="Kolada",
    )
    kritik = f.indicator(
        s,
        "kritik",
        section=3,
        title_sv="IVO-beslut med kritik, senaste tre åren",
        unit="count",
        direction="lower",
        source_kind="inspection",
        source_name="IVO",
    )
    angen = f.provider(
        s,
        "Ängen",
        slug="angen",
        presentation="Vi är ett litet team.",
        presentation_updated=TODAY - timedelta(days=30),
    )
    bjorken = f.provider(s, "Björken", slug="bjorken", driftsform="kommunal")
    # Continuity: 17 people in 14 days is underkänt (godkänt at most 15), better than 24.
    f.level(s, kontinuitet, good=10, approved=15)
    f.indicator_value(s, angen, kontinuitet, 2023, 24)
    f.indicator_value(s, angen, kontinuitet, 2024, 17)
    # Training: 90 % is bra, and clearly better than 60 % the year before.
    f.level(s, utbildning, good=85, approved=70)
    f.indicator_value(s, angen, utbildning, 2023, 60)
    f.indicator_value(s, angen, utbildning, 2024, 90)
    # Satisfaction: 80 % is godkänt; the figure is from 2022 while Björken has 2024.
    f.level(s, nojd, good=90, approved=75)
    f.indicator_value(s, angen, nojd, 2022, 80)
    f.indicator_value(s, bjorken, nojd, 2024, 85)
    # Criticism: no level; a mean per unit as the kommun's reference, the country official.
    f.indicator_value(s, angen, kritik, 2024, 0)
    f.reference_value(s, kritik, 0.4, basis="unit_mean")
    f.reference_value(s, kritik, 0.6, municipality_code="0000")
    # Satisfaction: the kommun's own official figure.
    f.reference_value(s, nojd, 88, year=2022)
    return built.client()


def test_the_summary_is_at_the_top_with_counts_status_flag_and_trend_words(taby) -> None:
    html = taby.get("/utforare/angen").text
    page = dom(html)
    heading = page.first("h2", id="sammanfattning")
    assert heading.text == "Sammanfattning"
    # At the top: before the contact details and the five sections.
    assert html.index('id="sammanfattning"') < html.index('id="kontakt"')
    assert html.index('id="sammanfattning"') < html.index('id="del-1"')

    table = page.first("table", **{"aria-labelledby": "sammanfattning"})
    rows = {r.first("th").text: [td.text for td in r.all("td")] for r in table.all("tr")[1:]}
    # Hårda fakta: continuity underkänt (better than before), training bra (better).
    hard = rows["Hårda fakta"]
    assert hard[:3] == ["1", "0", "1"]
    assert hard[3].startswith("Underkänt")
    assert "Antal personal kunden möter på 14 dagar" in hard[3]
    assert "Bättre än förra perioden" in hard[4]
    # Upplevd kvalitet: one godkänt figure with nothing before it to compare with.
    perceived = rows["Upplevd kvalitet"]
    assert perceived[:4] == ["0", "1", "0", "Godkänt"]
    assert perceived[4] == "Kan inte avgöras"
    # No level for the inspection figure: its section is not in the summary.
    assert "Kvalitet enligt lagar och förordningar" not in rows

    summary = page.first("section", **{"aria-labelledby": "sammanfattning"})
    text = summary.text
    assert "1 bra, 1 godkänt, 1 underkänt" in text
    assert "Röd flagga" in text  # in words, not only a colour
    assert "Underkänt i 1 mått." in text
    assert summary.first("a", href="/om-siffrorna#nivaer")
    # The arrow always has its words beside it.
    for change in summary.with_class("change"):
        assert change.text.split(" ", 1)[1] in {
            "Bättre än förra perioden",
            "Oförändrat mot förra perioden",
            "Sämre än förra perioden",
        }
    assert page.first("nav", **{"aria-label": "Innehåll på sidan"}).first(
        "a", href="#sammanfattning"
    )


def test_a_provider_without_failures_has_no_red_flag(taby) -> None:
    page = dom(taby.get("/utforare/bjorken").text)
    summary = page.first("section", **{"aria-labelledby": "sammanfattning"})
    assert "1 godkänt" in summary.text
    assert "Inget mått är underkänt." in summary.text
    assert "Röd flagga" not in summary.text
    assert "has-flag" not in summary.attrs["class"]


def test_no_levels_at_all_is_said_in_words(built) -> None:
    s = built.session
    ind = f.indicator(s, "antal", section=4, unit="count", direction="none")
    p = f.provider(s, "Ekan", slug="ekan")
    f.indicator_value(s, p, ind, 2024, 40)
    page = dom(built.client().get("/utforare/ekan").text)
    summary = page.first("section", **{"aria-labelledby": "sammanfattning"})
    assert "Täby har inte bestämt nivåer" in summary.text
    assert not summary.all("table")
    assert summary.first("a", href="/om-siffrorna#nivaer")


def test_each_figure_has_its_short_title_level_change_and_official_title_in_detail(
    taby,
) -> None:
    page = dom(taby.get("/utforare/angen").text)
    fig = figure_article(page, "kontinuitet")
    assert fig.first("h3").text == "Antal personal kunden möter på 14 dagar"
    official = "Personalkontinuitet, antal personal som en hemtjänsttagare möter under 14 dagar"
    assert official in fig.all("details", class_="fig-more")[-1].text  # "Om måttet"
    assert "Underkänt" in fig.with_class("level-tag")[0].text
    assert "Bra: högst 10. Godkänt: högst 15. Högre är underkänt." in fig.text
    assert fig.with_class("change")[0].text == "↗ Bättre än förra perioden"
    # A figure with nothing before it has no arrow.
    assert not figure_article(page, "U21468").with_class("change")


def test_references_are_labelled_for_what_they_are(taby) -> None:
    page = dom(taby.get("/utforare/angen").text)
    kritik = figure_article(page, "kritik")
    labels = [dt.text for dt in kritik.first("dl").all("dt")]
    assert labels == ["Utföraren", "Genomsnitt per utförare i Täby", "Hela Sverige"]
    assert "0,4" in kritik.first("dl").text  # a mean of counts keeps its decimal
    assert "Hela Täby" not in kritik.text

    nojd = figure_article(page, "U21468")
    assert [dt.text for dt in nojd.first("dl").all("dt")] == [
        "Utföraren",
        "Hela Täby",
        "Hela Sverige",
    ]
    # No reference at all: the kommun row still says so, as "Hela Täby: Uppgift saknas".
    utbildning = figure_article(page, "utbildning")
    rows = {d.first("dt").text: d.first("dd").text for d in utbildning.first("dl").all("div")}
    assert rows["Hela Täby"] == "Uppgift saknas"
    assert rows["Hela Sverige"] == "Uppgift saknas"


def test_a_figure_behind_the_kommuns_newest_period_is_marked_old(taby) -> None:
    page = dom(taby.get("/utforare/angen").text)
    assert figure_article(page, "U21468").with_class("tag-old")[0].text == "Äldre uppgift (2022)"
    assert not figure_article(page, "kontinuitet").with_class("tag-old")
    assert "mer än två år gammal" not in page.text
    # Björken has the newest period itself: nothing to mark.
    assert not dom(taby.get("/utforare/bjorken").text).with_class("tag-old")


@pytest.mark.parametrize(
    ("updated", "stale"),
    [
        (date(2024, 3, 7), False),  # a day less than a year
        (date(2024, 3, 6), False),  # exactly twelve months: still within the year
        (date(2024, 3, 5), True),  # twelve months and a day
        (date(2020, 1, 1), True),
        (None, False),
    ],
)
def test_a_presentation_is_stale_after_twelve_months(updated, stale) -> None:
    age = presentation_age(updated, today=date(2025, 3, 6))
    assert age.stale is stale
    if updated is None:
        assert age.text == ""
    elif stale:
        assert age.text.endswith(" – mer än ett år sedan")
    else:
        assert "mer än ett år" not in age.text


def test_a_leap_day_year_before_is_the_28th() -> None:
    assert year_before(date(2024, 2, 29)) == date(2023, 2, 28)


def test_the_page_says_an_old_presentation_is_old(built) -> None:
    s = built.session
    f.provider(
        s,
        "Gamla texten",
        slug="gamla",
        presentation="Vi har funnits länge.",
        presentation_updated=date(2023, 3, 6),
    )
    f.provider(
        s,
        "Nya texten",
        slug="nya",
        presentation="Vi är nya.",
        presentation_updated=TODAY,
    )
    client = built.client()
    old = dom(client.get("/utforare/gamla").text).with_class("own-words-date")[0].text
    assert old.startswith("Uppdaterad 6 mars 2023 – mer än ett år sedan.")
    assert "fråga utföraren" in old
    new = dom(client.get("/utforare/nya").text).with_class("own-words-date")[0].text
    assert "mer än ett år sedan" not in new
    assert new.startswith("Uppdaterad ")


def test_a_school_shows_its_arskurser(built) -> None:
    s = built.session
    f.provider(
        s,
        "Ekskolan",
        slug="ekskolan",
        service_type_id="grundskola",
        school_years=[0, *range(1, 10)],
    )
    f.provider(
        s, "Högstadiet", slug="hogstadiet", service_type_id="grundskola", school_years=[7, 8, 9]
    )
    f.provider(s, "Okänd skola", slug="okand", service_type_id="grundskola")
    client = built.client()

    def arskurser(slug: str) -> str:
        rows = dom(client.get(f"/utforare/{slug}").text).with_class("summary-row")
        return next(r.first("dd").text for r in rows if r.first("dt").text == "Årskurser")

    assert arskurser("ekskolan") == "F–9"
    assert arskurser("hogstadiet") == "7–9"
    assert arskurser("okand") == "Uppgift saknas"


def test_kommunal_and_private_get_the_same_summary_for_the_same_figures(built) -> None:
    s = built.session
    ind = f.indicator(s, "utb", section=2, source_kind="register")
    f.level(s, ind, good=85, approved=70)
    for name, driftsform in (("Privat", "privat"), ("Kommunal", "kommunal")):
        p = f.provider(s, name, slug=name.lower(), driftsform=driftsform)
        f.indicator_value(s, p, ind, 2024, 60)
    client = built.client()
    tables = [
        dom(client.get(f"/utforare/{slug}").text).first("table", class_="level-summary").text
        for slug in ("privat", "kommunal")
    ]
    assert tables[0] == tables[1]
    assert "Underkänt" in tables[0]
