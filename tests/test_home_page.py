"""The home page leads with the residents' two questions: who can I choose where I live (a
postcode, which finds the kommun, whichever it is) and how does choosing work (the
kommuns' own guides). Plain GET forms and links: everything works without JavaScript."""

from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session, select

from app.models import ChoiceGuide, Kommun, PostalCode, ServiceType
from tests.support import factories as f
from tests.support.html import dom


def test_the_two_questions_come_first(client) -> None:
    html = client.get("/").text
    page = dom(html)
    main = page.first("main")
    headings = [h.text for h in main.all("h2")]
    assert headings[:2] == ["Vem kan jag välja där jag bor?", "Hur går valet till?"]
    # Before the kommun chooser and the list of kommuner.
    assert html.index("Vem kan jag välja där jag bor?") < html.index('id="valj-kommun"')

    form = main.first("form", class_="home-find")
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == "/hitta"
    postcode = form.first("input", name="postnummer")
    assert postcode.attrs["autocomplete"] == "postal-code"
    assert postcode.attrs["inputmode"] == "numeric"
    assert form.first("label", **{"for": "postnummer"}).text == "Postnummer"
    assert form.first("select", name="tjanst")
    assert form.first("button").text == "Visa vem jag kan välja"


def test_the_guides_are_linked_only_where_the_kommun_wrote_one(client, sample_app) -> None:
    with Session(sample_app.state.engine) as s:
        written = s.exec(select(ChoiceGuide.kommun_code, ChoiceGuide.service_type_id)).all()
        kommuner = {k.code: k for k in s.exec(select(Kommun)).all()}
    assert written
    section = dom(client.get("/").text).first(
        "section", **{"aria-labelledby": "hur-gar-valet-till"}
    )
    hrefs = {a.attrs["href"] for a in section.all("a")}
    assert hrefs == {f"/{kommuner[k].slug}/{st}/sa-valjer-du" for k, st in written}
    for href in hrefs:
        assert client.get(href).status_code == 200
    link = section.all("a")[0]
    assert link.text.startswith("Så väljer du ")
    assert link.first("span", class_="visually-hidden").text.startswith("i ")  # which kommun


def test_a_postcode_takes_the_resident_to_their_kommuns_list(client, sample_app) -> None:
    with Session(sample_app.state.engine) as s:
        codes = {}
        for row in s.exec(select(PostalCode).order_by(PostalCode.code)).all():
            codes.setdefault(row.kommun_code, row)
        kommuner = {k.code: k for k in s.exec(select(Kommun)).all()}
    # Every kommun's postcodes work from the one form: no need to know the kommun first.
    for kommun_code, row in codes.items():
        spaced = f"{row.code[:3]} {row.code[3:]}"
        response = client.get(
            "/hitta", params={"postnummer": spaced, "tjanst": "hemtjanst"}, follow_redirects=False
        )
        assert response.status_code == 303
        target = urlsplit(response.headers["location"])
        assert target.path == f"/{kommuner[kommun_code].slug}/hemtjanst"
        assert parse_qs(target.query) == {"postnummer": [row.code]}
        assert target.fragment == "var-bor-du"

    # The list then answers from that place.
    row = codes["0160"]
    listing = client.get("/hitta", params={"postnummer": row.code, "tjanst": "forskola"})
    assert listing.status_code == 200
    assert str(listing.url).split("#")[0].endswith(f"/taby/forskola?postnummer={row.code}")
    assert row.locality in dom(listing.text).first("section", id="var-bor-du").text


def test_the_english_form_stays_in_english(client, sample_app) -> None:
    with Session(sample_app.state.engine) as s:
        row = s.exec(select(PostalCode).where(PostalCode.kommun_code == "0187")).first()
    assert row is not None
    page = dom(client.get("/en/").text)
    assert page.first("form", class_="home-find").attrs["action"] == "/en/hitta"
    response = client.get(
        "/en/hitta", params={"postnummer": row.code, "tjanst": "grundskola"}, follow_redirects=False
    )
    assert response.headers["location"].startswith("/en/vaxholm/grundskola?")


def test_an_unknown_postcode_comes_back_to_the_form_with_words(client) -> None:
    response = client.get("/hitta", params={"postnummer": "99999", "tjanst": "forskola"})
    assert response.status_code == 200
    page = dom(response.text)
    summary = page.first("div", class_="error-summary")
    assert "Vi hittar inte postnumret 999\u00a099" in summary.text
    assert summary.first("a", href="#postnummer")
    field = page.first("input", id="postnummer")
    assert field.attrs["value"] == "99999"
    assert field.attrs["aria-invalid"] == "true"
    assert "postnummer-fel" in field.attrs["aria-describedby"]
    # The chosen service is kept.
    assert (
        page.first("select", id="tjanst").first("option", value="forskola").attrs.get("selected")
        is not None
    )


def test_an_empty_or_malformed_request_asks_again(client) -> None:
    empty = dom(client.get("/hitta").text)
    assert "Skriv ditt postnummer" in empty.first("div", class_="error-summary").text
    assert "Välj vad du vill jämföra." in empty.first("div", class_="error-summary").text
    odd = client.get("/hitta", params={"postnummer": "<b>12</b>", "tjanst": "x" * 500})
    assert odd.status_code == 200
    assert "<b>12</b>" not in odd.text  # escaped, never markup


def test_a_new_kommun_without_guides_says_whom_to_ask(built) -> None:
    s = built.session
    f.kommun(s, "0160")
    f.service_type(s, "hemtjanst")
    text = (
        dom(built.client().get("/").text)
        .first("section", **{"aria-labelledby": "hur-gar-valet-till"})
        .text
    )
    assert "Kontakta din kommun" in text
    assert s.exec(select(ServiceType)).first() is not None
