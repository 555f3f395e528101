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
    page.get_by_label("Kommun", exact=True).select_option(label="Täby")
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
    # Without the soft hyphens long names carry for phones.
    headers = [
        h.replace("\u00ad", "") for h in table.locator("thead th[scope=col]").all_inner_texts()
    ]
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
    shown_rows = table.locator("tbody:not(.summary-body) th[scope=row]").count()
    assert len(rows) - 1 == shown_rows


def taby_comparison(page: Page, live_url: str, service: str = "hemtjanst", count: int = 3) -> str:
    """The address of a comparison of Täby's first `count` providers of `service` (Täby has
    decided levels and written its guides in the sample data)."""
    page.goto(f"{live_url}/taby/{service}")
    slugs = [
        a.get_attribute("href").rsplit("/", 1)[-1]
        for a in page.locator(".result-card .card-title a").all()[:count]
    ]
    return live_url + "/jamfor?" + "&".join(f"id={s}" for s in slugs)


# For every word of the row headers that spans more than one line: does it hold a soft
# hyphen (so the break shows a hyphen)? A word broken anywhere else is a failure.
BROKEN_WORDS = r"""() => {
  const broken = [];
  for (const el of document.querySelectorAll(
      'table.compare-table th[scope=row] .ind-title, table.compare-table th.corner')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\S+/g;
      for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1 && !m[0].includes('\u00ad')) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


# Grundskola has the widest values ("237,2 poäng") and longest words of the sample.
@pytest.mark.parametrize("service", ["hemtjanst", "grundskola"])
def test_compare_page_is_readable_on_a_phone(phone: Page, live_url: str, service: str) -> None:
    phone.set_viewport_size({"width": 375, "height": 812})
    phone.goto(taby_comparison(phone, live_url, service))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # the table scrolls inside its own region, not the page
    region = phone.get_by_role("region", name=re.compile("Jämförelse av 3"))
    expect(region).to_be_visible()
    screenshot(phone, f"journey-05-compare-phone-{service}")
    # An obvious way to see the rest, in words.
    expect(phone.locator(".scroll-hint")).to_contain_text("Svep för att se fler")
    # The first column is readable: no word broken without a hyphen ...
    assert phone.evaluate(BROKEN_WORDS) == []
    # ... and it stays put while at least two providers are in view beside it.
    view = region.bounding_box()
    assert view is not None and view["x"] + view["width"] <= 375
    providers = phone.locator("table.compare-table thead th.provider-col")
    for i in range(2):
        box = providers.nth(i).bounding_box()
        assert box is not None, i
        assert view["x"] <= box["x"] and box["x"] + box["width"] <= view["x"] + view["width"], (
            i,
            box,
            view,
        )
    # The kommun's level and the summary are shown on the phone too.
    expect(phone.locator("table.compare-table .level-tag").first).to_be_visible()
    expect(phone.locator("tr.summary-row")).to_be_visible()
    # Scrolled sideways, the row headers are still there.
    region.evaluate("el => el.scrollLeft = el.scrollWidth")
    first = phone.locator("table.compare-table tbody th[scope=row]").first
    box = first.bounding_box()
    assert box is not None and box["x"] < 40
    screenshot(phone, f"journey-05b-compare-phone-{service}-scrolled")


def test_compare_page_shows_levels_summary_references_and_next_steps(
    page: Page, live_url: str
) -> None:
    page.goto(taby_comparison(page, live_url))
    table = page.locator("table.compare-table")
    expect(table.locator("tr.summary-row th")).to_contain_text("Kommunens nivåer")
    expect(table.locator("td .level-tag").first).to_be_visible()
    # The rule on demand: a click on "Kommunens nivå" opens it.
    rule = table.locator("td details.level-rule-more").first
    rule.locator("summary").click()
    expect(rule.locator(".level-rule")).to_be_visible()
    expect(table.locator("thead th.ref-col")).to_contain_text("Täby som jämförelse")
    expect(table.locator("thead th.ref-col")).not_to_contain_text("Hela")
    expect(page.get_by_role("link", name=re.compile("Så väljer du"))).to_have_attribute(
        "href", "/taby/hemtjanst/sa-valjer-du"
    )
    screenshot(page, "journey-06-compare-levels-desktop")
    page.emulate_media(media="print")
    screenshot(page, "journey-06b-compare-print")


def test_compare_page_works_without_javascript(no_js_page: Page, live_url: str) -> None:
    no_js_page.goto(taby_comparison(no_js_page, live_url))
    table = no_js_page.locator("table.compare-table")
    expect(table.locator("td .level-tag").first).to_be_visible()
    rule = table.locator("td details.level-rule-more").first
    rule.locator("summary").click()  # <details> opens without any script
    expect(rule.locator(".level-rule")).to_be_visible()
    more = table.locator("th details.ind-more").first
    more.locator("summary").click()
    expect(more).to_contain_text("Källa:")
    expect(no_js_page.locator("section.next-steps")).to_be_visible()
    screenshot(no_js_page, "journey-07-compare-no-js")


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
