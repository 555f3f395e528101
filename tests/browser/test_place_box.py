"""The "Vem kan jag välja där jag bor?" box in Chromium: with search as you type the list
follows the address in place, and without JavaScript the same form works as a plain GET."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _postal_code_of(page, live_url: str) -> str:
    """The example under the field is one of the kommun's own postal codes."""
    page.goto(live_url + "/taby/hemtjanst")
    hint = page.locator("#postnummer-hint").inner_text()
    return "".join(c for c in hint if c.isdigit())


def test_a_postal_code_updates_the_list_in_place(page, live_url) -> None:
    code = _postal_code_of(page, live_url)
    page.fill("#postnummer", code)
    page.press("#postnummer", "Enter")
    # A function, not an expression: Playwright would eval() an expression, which our CSP
    # (no 'unsafe-eval') refuses.
    page.wait_for_function(
        "() => document.querySelector('[data-result-count]').textContent.includes('arbetar i')"
    )
    assert f"postnummer={code}" in page.url
    assert page.evaluate("document.activeElement.id") == "postnummer"
    status = page.locator("[data-search-status]").inner_text()
    assert status.split() == page.locator("[data-result-count]").inner_text().split()
    screenshot(page, "place-box-js")


def test_an_unknown_postal_code_is_announced(page, live_url) -> None:
    page.goto(live_url + "/taby/hemtjanst")
    page.fill("#postnummer", "99999")
    page.press("#postnummer", "Enter")
    page.wait_for_selector(".error-summary")
    assert "Vi hittar inte postnumret" in page.locator("[data-search-status]").inner_text()
    assert page.get_attribute("#postnummer", "aria-invalid") == "true"


def test_without_javascript_the_form_still_answers(no_js_page, live_url) -> None:
    no_js_page.goto(live_url + "/taby/forskola")
    no_js_page.select_option("#fran", index=1)
    no_js_page.click(".place-box button[type=submit]")
    no_js_page.wait_for_load_state()
    assert "fran=" in no_js_page.url
    assert "Sorterat efter avstånd" in no_js_page.locator(".order-note").inner_text()
