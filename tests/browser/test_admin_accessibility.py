"""axe-core finds no WCAG 2.1 A/AA violations on the back-office pages of accounts, signed
in as a kommun administrator, in both languages (issue 12)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlmodel import Session, delete

from app.models import AuditEntry, LoginSession, Membership, User
from app.models.accounts import Role
from tests.support import accounts as acc

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
EMAIL = "axe-admin@taby.se"


@pytest.fixture(scope="module")
def admin(sample_app):
    with Session(sample_app.state.engine) as s:
        user = acc.user(s, EMAIL, role=Role.KOMMUN_ADMIN, kommun_code="0160", name="Axel Admin")
        user_id = user.id
    yield EMAIL
    with Session(sample_app.state.engine) as s:
        for table in (LoginSession, Membership, AuditEntry):
            s.exec(delete(table).where(table.user_id == user_id))  # type: ignore[call-overload,attr-defined]
        s.exec(delete(User).where(User.id == user_id))  # type: ignore[call-overload,arg-type]
        s.commit()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_account_users_and_log_pages_have_no_axe_violations(page, live_url, admin, lang) -> None:
    prefix = "" if lang == "sv" else "/en"
    page.goto(f"{live_url}{prefix}/konto/logga-in")
    page.fill("#email", admin)
    page.fill("#password", acc.PASSWORD)
    page.locator("form.admin-form button[type=submit]").click()
    page.wait_for_url(f"{live_url}{prefix}/konto")
    for path in (
        "/konto",
        "/admin/taby/anvandare",
        "/admin/taby/logg",
        "/admin/taby/webbplatser",
        "/admin/taby/filer",
    ):
        page.goto(f"{live_url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        results = Axe().run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, f"{path}\n" + results.generate_report()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_choice_guide_pages_have_no_axe_violations(page, live_url, admin, lang) -> None:
    """The list of choice guides, the form, and the form refused with its errors shown."""
    prefix = "" if lang == "sv" else "/en"
    page.goto(f"{live_url}{prefix}/konto/logga-in")
    page.fill("#email", admin)
    page.fill("#password", acc.PASSWORD)
    page.locator("form.admin-form button[type=submit]").click()
    page.wait_for_url(f"{live_url}{prefix}/konto")
    for path in ("/admin/taby/valguider", "/admin/taby/valguider/hemtjanst"):
        page.goto(f"{live_url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        results = Axe().run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, f"{path}\n" + results.generate_report()
    # Refused (nothing is saved): the error summary and each error beside its field.
    page.fill("#who_can_choose", "")
    page.fill("#contact_email", "inte en adress")
    page.locator("form.guide-form button[type=submit]").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert summary.locator("a").count() == 2
    assert page.locator("#who_can_choose").get_attribute("aria-invalid") == "true"
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, "refused form\n" + results.generate_report()
