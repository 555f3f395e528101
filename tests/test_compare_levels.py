"""The comparison with the kommun's levels, honest references and ages (issue 10), on
constructed data: the level beside every value, "Bäst" that never hides an underkänt, a
summary per provider with its trend in words, references named for what they are, the
"äldre uppgift" mark, short titles with the official one in the detail, and the next steps."""

import csv
import io
from datetime import date

from sqlmodel import Session

from app.models import ChoiceGuide, Indicator, Provider
from app.web.compare_page import LONG_WORD, soft_hyphens
from tests.support import factories as f
from tests.support.html import Node, dom


def compare(built, *providers: Provider, lang: str = "") -> Node:
    with built.client() as client:
        response = client.get(f"{lang}/jamfor?" + "&".join(f"id={p.slug}" for p in providers))
    assert response.status_code == 200
    return dom(response.text)


def compare_csv(built, *providers: Provider) -> list[list[str]]:
    with built.client() as client:
        body = client.get("/jamfor.csv?" + "&".join(f"id={p.slug}" for p in providers))
    return list(csv.reader(io.StringIO(body.content.decode("utf-8-sig")), delimiter=";"))


def one(node: Node, cls: str) -> Node:
    """The first element under `node` with the class `cls` (among others)."""
    found = node.with_class(cls)
    assert found, f"no .{cls}"
    return found[0]


def row(page: Node, title: str) -> tuple[Node, list[Node]]:
    """(row header, cells) of the row whose short title is `title`."""
    for tr in page.first("table").all("tr"):
        th = tr.all("th", scope="row")
        if th and one(th[0], "ind-title").text.replace("\u00ad", "") == title:
            return th[0], tr.all("td")
    raise AssertionError(f"no row {title!r}")


def continuity(s: Session) -> Indicator:
    """Staff continuity: fewer is better; Täby's levels make 17 underkänt (the issue's case)."""
    ind = f.indicator(
        s,
        "kontinuitet",
        section=2,
        title_sv="Personalkontinuitet, antal personal som en hemtjänsttagare möter under 14 dagar",
        short_title_sv="Antal personal du möter på 14 dagar",
        unit="count",
        direction="lower",
        source_kind="register",
    )
    f.level(s, ind, good=10, approved=14)
    return ind


def guide(s: Session, kommun_code: str = "0160") -> ChoiceGuide:
    row = ChoiceGuide(
        kommun_code=kommun_code,
        service_type_id="hemtjanst",
        who_can_choose="Den som har beviljats hemtjänst.",
        contact_name="Kundvalskontoret",
        if_no_choice="Du får kommunens egen hemtjänst.",
        change_takes="Två veckor.",
        updated=date(2025, 1, 15),
    )
    s.add(row)
    s.flush()
    return row


# --- the level beside every value ---


def test_every_cell_shows_the_kommuns_level_in_words_with_its_rule(built) -> None:
    s = built.session
    ind = continuity(s)
    a, b, c = (f.provider(s, n) for n in ("Ängens omsorg", "Bäckens omsorg", "Citronens omsorg"))
    for p, v in ((a, 8), (b, 12), (c, 20)):
        f.indicator_value(s, p, ind, value=v)
    page = compare(built, a, b, c)
    _th, cells = row(page, "Antal personal du möter på 14 dagar")
    levels = [one(td, "level-tag").text for td in cells[:3]]
    assert levels == ["Bra", "Godkänt", "Underkänt ⚑"]  # words, not colour alone
    for td in cells[:3]:
        assert "Kommunens nivå:" in td.text  # said to screen readers too
        rule = one(td, "level-rule-more")  # on demand, without JS
        assert "Bra: högst 10. Godkänt: högst 14. Högre är underkänt." in rule.text
        assert "Vård- och omsorgsnämnden" in rule.text
        printed = next(sp for sp in td.all("span") if "print-only" in sp.classes)
        assert "Bra: högst 10" in printed.text  # and on paper
    assert not cells[3].with_class("level-tag")  # the kommun's own value has no level
    line = compare_csv(built, a, b, c)[1]
    assert line[4:7] == ["8 (Bra, Bäst i jämförelsen)", "12 (Godkänt)", "20 (Underkänt)"]


