"""A resident's way in: the home page's two questions, a postcode to their kommun's list,
and a provider page that opens with the kommun's levels (red flag, trend arrows in words),
on a desktop, a phone and with JavaScript off. Screenshots land in test-artifacts/."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.models import Level, PostalCode, Provider
from app.providers import provider_page
from tests.browser.conftest import SCREENSHOTS, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cases(sample_app) -> dict[str, str]:
    """A Täby postcode, and a Täby hemtjänst provider with a red flag in its summary."""
    with Session(sample_app.state.engine) as s:
        postcode = s.exec(
            select(PostalCode.code)
            .where(PostalCode.kommun_code == "0160")
            .order_by(PostalCode.code)
        ).first()
        levelled = set(s.exec(select(Level.indicator_id).where(Level.kommun_code == "0160")))
        assert levelled, "the sample has levels for Täby"
        flagged = None
        for p in s.exec(
            select(Provider)
            .where(Provider.kommun_code == "0160", Provider.service_type_id == "hemtjanst")
            .order_by(Provider.slug)
        ).all():
            page = provider_page(s, p.slug)
            if page and page.summary.red_flag and page.summary.total.trend:
                flagged = p.slug
                break
    assert postcode and flagged
    return {"postcode": postcode, "flagged": flagged}


def check_home(page: Page) -> None:
    expect(
        page.get_by_role("heading", level=2, name="Vem kan jag välja där jag bor?")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Hur går valet till?")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("Så väljer du hemtjänst")).first
    ).to_be_visible()


def check_summary(page: Page) -> None:
    summary = page.locator("section.provider-summary")
    expect(summary.get_by_role("heading", name="Sammanfattning")).to_be_visible()
    expect(summary.get_by_text("Röd flagga")).to_be_visible()
    expect(summary.locator("table.level-summary")).to_be_visible()
    expect(summary.locator(".change").first).to_contain_text(re.compile("förra perioden"))
    expect(summary.get_by_role("link", name="Hur sammanfattningen räknas")).to_have_attribute(
        "href", "/om-siffrorna#nivaer"
    )


def test_postcode_to_list_to_provider_on_desktop(page: Page, live_url: str, cases) -> None:
    page.goto(live_url + "/")
    check_home(page)
    screenshot(page, "provider-journey-01-home")

    page.get_by_label("Postnummer").fill(cases["postcode"])
    page.locator("form.home-find").get_by_label("Vad söker du?").select_option("hemtjanst")
    page.get_by_role("button", name="Visa vem jag kan välja").click()
    expect(page).to_have_url(re.compile(rf"/taby/hemtjanst\?postnummer={cases['postcode']}"))
    expect(page.locator("h1")).to_contain_text("Täby")

    page.goto(live_url + f"/utforare/{cases['flagged']}")
    check_summary(page)
    # The summary's rule link leads to the stated rule.
    page.get_by_role("link", name="Hur sammanfattningen räknas").click()
    expect(page.locator("#nivaer")).to_be_visible()
    page.goto(live_url + f"/utforare/{cases['flagged']}")
    screenshot(page, "provider-journey-02-provider")
    page.locator("section.provider-summary").screenshot(
        path=str(SCREENSHOTS / "provider-journey-02-summary.png")
    )
    page.locator("article.fig-flagged").first.screenshot(
        path=str(SCREENSHOTS / "provider-journey-02-flagged-figure.png")
    )


def test_an_unknown_postcode_is_explained_on_the_home_page(page: Page, live_url: str) -> None:
    page.goto(live_url + "/")
    page.get_by_label("Postnummer").fill("99999")
    page.get_by_role("button", name="Visa vem jag kan välja").click()
    expect(page.locator(".error-summary")).to_contain_text("Vi hittar inte postnumret")
    expect(page.get_by_label("Postnummer")).to_have_value("99999")
    screenshot(page, "provider-journey-03-home-error")


def test_on_a_phone(phone: Page, live_url: str, cases) -> None:
    phone.goto(live_url + "/")
    check_home(phone)
    screenshot(phone, "provider-journey-phone-home")
    phone.goto(live_url + f"/utforare/{cases['flagged']}")
    check_summary(phone)
    # The summary table fits, or scrolls in its own box: the page itself never does.
    wide = phone.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.closest('.table-scroll'))
            
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    assert wide == []
    phone.locator("section.provider-summary").screenshot(
        path=str(SCREENSHOTS / "provider-journey-phone-summary.png")
    )
    screenshot(phone, "provider-journey-phone-provider")


def test_without_javascript(no_js_page: Page, live_url: str, cases) -> None:
    no_js_page.goto(live_url + "/")
    check_home(no_js_page)
    no_js_page.get_by_label("Postnummer").fill(cases["postcode"])
    no_js_page.get_by_role("button", name="Visa vem jag kan välja").click()
    expect(no_js_page).to_have_url(re.compile(r"/taby/hemtjanst\?postnummer="))
    screenshot(no_js_page, "provider-journey-nojs-home-to-list")
    no_js_page.goto(live_url + f"/utforare/{cases['flagged']}")
    check_summary(no_js_page)
    # The level's rule opens without JS (a <details>).
    rule = no_js_page.locator("article.fig details.level-rule-more").first
    rule.locator("summary").click()
    expect(rule.locator(".level-rule")).to_be_visible()
    screenshot(no_js_page, "provider-journey-nojs-provider")
