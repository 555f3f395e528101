"""A resident's whole journey in real Chromium: choose kommun and service, search, read a
provider, put three in the comparison, compare them, download the CSV. Screenshots of
each step land in test-artifacts/screenshots/ for people to look at."""

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def add_from_card(page: Page, index: int) -> str:
    card = page.locator(".result-card").nth(index)
    name = card.locator(".card-title a").inner_text()
    card.get_by_role("button", name=re.compile("Lägg till i jämförelsen")).click()
    expect(card.get_by_role("button", name=re.compile("Ta bort från jämförelsen"))).to_be_visible()
    return name


def test_search_read_compare_and_download(page: Page, live_url: str, tmp_path) -> None:
    page.goto(live_url + "/")
    screenshot(page, "journey-01-start")
    page.get_by_label("Kommun").select_option(label="Täby")
    page.get_by_label("Vad vill du jämföra?").select_option(value="hemtjanst")
    page.get_by_role("button", name="Visa utförare").click()
    expect(page).to_have_url(re.compile(r"/taby/hemtjanst$"))
    expect(page.locator("h1")).to_contain_text("Täby")
    screenshot(page, "journey-02-search")

    # Read one provider's page and add it from there.
    first = page.locator(".result-card .card-title a").first
    chosen = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(chosen)
    for heading in (
        "Utföraren presenterar sig själv",
        "Hårda fakta",
        "Kvalitet enligt lagar och förordningar",
        "Basfakta",
        "Upplevd kvalitet",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile("Lägg till i jämförelsen")).first.click()
    expect(page.locator("[data-basket-count]")).to_have_text("(1)")
    screenshot(page, "journey-03-provider")

    # Two more from the result list, without leaving it (JavaScript enhancement).
    page.go_back()
    page.reload()
    names = [chosen, add_from_card(page, 1), add_from_card(page, 2)]
    expect(page.locator("[data-basket-count]")).to_have_text("(3)")

    page.get_by_role("link", name=re.compile("Jämförelse")).click()
    page.get_by_role("link", name=re.compile("Jämför de här 3")).click()
    table = page.locator("table.compare-table")
    expect(table.locator("caption")).to_contain_text("3 utförare")
    headers = table.locator("thead th[scope=col]").all_inner_texts()
    for name in names:
        assert any(name in h for h in headers), (name, headers)
    screenshot(page, "journey-04-compare")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ned som CSV-fil").click()
    path = download_info.value.path()
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads å, ä, ö
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    for name in names:
        assert any(h.startswith(name) for h in header), (name, header)
    shown_rows = table.locator("tbody th[scope=row]").count()
    assert len(rows) - 1 == shown_rows


def test_compare_page_is_readable_on_a_phone(phone: Page, live_url: str) -> None:
    phone.goto(live_url + "/taby/hemtjanst")
    slugs = [
        a.get_attribute("href").rsplit("/", 1)[-1]
        for a in phone.locator(".result-card .card-title a").all()[:3]
    ]
    phone.goto(live_url + "/jamfor?" + "&".join(f"id={s}" for s in slugs))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the table scrolls inside its own region, not the page
    region = phone.get_by_role("region", name=re.compile("Jämförelse av 3 utförare"))
    expect(region).to_be_visible()
    screenshot(phone, "journey-05-compare-phone")


def test_adding_to_the_comparison_works_without_javascript(no_js_page: Page, live_url) -> None:
    no_js_page.goto(live_url + "/taby/hemtjanst")
    link = no_js_page.locator(".result-card .card-title a").first
    link.click()
    no_js_page.get_by_role("button", name=re.compile("Lägg till i jämförelsen")).first.click()
    # The form posted, the server set the cookie and sent us back to the same page.
    expect(no_js_page.locator("[data-basket-count]")).to_have_text("(1)")
    expect(
        no_js_page.get_by_role("button", name=re.compile("Ta bort från jämförelsen")).first
    ).to_be_visible()