def test_no_level_no_tag(built) -> None:
    s = built.session
    ind = f.indicator(s, "nojd", title_sv="Nöjda med bemötandet")  # Täby has no level for it
    a, b = f.provider(s, "Ängens omsorg"), f.provider(s, "Bäckens omsorg")
    f.indicator_value(s, a, ind, value=90, n_answers=400)
    f.indicator_value(s, b, ind, value=60, n_answers=400)
    page = compare(built, a, b)
    _th, cells = row(page, "Nöjda med bemötandet")
    assert not any(td.with_class("level-tag") for td in cells)
    assert not page.with_class("summary-row")  # nothing to sum up


# --- "Bäst" never hides a failure ---


def test_best_that_is_underkant_says_so_and_so_does_an_all_failed_row(built) -> None:
    s = built.session
    ind = continuity(s)
    a, b, c = (f.provider(s, n) for n in ("Ängens omsorg", "Bäckens omsorg", "Citronens omsorg"))
    for p, v in ((a, 20), (b, 17), (c, 25)):
        f.indicator_value(s, p, ind, value=v)
    page = compare(built, a, b, c)
    th, cells = row(page, "Antal personal du möter på 14 dagar")
    assert "is-best" in cells[1].classes
    assert "Bäst i jämförelsen men ändå underkänt" in cells[1].text
    assert "men ändå underkänt" not in cells[0].text + cells[2].text
    assert "Alla jämförda utförare är underkända enligt kommunens nivå" in th.text
    assert "has-flag" in th.classes
    line = compare_csv(built, a, b, c)[1]
    assert line[5] == "17 (Underkänt, Bäst i jämförelsen, men ändå underkänt)"


def test_best_underkant_while_another_kommun_has_no_level(built) -> None:
    s = built.session
    ind = continuity(s)  # a level in Täby only
    a = f.provider(s, "Ängens omsorg", kommun_code="0160")
    b = f.provider(s, "Bäckens omsorg", kommun_code="0162")
    f.indicator_value(s, a, ind, value=17)
    f.indicator_value(s, b, ind, value=25)
    th, cells = row(compare(built, a, b), "Antal personal du möter på 14 dagar")
    assert "Bäst i jämförelsen men ändå underkänt" in cells[0].text
    assert "Bäst i jämförelsen, men ändå underkänt enligt kommunens nivå." in th.text
    assert "Alla jämförda" not in th.text


def test_a_best_that_passes_has_no_warning(built) -> None:
    s = built.session
    ind = continuity(s)
    a, b = f.provider(s, "Ängens omsorg"), f.provider(s, "Bäckens omsorg")
    f.indicator_value(s, a, ind, value=9)
    f.indicator_value(s, b, ind, value=17)
    th, cells = row(compare(built, a, b), "Antal personal du möter på 14 dagar")
    assert "is-best" in cells[0].classes
    assert one(cells[0], "level-tag").text == "Bra"
    assert "men ändå underkänt" not in cells[0].text
    assert "has-flag" not in th.classes and not th.with_class("ind-flag")


# --- a summary per provider ---


def test_summary_per_provider_with_counts_red_flag_and_trend_in_words(built) -> None:
    s = built.session
    kont = continuity(s)
    nojd = f.indicator(s, "nojd", title_sv="Nöjda med hemtjänsten", min_n=5)
    f.level(s, nojd, good=85, approved=70)
    a, b = f.provider(s, "Ängens omsorg"), f.provider(s, "Bäckens omsorg")
    # Ängen: nöjd 60 -> 90 (better, bra), kontinuitet 9 (bra, no earlier period).
    f.indicator_value(s, a, nojd, year=2023, value=60, n_answers=400)
    f.indicator_value(s, a, nojd, year=2024, value=90, n_answers=400)
    f.indicator_value(s, a, kont, value=9)
    # Bäcken: nöjd 90 -> 60 (worse, underkänt), kontinuitet 12 (godkänt).
    f.indicator_value(s, b, nojd, year=2023, value=90, n_answers=400)
    f.indicator_value(s, b, nojd, year=2024, value=60, n_answers=400)
    f.indicator_value(s, b, kont, value=12)
    page = compare(built, a, b)
    summary = one(page, "summary-row")
    th = summary.first("th", scope="row")
    assert "Kommunens nivåer" in th.text
    assert th.first("a").attrs["href"] == "/om-siffrorna#nivaer"
    first, second, ref = summary.all("td")
    assert "2 bra" in first.text
    assert "Bättre än förra perioden" in first.text and "↗" in first.text
    assert "Röd flagga" not in first.text
    assert "1 godkänt, 1 underkänt" in second.text
    assert "Röd flagga" in second.text  # the flag is a word too
    assert "Sämre än förra perioden" in second.text and "↘" in second.text
    assert "ref-col" in ref.classes and not ref.text
    # The summary counts what the rows show: the same levels as the cells.
    _th, cells = row(page, "Nöjda med hemtjänsten")
    assert [one(td, "level-tag").text for td in cells[:2]] == [
        "Bra",
        "Underkänt ⚑",
    ]


