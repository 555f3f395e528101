"""Skolverket: schools arrive with address, coordinates and huvudman; statistics and
Skolenkäten arrive as figures with provenance; re-runs change nothing; faults change nothing.

Responses are Skolverket's own documented examples (tests/fixtures/skolverket/, see
PROVENANCE.md), served by respx; `documented-shape_v4_*` files (anpassad grundskola, SALSA)
are built to the shape the v4 OpenAPI documents, since no example of them was published.
Where a test needs a response that was not recorded for that school, it says so and derives
it in code; the files are never changed.
"""

import copy
import json
from datetime import date
from pathlib import Path

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.main import create_app
from app.models import (
    Indicator,
    IndicatorValue,
    Kommun,
    Organisation,
    Provider,
    ProviderSourceId,
    ReferenceValue,
)
from app.settings import Settings
from ingest.errors import IngestFailed
from ingest.external import NoSteps
from ingest.http import RetryPolicy
from ingest.skolverket import ingest_skolverket, list_school_units, skolverket_client
from tests.support import factories
from tests.support.snapshot import database_snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "skolverket"
BASE = "https://api.skolverket.se/planned-educations/v4"
TODAY = date(2025, 3, 15)
ABISKO = "76026322"  # Abisko skola, Kiruna (2584): the recorded detail response
ADOLF_FREDRIK = "99648792"  # the recorded grundskola statistics and surveys

LIST = f"{BASE}/school-units"
DETAIL = f"{BASE}/school-units/{ABISKO}"
STATS = f"{DETAIL}/statistics/gr"
CUSTODIANS = f"{DETAIL}/surveys/custodiansgr"
PUPILS = f"{DETAIL}/surveys/pupilsgr"
NATIONAL = f"{BASE}/statistics/national-values/gr"
NATIONAL_GRAN = f"{BASE}/statistics/national-values/gran"
STATS_GRAN = f"{DETAIL}/statistics/gran"
CUSTODIANS_GRAN = f"{DETAIL}/surveys/custodiansgran"
SALSA = f"{BASE}/statistics/all-schools/salsa"
GR = {"code": "gr", "displayName": "Grundskolan", "schoolYears": [str(y) for y in range(1, 10)]}
GRAN = {"code": "gran", "displayName": "Anpassade grundskolan", "schoolYears": ["1", "9"]}


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / f"v4_{name}.json").read_text(encoding="utf-8"))


def documented(name: str) -> dict:
    return json.loads((FIXTURES / f"documented-shape_v4_{name}.json").read_text(encoding="utf-8"))


def only_page(listing: dict) -> dict:
    """The real first page, told it is the only one (the recording says 363 pages)."""
    listing = copy.deepcopy(listing)
    listing["body"]["page"]["totalPages"] = 1
    return listing


def for_abisko(response: dict) -> dict:
    """Adolf Fredrik's recorded statistics/surveys, served as Abisko's: no grundskola
    statistics were recorded for the one school whose detail response was recorded."""
    text = json.dumps(response).replace(ADOLF_FREDRIK, ABISKO)
    return json.loads(text)


def detail_with(**fields) -> dict:
    detail = recorded(f"school-units_{ABISKO}")
    detail["body"].update(fields)
    return detail


@pytest.fixture
def api():
    with respx.mock(assert_all_called=False) as mock:
        # Specific paths first: a pattern without a query matches any query.
        mock.get(STATS, name="stats").respond(
            json=for_abisko(recorded(f"school-units_{ADOLF_FREDRIK}_statistics_gr"))
        )
        mock.get(CUSTODIANS, name="custodians").respond(
            json=for_abisko(recorded(f"school-units_{ADOLF_FREDRIK}_surveys_custodiansgr"))
        )
        mock.get(PUPILS, name="pupils").respond(
            json=for_abisko(recorded(f"school-units_{ADOLF_FREDRIK}_surveys_pupilsgr"))
        )
        mock.get(DETAIL, name="detail").respond(json=recorded(f"school-units_{ABISKO}"))
        mock.get(STATS_GRAN, name="stats_gran").respond(
            json=documented(f"school-units_{ABISKO}_statistics_gran")
        )
        mock.get(CUSTODIANS_GRAN, name="custodians_gran").respond(
            json=documented(f"school-units_{ABISKO}_surveys_custodiansgran")
        )
        mock.get(NATIONAL, name="national").respond(json=recorded("statistics_national-values_gr"))
        mock.get(NATIONAL_GRAN, name="national_gran").respond(
            json=documented("statistics_national-values_gran")
        )
        mock.get(SALSA, name="salsa").respond(json=documented("statistics_all-schools_salsa"))
        mock.get(LIST, name="list").respond(json=only_page(recorded("school-units_page0_size20")))
        yield mock


