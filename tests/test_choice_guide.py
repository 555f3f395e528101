"""Så väljer du, `/{kommun}/{tjanst}/sa-valjer-du`: every kommun's own words on who can
choose, how to apply, what happens if you don't choose and how to change, in Swedish and
in English (the kommun's English where it wrote one, its Swedish marked as Swedish where
not), linked from the search page and from every provider page.

Expectations are read from data/sample/choice_guides.csv at run time."""

import csv
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.routing import NoMatchFound

from app.formatting import day
from app.i18n import current_lang
from app.main import create_app
from app.models import ChoiceGuide, Kommun, Provider, ServiceType
from app.settings import Settings
from tests.conftest import DATA_DIR
from tests.support import factories as f
from tests.test_search_page import Node, get

TEXTS = ("who_can_choose", "if_no_choice", "change_takes")
STEPS = ("apply_steps", "change_steps")


def guide_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "choice_guides.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


GUIDES = guide_rows()


@pytest.fixture
def session(sample_app) -> Iterator[Session]:
    with Session(sample_app.state.engine) as s:
        yield s


def url_of(session: Session, row: dict[str, str], lang: str = "sv") -> str:
    kommun = session.get(Kommun, row["kommun_code"])
    assert kommun is not None
    prefix = "/en" if lang == "en" else ""
    return f"{prefix}/{kommun.slug}/{row['service_type']}/sa-valjer-du"


def section(doc: Node, heading_id: str) -> Node:
    return next(s for s in doc.all("section") if s.attrs.get("aria-labelledby") == heading_id)


def steps(node: Node) -> list[str]:
    return [li.text for li in node.one("ol", "guide-steps").all("li")]


def squash(text: str) -> str:
    return " ".join(text.split())


def items(cell: str) -> list[str]:
    return [squash(step) for step in cell.split("|") if step.strip()]


def test_the_sample_has_a_guide_for_every_kommun_and_service(session):
    kommuner = session.exec(select(Kommun.code)).all()
    services = session.exec(select(ServiceType.id)).all()
    assert {(r["kommun_code"], r["service_type"]) for r in GUIDES} == {
        (k, s) for k in kommuner for s in services
    }


@pytest.mark.parametrize(
    "row", GUIDES, ids=[f"{r['kommun_code']}-{r['service_type']}" for r in GUIDES]
)
def test_the_guide_shows_the_kommuns_own_words_in_swedish(client, session, row):
    kommun = session.get(Kommun, row["kommun_code"])
    service = session.get(ServiceType, row["service_type"])
    doc = get(client, url_of(session, row))

    assert doc.one("h1").text == f"Så väljer du {service.name_sv.lower()} i {kommun.name}"
    assert section(doc, "vem-kan-valja").one("p").text == squash(row["who_can_choose"])
    applying = section(doc, "sa-ansoker-du")
    assert steps(applying) == items(row["apply_steps"])
    assert row["apply_url"] in {a.attrs["href"] for a in applying.all("a")}
    contact = {
        r.one("dt").text: r.one("dd") for r in applying.one("dl", "guide-contact").all("div")
    }
    assert contact["Vem"].text == row["contact_name"]
    phone = contact["Telefon"].one("a")
    assert phone.text == row["contact_phone"]
    digits = "".join(c for c in row["contact_phone"] if c.isdigit())
    assert phone.attrs["href"] == "tel:+46" + digits[1:]
    assert contact["E-post"].one("a").attrs["href"] == "mailto:" + row["contact_email"]
    assert contact["När du kan ringa"].text == row["contact_hours"]

    default = section(doc, "om-du-inte-valjer")
    assert default.one("p", "guide-text").text == squash(row["if_no_choice"])
    links = {a.attrs["href"] for a in default.all("a")}
    if row["default_provider_slug"]:
        assert links == {f"/utforare/{row['default_provider_slug']}"}
    else:
        assert not links

    changing = section(doc, "byta")
    assert steps(changing) == items(row["change_steps"])
    assert changing.one("p", "guide-text").text == squash(row["change_takes"])

    # It says whose words these are and how old they are.
    source = doc.one("p", "guide-source").text
    token = current_lang.set("sv")
    try:
        updated = day(date.fromisoformat(row["updated"]))
    finally:
        current_lang.reset(token)
    assert "kommunens egna" in source
    assert f"{kommun.name} uppdaterade dem senast {updated}" in source.replace("\u00a0", " ")
    # Nothing on a Swedish page is marked as another language.
    assert not [n for n in doc.one("main").all() if "lang" in n.attrs]


@pytest.mark.parametrize(
    "row", GUIDES, ids=[f"{r['kommun_code']}-{r['service_type']}" for r in GUIDES]
)
def test_the_guide_in_english_uses_the_kommuns_english_or_marks_its_swedish(client, session, row):
    kommun = session.get(Kommun, row["kommun_code"])
    service = session.get(ServiceType, row["service_type"])
    doc = get(client, url_of(session, row, "en"))
    assert doc.one("html").attrs["lang"] == "en"
    assert service.name_en.lower() in doc.one("h1").text
    assert kommun.name in doc.one("h1").text

    shown = {
        "who_can_choose": section(doc, "vem-kan-valja").one("p"),
        "apply_steps": section(doc, "sa-ansoker-du").one("ol", "guide-steps"),
        "if_no_choice": section(doc, "om-du-inte-valjer").one("p", "guide-text"),
        "change_steps": section(doc, "byta").one("ol", "guide-steps"),
        "change_takes": section(doc, "byta").one("p", "guide-text"),
    }
    untranslated = 0
    for field, node in shown.items():
        english = row[f"{field}_en"]
        expected = english or row[field]
        if field in STEPS:
            assert [li.text for li in node.all("li")] == items(expected), field
        else:
            assert node.text == squash(expected), field
        # WCAG 3.1.2: Swedish text on an English page says it is Swedish.
        assert node.attrs.get("lang") == (None if english else "sv"), field
        untranslated += not english
    contact = section(doc, "sa-ansoker-du").one("dl", "guide-contact")
    name = contact.all("dd")[0].one("span")
    assert name.text == (row["contact_name_en"] or row["contact_name"])
    assert name.attrs.get("lang") == (None if row["contact_name_en"] else "sv")

    notes = doc.all("p", "guide-lang-note")
    assert len(notes) == (1 if untranslated else 0)
    # Links stay in English.
    assert doc.one("section", "guide-cta").one("a", "button").attrs["href"] == (
        f"/en/{kommun.slug}/{service.id}"
    )


