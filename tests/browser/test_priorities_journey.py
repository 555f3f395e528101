"""A resident ranks home care by what matters to them, in a real Chromium: the kommun's level
beside each value, each provider's level summary, old figures marked; on a desktop, on a
375 px phone and without JavaScript, with screenshots in test-artifacts/screenshots/."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_rechoose_journey import BROKEN_WORDS_JS
from tests.support.places import taby_home_care_by_postal_code

pytestmark = pytest.mark.browser

# Täby has levels for both (data/sample/levels.csv).
MEASURES = ("U21468", "sos-hemtjanst-personalkontinuitet")


@pytest.fixture(scope="module")
def postal_code(sample_settings) -> str:
    """A Täby postal code served by at least two home-care providers."""
    for _kommun, code, serving in taby_home_care_by_postal_code(sample_settings.database_url):
        if len(serving) >= 2:
            return code
    pytest.skip("no Täby postal code served by two home-care providers")


def choose_and_rank(pg, live_url: str, postal_code: str) -> None:
    """The form, filled in as a resident would: two measures, one of them weighted."""
    pg.goto(f"{live_url}/taby/hemtjanst/prioritera")
    for m in MEASURES:
        pg.locator(f"input[name='m'][value='{m}']").check()
    pg.locator(f"select[name='vikt-{MEASURES[0]}']").select_option("2")
    pg.get_by_label("Postnummer", exact=True).fill(postal_code)
    pg.get_by_role("button", name="Visa rangordningen").click()
    pg.wait_for_selector(".ranked")


def assert_levels(pg) -> None:
    first = pg.locator(".ranked").first
    assert first.locator(".place").inner_text().startswith(("Plats", "Delad plats"))
    assert pg.locator(".ranked .level-summary-line").count() >= 1
    assert "Äldre uppgifter:" in pg.locator("p.old-rule").inner_text()
    tags = first.locator("td.value .level-tag")
    assert tags.count() >= 1
    assert set(tags.all_inner_texts()) <= {"Bra", "Godkänt", "Underkänt ⚑"}


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_resident_ranks_by_what_matters(request, live_url, postal_code, device) -> None:
    pg = request.getfixturevalue("page" if device == "desktop" else "phone")
    if device == "phone":
        pg.set_viewport_size({"width": 375, "height": 812})
    choose_and_rank(pg, live_url, postal_code)
    screenshot(pg, f"priorities-{device}-1-ranking")
    first = pg.locator(".ranked").first
    first.locator(".alt-details > summary").click()
    assert_levels(pg)
    first.locator("table").scroll_into_view_if_needed()
    screenshot(pg, f"priorities-{device}-2-points")
    if device == "phone":
        broken = pg.evaluate(
            BROKEN_WORDS_JS,
            ".ranked:first-child table .title-row .ind-title, "
            ".ranked:first-child table td.value, .ranked:first-child .level-summary-line",
        )
        assert broken == []
        assert pg.evaluate("document.documentElement.scrollWidth") <= 375


def test_ranking_works_without_javascript(no_js_page, live_url, postal_code) -> None:
    pg = no_js_page
    choose_and_rank(pg, live_url, postal_code)
    first = pg.locator(".ranked").first
    first.locator(".alt-details > summary").click()
    rule = first.locator("td.value .level-rule-more").first
    rule.locator("summary").click()
    assert rule.locator(".level-rule").is_visible()
    assert_levels(pg)
    screenshot(pg, "priorities-nojs-points")
