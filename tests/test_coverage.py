"""Who serves my address: app.coverage on constructed data, and the search page's "Vem kan
jag välja där jag bor?" box over the sample data (cases picked from the data at run time)
and on a constructed kommun where nobody works in one area."""

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.coverage import (
    PlaceInOtherKommun,
    PlaceNotFound,
    distance_m,
    resolve_place,
    serving,
)
from app.main import create_app
from app.models import Area, ChoiceGuide, Kommun, PostalCode, Provider, ProviderArea, ServiceType
from app.settings import Settings
from tests.support import factories as f
from tests.support.search import index_database
from tests.test_search_page import Node, cards, get, metres

pytestmark = pytest.mark.search


def postal_code(
    session: Session, code: str, area: Area, lat: float, lon: float, locality: str = "Täby"
) -> PostalCode:
    row = PostalCode(
        code=code,
        kommun_code=area.kommun_code,
        area_id=area.id,
        locality=locality,
        lat=lat,
        lon=lon,
    )
    session.add(row)
    session.flush()
    return row


# --- app.coverage on constructed data -----------------------------------------------------


@pytest.fixture
def town(engine: Engine) -> Iterator[dict]:
    """Täby with two areas, Danderyd with one; home care serving some areas, preschools."""
    with Session(engine) as s:
        centrum = f.area(s, "Centrum", lat=59.4435, lon=18.0700)
        utkant = f.area(s, "Utkanten", lat=59.5000, lon=18.2000)
        danderyd = f.area(s, "Mörby", kommun_code="0162", lat=59.398, lon=18.035)
        postal_code(s, "18330", centrum, 59.4440, 18.0710)
        postal_code(s, "18390", utkant, 59.5010, 18.2010)
        postal_code(s, "18211", danderyd, 59.3980, 18.0350)
        f.service_type(s, "forskola")
        both = f.provider(s, "Överallt Omsorg", areas=[centrum, utkant])
        centre_only = f.provider(s, "Centrumhjälpen", areas=[centrum])
        f.provider(s, "Danderyds Omsorg", kommun_code="0162", areas=[danderyd])
        near = f.provider(s, "Förskolan Nära", service_type_id="forskola", lat=59.4441, lon=18.071)
        far = f.provider(s, "Förskolan Långt", service_type_id="forskola", lat=59.50, lon=18.20)
        nowhere = f.provider(s, "Förskolan Okänd", service_type_id="forskola")
        s.commit()
        yield {
            "session": s,
            "taby": s.get(Kommun, "0160"),
            "danderyd": s.get(Kommun, "0162"),
            "hemtjanst": s.get(ServiceType, "hemtjanst"),
            "forskola": s.get(ServiceType, "forskola"),
            "centrum": centrum,
            "utkant": utkant,
            "both": both,
            "centre_only": centre_only,
            "near": near,
            "far": far,
            "nowhere": nowhere,
        }


def test_a_postal_code_gives_its_area_and_its_own_point(town):
    place = resolve_place(town["session"], town["taby"], postal_code="183 30")
    assert place is not None
    assert place.area.id == town["centrum"].id
    assert (place.lat, place.lon) == (59.4440, 18.0710)
    assert place.postal_code == "18330"
    assert place.label == "183\u00a030 Täby"


def test_a_postal_code_wins_over_an_area(town):
    place = resolve_place(town["session"], town["taby"], postal_code="18390", area_slug="centrum")
    assert place is not None and place.area.id == town["utkant"].id


def test_an_area_alone_is_a_place_at_its_centre(town):
    place = resolve_place(town["session"], town["taby"], area_slug="utkanten")
    assert place is not None
    assert (place.area.id, place.label, place.postal_code) == (town["utkant"].id, "Utkanten", None)


def test_nothing_given_is_no_place(town):
    assert resolve_place(town["session"], town["taby"]) is None


@pytest.mark.parametrize("typed", ["99999", "183", "abcde", "1833O"])
def test_an_unknown_postal_code_is_not_found(town, typed):
    with pytest.raises(PlaceNotFound) as caught:
        resolve_place(town["session"], town["taby"], postal_code=typed)
    assert not isinstance(caught.value, PlaceInOtherKommun)


def test_a_postal_code_of_another_kommun_names_that_kommun(town):
    with pytest.raises(PlaceInOtherKommun) as caught:
        resolve_place(town["session"], town["taby"], postal_code="182 11")
    assert caught.value.kommun.code == "0162"
    assert caught.value.postal_code == "18211"


def test_an_unknown_area_is_not_found(town):
    with pytest.raises(PlaceNotFound):
        resolve_place(town["session"], town["taby"], area_slug="morby")  # Danderyd's, not Täby's


