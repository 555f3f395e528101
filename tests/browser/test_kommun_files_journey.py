"""Täby's administrator uploads the kommun's providers file (issue 12): a file with an error
is refused with the file, row and field named; the fixed file is checked, then read in,
and the public page shows it. axe-clean in every state; screenshots in
test-artifacts/screenshots/kommun-files-*.png."""

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.main import create_app
from app.models import ProviderSourceId, Role
from tests.browser.conftest import screenshot, served
from tests.browser.test_accessibility import WCAG_21_AA
from tests.support import accounts as acc
from tests.support import factories as f

pytestmark = pytest.mark.browser
TEMPLATE = Path(__file__).resolve().parents[2] / "data" / "templates" / "providers.csv"
PAGE = "/admin/taby/filer"


@pytest.fixture
def server(built, settings) -> Iterator[tuple[str, str]]:
    s = built.session
    unit = f.provider(s, "Förskolan Exempelgården", service_type_id="forskola", origin="kommun")
    s.add(ProviderSourceId(provider_id=unit.id, source="kommun", external_id="0160:FS-03"))
    s.commit()
    acc.user(s, "admin@taby.se", role=Role.KOMMUN_ADMIN, kommun_code="0160", name="Ali Admin")
    app = create_app(settings)
    with served(app) as url:
        yield url, unit.slug
    app.state.engine.dispose()


def providers_file(path: Path, **cells: str) -> Path:
    """The template with its example row (Täby's FS-03) edited, as Swedish Excel saves it."""
    with TEMPLATE.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    rows[0].update(cells)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def axe_clean(page: Page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def upload(page: Page, path: Path, button: str) -> None:
    page.select_option("#kind", "providers")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_administrator_fixes_a_file_and_reads_it_in(server, page: Page, tmp_path: Path) -> None:
    base, slug = server
    page.goto(f"{base}{PAGE}")  # anonymous: sent to the sign-in page, and back after
    expect(page).to_have_url(f"{base}/konto/logga-in?nasta={PAGE}")
    page.fill("#email", "admin@taby.se")
    page.fill("#password", acc.PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{base}{PAGE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Läs in filer för Täby")
    expect(page.get_by_role("link", name="Läs in filer")).to_have_attribute("aria-current", "page")
    axe_clean(page)

    wrong = providers_file(
        tmp_path / "providers.csv", name="Förskolan Solgläntan", phone="ring oss"
    )
    upload(page, wrong, "Läs in")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("providers.csv lästes inte in")
    expect(alert).to_contain_text("providers.csv, rad 2, fält phone: inte ett telefonnummer")
    expect(page.locator("#kind")).to_have_value("providers")  # the choice is kept
    axe_clean(page)
    screenshot(page, "kommun-files-error")

    fixed = providers_file(
        tmp_path / "providers.csv", name="Förskolan Solgläntan", phone="08-555 123 45"
    )
    upload(page, fixed, "Kontrollera filen")
    status = page.locator(".kf-outcome")
    expect(status).to_contain_text("providers.csv går att läsa in")
    # The unit is changed, not added: nya, ändrade, oförändrade, borttagna.
    expect(status.get_by_role("row", name="Utförare").locator("td")).to_have_text(
        ["0", "1", "0", "0"]
    )
    axe_clean(page)

    upload(page, fixed, "Läs in")
    expect(page.locator(".kf-outcome")).to_contain_text("providers.csv är inläst")
    latest = page.get_by_role("table", name="Senaste inläsningarna, nyaste först")
    expect(latest.get_by_role("row", name="providers.csv")).to_contain_text("Ali Admin")
    axe_clean(page)
    screenshot(page, "kommun-files-done")

    page.goto(f"{base}/utforare/{slug}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Förskolan Solgläntan")


def test_in_english_the_errors_are_in_english(server, page: Page, tmp_path: Path) -> None:
    base, _slug = server
    page.goto(f"{base}/en{PAGE}")
    page.fill("#email", "admin@taby.se")
    page.fill("#password", acc.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/en{PAGE}")
    wrong = providers_file(tmp_path / "providers.csv", phone="ring oss", accepting_new="kanske")
    upload(page, wrong, "Upload")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("providers.csv, row 2, field phone: not a phone number")
    expect(alert).to_contain_text("field accepting_new: write ja/yes or nej/no (got 'kanske')")
    expect(alert.locator("[lang=sv]")).to_have_count(0)
    axe_clean(page)
    screenshot(page, "kommun-files-error-en")
