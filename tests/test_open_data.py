"""Open data (issue 11): per kommun and for the country, CSV and JSON with every figure's
provenance, the units as Open Referral HSDS 3.0, and a downloads page saying how fresh
each file is and under which licence."""

import csv
import io
import json
from datetime import date

from sqlmodel import Session

from app.models import Indicator, Provider
from app.models.vocab import Driftsform
from app.opendata.service import FIGURE_COLUMNS
from tests.support import factories as f
from tests.support.html import dom


def open_case(s: Session) -> tuple[Indicator, Provider, Provider, Provider]:
    nojd = f.indicator(s, "U21468", title_sv="Nöjda med hemtjänsten")
    a = f.provider(
        s,
        '=HYPERLINK("https://evil.example")',
        driftsform=Driftsform.PRIVAT,
        street="Storgatan 1",
        postal_code="18330",
        city="Täby",
        lat=59.44,
        lon=18.07,
        languages=["svenska", "finska"],
        phone="08-123 456 78",
        presentation="Vi är **små** och *nära*.\n\n- Samma personal\n- [Läs mer](https://angen.se)",
        origin="kommun",  # real units, not the fictional sample: no sample flag
    )
    b = f.provider(s, "Kommunens hemtjänst", driftsform=Driftsform.KOMMUNAL, origin="kommun")
    other = f.provider(s, "Vaxholms omsorg", kommun_code="0187", origin="kommun")
    f.indicator_value(s, a, nojd, year=2023, value=70, n_answers=40, source="Kolada")
    f.indicator_value(
        s,
        a,
        nojd,
        year=2024,
        value=82.5,
        n_answers=41,
        response_rate=55.5,
        source="Kolada",
        source_ref="https://api.kolada.se/v3/oudata/kpi/U21468/year/2024",
        published=date(2025, 2, 1),
        fetched=date(2025, 3, 4),
    )
    f.indicator_value(s, b, nojd, year=2024, value=None, status="too_few", n_answers=4)
    f.indicator_value(s, other, nojd, year=2024, value=90, n_answers=60, fetched=date(2025, 5, 6))
    return nojd, a, b, other


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_kommun_csv_has_every_figure_with_its_provenance(built) -> None:
    _nojd, a, b, _other = open_case(built.session)
    with built.client() as client:
        r = client.get("/oppna-data/taby/hemtjanst.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    got = rows(r.text)
    assert list(got[0]) == FIGURE_COLUMNS
    assert {g["kommun_code"] for g in got} == {"0160"}  # Vaxholm is not in Täby's file
    latest = next(g for g in got if g["provider_id"] == a.slug and g["year"] == "2024")
    assert latest["value"] == "82.5" and latest["n_answers"] == "41"
    assert latest["response_rate"] == "55.5" and latest["source"] == "Kolada"
    assert latest["source_ref"].startswith("https://api.kolada.se/v3/")
    assert (latest["published"], latest["fetched"]) == ("2025-02-01", "2025-03-04")
    assert latest["provider_name"].startswith("'=")  # no spreadsheet runs it
    suppressed = next(g for g in got if g["provider_id"] == b.slug)
    assert suppressed["status"] == "too_few" and suppressed["value"] == ""
    assert suppressed["driftsform"] == "kommunal"


def test_country_json_covers_every_kommun_and_says_its_licence(built) -> None:
    open_case(built.session)
    with built.client() as client:
        r = client.get("/oppna-data/sverige/hemtjanst.json")
    body = json.loads(r.text)
    assert {x["kommun_code"] for x in body["figures"]} == {"0160", "0187"}
    assert body["meta"]["licence"] == "CC BY 4.0"
    assert any("Kolada" in credit for credit in body["meta"]["attribution"])
    assert body["meta"]["fictional_sample_data"] is False
    assert [i["id"] for i in body["indicators"]] == ["U21468"]


def test_files_of_the_fictional_sample_say_so(client) -> None:
    body = json.loads(client.get("/oppna-data/taby/hemtjanst.json").text)
    assert body["meta"]["fictional_sample_data"] is True
    assert client.get("/oppna-data/taby/hemtjanst/hsds.json").json()["meta"][
        "fictional_sample_data"
    ]


def test_hsds_export_has_the_required_fields_and_links_resolve(built) -> None:
    _nojd, a, _b, _other = open_case(built.session)
    with built.client() as client:
        body = client.get("/oppna-data/taby/hemtjanst/hsds.json").json()
    orgs = {o["id"]: o for o in body["organizations"]}
    services = {x["id"]: x for x in body["services"]}
    locations = {x["id"]: x for x in body["locations"]}
    assert len(services) == 2 and len(orgs) == 2
    for o in orgs.values():
        assert {"id", "name", "description"} <= set(o)
    for x in services.values():
        assert {"id", "name", "status"} <= set(x) and x["organization_id"] in orgs
    for x in locations.values():
        assert {"id", "location_type"} <= set(x)
    for link in body["service_at_locations"]:
        assert link["service_id"] in services and link["location_id"] in locations
    mine = next(x for x in services.values() if x["name"] == a.name)
    assert [lang["name"] for lang in mine["languages"]] == ["svenska", "finska"]
    assert mine["phones"][0]["number"] == "08-123 456 78"
    # HSDS's description is plain text: the presentation's Markdown is not carried over.
    assert mine["description"] == "Vi är små och nära.\n- Samma personal\n- Läs mer"
    assert mine["x_figures"] == [
        {
            "indicator_id": "U21468",
            "year": 2024,
            "period": "2024",
            "status": "ok",
            "value": 82.5,
            "n_answers": 41,
            "response_rate": 55.5,
            "source": "Kolada",
            "source_ref": "https://api.kolada.se/v3/oudata/kpi/U21468/year/2024",
            "published": "2025-02-01",
            "fetched": "2025-03-04",
        }
    ]
    place = next(x for x in locations.values() if x["name"] == a.name)
    assert place["addresses"][0]["postal_code"] == "18330" and place["latitude"] == 59.44
    # The same unit keeps its id from one export to the next.
    with built.client() as client:
        again = client.get("/oppna-data/taby/hemtjanst/hsds.json").json()
    assert [x["id"] for x in again["services"]] == [x["id"] for x in body["services"]]


def test_downloads_page_lists_files_with_their_freshness(built) -> None:
    open_case(built.session)
    with built.client() as client:
        page = dom(client.get("/oppna-data").text)
        missing = client.get("/oppna-data/ingenstans/hemtjanst.csv")
        no_type = client.get("/oppna-data/taby/finns-inte.json")
    table = page.first("table")
    text = " ".join(table.text.split())
    assert "Hela Sverige" in text and "Täby" in text and "Vaxholm" in text
    assert "6 maj 2025" in text  # Vaxholm's (and the country's) newest fetch
    assert "4 mars 2025" in text  # Täby's
    hrefs = [a.attrs.get("href") for a in table.all("a")]
    assert "/oppna-data/taby/hemtjanst.csv" in hrefs
    assert "/oppna-data/sverige/hemtjanst/hsds.json" in hrefs
    assert "CC BY 4.0" in page.text
    assert missing.status_code == 404 and no_type.status_code == 404