def test_area_based_service_lists_only_those_serving_the_area_by_name(town):
    s, taby, hemtjanst = town["session"], town["taby"], town["hemtjanst"]
    centre = resolve_place(s, taby, area_slug="centrum")
    outer = resolve_place(s, taby, area_slug="utkanten")
    assert centre and outer
    assert [x.provider.name for x in serving(s, taby, hemtjanst, centre)] == [
        "Centrumhjälpen",
        "Överallt Omsorg",
    ]
    assert [x.provider.name for x in serving(s, taby, hemtjanst, outer)] == ["Överallt Omsorg"]


def test_distance_based_service_lists_every_unit_nearest_first(town):
    s, taby = town["session"], town["taby"]
    place = resolve_place(s, taby, postal_code="18330")
    assert place is not None
    found = serving(s, taby, town["forskola"], place)
    assert [x.provider.name for x in found] == [
        "Förskolan Nära",
        "Förskolan Långt",
        "Förskolan Okänd",  # no coordinates: last, with no distance
    ]
    assert found[0].distance_m == pytest.approx(distance_m(59.4440, 18.0710, 59.4441, 18.071))
    assert found[0].distance_m < 100 < found[1].distance_m  # type: ignore[operator]
    assert found[2].distance_m is None


def test_distance_is_the_great_circle_distance():
    # One degree of latitude is about 111 km anywhere.
    assert distance_m(59.0, 18.0, 60.0, 18.0) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(59.4, 18.0, 59.4, 18.0) == 0


# --- the search page over the sample data -------------------------------------------------


@pytest.fixture
def session(sample_app) -> Iterator[Session]:
    with Session(sample_app.state.engine) as s:
        yield s


def _home_care_case(session: Session) -> tuple[Kommun, Provider, PostalCode, PostalCode]:
    """A home-care provider, a postal code in one of its areas and one outside all of them."""
    providers = session.exec(
        select(Provider).where(Provider.service_type_id == "hemtjanst").order_by(Provider.slug)
    ).all()
    for provider in providers:
        served = set(
            session.exec(
                select(ProviderArea.area_id).where(ProviderArea.provider_id == provider.id)
            ).all()
        )
        codes = session.exec(
            select(PostalCode)
            .where(PostalCode.kommun_code == provider.kommun_code)
            .order_by(PostalCode.code)
        ).all()
        inside = next((c for c in codes if c.area_id in served), None)
        outside = next((c for c in codes if c.area_id not in served), None)
        if inside and outside:
            return session.get(Kommun, provider.kommun_code), provider, inside, outside  # type: ignore[return-value]
    pytest.skip("no home-care provider in the sample serves only part of its kommun")


def _heading(doc: Node) -> str:
    return doc.one("h2", "result-count").text


def test_a_postal_code_inside_a_providers_area_lists_it(client, session):
    kommun, provider, inside, _ = _home_care_case(session)
    doc = get(client, f"/{kommun.slug}/hemtjanst", params={"postnummer": inside.code})
    assert provider.slug in {c.slug for c in cards(doc)}


def test_a_postal_code_outside_its_areas_leaves_it_out(client, session):
    kommun, provider, _, outside = _home_care_case(session)
    spaced = f"{outside.code[:3]} {outside.code[3:]}"
    doc = get(client, f"/{kommun.slug}/hemtjanst", params={"postnummer": spaced})
    assert provider.slug not in {c.slug for c in cards(doc)}


def test_the_count_heading_names_the_area_and_equals_the_database(client, session):
    kommun, _, inside, _ = _home_care_case(session)
    place = resolve_place(session, kommun, postal_code=inside.code)
    assert place is not None
    expected = serving(session, kommun, session.get(ServiceType, "hemtjanst"), place)
    doc = get(client, f"/{kommun.slug}/hemtjanst", params={"postnummer": inside.code})
    code = f"{inside.code[:3]} {inside.code[3:]}"
    assert _heading(doc) == (
        f"{len(expected)} utförare arbetar i {place.area.name} ({code} {inside.locality})"
    )
    assert {c.slug for c in cards(doc)} == {x.provider.slug for x in expected}
    # Where you live decides the area, so the area filter is not offered beside it.
    assert not doc.all("input", name="omrade")
    assert "Du ser de utförare som arbetar i" in doc.one("section", "place-box").text


def test_a_kommundel_works_like_a_postal_code(client, session):
    kommun, _, inside, _ = _home_care_case(session)
    area = session.get(Area, inside.area_id)
    expected = serving(
        session,
        kommun,
        session.get(ServiceType, "hemtjanst"),
        resolve_place(session, kommun, area_slug=area.slug),  # type: ignore[arg-type]
    )
    doc = get(client, f"/{kommun.slug}/hemtjanst", params={"fran": area.slug})
    assert _heading(doc) == f"{len(expected)} utförare arbetar i {area.name}"
    assert {c.slug for c in cards(doc)} == {x.provider.slug for x in expected}
    selected = [o for o in doc.one("select", id="fran").all("option") if "selected" in o.attrs]
    assert [o.attrs["value"] for o in selected] == [area.slug]