def test_a_provider_without_levels_says_so_in_the_summary_row(built) -> None:
    s = built.session
    kont = continuity(s)
    a = f.provider(s, "Ängens omsorg", kommun_code="0160")
    b = f.provider(s, "Bäckens omsorg", kommun_code="0162")  # Danderyd: no levels
    f.indicator_value(s, a, kont, value=9)
    f.indicator_value(s, b, kont, value=12)
    first, second = one(compare(built, a, b), "summary-row").all("td")
    assert "1 bra" in first.text
    assert "Inga nivåer" in second.text


# --- honest references ---


def test_reference_cells_say_what_the_value_is(built) -> None:
    s = built.session
    nojd = f.indicator(s, "nojd", title_sv="Nöjda med hemtjänsten")
    ivo = f.indicator(
        s, "ivo", section=3, title_sv="IVO-beslut med kritik", unit="count", direction="lower",
        source_kind="inspection",
    )  # fmt: skip
    a, b = f.provider(s, "Ängens omsorg"), f.provider(s, "Bäckens omsorg")
    for p in (a, b):
        f.indicator_value(s, p, nojd, value=80, n_answers=40)
        f.indicator_value(s, p, ivo, value=0)
    f.reference_value(s, nojd, 82)  # Kolada's own figure for Täby
    f.reference_value(s, ivo, 0.4, basis="unit_mean")  # a mean of Täby's units
    page = compare(built, a, b)
    head = one(page.first("thead"), "ref-col")
    assert "Täby som jämförelse" in head.text
    assert "Hela" not in head.text  # the column mixes totals and means
    _th, cells = row(page, "Nöjda med hemtjänsten")
    assert one(cells[-1], "ref-label").text == "Hela Täby"
    _th, cells = row(page, "IVO-beslut med kritik")
    label = one(cells[-1], "ref-label")
    assert label.text == "Genomsnitt per utförare i Täby"
    assert "ref-not-official" in label.classes
    assert one(cells[-1], "cell-value").text == "0,4"
    assert "Hela kommunen" not in page.text
    lines = compare_csv(built, a, b)
    assert lines[0][-2] == "Täby som jämförelse"
    ivo_line = next(line for line in lines if line[1] == "IVO-beslut med kritik")
    assert ivo_line[-2] == "0,4 (Genomsnitt per utförare i Täby)"


def test_several_kommuner_name_each_reference_honestly(built) -> None:
    s = built.session
    ivo = f.indicator(s, "ivo", section=3, title_sv="IVO-beslut med kritik", unit="count",
                      direction="lower", source_kind="inspection")  # fmt: skip
    a = f.provider(s, "Ängens omsorg", kommun_code="0160")
    b = f.provider(s, "Bäckens omsorg", kommun_code="0162")
    f.indicator_value(s, a, ivo, value=0)
    f.indicator_value(s, b, ivo, value=1)
    f.reference_value(s, ivo, 0.4, basis="unit_mean")
    f.reference_value(s, ivo, 3, municipality_code="0162", basis="total")
    _th, cells = row(compare(built, a, b), "IVO-beslut med kritik")
    assert "Genomsnitt per utförare i Täby: 0,4" in cells[0].text
    assert "Summa för Danderyd: 3" in cells[1].text
    assert "Kommunen (" not in cells[0].text + cells[1].text


# --- old figures ---


def test_an_older_figure_is_marked_with_its_year(built) -> None:
    s = built.session
    ind = f.indicator(s, "kund", section=4, title_sv="Andel kunder med plan",
                      source_kind="register")  # fmt: skip
    a, b = f.provider(s, "Ängens omsorg"), f.provider(s, "Bäckens omsorg")
    f.indicator_value(s, a, ind, year=2024, value=90)
    f.indicator_value(s, b, ind, year=2022, value=60)
    _th, cells = row(compare(built, a, b), "Andel kunder med plan")
    assert not cells[0].with_class("tag-old")
    assert one(cells[1], "tag-old").text == "Äldre uppgift (2022)"
    assert "gäller 2022" not in cells[1].text  # the mark says the year; no second note
    assert not any("is-best" in td.classes for td in cells)  # years apart: no ranking
    line = compare_csv(built, a, b)[1]
    assert line[5] == "60\u00a0% (Äldre uppgift (2022))"


