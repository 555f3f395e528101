"""The follow-up pages (issue 12) on constructed data, through real HTTP: who may see them
(Täby's administrator only: anyone else gets 404, anonymous the sign-in page), the overview's
cells and arrows in words, the poor-tail filter, the CSV, the levels page with its history
and form (CSRF, validation, audit), and completeness."""

import csv
import io
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.main import create_app
from app.models import AuditEntry, Level, Role
from tests.support import accounts
from tests.support import factories as f
from tests.support.html import dom

TODAY = date.today()
PAGES = [
    "/admin/taby/uppfoljning",
    "/admin/taby/uppfoljning/hemtjanst",
    "/admin/taby/uppfoljning/hemtjanst?under_godkant=1",
    "/admin/taby/uppfoljning/hemtjanst/export.csv",
    "/admin/taby/nivaer",
    "/admin/taby/fullstandighet",
]


def make_client(settings) -> TestClient:
    return TestClient(create_app(settings))


@pytest.fixture
def site(built, settings):
    """Täby's hemtjänst: Ängen (bra, better), Björken (underkänt, worse), Cedern (no levels,
    no contacts); Täby raised its bar for satisfaction from 2024. Danderyd has a unit too."""
    s = built.session
    f.kommun(s, "0160")
    f.kommun(s, "0162")
    nojd = f.indicator(
        s, "nojd", section=5, short_title_sv="Nöjd med hemtjänsten", source_kind="register"
    )
    s.add(
        Level(
            kommun_code="0160",
            indicator_id="nojd",
            valid_from=2000,
            good=90,
            approved=80,
            decided_by="Vård- och omsorgsnämnden",
            decided_on=date(2023, 3, 15),
        )
    )
    s.add(
        Level(
            kommun_code="0160",
            indicator_id="nojd",
            valid_from=2024,
            good=94,
            approved=86,
            decided_by="Vård- och omsorgsnämnden",
            decided_on=date(2023, 11, 22),
        )
    )
    angen = f.provider(
        s,
        "Ängen",
        slug="angen",
        phone="08-1",
        email="a@exempel.se",
        presentation="Hej.",
        presentation_updated=TODAY - timedelta(days=3),
    )
    bjorken = f.provider(s, "Björken", slug="bjorken", driftsform="kommunal")
    cedern = f.provider(s, "Cedern", slug="cedern")
    f.indicator_value(s, angen, nojd, 2023, 70)
    f.indicator_value(s, angen, nojd, 2024, 95)
    f.indicator_value(s, bjorken, nojd, 2023, 90)
    f.indicator_value(s, bjorken, nojd, 2024, 60)
    f.indicator_value(s, cedern, nojd, 2022, 88)
    danderyd_unit = f.provider(s, "Danderyds enhet", slug="danderyd-enhet", kommun_code="0162")
    s.commit()
    client = make_client(settings)
    return s, client, {"angen": angen, "bjorken": bjorken, "cedern": cedern, "d": danderyd_unit}


def signed_in_admin(site, kommun_code: str = "0160"):
    s, client, _units = site
    _user, token = accounts.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code=kommun_code)
    return client, token


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_sign_in(site, path) -> None:
    _s, client, _u = site
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/konto/logga-in?nasta=")


@pytest.mark.parametrize("path", PAGES)
def test_another_kommuns_administrator_gets_404(site, path) -> None:
    client, _token = signed_in_admin(site, "0162")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_a_provider_editor_gets_404(site, path) -> None:
    s, client, units = site
    accounts.sign_in(client, s, role=Role.PROVIDER_EDITOR, provider=units["angen"])
    assert client.get(path).status_code == 404


def test_outsiders_cannot_add_a_level(site) -> None:
    s, client, _units = site
    _user, token = accounts.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0162")
    response = client.post("/admin/taby/nivaer", data=_level_form(token))
    assert response.status_code == 404
    assert s.exec(select(func.count()).select_from(Level)).one() == 2


@pytest.mark.parametrize("path", PAGES)
def test_the_administrator_sees_every_page(site, path) -> None:
    client, _token = signed_in_admin(site)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response.headers.get("cache-control", "") or "private" in (
        response.headers.get("cache-control", "")
    )


def test_unknown_service_or_one_without_units_is_404(site) -> None:
    client, _token = signed_in_admin(site)
    assert client.get("/admin/taby/uppfoljning/rymdresor").status_code == 404
    f.service_type(site[0], "forskola")
    site[0].commit()
    assert client.get("/admin/taby/uppfoljning/forskola").status_code == 404


# --- overview ---------------------------------------------------------------------------


def _rows(html: str) -> dict[str, str]:
    page = dom(html)
    table = page.first("table")
    return {tr.attrs["data-unit"]: tr.text for tr in table.all("tr") if "data-unit" in tr.attrs}


def test_overview_shows_levels_and_arrows_in_words(site) -> None:
    client, _token = signed_in_admin(site)
    html = client.get("/admin/taby/uppfoljning/hemtjanst").text
    page = dom(html)
    table = page.first("table")
    assert table.first("caption").text.strip() == "Alla enheter, i bokstavsordning"
    headers = [th.text.strip() for th in table.first("thead").all("th")]
    assert headers == ["Enhet", "Upplevd kvalitet", "Sammanfattning", "Underkända mått"]
    assert all(th.attrs.get("scope") == "col" for th in table.first("thead").all("th"))
    rows = _rows(html)
    assert list(rows) == ["bjorken", "cedern", "angen"]  # name order, not driftsform
    assert "Bra" in rows["angen"] and "Bättre än förra perioden" in rows["angen"]
    assert "Underkänt" in rows["bjorken"] and "Sämre än förra perioden" in rows["bjorken"]
    assert "Nöjd med hemtjänsten" in rows["bjorken"]
    # Cedern's 88 from 2022 is judged by the bar of 2022 (bra ≥ 90, godkänt ≥ 80).
    assert "Godkänt" in rows["cedern"]
    assert "1 av 3 enheter har något underkänt." in page.text
    assert 'href="/utforare/angen"' in html