def test_filters_narrow_the_providers_of_the_area_and_the_heading_says_so(client, session):
    kommun, _, inside, _ = _home_care_case(session)
    doc = get(
        client,
        f"/{kommun.slug}/hemtjanst",
        params={"postnummer": inside.code, "driftsform": "kommunal"},
    )
    shown = cards(doc)
    assert shown and all(c.facts["Driftsform"] == "Kommunal" for c in shown)
    assert _heading(doc).startswith(f"{len(shown)} av utförarna som arbetar i ")


def test_distance_based_services_are_nearest_first_from_a_postal_code(client, session):
    code = session.exec(
        select(PostalCode).where(PostalCode.kommun_code == "0160").order_by(PostalCode.code)
    ).first()
    assert code is not None
    label = f"{code.code[:3]} {code.code[3:]} {code.locality}"
    for service in ("sarskilt-boende", "forskola", "grundskola"):
        doc = get(client, f"/taby/{service}", params={"postnummer": code.code})
        shown = cards(doc)
        distances = [metres(c.facts["Avstånd"]) for c in shown]
        assert distances and distances == sorted(distances), service
        assert all(c.facts["Avstånd"].endswith(f"från {label}") for c in shown)
        assert f"Sorterat efter avstånd från {label}" in doc.one("p", "order-note").text
        options = [o.attrs["value"] for o in doc.one("select", id="sortera").all("option")]
        assert options[0] == "avstand" and "namn" not in options


def test_home_care_does_not_show_office_distances_unless_sorted_by_them(client, session):
    kommun, _, inside, _ = _home_care_case(session)
    doc = get(client, f"/{kommun.slug}/hemtjanst", params={"postnummer": inside.code})
    assert all("Avstånd" not in c.facts for c in cards(doc))
    doc = get(
        client,
        f"/{kommun.slug}/hemtjanst",
        params={"postnummer": inside.code, "sortera": "avstand"},
    )
    distances = [metres(c.facts["Avstånd"]) for c in cards(doc)]
    assert distances and distances == sorted(distances)


def test_a_postal_code_in_another_of_our_kommuner_links_there(client, session):
    other = session.exec(
        select(PostalCode).where(PostalCode.kommun_code == "0187").order_by(PostalCode.code)
    ).first()
    assert other is not None
    doc = get(client, "/taby/hemtjanst", params={"postnummer": other.code})
    message = doc.one("p", id="postnummer-annan-kommun")
    assert "ligger i Vaxholm, inte i Täby" in message.text
    assert message.one("a").attrs["href"] == (
        f"/vaxholm/hemtjanst?postnummer={other.code}#var-bor-du"
    )
    assert "postnummer-annan-kommun" in doc.one("input", id="postnummer").attrs["aria-describedby"]
    # Not an error: the list is Täby's whole list, and nothing is marked invalid.
    assert not doc.all("div", "error-summary")
    assert "aria-invalid" not in doc.one("input", id="postnummer").attrs
    total = len(
        session.exec(
            select(Provider).where(
                Provider.kommun_code == "0160", Provider.service_type_id == "hemtjanst"
            )
        ).all()
    )
    assert _heading(doc) == f"{total} utförare"


def test_an_unknown_postal_code_is_an_error_at_the_field_and_in_a_summary(client):
    doc = get(client, "/taby/hemtjanst", params={"postnummer": "999 99"})
    assert doc.one("title").text.startswith("Fel:")
    summary = doc.one("div", "error-summary")
    link = summary.one("a")
    assert link.attrs["href"] == "#postnummer"
    assert "Vi hittar inte postnumret 999 99 i Täby" in link.text
    field = doc.one("input", id="postnummer")
    assert field.attrs["aria-invalid"] == "true"
    described = field.attrs["aria-describedby"].split()
    assert {"postnummer-hint", "postnummer-fel"} <= set(described)
    assert "Vi hittar inte postnumret 999 99" in doc.one("p", id="postnummer-fel").text
    # The summary comes before the heading, where a screen reader meets it first.
    main = doc.one("main")
    order = [n for n in main.all() if n.tag == "h1" or "error-summary" in n.classes()]
    assert order[0].tag == "div"