# --- titles ---


def test_rows_use_the_short_title_with_the_official_one_and_source_in_the_detail(built) -> None:
    s = built.session
    ind = continuity(s)
    a, b = f.provider(s, "Ängens omsorg"), f.provider(s, "Bäckens omsorg")
    f.indicator_value(s, a, ind, value=9)
    f.indicator_value(s, b, ind, value=12)
    th, _cells = row(compare(built, a, b), "Antal personal du möter på 14 dagar")
    more = one(th, "ind-more")
    assert more.first("summary").text.startswith("Om måttet")
    assert "Källans namn: Personalkontinuitet, antal personal" in more.text
    assert "Källa: Socialstyrelsen (register)" in more.text
    printed = one(th, "ind-print")
    assert "Personalkontinuitet" in printed.text and "Källa:" in printed.text


# --- next steps ---


def test_comparison_links_to_the_guide_and_to_omval(built) -> None:
    s = built.session
    f.service_type(s, "hemtjanst", name_sv="Hemtjänst", name_en="Home care")
    ind = continuity(s)
    a, b = f.provider(s, "Ängens omsorg"), f.provider(s, "Bäckens omsorg")
    f.indicator_value(s, a, ind, value=9)
    guide(s)
    page = compare(built, a, b)
    steps = one(page, "next-steps")
    links = {a.text: a.attrs["href"] for a in steps.all("a")}
    assert links["Så väljer du hemtjänst i Täby"] == "/taby/hemtjanst/sa-valjer-du"
    assert links["Har du redan en utförare? Jämför den med de andra"] == "/taby/hemtjanst/omval"
    en = one(compare(built, a, b, lang="/en"), "next-steps")
    assert {a.attrs["href"] for a in en.all("a")} == {
        "/en/taby/hemtjanst/sa-valjer-du",
        "/en/taby/hemtjanst/omval",
    }
    with built.client() as client:  # and the links lead somewhere
        for href in links.values():
            assert client.get(href).status_code == 200


def test_no_guide_no_dead_link_and_no_omval_across_kommuner(built) -> None:
    s = built.session
    ind = continuity(s)
    a = f.provider(s, "Ängens omsorg", kommun_code="0160")
    b = f.provider(s, "Bäckens omsorg", kommun_code="0162")
    f.indicator_value(s, a, ind, value=9)
    guide(s, "0162")  # only Danderyd has written its guide
    steps = one(compare(built, a, b), "next-steps")
    hrefs = [a.attrs["href"] for a in steps.all("a")]
    assert hrefs == ["/danderyd/hemtjanst/sa-valjer-du"]


# --- phones ---


def test_the_table_says_it_scrolls_in_words(built) -> None:
    s = built.session
    ind = continuity(s)
    a, b = f.provider(s, "Ängens omsorg"), f.provider(s, "Bäckens omsorg")
    f.indicator_value(s, a, ind, value=9)
    hint = one(compare(built, a, b), "scroll-hint")
    assert "Svep för att se fler utförare" in hint.text
    assert "aria-hidden" not in hint.attrs


def test_long_words_get_soft_hyphens_and_short_ones_are_left_alone() -> None:
    assert soft_hyphens("förskollärarlegitimation") == "\u00ad".join(
        ["för", "skol", "lä", "rar", "le", "gi", "ti", "ma", "tion"]
    )
    text = "Barn per lärare med förskollärarlegitimation"
    assert soft_hyphens(text).replace("\u00ad", "") == text
    short = "Omsorgspersonal per plats"  # 15 letters fit the first column
    assert len("Omsorgspersonal") <= LONG_WORD and soft_hyphens(short) == short
    assert soft_hyphens("finskspråkig", 10).split("\u00ad") == ["finsk", "språ", "kig"]
    assert soft_hyphens("Stjärnbackeskolan", 10).split("\u00ad") == [
        "Stjärn",
        "backe",
        "sko",
        "lan",
    ]