@pytest.fixture
def settings(settings: Settings, engine) -> Settings:
    with Session(engine) as s:
        factories.kommun(s, "2584", "Kiruna")
        s.commit()
    return settings.model_copy(update={"skolverket_base_url": BASE})


def run(settings: Settings, **kwargs):
    http = kwargs.pop("http", None) or skolverket_client(
        settings, policy=RetryPolicy(sleep=lambda _s: None)
    )
    return ingest_skolverket(
        settings,
        "2584",
        http=http,
        reindex=kwargs.pop("reindex", False),
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def school(session: Session) -> Provider:
    return session.exec(
        select(Provider)
        .join(ProviderSourceId, ProviderSourceId.provider_id == Provider.id)
        .where(ProviderSourceId.source == "skolverket", ProviderSourceId.external_id == ABISKO)
    ).one()


def values(session: Session, indicator: str) -> dict[int, IndicatorValue]:
    rows = session.exec(
        select(IndicatorValue).where(
            IndicatorValue.provider_id == school(session).id,
            IndicatorValue.indicator_id == indicator,
        )
    ).all()
    return {v.year: v for v in rows}


def test_a_school_arrives_with_address_coordinates_contact_and_huvudman(settings, engine, api):
    result = run(settings)

    with Session(engine) as s:
        p = school(s)
        assert (p.name, p.slug, p.service_type_id, p.kommun_code, p.origin) == (
            "Abisko skola",
            "abisko-skola-kiruna",
            "grundskola",
            "2584",
            "skolverket",
        )
        assert (p.street, p.postal_code, p.city) == ("Kalle Jons väg 1", "98107", "Abisko")
        assert (p.lat, p.lon) == (68.350260419001, 18.832200408367452)
        assert (p.phone, p.website) == (
            "0980-70306",
            "https://kiruna.se/utbildning--barnomsorg/grundskola/grundskolor.html",
        )
        org = s.get(Organisation, p.organisation_id)
        assert (org.name, org.org_nr, org.driftsform) == (
            "KIRUNA KOMMUN",
            "212000-2783",
            "kommunal",
        )
    assert result.total.created > 0


def test_statistics_become_figures_with_the_school_year_as_period(settings, engine, api):
    run(settings)
    with Session(engine) as s:
        teachers = values(s, "certifiedTeachersQuota")
        latest = teachers[2025]
        assert (latest.value, latest.period, latest.status) == (89.6, "2024/25", "ok")
        assert (latest.source, latest.source_ref) == ("Skolverket", STATS)
        assert (latest.published, latest.fetched, latest.revised) == (None, TODAY, False)
        assert sorted(teachers) == [2021, 2022, 2023, 2024, 2025]
        assert values(s, "averageGradesMeritRating9thGrade")[2024].value == 288.5
        assert values(s, "studentsPerTeacherQuota")[2021].value == 16.0
        pupils = values(s, "totalNumberOfPupils")[2025]
        assert pupils.value == 1110  # "cirka 1110"
        assert school(s).capacity == 1110


def test_suppressed_and_missing_statistics_are_stored_without_a_number(settings, engine, api):
    # The recorded förskoleklass statistics of Abisko: the same shape, with withheld and
    # missing entries (served for the grundskola request).
    api.routes["stats"].respond(json=recorded(f"school-units_{ABISKO}_statistics_fsk"))

    run(settings)

    with Session(engine) as s:
        teachers = values(s, "certifiedTeachersQuota")
        assert (teachers[2025].value, teachers[2025].status) == (None, "too_few")
        assert (teachers[2024].value, teachers[2024].status) == (100.0, "ok")
        assert (teachers[2022].value, teachers[2022].status) == (None, "missing")
        assert values(s, "totalNumberOfPupils") == {}  # MISSING without a period


def test_skolenkaten_answers_with_counts_and_response_rate(settings, engine, api):
    run(settings)
    with Session(engine) as s:
        guardians = values(s, "custodiansgr.satisfactionAverage")[2024]
        assert (guardians.value, guardians.period, guardians.n_answers) == (7.6, "VT24", 200)
        assert guardians.response_rate is None  # guardians' survey gives no group size
        assert guardians.source_ref == CUSTODIANS
        # Two year groups (159 + 159 answers of 180 + 190), one average over everyone.
        safe = values(s, "pupilsgr.securityAverage")[2024]
        assert (safe.value, safe.n_answers, safe.response_rate) == (8.25, 318, 85.9)


def test_withheld_survey_answers_are_too_few_without_a_number(settings, engine, api):
    # The recorded förskoleklass guardians' survey of Abisko: no answers, every figure "-".
    api.routes["custodians"].respond(json=recorded(f"school-units_{ABISKO}_surveys_custodiansfsk"))

    run(settings)

    with Session(engine) as s:
        v = values(s, "custodiansgr.satisfactionAverage")[2024]
        assert (v.value, v.status, v.n_answers) == (None, "too_few", 0)


def test_national_values_become_reference_values_for_sweden(settings, engine, api):
    run(settings)
    with Session(engine) as s:
        refs = {
            (r.indicator_id, r.year): r
            for r in s.exec(select(ReferenceValue)).all()
            if r.municipality_code == "0000"
        }
    assert refs[("averageGradesMeritRating9thGrade", 2023)].value == 228.5
    assert refs[("certifiedTeachersQuota", 2024)].value == 71.5
    assert refs[("certifiedTeachersQuota", 2024)].source_ref == NATIONAL
    assert not any(i == "totalNumberOfPupils" for i, _ in refs)  # null in the response


@pytest.mark.parametrize(
    ("organizer", "company_form", "driftsform"),
    [
        ("Kommunal", "Kommuner", "kommunal"),
        # Public huvudmän other than a kommun: public provision, so kommunal (see DRIFTSFORM).
        ("Region", "Regioner", "kommunal"),
        ("Statlig", "Statliga myndigheter", "kommunal"),
        ("Sameskolan", "Statliga myndigheter", "kommunal"),
        ("Uppgift saknas", "Uppgift saknas", "okand"),
        ("Enskild", "Aktiebolag", "privat"),
        ("Fristående", "Aktiebolag", "privat"),
        ("Fristående", "Ideella föreningar", "ideburen"),
        ("Fristående", "Stiftelser", "ideburen"),
    ],
)
def test_principal_organizer_type_maps_to_driftsform(
    settings, engine, api, organizer, company_form, driftsform
):
    api.routes["detail"].respond(
        json=detail_with(principalOrganizerType=organizer, companyForm=company_form)
    )
    result = run(settings)
    with Session(engine) as s:
        assert s.get(Organisation, school(s).organisation_id).driftsform == driftsform
    assert result.rejected == {}  # every documented value is known


def test_an_undocumented_organizer_type_stores_the_school_as_okand_and_counts_it(
    settings, engine, api
):
    api.routes["detail"].respond(json=detail_with(principalOrganizerType="Kooperativ"))

    result = run(settings)

    with Session(engine) as s:
        assert s.get(Organisation, school(s).organisation_id).driftsform == "okand"
        assert values(s, "certifiedTeachersQuota")[2025].value == 89.6  # figures still arrive
    assert result.rejected == {
        "skolor med okänd huvudmannatyp 'Kooperativ' (sparade, driftsform okänd)": 1
    }


def test_the_listing_keeps_the_kommuns_grundskolor_and_counts_the_rest(settings):
    page = only_page(recorded("school-units_page0_size20"))
    with respx.mock as mock:
        mock.get(LIST).respond(json=page)
        rejected: dict[str, int] = {}
        with skolverket_client(settings) as http:
            codes, _ = list_school_units(http, BASE, "0180", rejected, NoSteps())
    # Stockholm (0180) on the first page: three schools with gr, one gymnasium. The page is
    # served for both lists (gr and gran); each unit is kept or counted once.
    assert codes == ["44673074", ADOLF_FREDRIK, "41285467"]
    assert rejected == {"skolenheter utan grundskola (t.ex. gymnasium, förskoleklass)": 1}


def test_the_listing_asks_for_grundskola_and_anpassad_grundskola(settings):
    gr_page = only_page(recorded("school-units_page0_size20"))
    gran_page = copy.deepcopy(gr_page)
    [abisko] = [
        u for u in gran_page["body"]["_embedded"]["listedSchoolUnits"] if u["code"] == ABISKO
    ]
    abisko["typeOfSchooling"] = [GRAN]  # served as a unit with anpassad grundskola only
    gran_page["body"]["_embedded"]["listedSchoolUnits"] = [abisko]
    del gr_page["body"]["_embedded"]["listedSchoolUnits"][3]

    def page(request: httpx.Request) -> httpx.Response:
        form = request.url.params["typeOfSchooling"]
        return httpx.Response(200, json=gr_page if form == "gr" else gran_page)

    with respx.mock as mock:
        route = mock.get(LIST).mock(side_effect=page)
        with skolverket_client(settings) as http:
            codes, _ = list_school_units(http, BASE, "2584", {}, NoSteps())
    assert codes == [ABISKO]
    assert [c.request.url.params["typeOfSchooling"] for c in route.calls] == ["gr", "gran"]


def test_the_listing_is_read_page_by_page_on_the_configured_server(settings):
    first = recorded("school-units_page0_size20")
    first["body"]["page"]["totalPages"] = 2
    second = copy.deepcopy(first)
    second["body"]["_embedded"]["listedSchoolUnits"] = [
        u for u in first["body"]["_embedded"]["listedSchoolUnits"] if u["code"] == ABISKO
    ]
    del first["body"]["_embedded"]["listedSchoolUnits"][3]  # Abisko is on page 2 only

    def page(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=first if request.url.params["page"] == "0" else second)

    with respx.mock as mock:
        route = mock.get(LIST).mock(side_effect=page)
        with skolverket_client(settings) as http:
            codes, _ = list_school_units(http, BASE, "2584", {}, NoSteps())
    assert codes == [ABISKO]
    asked = [
        (c.request.url.params["typeOfSchooling"], c.request.url.params["page"]) for c in route.calls
    ]
    assert asked == [("gr", "0"), ("gr", "1"), ("gran", "0"), ("gran", "1")]


def test_rerunning_changes_nothing(settings, engine, api):
    run(settings)
    before = database_snapshot(engine)

    again = run(settings, today=date(2025, 3, 16))

    assert (again.total.created, again.total.updated, again.total.deleted) == (0, 0, 0)
    assert database_snapshot(engine) == before


def test_a_school_the_kommun_already_has_is_matched_and_only_its_gaps_are_filled(
    settings, engine, api
):
    with Session(engine) as s:
        mine = factories.provider(
            s,
            "Abisko skola (kommunens namn)",
            kommun_code="2584",
            service_type_id="grundskola",
            origin="kommun",
            phone="0980-111 11",
        )
        s.add(ProviderSourceId(provider_id=mine.id, source="skolverket", external_id=ABISKO))
        s.commit()
        mine_id = mine.id

    run(settings)

    with Session(engine) as s:
        p = school(s)
        assert p.id == mine_id
        assert (p.name, p.phone) == ("Abisko skola (kommunens namn)", "0980-111 11")
        assert (p.street, p.lat) == ("Kalle Jons väg 1", 68.350260419001)  # were empty
        assert len(s.exec(select(Provider)).all()) == 1


@pytest.mark.search
def test_an_empty_database_gets_the_kommun_and_its_school_pages(settings, engine, api):
    """Any of the 290 kommuner, in either order of sources: Skolverket first works too, and
    its schools are on the kommun's grundskola page."""
    with Session(engine) as s:
        s.delete(s.get(Kommun, "2584"))
        s.commit()

    run(settings, reindex=True)

    with Session(engine) as s:
        kommun = s.get(Kommun, "2584")
        assert kommun is not None and (kommun.name, kommun.slug) == ("Kiruna", "kiruna")
    with TestClient(create_app(settings)) as client:
        page = client.get("/kiruna/grundskola")
    assert page.status_code == 200
    assert "Abisko skola" in page.text
    assert "Exempeldata" not in page.text  # real data only: no sample banner


# --- faults: each stops the run, names the request, and changes nothing -------------------


def _loaded(settings, engine) -> dict:
    run(settings)
    return database_snapshot(engine)


def _fails(settings, **kwargs) -> list:
    with pytest.raises(IngestFailed) as failure:
        run(settings, **kwargs)
    return failure.value.errors


def test_timeouts_are_retried_then_reported(settings, engine, api):
    before = _loaded(settings, engine)
    api.routes["detail"].side_effect = httpx.ReadTimeout("slow")

    [error] = _fails(settings)

    assert error.where == DETAIL and "inget svar" in error.message
    assert database_snapshot(engine) == before


def test_a_500_then_success_and_a_429_with_retry_after_are_retried(settings, engine, api):
    ok = api.routes["stats"].return_value
    api.routes["stats"].side_effect = [httpx.Response(500), ok]
    api.routes["national"].side_effect = [
        httpx.Response(429, headers={"Retry-After": "2"}),
        httpx.Response(200, json=recorded("statistics_national-values_gr")),
    ]
    http = skolverket_client(settings, policy=RetryPolicy(sleep=lambda _s: None))

    run(settings, http=http)

    assert 2.0 in http.waits and len(http.waits) == 2
    with Session(engine) as s:
        assert values(s, "certifiedTeachersQuota")[2025].value == 89.6


def test_malformed_json_is_reported(settings, engine, api):
    before = _loaded(settings, engine)
    api.routes["pupils"].respond(200, text='{"status": "OK", "body": {')

    [error] = _fails(settings)

    assert (error.where, error.message) == (PUPILS, "svaret är inte giltig JSON")
    assert database_snapshot(engine) == before


def test_a_listing_page_missing_fields_names_the_page_and_field(settings, engine, api):
    before = _loaded(settings, engine)
    page = only_page(recorded("school-units_page0_size20"))
    del page["body"]["_embedded"]["listedSchoolUnits"][3]["code"]
    api.routes["list"].respond(json=page)

    [error] = _fails(settings)

    assert error.where.startswith(LIST) and error.field == "listedSchoolUnits[3].code"
    assert database_snapshot(engine) == before


def test_a_detail_without_huvudman_is_reported(settings, engine, api):
    before = _loaded(settings, engine)
    detail = recorded(f"school-units_{ABISKO}")
    del detail["body"]["corporationName"]
    api.routes["detail"].respond(json=detail)

    [error] = _fails(settings)

    assert (error.where, error.field, error.message) == (DETAIL, "corporationName", "saknas")
    assert database_snapshot(engine) == before


def test_an_empty_result_is_reported(settings, engine, api):
    before = _loaded(settings, engine)
    page = only_page(recorded("school-units_page0_size20"))
    del page["body"]["_embedded"]  # HAL leaves out an empty list
    api.routes["list"].respond(json=page)

    [error] = _fails(settings)

    assert "inga grundskolor i kommun 2584" in error.message
    assert database_snapshot(engine) == before


def test_a_value_out_of_range_is_reported(settings, engine, api):
    before = _loaded(settings, engine)
    stats = for_abisko(recorded(f"school-units_{ADOLF_FREDRIK}_statistics_gr"))
    stats["body"]["certifiedTeachersQuota"][0]["value"] = "140,2"
    api.routes["stats"].respond(json=stats)

    [error] = _fails(settings)

    assert (error.where, error.field) == (STATS, "certifiedTeachersQuota[0].value")
    assert "140.2 ligger utanför 0–100" in error.message
    assert database_snapshot(engine) == before


def test_an_unknown_value_type_is_reported(settings, engine, api):
    stats = for_abisko(recorded(f"school-units_{ADOLF_FREDRIK}_statistics_gr"))
    stats["body"]["studentsPerTeacherQuota"][1]["valueType"] = "SECRET"
    api.routes["stats"].respond(json=stats)

    [error] = _fails(settings)

    assert (error.where, error.field) == (STATS, "studentsPerTeacherQuota[1].valueType")


def test_a_response_about_another_school_is_reported(settings, engine, api):
    # The recording as it is: Adolf Fredrik's statistics, answering a request for Abisko.
    api.routes["stats"].respond(json=recorded(f"school-units_{ADOLF_FREDRIK}_statistics_gr"))

    [error] = _fails(settings)

    assert (error.where, error.field) == (STATS, "schoolUnit")
    assert ADOLF_FREDRIK in error.message


def test_a_school_without_statistics_or_surveys_still_arrives(settings, engine, api):
    for name in ("stats", "custodians", "pupils", "salsa"):
        api.routes[name].respond(404)

    run(settings)

    with Session(engine) as s:
        assert school(s).name == "Abisko skola"
        assert s.exec(select(IndicatorValue)).all() == []


def test_cli_runs_with_a_progress_bar_and_summarises(settings, engine, api, monkeypatch):
    from typer.testing import CliRunner

    from ingest import __main__ as cli_module

    monkeypatch.setattr(cli_module, "get_settings", lambda: settings)
    monkeypatch.setattr(cli_module, "RETRY_POLICY", RetryPolicy(sleep=lambda _s: None))

    result = CliRunner().invoke(cli_module.cli, ["skolverket", "--kommun", "2584", "--no-reindex"])

    assert result.exit_code == 0, result.output
    assert "Inläst: skolverket" in result.output and "Avvisade: 0" in result.output
    with Session(engine) as s:
        assert school(s).name == "Abisko skola"


# --- anpassad grundskola, SALSA, Skolinspektionen -----------------------------------------


def test_a_school_with_anpassad_grundskola_gets_figures_per_form(settings, engine, api):
    api.routes["detail"].respond(json=detail_with(typeOfSchooling=[GR, GRAN]))

    run(settings)

    with Session(engine) as s:
        gr = values(s, "certifiedTeachersQuota")
        gran = values(s, "skolverket-gran-certifiedTeachersQuota")
        assert gr[2025].value == 89.6 and gr[2024].source_ref == STATS
        assert (gran[2024].value, gran[2024].source_ref) == (60.0, STATS_GRAN)
        assert (gran[2023].value, gran[2023].status) == (None, "too_few")
        guardians = values(s, "skolverket-gran-custodians.satisfactionAverage")[2024]
        assert (guardians.value, guardians.n_answers) == (8.4, 12)
        assert guardians.source == "Skolinspektionen, Skolenkäten"
        assert school(s).capacity == 1110 + 10  # every pupil of the unit
        refs = {
            (r.indicator_id, r.year): r.value
            for r in s.exec(select(ReferenceValue)).all()
            if r.municipality_code == "0000"
        }
    # Each form is compared with its own national values.
    assert refs[("certifiedTeachersQuota", 2024)] == 71.5
    assert refs[("skolverket-gran-certifiedTeachersQuota", 2024)] == 52.3
    assert refs[("skolverket-gran-studentsPerTeacherQuota", 2024)] == 3.9


def test_a_school_with_only_anpassad_grundskola_is_kept(settings, engine, api):
    api.routes["detail"].respond(json=detail_with(typeOfSchooling=[GRAN]))

    result = run(settings)

    with Session(engine) as s:
        p = school(s)
        assert (p.name, p.service_type_id, p.capacity) == ("Abisko skola", "grundskola", 10)
        assert values(s, "certifiedTeachersQuota") == {}  # no gr figures, none asked for
        assert values(s, "skolverket-gran-studentsPerTeacherQuota")[2024].value == 3.2
    assert not api.routes["stats"].called
    assert result.rejected == {}


def test_salsa_fills_the_salsa_indicator_for_the_kommuns_schools(settings, engine, api):
    run(settings)
    with Session(engine) as s:
        salsa = values(s, "skolverket-salsa-meritvarde-avvikelse")
        assert (salsa[2023].value, salsa[2023].period, salsa[2023].source) == (
            -4.0,
            "2022/23",
            "Skolverket, SALSA",
        )
        assert salsa[2023].source_ref == SALSA
        # Adolf Fredrik (another kommun) is in the list too, and is not stored.
        assert len(s.exec(select(Provider)).all()) == 1


def test_skolenkaten_is_credited_to_skolinspektionen_for_pupils_in_years_5_and_8(
    settings, engine, api
):
    run(settings)
    with Session(engine) as s:
        assert values(s, "pupilsgr.securityAverage")[2024].source == (
            "Skolinspektionen, Skolenkäten"
        )
        assert values(s, "certifiedTeachersQuota")[2025].source == "Skolverket"
        indicator = s.get(Indicator, "pupilsgr.securityAverage")
        assert "years 5 and 8" in indicator.description_en


def test_a_status_of_200_ok_is_accepted_and_another_status_is_reported(settings, engine, api):
    detail = detail_with()
    detail["status"] = "200 OK"
    api.routes["detail"].respond(json=detail)
    run(settings)

    detail["status"], detail["message"] = "500 INTERNAL_SERVER_ERROR", "Något gick fel"
    api.routes["detail"].respond(json=detail)
    [error] = _fails(settings)
    assert (error.where, error.field) == (DETAIL, "status")


# --- årskurser, short titles and honest references ------------------------------------------


def test_a_school_stores_its_arskurser_from_type_of_schooling(settings, engine, api):
    # The recorded detail: förskoleklass (schoolYears ["0"]) and grundskola 1-9.
    run(settings)
    with Session(engine) as s:
        assert school(s).school_years == list(range(10))


@pytest.mark.parametrize(
    ("offered", "years"),
    [
        ([GR], list(range(1, 10))),
        ([{"code": "gr", "schoolYears": ["7", "8", "9"]}], [7, 8, 9]),
        ([{"code": "fsk", "schoolYears": ["0"]}, GRAN], [0, 1, 9]),
        # A form we do not read (gymnasium) and a year that is not a number are left out.
        ([{"code": "gy", "schoolYears": ["1"]}, {"code": "gr", "schoolYears": ["x", "4"]}], [4]),
        ([{"code": "gr"}], []),
    ],
)
def test_arskurser_come_only_from_the_forms_of_grundskola(settings, engine, api, offered, years):
    api.routes["detail"].respond(json=detail_with(typeOfSchooling=offered))
    run(settings)
    with Session(engine) as s:
        assert school(s).school_years == years


def test_a_kommun_school_without_arskurser_gets_them_and_one_with_them_keeps_them(
    settings, engine, api
):
    with Session(engine) as s:
        mine = factories.provider(
            s,
            "Abisko skola",
            kommun_code="2584",
            service_type_id="grundskola",
            origin="kommun",
        )
        s.add(ProviderSourceId(provider_id=mine.id, source="skolverket", external_id=ABISKO))
        s.commit()
        mine_id = mine.id
    run(settings)
    with Session(engine) as s:
        assert s.get(Provider, mine_id).school_years == list(range(10))
        s.get(Provider, mine_id).school_years = [7, 8, 9]  # the kommun's own word
        s.commit()
    run(settings)
    with Session(engine) as s:
        assert s.get(Provider, mine_id).school_years == [7, 8, 9]


def test_indicators_it_creates_have_plain_short_titles(settings, engine, api):
    run(settings)
    with Session(engine) as s:
        merit = s.get(Indicator, "averageGradesMeritRating9thGrade")
        assert merit.title_sv == "Genomsnittligt meritvärde i årskurs 9"
        assert (merit.short_title_sv, merit.short_title_en) == (
            "Meritvärde i årskurs 9",
            "Merit rating in year 9",
        )
        for ind in s.exec(select(Indicator)).all():
            assert ind.short_title_sv and ind.short_title_en, ind.id


def test_an_existing_definition_gets_an_empty_short_title_filled_and_nothing_else(
    settings, engine, api
):
    with Session(engine) as s:
        factories.indicator(
            s,
            "certifiedTeachersQuota",
            service_type_id="grundskola",
            section=2,
            title_sv="Lärare med legitimation (kommunens text)",
            unit="percent",
            source_kind="register",
            source_name="Skolverket",
        )
        factories.indicator(
            s,
            "studentsPerTeacherQuota",
            service_type_id="grundskola",
            section=2,
            title_sv="Elever per lärare (kommunens text)",
            short_title_sv="Elever per lärare, kommunens ord",
            unit="ratio",
            direction="lower",
            source_kind="register",
            source_name="Skolverket",
        )
        s.commit()
    run(settings)
    with Session(engine) as s:
        filled = s.get(Indicator, "certifiedTeachersQuota")
        assert filled.title_sv == "Lärare med legitimation (kommunens text)"  # kept
        assert filled.short_title_sv == "Legitimerade och behöriga lärare"  # was empty
        kept = s.get(Indicator, "studentsPerTeacherQuota")
        assert kept.short_title_sv == "Elever per lärare, kommunens ord"
        assert kept.short_title_en == "Pupils per teacher"  # was empty
    before = database_snapshot(engine)
    run(settings)
    assert database_snapshot(engine) == before


def test_national_values_are_the_sources_own_figures(settings, engine, api):
    with Session(engine) as s:
        # A reference stored earlier as a mean of units is Skolverket's own figure now.
        ind = factories.indicator(
            s,
            "certifiedTeachersQuota",
            service_type_id="grundskola",
            section=2,
            source_kind="register",
            source_name="Skolverket",
        )
        factories.reference_value(s, ind, 70.0, municipality_code="0000", basis="unit_mean")
        s.commit()
    run(settings)
    with Session(engine) as s:
        refs = s.exec(
            select(ReferenceValue).where(ReferenceValue.municipality_code == "0000")
        ).all()
        assert refs
        assert {r.basis for r in refs} == {"official"}