def test_the_place_box_asks_with_a_label_and_a_hint(client, session):
    doc = get(client, "/taby/hemtjanst")
    box = doc.one("section", "place-box")
    assert box.one("h2").text == "Vem kan jag välja där jag bor?"
    assert doc.one("label", for_="postnummer").text == "Postnummer"
    hint = doc.one("p", id="postnummer-hint").text
    assert hint.startswith("Fem siffror, till exempel ")
    example = hint.removeprefix("Fem siffror, till exempel ").replace(" ", "")
    code = session.get(PostalCode, example)
    assert code is not None and code.kommun_code == "0160"
    assert doc.one("input", id="postnummer").attrs["form"] == "sok"
    assert doc.one("select", id="fran").attrs["form"] == "sok"


# --- when Meilisearch is down -------------------------------------------------------------


@pytest.fixture
def search_down(sample_settings: Settings) -> Iterator[TestClient]:
    app = create_app(sample_settings.model_copy(update={"meili_url": "http://127.0.0.1:9"}))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_the_sql_listing_honours_coverage(search_down, session):
    kommun, provider, inside, outside = _home_care_case(session)
    place = resolve_place(session, kommun, postal_code=inside.code)
    assert place is not None
    expected = serving(session, kommun, session.get(ServiceType, "hemtjanst"), place)
    doc = get(search_down, f"/{kommun.slug}/hemtjanst", params={"postnummer": inside.code})
    assert "Sökningen fungerar inte just nu" in doc.one("div", "search-notice-warning").text
    assert {c.slug for c in cards(doc)} == {x.provider.slug for x in expected}
    assert _heading(doc).startswith(f"{len(expected)} utförare arbetar i {place.area.name}")
    doc = get(search_down, f"/{kommun.slug}/hemtjanst", params={"postnummer": outside.code})
    assert provider.slug not in {c.slug for c in cards(doc)}


def test_the_sql_listing_orders_by_distance_too(search_down, session):
    code = session.exec(
        select(PostalCode).where(PostalCode.kommun_code == "0160").order_by(PostalCode.code.desc())  # type: ignore[attr-defined]
    ).first()
    assert code is not None
    doc = get(search_down, "/taby/forskola", params={"postnummer": code.code})
    distances = [metres(c.facts["Avstånd"]) for c in cards(doc)]
    assert distances and distances == sorted(distances)
    assert "Sorterat efter avstånd" in doc.one("p", "order-note").text


# --- an area nobody serves (a constructed kommun) -----------------------------------------


@pytest.fixture
def lonely_island(settings: Settings, engine: Engine, meili_client) -> Iterator[TestClient]:
    """Vaxholm with an outer island no home-care provider has chosen to serve."""
    with Session(engine) as s:
        centre = f.area(s, "Vaxholm centrum", kommun_code="0187", lat=59.4025, lon=18.352)
        island = f.area(s, "Ön", kommun_code="0187", lat=59.395, lon=18.40, slug="on")
        postal_code(s, "18530", centre, 59.4030, 18.3520, locality="Vaxholm")
        postal_code(s, "18541", island, 59.3950, 18.4000, locality="Vaxholm")
        f.provider(s, "Vaxholms hemtjänst", kommun_code="0187", areas=[centre])
        s.add(
            ChoiceGuide(
                kommun_code="0187",
                service_type_id="hemtjanst",
                who_can_choose="Du som har fått hemtjänst beviljad.",
                apply_steps=["Ring en biståndshandläggare."],
                contact_name="Socialkontoret",
                contact_phone="08-465 004 98",
                if_no_choice="Kommunens egen hemtjänst.",
                change_steps=["Ring handläggaren."],
                change_takes="Två veckor.",
                updated=date(2026, 6, 1),
            )
        )
        s.commit()
    index_database(meili_client, settings, engine)
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_nobody_serving_the_area_is_explained_with_the_way_forward(lonely_island):
    doc = get(lonely_island, "/vaxholm/hemtjanst", params={"postnummer": "18541"})
    assert _heading(doc) == "Ingen utförare arbetar i Ön (185 41 Vaxholm)"
    assert not cards(doc)
    help_box = doc.one("div", "no-coverage")
    assert "Utförarna väljer själva i vilka delar av kommunen de arbetar" in help_box.text
    assert "ickevalsalternativ" in help_box.text
    links = {a.attrs["href"] for a in help_box.all("a")}
    assert "/vaxholm/hemtjanst/sa-valjer-du#om-du-inte-valjer" in links
    assert "tel:+46846500498" in links
    assert "/vaxholm/hemtjanst" in links  # everyone in the kommun, without the address


def test_the_served_area_next_door_still_lists_its_provider(lonely_island, engine):
    doc = get(lonely_island, "/vaxholm/hemtjanst", params={"postnummer": "18530"})
    with Session(engine) as s:
        slugs = s.exec(select(Provider.slug).where(col(Provider.kommun_code) == "0187")).all()
    assert {c.slug for c in cards(doc)} == set(slugs)
    assert _heading(doc) == "1 utförare arbetar i Vaxholm centrum (185 30 Vaxholm)"
