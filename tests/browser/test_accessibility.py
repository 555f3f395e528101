"""axe-core in Chromium finds no WCAG 2.1 A/AA violations on any page type, in both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlmodel import Session, select

from app.db import make_engine
from app.models import Kommun, Organisation, PostalCode, Provider, ProviderArea

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def paths(sample_settings) -> dict[str, str]:
    """One URL per page type, picked from the loaded sample data."""
    engine = make_engine(sample_settings.database_url)
    with Session(engine) as s:
        kommun = s.exec(select(Kommun).where(Kommun.code == "0160")).one()
        rows = s.exec(
            select(Provider, Organisation)
            .join(Organisation, Organisation.id == Provider.organisation_id)
            .where(Provider.kommun_code == kommun.code, Provider.service_type_id == "hemtjanst")
            .order_by(Provider.slug)
        ).all()
        kommunal = next(p for p, o in rows if o.driftsform == "kommunal")
        # A postal code where the kommunal provider works: the re-choose page with results.
        postal_code = s.exec(
            select(PostalCode.code)
            .join(ProviderArea, ProviderArea.area_id == PostalCode.area_id)
            .where(ProviderArea.provider_id == kommunal.id)
            .order_by(PostalCode.code)
        ).first()
    engine.dispose()
    private = next(p for p, o in rows if o.driftsform == "privat")
    compare_ids = "&".join(f"id={p.slug}" for p, _ in rows[:3])
    tool = f"/{kommun.slug}/hemtjanst"
    return {
        "start": "/",
        "search": f"/{kommun.slug}/hemtjanst",
        "search-empty": f"/{kommun.slug}/hemtjanst?q=zzzxqy",
        "provider-kommunal": f"/utforare/{kommunal.slug}",
        "provider-private": f"/utforare/{private.slug}",
        "compare": f"/jamfor?{compare_ids}",
        "not-found": "/utforare/finns-inte",
        "rechoose": f"{tool}/omval?nuvarande={kommunal.slug}&postnummer={postal_code}&visa=ja",
        "rechoose-errors": f"{tool}/omval?postnummer=99999&visa=ja",
        "priorities": f"{tool}/prioritera?postnummer={postal_code}&m=U21468&vikt-U21468=2"
        "&m=sos-hemtjanst-personalkontinuitet",
        "about-figures": "/om-siffrorna",
        "choice-guide": f"{tool}/sa-valjer-du",
        "search-postal-code": f"{tool}?postnummer={postal_code}",
        "search-postal-code-distance": f"/{kommun.slug}/forskola?postnummer={postal_code}",
        "search-postal-code-error": f"{tool}?postnummer=99999",
        "search-forskola": f"/{kommun.slug}/forskola",
        "search-grundskola": f"/{kommun.slug}/grundskola?arskurs=7",
        "open-data": "/oppna-data",
        "login": "/konto/logga-in",
        "embed-search": f"/embed/{kommun.slug}/hemtjanst",
        "embed-card": f"/embed/utforare/{kommunal.slug}",
        "embed-compare": f"/embed/jamfor?{compare_ids}",
        "widget-builder": f"/widgetar?kommun={kommun.slug}&tjanst=hemtjanst&widget=sok",
        "widget-builder-badge": f"/widgetar?kommun={kommun.slug}&tjanst=hemtjanst&widget=badge",
    }


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(
    "kind",
    [
        "start",
        "search",
        "search-empty",
        "provider-kommunal",
        "provider-private",
        "compare",
        "not-found",
        "rechoose",
        "rechoose-errors",
        "priorities",
        "about-figures",
        "choice-guide",
        "search-postal-code",
        "search-postal-code-distance",
        "search-postal-code-error",
        "search-forskola",
        "search-grundskola",
        "open-data",
        "login",
        "embed-search",
        "embed-card",
        "embed-compare",
        "widget-builder",
        "widget-builder-badge",
    ],
)
def test_no_axe_violations(page, live_url, paths, kind, lang) -> None:
    prefix = "" if lang == "sv" else "/en"
    page.goto(live_url + prefix + paths[kind])
    assert page.locator("html").get_attribute("lang") == lang
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def test_skip_link_moves_focus_to_main(page, live_url, paths) -> None:
    page.goto(live_url + paths["provider-private"])
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main"
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_focus_is_visible(page, live_url, paths) -> None:
    page.goto(live_url + paths["search"])
    for _ in range(4):
        page.keyboard.press("Tab")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.boxShadow]; })()"
    )
    assert style[0] != "none" or style[1] != "none"


@pytest.mark.parametrize("kind", ["rechoose", "priorities", "compare", "provider-private"])
def test_no_axe_violations_with_the_details_open(page, live_url, paths, kind) -> None:
    """The per-provider tables sit in <details>; axe only sees what is open."""
    page.goto(live_url + paths[kind])
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()