def test_poor_tail_filter_works_without_javascript(site) -> None:
    client, _token = signed_in_admin(site)
    page = dom(client.get("/admin/taby/uppfoljning/hemtjanst").text)
    form = page.first("form", method="get")
    box = form.first("input", type="checkbox")
    assert box.attrs["name"] == "under_godkant"
    assert form.first("label", **{"for": box.attrs["id"]})
    html = client.get("/admin/taby/uppfoljning/hemtjanst?under_godkant=1").text
    assert list(_rows(html)) == ["bjorken"]
    assert "Enheter under godkänt" in dom(html).first("caption").text
    assert "export.csv?under_godkant=1" in html


def test_csv_export(site) -> None:
    client, _token = signed_in_admin(site)
    response = client.get("/admin/taby/uppfoljning/hemtjanst/export.csv?under_godkant=1")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert "uppfoljning-taby-hemtjanst-under-godkant.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Enhet"
    assert [r[0] for r in rows[1:]] == ["Björken"]
    assert rows[1][1:3] == ["Underkänt", "Sämre än förra perioden"]


# --- levels -----------------------------------------------------------------------------


def _level_form(token: str, **fields: str) -> dict[str, str]:
    return {
        "csrf": token,
        "indicator_id": "nojd",
        "good": "96",
        "approved": "88",
        "valid_from": str(TODAY.year + 1),
        "decided_by": "Vård- och omsorgsnämnden",
        "decided_on": TODAY.isoformat(),
    } | fields


def test_levels_page_shows_the_history(site) -> None:
    client, _token = signed_in_admin(site)
    page = dom(client.get("/admin/taby/nivaer").text)
    table = page.first("table")
    assert table.first("caption")
    rows = [tr.text for tr in table.first("tbody").all("tr")]
    assert "Från 2024" in rows[0] and "Gäller nu" in rows[0] and "94" in rows[0]
    assert "2023-11-22" in rows[0]
    assert "Sedan tidigare" in rows[1] and "(tidigare)" in rows[1] and "Gäller nu" not in rows[1]
    form = page.first("form", method="post", action="/admin/taby/nivaer")
    assert form.first("input", name="csrf")
    for name in ("good", "approved", "valid_from", "decided_by", "decided_on"):
        field = form.first("input", name=name)
        assert form.first("label", **{"for": field.attrs["id"]})


def test_adding_a_level(site) -> None:
    s, _c, _u = site
    client, token = signed_in_admin(site)
    # A pasted control character is dropped (app.form_text): PostgreSQL refuses NUL.
    decided_by = "Vård-\x00 och\x07 omsorgsnämnden"
    response = client.post(
        "/admin/taby/nivaer",
        data=_level_form(token, good="96", decided_by=decided_by),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/taby/nivaer?sparad=nojd#niva-nojd"
    page = client.get(response.headers["location"]).text
    assert "Den nya nivån är sparad." in page
    assert f"Från {TODAY.year + 1}" in page and "96\u00a0%" in page
    entry = s.exec(select(AuditEntry).where(AuditEntry.action == "level.add")).one()
    assert entry.after["good"] == 96 and entry.kommun_code == "0160"
    assert entry.after["decided_by"] == "Vård- och omsorgsnämnden"


def test_a_refused_level_is_shown_back_with_its_errors(site) -> None:
    s, _c, _u = site
    client, token = signed_in_admin(site)
    response = client.post("/admin/taby/nivaer", data=_level_form(token, good="80"))
    assert response.status_code == 400
    page = dom(response.text)
    summary = page.first("div", role="alert")
    assert "lika med eller högre än nivån för godkänt" in summary.text
    assert summary.first("a").attrs["href"] == "#good"
    good = page.first("input", name="good")
    assert good.attrs["value"] == "80" and good.attrs["aria-invalid"] == "true"
    assert "good-fel" in good.attrs["aria-describedby"]
    assert s.exec(select(func.count()).select_from(Level)).one() == 2


def test_adding_a_level_needs_the_form_token(site) -> None:
    s, _c, _u = site
    client, _token = signed_in_admin(site)
    response = client.post("/admin/taby/nivaer", data=_level_form("fel-token"))
    assert response.status_code == 403
    assert s.exec(select(func.count()).select_from(Level)).one() == 2


def test_text_in_a_level_is_escaped(site) -> None:
    client, token = signed_in_admin(site)
    evil = '<script>alert("x")</script>'
    response = client.post(
        "/admin/taby/nivaer", data=_level_form(token, decided_by=evil), follow_redirects=True
    )
    assert evil not in response.text
    assert "&lt;script&gt;" in response.text


# --- completeness -----------------------------------------------------------------------


def test_completeness_page(site) -> None:
    client, _token = signed_in_admin(site)
    html = client.get("/admin/taby/fullstandighet").text
    rows = _rows(html)
    assert list(rows) == ["bjorken", "cedern"]  # Ängen is complete; Danderyd is not Täby
    assert "Ingen presentation" in rows["bjorken"]
    assert "Telefon saknas, e-post saknas" in rows["bjorken"]
    assert "1 av 1 saknar senaste perioden" in rows["cedern"]
    assert "Senaste uppgift 2022, 2 år efter" in rows["cedern"]
    assert "2 av 3 enheter saknar något." in dom(html).text
