"""Täby's administrator writes the choice guide for hemtjänst (issue 12): from the list where
it is missing, through a first try refused with its errors listed and beside each field,
to the saved guide on the public "Så väljer du" page in Swedish and English; the form also
on a 375 px phone. axe-clean throughout; screenshots in
test-artifacts/screenshots/choice-guide-*.png."""

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.main import create_app
from app.models import Role
from tests.browser.conftest import screenshot, served
from tests.browser.test_accessibility import WCAG_21_AA
from tests.support import accounts as acc
from tests.support import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def server(built, settings) -> Iterator[str]:
    s = built.session
    f.kommun(s, "0160")
    f.service_type(s, "hemtjanst", name_sv="Hemtjänst", name_en="Home care")
    f.provider(s, "Ängens hemtjänst", slug="angens-hemtjanst", driftsform="kommunal")
    f.provider(s, "Björkens omsorg", slug="bjorkens-omsorg")
    s.commit()
    acc.user(s, "admin@taby.se", role=Role.KOMMUN_ADMIN, kommun_code="0160", name="Ali Admin")
    app = create_app(settings)
    with served(app) as url:
        yield url
    app.state.engine.dispose()


def sign_in(page: Page, base: str, target: str) -> None:
    page.goto(f"{base}{target}")  # anonymous: sent to the sign-in page, and back after
    page.fill("#email", "admin@taby.se")
    page.fill("#password", acc.PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{base}{target}")


def axe_clean(page: Page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def test_administrator_writes_the_choice_guide(server: str, page: Page) -> None:
    base = server
    sign_in(page, base, "/admin/taby/valguider")
    expect(page.get_by_role("heading", level=1)).to_have_text("Valguider i Täby")
    row = page.locator("tr", has_text="Hemtjänst")
    expect(row).to_contain_text("Saknas")
    axe_clean(page)
    row.get_by_role("link", name="Skriv valguiden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Valguide för hemtjänst i Täby")

    page.get_by_label("Vem kan välja", exact=True).fill(
        "Du som har fått hemtjänst beviljad väljer själv vem som ska hjälpa dig."
    )
    page.get_by_label("Så ansöker du, steg för steg", exact=True).fill(
        "Ring en biståndshandläggare.\nHandläggaren fattar ett beslut.\nDu väljer utförare."
    )
    page.get_by_label("Vem man kan kontakta", exact=True).fill("Kundvalskontoret")
    page.get_by_label("E-post (valfritt)", exact=True).fill("kundval@taby")  # no domain
    page.get_by_label("Om man inte väljer (ickevalsalternativ)", exact=True).fill(
        "Om du inte väljer får du hjälp av Ängens hemtjänst, kommunens egen."
    )
    page.get_by_label("Så byter man, steg för steg", exact=True).fill(
        "Ring din handläggare och säg vilken utförare du vill ha."
    )
    page.get_by_role("button", name="Spara valguiden").click()

    # Refused: the two errors listed at the top, each beside its field; nothing is lost.
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Skriv en e-postadress, till exempel namn@exempel.se.",
            "Skriv hur lång tid ett byte tar.",
        ]
    )
    expect(page.locator("#change_takes-fel")).to_contain_text("Skriv hur lång tid ett byte tar.")
    expect(page.get_by_label("Vem man kan kontakta", exact=True)).to_have_value("Kundvalskontoret")
    expect(page).to_have_title("Fel: Valguide för hemtjänst i Täby – Välfärdsjämföraren")
    axe_clean(page)
    screenshot(page, "choice-guide-refused-desktop")

    summary.get_by_role("link", name="Skriv hur lång tid ett byte tar.").click()
    expect(page).to_have_url(f"{base}/admin/taby/valguider/hemtjanst#change_takes")
    page.get_by_label("Hur lång tid ett byte tar", exact=True).fill("Bytet sker inom 14 dagar.")
    page.get_by_label("E-post (valfritt)", exact=True).fill("kundval@taby.se")
    page.get_by_label("Vem kan välja, på engelska (valfritt)", exact=True).fill(
        "If you have been granted home care, you choose who helps you."
    )
    page.get_by_label("Enhet man får om man inte väljer (valfritt)").select_option(
        label="Ängens hemtjänst"
    )
    page.get_by_role("button", name="Spara valguiden").click()

    expect(page).to_have_url(f"{base}/admin/taby/valguider?sparad=hemtjanst")
    expect(page.locator(".notice-info")).to_contain_text("Valguiden för hemtjänst är sparad.")
    expect(page.locator("tr", has_text="Hemtjänst")).not_to_contain_text("Saknas")
    axe_clean(page)
    screenshot(page, "choice-guide-saved-desktop")

    page.locator(".notice-info").get_by_role("link", name="Se den publika sidan").click()
    expect(page).to_have_url(f"{base}/taby/hemtjanst/sa-valjer-du")
    expect(page.locator("#vem-kan-valja + p")).to_have_text(
        "Du som har fått hemtjänst beviljad väljer själv vem som ska hjälpa dig."
    )
    steps = page.locator("section[aria-labelledby=sa-ansoker-du] ol.guide-steps li")
    expect(steps).to_have_text(
        ["Ring en biståndshandläggare.", "Handläggaren fattar ett beslut.", "Du väljer utförare."]
    )
    expect(page.get_by_role("link", name="Läs om Ängens hemtjänst")).to_have_attribute(
        "href", "/utforare/angens-hemtjanst"
    )
    screenshot(page, "choice-guide-public-sv")

    page.goto(f"{base}/en/taby/hemtjanst/sa-valjer-du")
    expect(page.locator("#vem-kan-valja + p")).to_have_text(
        "If you have been granted home care, you choose who helps you."
    )
    # The steps have no English: shown in Swedish, marked as Swedish.
    expect(page.locator("section[aria-labelledby=sa-ansoker-du] ol.guide-steps")).to_have_attribute(
        "lang", "sv"
    )
    axe_clean(page)

    page.goto(f"{base}/admin/taby/logg")
    expect(page.locator("table")).to_contain_text("choice_guide.create")


def test_the_form_fits_a_phone(server: str, phone: Page) -> None:
    sign_in(phone, server, "/admin/taby/valguider/hemtjanst")
    phone.get_by_role("button", name="Spara valguiden").click()  # empty: every error shows
    expect(phone.get_by_role("alert").get_by_role("link")).to_have_count(6)
    axe_clean(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the form is {width} px wide"
    screenshot(phone, "choice-guide-refused-phone")
