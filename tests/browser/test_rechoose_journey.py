"""A resident who has home care and wonders whether to change, in a real Chromium: from their
provider's page to "Jämför med din nuvarande", their postal code, the verdicts, one
alternative's page, and a side-by-side comparison of the two. Desktop and phone, with
screenshots of each step in test-artifacts/screenshots/ for people to look at; and the
same page without JavaScript."""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from app.models import Provider
from tests.browser.conftest import screenshot
from tests.support.places import taby_home_care_by_postal_code

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Case:
    kommun_slug: str
    current: Provider
    postal_code: str  # '18330'
    alternatives: int  # other providers serving that postal code's area


@pytest.fixture(scope="module")
def case(sample_settings) -> Case:
    """A Täby home-care provider and a postal code it serves with at least two others."""
    for kommun, code, serving in taby_home_care_by_postal_code(sample_settings.database_url):
        if len(serving) >= 3:
            current = serving[len(serving) // 2]
            return Case(kommun.slug, current, code, len(serving) - 1)
    pytest.skip("no Täby postal code served by three home-care providers")


def spaced(code: str) -> str:
    return f"{code[:3]} {code[3:]}"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_resident_compares_their_provider_with_the_others(request, live_url, case, device):
    pg = request.getfixturevalue("page" if device == "desktop" else "phone")
    shot = lambda step: screenshot(pg, f"rechoose-{device}-{step}")  # noqa: E731

    # 1. Their current provider's page.
    pg.goto(f"{live_url}/utforare/{case.current.slug}")
    assert pg.locator("h1").inner_text() == case.current.name
    shot("1-provider")

    # 2. On to re-choose: the provider page's link when it has one, else the same address.
    to_rechoose = pg.locator("main a[href*='/omval']")
    if to_rechoose.count():
        to_rechoose.first.click()
    else:
        pg.goto(f"{live_url}/{case.kommun_slug}/hemtjanst/omval?nuvarande={case.current.slug}")
    assert pg.locator("#nuvarande").input_value() == case.current.slug
    shot("2-form")

    # 3. Their postal code, typed the way people write it.
    pg.get_by_label("Postnummer", exact=True).fill(spaced(case.postal_code))
    pg.get_by_role("button", name="Jämför", exact=True).click()
    pg.wait_for_selector(".alternative")
    alternatives = pg.locator(".alternative")
    assert alternatives.count() == case.alternatives
    assert case.current.name not in [
        alternatives.nth(i).locator("h3").inner_text() for i in range(alternatives.count())
    ]
    first = alternatives.first
    assert first.locator(".verdict-counts li").count() == 4
    assert pg.url.endswith("#resultat")  # the results are in view, not the form again
    shot("3-results")

    # 4. Indicator by indicator for the first alternative.
    first.locator(".alt-details > summary").click()
    table = first.locator("table")
    assert table.is_visible()
    assert table.locator("tbody.verdict-row").count() >= 1
    verdicts = set(table.locator("td.judgement strong").all_inner_texts())
    assert verdicts <= {
        "Tydligt bättre",
        "Tydligt sämre",
        "Går inte att skilja åt",
        "Kan inte jämföras",
    }
    first.scroll_into_view_if_needed()
    shot("4-details")

    # 5. The alternative's own page, added to the comparison.
    name = first.locator("h3").inner_text()
    first.locator("h3 a").click()
    expect(pg.locator("h1")).to_have_text(name)
    toggle = pg.locator("main form.compare-toggle button").first
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    pg.wait_for_selector("main form.compare-toggle button[aria-pressed='true']")
    shot("5-alternative-added")

    # 6. Back to the verdicts; the current provider goes into the comparison too.
    pg.go_back()
    pg.wait_for_selector(".current-box")
    pg.locator(".current-box form.compare-toggle button").click()
    pg.wait_for_selector(".current-box form.compare-toggle button[aria-pressed='true']")
    assert pg.locator(".current-box button").inner_text().startswith("Ta bort från jämförelsen")
    shot("6-current-added")

    # 7. The comparison, side by side.
    pg.locator(".basket-link").click()
    pg.wait_for_load_state()
    # The header link leads to the comparison, or to the basket overview when the server
    # drew it (the script draws it straight to the comparison); both are one step from it.
    if not pg.locator("table.compare-table").count():
        pg.get_by_role("link", name="Jämför de här 2").click()
    pg.wait_for_selector("table.compare-table")
    headers = pg.locator("thead th.provider-col a").all_inner_texts()
    assert sorted(headers) == sorted([name, case.current.name])
    shot("7-comparison")


def test_rechoose_works_without_javascript(no_js_page, live_url, case) -> None:
    pg = no_js_page
    pg.goto(f"{live_url}/{case.kommun_slug}/hemtjanst/omval?nuvarande={case.current.slug}")
    pg.get_by_label("Postnummer", exact=True).fill(case.postal_code)
    pg.get_by_role("button", name="Jämför", exact=True).click()
    # A full page load without JavaScript: wait for it rather than count a half-read page.
    pg.wait_for_url("**postnummer=**")
    expect(pg.locator(".alternative")).to_have_count(case.alternatives)
    first = pg.locator(".alternative").first
    first.locator(".alt-details > summary").click()  # <details> needs no script
    assert first.locator("table").is_visible()
    name = first.locator("h3").inner_text()
    first.locator("form.compare-toggle button").click()
    # A plain form post, and back to the same verdicts.
    expect(pg.locator(".basket-link")).to_contain_text("(1)")
    assert "/omval?" in pg.url
    expect(pg.locator(".alternative")).to_have_count(case.alternatives)
    added = pg.locator(f"#alt-{pg.locator('.alternative').first.get_attribute('id')[4:]}")
    assert added.locator("form.compare-toggle button").get_attribute("aria-pressed") == "true"
    assert name == added.locator("h3").inner_text()
    screenshot(pg, "rechoose-nojs-after-adding")


# --- the kommun's levels, the way to change, and a 375 px phone ---

# Words of the given cells that the browser broke across lines (hyphenated or not), and
# cells whose content overflows them: either makes a column hard to read.
BROKEN_WORDS_JS = """(selector) => {
  const broken = [];
  const shown = (el) => el.getClientRects().length > 0
    && !el.closest('details:not([open]) > :not(summary)');
  for (const cell of document.querySelectorAll(selector)) {
    if (!shown(cell)) continue;
    if (cell.scrollWidth > cell.clientWidth + 1) {
      broken.push('overflow: ' + cell.textContent.trim());
    }
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!shown(node.parentElement)) continue;
      // A word is what lies between spaces and dashes: a line may end after a dash.
      for (const m of node.data.matchAll(/[^\\s\u2013-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        if (new Set(rects.map(r => Math.round(r.top))).size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


def result_url(live_url: str, case: Case) -> str:
    return (
        f"{live_url}/{case.kommun_slug}/hemtjanst/omval"
        f"?nuvarande={case.current.slug}&postnummer={case.postal_code}&visa=ja"
    )


def assert_levels_and_the_way_on(pg) -> None:
    first = pg.locator(".alternative").first
    # The kommun's levels: a word beside the value, the rule one click away.
    tags = first.locator("table td.value .level-tag")
    assert tags.count() >= 1
    assert set(tags.all_inner_texts()) <= {"Bra", "Godkänt", "Underkänt ⚑"}
    assert pg.locator(".alternative .level-summary-line").count() >= 1
    # The result ends with how to change and where to go next.
    change = pg.locator("section.change-how")
    assert change.locator("h2").inner_text().endswith("så gör du")
    assert change.locator("a[href^='/jamfor?id=']").count() == 1
    assert change.locator("a[href*='/prioritera']").count() == 1


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_levels_and_the_way_to_change(request, live_url, case, device) -> None:
    pg = request.getfixturevalue("page" if device == "desktop" else "phone")
    if device == "phone":
        pg.set_viewport_size({"width": 375, "height": 812})
    pg.goto(result_url(live_url, case))
    first = pg.locator(".alternative").first
    first.locator(".alt-details > summary").click()
    assert_levels_and_the_way_on(pg)
    first.locator("table").scroll_into_view_if_needed()
    screenshot(pg, f"rechoose-{device}-levels")
    if device == "phone":
        table = first.locator("table")
        # The first column (and the titles above each row) keep whole words, nothing spills.
        broken = pg.evaluate(
            BROKEN_WORDS_JS,
            ".alternative:first-child table thead th, "
            ".alternative:first-child table .title-row .ind-title, "
            ".alternative:first-child table td.value:first-child",
        )
        assert broken == []
        # Both providers' columns are on screen at once, with no sideways scrolling.
        width = pg.viewport_size["width"]
        for th in table.locator("thead th.value-col").all():
            box = th.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
    change = pg.locator("section.change-how")
    change.scroll_into_view_if_needed()
    screenshot(pg, f"rechoose-{device}-how-to-change")


def test_levels_and_the_way_to_change_without_javascript(no_js_page, live_url, case) -> None:
    pg = no_js_page
    pg.goto(result_url(live_url, case))
    first = pg.locator(".alternative").first
    first.locator(".alt-details > summary").click()
    # The rule behind a level opens without a script.
    rule = first.locator("td.value .level-rule-more").first
    rule.locator("summary").click()
    assert rule.locator(".level-rule").is_visible()
    assert "Godkänt" in rule.locator(".level-rule").inner_text()
    assert_levels_and_the_way_on(pg)
    screenshot(pg, "rechoose-nojs-levels")
