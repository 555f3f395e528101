"""A resident who has home care and wonders whether to change, in a real Chromium: from their
provider's page to "Jämför med din nuvarande", their postal code, the verdicts, one
alternative's page, and a side-by-side comparison of the two. Desktop and phone, with
screenshots of each step in test-artifacts/screenshots/ for people to look at; and the
same page without JavaScript."""

from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from app.db import make_engine
from app.models import Kommun, PostalCode, Provider, ProviderArea
from tests.browser.conftest import screenshot

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
    engine = make_engine(sample_settings.database_url)
    try:
        with Session(engine) as s:
            kommun = s.exec(select(Kommun).where(Kommun.code == "0160")).one()
            for pc in s.exec(
                select(PostalCode)
                .where(PostalCode.kommun_code == kommun.code)
                .order_by(PostalCode.code)
            ).all():
                serving = s.exec(
                    select(Provider)
                    .join(ProviderArea, ProviderArea.provider_id == Provider.id)
                    .where(ProviderArea.area_id == pc.area_id)
                    .where(Provider.service_type_id == "hemtjanst")
                    .order_by(Provider.slug)
                ).all()
                if len(serving) >= 3:
                    current = serving[len(serving) // 2]
                    s.expunge(current)
                    return Case(kommun.slug, current, pc.code, len(serving) - 1)
    finally:
        engine.dispose()
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
    first.locator("summary").click()
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
    assert pg.locator("h1").inner_text() == name
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
    assert pg.locator(".alternative").count() == case.alternatives
    first = pg.locator(".alternative").first
    first.locator("summary").click()  # <details> needs no script
    assert first.locator("table").is_visible()
    name = first.locator("h3").inner_text()
    first.locator("form.compare-toggle button").click()
    # A plain form post, and back to the same verdicts.
    assert "/omval?" in pg.url
    assert pg.locator(".basket-link").inner_text().strip().endswith("(1)")
    assert pg.locator(".alternative").count() == case.alternatives
    added = pg.locator(f"#alt-{pg.locator('.alternative').first.get_attribute('id')[4:]}")
    assert added.locator("form.compare-toggle button").get_attribute("aria-pressed") == "true"
    assert name == added.locator("h3").inner_text()
    screenshot(pg, "rechoose-nojs-after-adding")