def test_the_sample_has_guides_both_with_and_without_english():
    english = {bool(r["who_can_choose_en"]) for r in GUIDES}
    assert english == {True, False}


def test_the_call_to_action_leads_to_the_comparison_and_to_rechoosing(client, sample_app):
    doc = get(client, "/taby/hemtjanst/sa-valjer-du")
    cta = doc.one("section", "guide-cta")
    hrefs = [a.attrs["href"] for a in cta.all("a")]
    assert hrefs[0] == "/taby/hemtjanst"
    assert "/taby/hemtjanst#var-bor-du" in hrefs
    rechoose = [h for h in hrefs if h not in ("/taby/hemtjanst", "/taby/hemtjanst#var-bor-du")]
    try:
        expected = [sample_app.url_path_for("rechoose", kommun_slug="taby", tjanst="hemtjanst")]
    except NoMatchFound:
        expected = []  # no re-choose page yet: no link to one
    assert rechoose == expected


def test_the_steps_are_numbered_lists(client):
    doc = get(client, "/danderyd/grundskola/sa-valjer-du")
    for heading in ("sa-ansoker-du", "byta"):
        assert section(doc, heading).one("ol", "guide-steps").all("li")


@pytest.mark.parametrize(
    "url",
    [
        "/stockholm/hemtjanst/sa-valjer-du",
        "/taby/tandvard/sa-valjer-du",
        "/en/nowhere/forskola/sa-valjer-du",
    ],
)
def test_unknown_kommun_or_service_is_a_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


# --- links to the guide ---------------------------------------------------------------------


def test_every_search_page_links_its_guide(client, session):
    for row in GUIDES:
        guide = url_of(session, row)
        doc = get(client, guide.removesuffix("/sa-valjer-du"))
        assert guide in {a.attrs.get("href") for a in doc.all("a")}, guide


def test_every_provider_page_links_its_kommuns_guide(client, session):
    providers = session.exec(select(Provider).order_by(Provider.slug)).all()
    seen: set[tuple[str, str]] = set()
    for provider in providers:
        key = (provider.kommun_code, provider.service_type_id)
        if key in seen:
            continue
        seen.add(key)
        kommun = session.get(Kommun, provider.kommun_code)
        service = session.get(ServiceType, provider.service_type_id)
        doc = get(client, f"/utforare/{provider.slug}")
        link = doc.one("a", "guide-link")
        assert link.attrs["href"] == f"/{kommun.slug}/{service.id}/sa-valjer-du"
        assert link.text == f"Så väljer du {service.name_sv.lower()} i {kommun.name}"
    assert len(seen) == len(GUIDES)
    english = get(client, f"/en/utforare/{providers[0].slug}")
    assert english.one("a", "guide-link").attrs["href"].startswith("/en/")


# --- a kommun that has written no guide, and a stale default ----------------------------------


@pytest.fixture
def fresh(settings: Settings, engine: Engine) -> Iterator[tuple[TestClient, Engine]]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client, engine
    app.state.engine.dispose()


def test_a_missing_guide_is_a_404_and_no_page_links_to_it(fresh):
    client, engine = fresh
    with Session(engine) as s:
        provider = f.provider(s, "Ängens Omsorg", slug="angens-omsorg")
        s.commit()
        assert s.exec(select(ChoiceGuide)).first() is None
        assert provider.slug == "angens-omsorg"
    response = client.get("/taby/hemtjanst/sa-valjer-du")
    assert response.status_code == 404
    assert "Täby har inte lagt in hur du väljer" in response.text
    provider_page = client.get("/utforare/angens-omsorg")
    assert provider_page.status_code == 200
    assert "sa-valjer-du" not in provider_page.text


def test_a_default_provider_of_another_kommun_or_gone_is_not_linked(fresh):
    client, engine = fresh
    with Session(engine) as s:
        f.kommun(s, "0160")
        f.provider(s, "Danderyds Omsorg", kommun_code="0162", slug="danderyds-omsorg")
        s.add(
            ChoiceGuide(
                kommun_code="0160",
                service_type_id="hemtjanst",
                who_can_choose="Alla med beslut.",
                apply_steps=["Ring."],
                contact_name="Kundval",
                if_no_choice="Kommunens egen hemtjänst.",
                default_provider_slug="danderyds-omsorg",
                change_steps=["Ring igen."],
                change_takes="En vecka.",
                updated=date(2026, 1, 5),
            )
        )
        s.commit()
        assert s.exec(select(Provider).where(col(Provider.slug) == "danderyds-omsorg")).one()
    doc = get(client, "/taby/hemtjanst/sa-valjer-du")
    assert section(doc, "om-du-inte-valjer").one("p").text == "Kommunens egen hemtjänst."
    assert not section(doc, "om-du-inte-valjer").all("a")
    # Without e-mail, hours or a web address the page still reads whole.
    assert not section(doc, "sa-ansoker-du").all("a", "button")
