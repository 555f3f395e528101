"""An editor writes the unit's presentation and a comment beside a figure with JavaScript
off; the kommun's administrator reviews and approves them on a desktop; the public page
then shows them as the provider's own words with their date. axe-clean on every page,
screenshots in test-artifacts/screenshots/editor-*.png."""

from collections.abc import Iterator
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.clock import today_in_sweden
from app.formatting import day
from app.main import create_app
from app.models import Role
from tests.browser.conftest import screenshot, served
from tests.browser.test_accessibility import WCAG_21_AA
from tests.support import accounts as acc
from tests.support import factories as f

pytestmark = pytest.mark.browser


@pytest.fixture
def server(built, settings, monkeypatch) -> Iterator[tuple[str, str]]:
    """The app over a fresh database with one Täby unit, an editor and an administrator."""
    s = built.session
    f.kommun(s, "0160")
    indicator = f.indicator(s, "U28532", section=5, short_title_sv="Nöjda kunder")
    unit = f.provider(
        s,
        "Ängens hemtjänst",
        presentation="Gammal text.",
        presentation_updated=date(2024, 1, 10),
    )
    f.indicator_value(s, unit, indicator)
    s.commit()
    acc.user(s, "redaktor@angen.se", role=Role.PROVIDER_EDITOR, provider=unit, name="Eva Redaktör")
    acc.user(s, "admin@taby.se", role=Role.KOMMUN_ADMIN, kommun_code="0160", name="Ali Admin")
    app = create_app(settings)
    with served(app) as url:
        yield url, unit.slug
    app.state.engine.dispose()


def sign_in(page: Page, base: str, email: str, target: str) -> None:
    page.goto(f"{base}{target}")  # anonymous: sent to the sign-in page, and back after
    expect(page).to_have_url(f"{base}/konto/logga-in?nasta={target}")
    page.fill("#email", email)
    page.fill("#password", acc.PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{base}{target}")


def axe_clean(page: Page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def axe_clean_without_js(browser, no_js: Page, form_error: bool = False) -> None:
    """axe needs JavaScript: the no-JS page's URL, with its cookies, in a context that has
    it (the form-error state is made again by posting the same wrong address)."""
    context = browser.new_context(storage_state=no_js.context.storage_state())
    try:
        twin = context.new_page()
        twin.goto(no_js.url)
        if form_error:
            twin.fill("#website", "inte en adress")
            twin.get_by_role("button", name="Skicka till kommunen för granskning").click()
            expect(twin.locator(".error-summary")).to_be_visible()
        axe_clean(twin)
    finally:
        context.close()


def test_editor_submits_and_the_kommun_approves(
    server, browser, no_js_page: Page, page: Page
) -> None:
    base, slug = server
    editor = no_js_page
    sign_in(editor, base, "redaktor@angen.se", f"/utforare/{slug}/redigera")
    axe_clean_without_js(browser, editor)
    editor.fill("#presentation", "Vi är **ett litet team** i Täby.\n\n- Samma personal\n- Kvällar")
    editor.fill("#languages", "svenska, finska")
    editor.fill("#website", "inte en adress")
    editor.get_by_role("button", name="Skicka till kommunen för granskning").click()
    expect(editor.locator(".error-summary")).to_contain_text("Skriv en webbadress")
    axe_clean_without_js(browser, editor, form_error=True)
    screenshot(editor, "editor-form-error")
    editor.fill("#website", "https://angen.se")
    editor.get_by_role("button", name="Skicka till kommunen för granskning").click()
    expect(editor.locator(".edit-status")).to_contain_text("Väntar på granskning")
    axe_clean_without_js(browser, editor)
    screenshot(editor, "editor-pending")

    editor.goto(f"{base}/utforare/{slug}/redigera/kommentarer")
    editor.fill("#kommentar-U28532-text", "Vi har anställt fler sedan mätningen.")
    editor.get_by_role("button", name="Skicka kommentaren för granskning").click()
    expect(editor.locator("#kommentar-U28532")).to_contain_text("Väntar på granskning")
    axe_clean_without_js(browser, editor)
    screenshot(editor, "editor-comment-pending")

    editor.goto(f"{base}/utforare/{slug}")
    expect(editor.locator(".own-words")).to_contain_text("Gammal text.")

    admin = page
    sign_in(admin, base, "admin@taby.se", "/admin/taby/granskning")
    expect(admin.locator("table")).to_contain_text("Ängens hemtjänst")
    axe_clean(admin)
    screenshot(admin, "editor-admin-queue")
    admin.locator(".admin-table a").first.click()
    expect(admin.locator(".review-table")).to_contain_text("Gammal text.")
    axe_clean(admin)
    screenshot(admin, "editor-admin-review")
    admin.get_by_role("button", name="Godkänn och publicera").click()
    expect(admin.locator(".notice-info")).to_contain_text("godkänd")
    admin.locator(".admin-table a").first.click()
    admin.get_by_role("button", name="Godkänn och publicera").click()
    expect(admin.locator("main")).to_contain_text("Inga ändringar väntar")

    admin.goto(f"{base}/utforare/{slug}")
    words = admin.locator(".own-words")
    expect(words.locator("strong")).to_have_text("ett litet team")
    expect(words).to_contain_text(f"Uppdaterad {day(today_in_sweden())}")
    comment = admin.locator("article[data-indicator=U28532] .fig-comment")
    expect(comment).to_contain_text("Utförarens kommentar")
    expect(comment).to_contain_text("Vi har anställt fler sedan mätningen.")
    axe_clean(admin)
    admin.locator("#del-1").scroll_into_view_if_needed()
    screenshot(admin, "editor-public-page")
