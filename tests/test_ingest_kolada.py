"""Kolada v3: units and values arrive with their provenance, re-runs change nothing,
revisions replace and mark, and every fault stops the run with nothing lost.

Responses are the hand-built fixtures in tests/fixtures/kolada/ (built to v3's documented
shape; see the README there), served by respx. No test sleeps: the retry policy records its
waits instead.
"""

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
import respx
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.models import (
    Indicator,
    IndicatorValue,
    IngestRun,
    Kommun,
    Organisation,
    Provider,
    ProviderSourceId,
    ReferenceValue,
)
from app.settings import Settings
from ingest import kolada
from ingest.errors import IngestFailed
from ingest.http import HttpClient, RetryPolicy
from ingest.kolada import ingest_kolada
from tests.support import factories
from tests.support.snapshot import database_snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kolada"
BASE = "https://api.kolada.se/v3"
KPIS = {"U21468": "hemtjanst", "U23471": "sarskilt-boende"}
TODAY = date(2025, 3, 15)

NASBYPARK = "V21E016000101"  # hemtjänst, on page 1
TIBBLE = "V23E016000201"  # särskilt boende, on page 1
EKBACKEN = "V23E016000202"  # särskilt boende, only on page 2, value missing
SCHOOL = "V15E016000301"  # no values for our KPIs
UNITS = ",".join(sorted([NASBYPARK, TIBBLE, EKBACKEN, SCHOOL]))

PAGE = "per_page=5000"  # every list is asked for in v3's largest pages
MUNICIPALITY = f"{BASE}/municipality/0160?{PAGE}"
KPI = f"{BASE}/kpi/U21468,U23471?{PAGE}"
OU_1 = f"{BASE}/ou?{PAGE}&municipality=0160"
OU_2 = f"{BASE}/ou?municipality=0160&page=2&per_page=3"  # page 1's next_url
OUDATA = f"{BASE}/oudata/kpi/U21468,U23471/ou/{UNITS}/year/2023?{PAGE}"
DATA = f"{BASE}/data/kpi/U21468,U23471/municipality/0160,0000/year/2023?{PAGE}"
CHANGED = "from_date=2024-06-01"
OUDATA_FIXTURE = "oudata_U21468,U23471_ou-0160-all_2023"

# More specific first: a pattern's query matches any query that contains it.
ROUTES = {
    f"{OUDATA}&{CHANGED}": "oudata_U21468,U23471_ou-0160-all_2023_from-date-2024-06-01",
    f"{DATA}&{CHANGED}": "data_U21468,U23471_0160,0000_2023_from-date-2024-06-01",
    MUNICIPALITY: "municipality_0160",
    KPI: "kpi_U21468,U23471",
    OU_2: "ou_municipality-0160_page2",
    OU_1: "ou_municipality-0160_page1",
    OUDATA: OUDATA_FIXTURE,
    DATA: "data_U21468,U23471_0160,0000_2023",
}


def fixture(name: str) -> dict:
    path = FIXTURES / f"documented-shape_v3_{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def api():
    with respx.mock(assert_all_called=False) as mock:
        for url, name in ROUTES.items():
            mock.get(url, name=url).respond(json=fixture(name))
        yield mock


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"kolada_base_url": BASE})


def client(settings: Settings, max_wait: float = 30.0) -> HttpClient:
    return HttpClient(settings, policy=RetryPolicy(sleep=lambda _s: None, max_wait=max_wait))


def run(settings: Settings, http: HttpClient | None = None, **kwargs):
    return ingest_kolada(
        settings,
        "0160",
        years=[2023],
        kpis=KPIS,
        http=http or client(settings),
        reindex=kwargs.pop("reindex", False),
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def provider_of(session: Session, ou: str) -> Provider:
    return session.exec(
        select(Provider)
        .join(ProviderSourceId, ProviderSourceId.provider_id == Provider.id)
        .where(ProviderSourceId.source == "kolada", ProviderSourceId.external_id == ou)
    ).one()


def value_of(session: Session, ou: str, indicator: str, year: int = 2023) -> IndicatorValue | None:
    provider = provider_of(session, ou)
    return session.exec(
        select(IndicatorValue).where(
            IndicatorValue.provider_id == provider.id,
            IndicatorValue.indicator_id == indicator,
            IndicatorValue.year == year,
        )
    ).one_or_none()


def test_units_with_values_become_providers_of_the_kpis_service_type(settings, engine, api):
    result = run(settings)

    with Session(engine) as s:
        assert provider_of(s, NASBYPARK).service_type_id == "hemtjanst"
        assert provider_of(s, TIBBLE).service_type_id == "sarskilt-boende"
        ekbacken = provider_of(s, EKBACKEN)  # only on the second page
        assert (ekbacken.name, ekbacken.slug, ekbacken.origin) == (
            "Ekbacken vård- och omsorgsboende",
            "ekbacken-vard-och-omsorgsboende-taby",
            "kolada",
        )
        org = s.get(Organisation, ekbacken.organisation_id)
        assert org.driftsform == "okand"  # Kolada does not say who runs a unit
        assert s.exec(select(Provider)).all().__len__() == 3
        assert s.get(Kommun, "0160").name == "Täby"
    assert result.rejected == {"enheter utan värden för våra nyckeltal": 1}  # the school
    assert api.routes[OU_2].called


def test_every_value_carries_source_period_publication_and_fetch_date(settings, engine, api):
    run(settings)
    with Session(engine) as s:
        v = value_of(s, NASBYPARK, "U21468")
        # v3 gives the period as an integer; it is stored as the source names it
        assert (v.value, v.status, v.year, v.period) == (88.0, "ok", 2023, "2023")
        assert (v.source, v.source_ref) == ("Kolada", OUDATA)
        assert (v.published, v.fetched, v.revised) == (date(2023, 10, 24), TODAY, False)
        missing = value_of(s, EKBACKEN, "U23471")
        assert (missing.value, missing.status) == (None, "missing")
        refs = {
            (r.municipality_code, r.indicator_id): r.value
            for r in s.exec(select(ReferenceValue)).all()
        }
        assert refs == {
            ("0160", "U21468"): 87.0,
            ("0000", "U21468"): 85.0,
            ("0160", "U23471"): 80.0,
            ("0000", "U23471"): 78.0,
        }
        ref = s.exec(
            select(ReferenceValue).where(ReferenceValue.municipality_code == "0000")
        ).first()
        assert (ref.source, ref.source_ref) == ("Kolada", DATA)


def test_rerunning_changes_nothing(settings, engine, api):
    run(settings)
    before = database_snapshot(engine)

    again = run(settings, today=date(2025, 3, 16))

    assert (again.total.created, again.total.updated, again.total.deleted) == (0, 0, 0)
    assert again.total.unchanged > 0
    assert database_snapshot(engine) == before  # not even the fetch dates move


def test_a_known_unit_is_matched_by_its_kolada_id_and_its_facts_are_left_alone(
    settings, engine, api
):
    with Session(engine) as s:
        mine = factories.provider(s, "Näsbyparks hemtjänst (kommunens namn)", origin="kommun")
        s.add(ProviderSourceId(provider_id=mine.id, source="kolada", external_id=NASBYPARK))
        s.commit()
        mine_id = mine.id

    run(settings)

    with Session(engine) as s:
        provider = provider_of(s, NASBYPARK)
        assert provider.id == mine_id
        assert provider.name == "Näsbyparks hemtjänst (kommunens namn)"
        assert value_of(s, NASBYPARK, "U21468").value == 88.0


def test_a_known_unit_of_another_service_type_stops_the_run(settings, engine, api):
    with Session(engine) as s:
        school = factories.provider(s, "Näsbyparksskolan", service_type_id="grundskola")
        s.add(ProviderSourceId(provider_id=school.id, source="kolada", external_id=NASBYPARK))
        s.commit()
    before = database_snapshot(engine)

    [error] = _fails(settings).errors

    assert (error.where, error.field) == (OUDATA, "ou")
    assert "grundskola" in error.message and "hemtjanst" in error.message
    assert database_snapshot(engine) == before


def test_from_date_run_replaces_revised_values_and_removes_deleted_ones(settings, engine, api):
    run(settings)

    changed = run(settings, from_date=date(2024, 6, 1), today=date(2025, 4, 1))

    with Session(engine) as s:
        revised = value_of(s, NASBYPARK, "U21468")
        assert (revised.value, revised.revised, revised.fetched) == (91.0, True, date(2025, 4, 1))
        assert revised.source_ref == f"{OUDATA}&{CHANGED}"
        assert value_of(s, TIBBLE, "U23471") is None  # isdeleted: true
        assert value_of(s, EKBACKEN, "U23471").revised is False  # untouched
        kommun = s.exec(
            select(ReferenceValue).where(
                ReferenceValue.municipality_code == "0160", ReferenceValue.indicator_id == "U21468"
            )
        ).one()
        assert (kommun.value, kommun.revised) == (86.0, True)
    assert changed.counts["indicator_value"].deleted == 1
    assert changed.counts["indicator_value"].updated == 1


def test_an_empty_from_date_answer_is_nothing_new(settings, engine, api):
    run(settings)
    before = database_snapshot(engine)
    empty = {"values": [], "count": 0}
    api.routes[f"{OUDATA}&{CHANGED}"].respond(json=empty)
    api.routes[f"{DATA}&{CHANGED}"].respond(json=empty)

    result = run(settings, from_date=date(2024, 6, 1))

    assert (result.total.created, result.total.updated, result.total.deleted) == (0, 0, 0)
    assert database_snapshot(engine) == before


def test_a_next_link_to_another_host_is_followed_on_the_configured_server(settings, engine, api):
    page = fixture("ou_municipality-0160_page1")
    page["next_url"] = "http://internal-kolada:8080/v3/ou?municipality=0160&page=2&per_page=3"
    api.routes[OU_1].respond(json=page)

    run(settings)

    assert api.routes[OU_2].called


def test_dry_run_counts_but_writes_nothing(settings, engine, api):
    before = database_snapshot(engine)
    result = run(settings, dry_run=True)
    assert result.total.created > 0
    assert database_snapshot(engine) == before


def test_a_successful_run_rebuilds_the_search_index(settings, engine, api):
    result = run(settings, reindex=True)
    assert result.indexed == 3


# --- faults: each stops the run, names the request, and changes nothing -------------------


def _loaded(settings, engine, api) -> dict:
    run(settings)
    return database_snapshot(engine)


def _fails(settings, http: HttpClient | None = None) -> IngestFailed:
    with pytest.raises(IngestFailed) as failure:
        run(settings, http)
    return failure.value


def test_timeouts_are_retried_then_reported_with_the_request(settings, engine, api):
    before = _loaded(settings, engine, api)
    api.routes[OUDATA].side_effect = httpx.ConnectTimeout("slow")
    calls_before = api.routes[OUDATA].call_count
    http = client(settings)

    [error] = _fails(settings, http).errors

    assert error.where == OUDATA
    assert "inget svar inom" in error.message and "4 försök" in error.message
    assert api.routes[OUDATA].call_count - calls_before == 4
    assert len(http.waits) == 3
    assert database_snapshot(engine) == before


def test_a_500_then_success_is_retried_transparently(settings, engine, api):
    ok = fixture(OUDATA_FIXTURE)
    api.routes[OUDATA].side_effect = [httpx.Response(500), httpx.Response(200, json=ok)]
    http = client(settings)

    run(settings, http)

    assert api.routes[OUDATA].call_count == 2
    assert len(http.waits) == 1
    with Session(engine) as s:
        assert value_of(s, NASBYPARK, "U21468").value == 88.0


def test_a_429_waits_as_long_as_retry_after_says_but_never_longer_than_the_cap(
    settings, engine, api
):
    ok = fixture("kpi_U21468,U23471")
    api.routes[KPI].side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(429, headers={"Retry-After": "3600"}),
        httpx.Response(200, json=ok),
    ]
    http = client(settings, max_wait=30)

    run(settings, http)

    assert http.waits == [7.0, 30.0]


def test_a_server_that_keeps_failing_is_reported(settings, engine, api):
    before = _loaded(settings, engine, api)
    api.routes[DATA].respond(503)

    [error] = _fails(settings).errors

    assert error.where == DATA and "HTTP 503" in error.message
    assert database_snapshot(engine) == before


def test_malformed_json_is_reported(settings, engine, api):
    before = _loaded(settings, engine, api)
    api.routes[OUDATA].respond(200, text='{"values": [{"kpi": "U21468", ')

    [error] = _fails(settings).errors

    assert (error.where, error.message) == (OUDATA, "svaret är inte giltig JSON")
    assert database_snapshot(engine) == before


def test_a_page_missing_fields_names_the_page_and_the_field(settings, engine, api):
    before = _loaded(settings, engine, api)
    page = fixture("ou_municipality-0160_page2")
    del page["values"][0]["title"]
    api.routes[OU_2].respond(json=page)

    [error] = _fails(settings).errors

    assert (error.where, error.field, error.message) == (OU_2, "values[0].title", "saknas")
    assert database_snapshot(engine) == before


def test_a_value_item_without_period_is_reported(settings, engine, api):
    before = _loaded(settings, engine, api)
    page = fixture(OUDATA_FIXTURE)
    del page["values"][1]["period"]
    api.routes[OUDATA].respond(json=page)

    [error] = _fails(settings).errors

    assert (error.where, error.field) == (OUDATA, "values[1].period")
    assert database_snapshot(engine) == before


def test_an_empty_result_is_an_error_in_a_full_run(settings, engine, api):
    before = _loaded(settings, engine, api)
    api.routes[OUDATA].respond(json={"values": [], "count": 0})

    [error] = _fails(settings).errors

    assert error.where == OUDATA and "utan ett enda värde" in error.message
    assert database_snapshot(engine) == before


def test_a_value_out_of_range_is_reported(settings, engine, api):
    before = _loaded(settings, engine, api)
    page = fixture(OUDATA_FIXTURE)
    page["values"][0]["values"][0]["value"] = 140.0
    api.routes[OUDATA].respond(json=page)

    [error] = _fails(settings).errors

    assert error.where == OUDATA and "utanför 0–100" in error.message
    assert database_snapshot(engine) == before


def test_a_kpi_removed_from_kolada_is_reported(settings, engine, api):
    before = _loaded(settings, engine, api)
    meta = fixture("kpi_U21468,U23471")
    meta["values"] = meta["values"][:1]
    api.routes[KPI].respond(json=meta)

    [error] = _fails(settings).errors

    assert error.where == KPI and "U23471 finns inte" in error.message
    assert database_snapshot(engine) == before


def test_an_unknown_kommun_is_reported(settings, engine, api):
    api.routes[MUNICIPALITY].respond(json={"values": [], "count": 0})
    [error] = _fails(settings).errors
    assert error.where == MUNICIPALITY and "känner inte 0160" in error.message


# --- the command line ---------------------------------------------------------------------


def test_cli_runs_and_summarises(settings, engine, api, monkeypatch):
    from ingest import __main__ as cli_module

    monkeypatch.setattr(cli_module, "get_settings", lambda: settings)
    monkeypatch.setattr(kolada, "kolada_kpis", lambda: KPIS)
    monkeypatch.setattr(cli_module, "RETRY_POLICY", RetryPolicy(sleep=lambda _s: None))

    result = CliRunner().invoke(
        cli_module.cli, ["kolada", "--kommun", "0160", "--years", "2023", "--no-reindex"]
    )

    assert result.exit_code == 0, result.output
    assert "Inläst: kolada" in result.output
    assert "Avvisade (lästes men sparades inte): 1" in result.output
    assert "Källa: Kolada" in result.output
    with Session(engine) as s:
        # --no-reindex: the data is in, the index is not rebuilt from it yet
        assert s.exec(select(IngestRun)).one().status == "index_pending"


def test_cli_reports_a_failure_and_exits_nonzero(settings, engine, api, monkeypatch):
    from ingest import __main__ as cli_module

    monkeypatch.setattr(cli_module, "get_settings", lambda: settings)
    monkeypatch.setattr(kolada, "kolada_kpis", lambda: KPIS)
    monkeypatch.setattr(cli_module, "RETRY_POLICY", RetryPolicy(sleep=lambda _s: None))
    api.routes[OUDATA].respond(200, text="<html>")

    result = CliRunner().invoke(
        cli_module.cli, ["kolada", "--kommun", "0160", "--years", "2023", "--dry-run"]
    )

    assert result.exit_code == 1
    assert "inte giltig JSON" in result.output and "inget har ändrats" in result.output


def test_retry_after_as_an_http_date_is_honoured_within_the_cap(settings, engine, api):
    api.routes[MUNICIPALITY].side_effect = [
        httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}),
        httpx.Response(200, json=fixture("municipality_0160")),
    ]
    http = client(settings, max_wait=5)

    run(settings, http)

    assert http.waits == [5.0]


# --- v3: paging, 25-id segments, values we did not ask for, retired versions, fields -------


def test_unit_values_are_read_across_pages_and_count_is_per_page(settings, engine, api):
    page = fixture(OUDATA_FIXTURE)
    second_url = f"{BASE}/oudata/kpi/U21468,U23471/ou/{UNITS}/year/2023?page=2&per_page=1"
    first = {"values": page["values"][:1], "count": 1, "next_url": second_url}
    rest = {"values": page["values"][1:], "count": 2, "previous_url": OUDATA}
    api.routes[OUDATA].respond(json=first)
    second = api.get(second_url).respond(json=rest)

    run(settings)

    assert second.called
    with Session(engine) as s:
        assert value_of(s, NASBYPARK, "U21468").value == 88.0  # page 1
        assert value_of(s, TIBBLE, "U23471").value == 79.0  # page 2
        assert value_of(s, EKBACKEN, "U23471").status == "missing"  # page 2


def test_unit_ids_are_asked_for_at_most_25_at_a_time(settings, engine, api):
    homes = [f"V21E0160{n:05d}" for n in range(60)]
    api.routes[OU_1].respond(
        json={
            "values": [
                {"id": ou, "municipality": "0160", "title": f"Hemtjänst {n}"}
                for n, ou in enumerate(homes)
            ],
            "count": 60,
        }
    )
    asked: list[list[str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        ous = request.url.path.split("/ou/")[1].split("/")[0].split(",")
        asked.append(ous)
        # The first segment's answer also carries a unit of the third: not asked for here.
        extra = [homes[-1]] if len(asked) == 1 else []
        items = [_value(ou, 80.0 + len(asked)) for ou in ous + extra]
        return httpx.Response(200, json={"values": items, "count": len(items)})

    api.get(url__regex=rf"^{BASE}/oudata/kpi/U21468,U23471/ou/[^/?]+/year/2023").mock(
        side_effect=answer
    )

    result = run(settings)

    assert [len(ous) for ous in asked] == [25, 25, 10]
    assert sorted(ou for ous in asked for ou in ous) == homes
    assert result.rejected == {"värden för enheter vi inte frågade efter": 1}
    with Session(engine) as s:
        assert value_of(s, homes[0], "U21468").value == 81.0
        assert value_of(s, homes[-1], "U21468").value == 83.0  # from its own segment


def test_values_for_units_outside_the_kommun_are_skipped_and_counted(settings, engine, api):
    units = fixture("ou_municipality-0160_page2")
    units["values"].append({"id": "V23E018000201", "municipality": "0180", "title": "Annat"})
    api.routes[OU_2].respond(json=units)
    page = fixture(OUDATA_FIXTURE)
    page["values"] += [_value("V21E018000101", 70.0), _value("V23E018000201", 71.0)]
    api.routes[OUDATA].respond(json=page)

    result = run(settings)

    assert result.rejected == {
        "enheter i en annan kommun": 1,
        "värden för enheter utanför kommunen": 2,
        "enheter utan värden för våra nyckeltal": 1,  # the school
    }
    with Session(engine) as s:
        assert len(s.exec(select(Provider)).all()) == 3  # only the kommun's own units
        assert value_of(s, NASBYPARK, "U21468").value == 88.0


V2 = "https://api.kolada.se/v2"


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(410),
        httpx.Response(404, json={"message": "API version v2 has been retired, use v3"}),
        httpx.Response(200, json={"message": "This API version is deprecated"}),
    ],
    ids=["410", "404-saying-retired", "200-saying-deprecated"],
)
def test_a_retired_api_version_names_the_version_and_the_setting(settings, engine, answer):
    before = database_snapshot(engine)
    with respx.mock() as mock:
        mock.get(url__startswith=V2).mock(return_value=answer)
        [error] = _fails(settings.model_copy(update={"kolada_base_url": V2})).errors

    assert error.where == f"{V2}/municipality/0160?{PAGE}"
    assert error.message == (
        f"Kolada har avvecklat API-versionen v2 ({V2}). "
        "Ändra inställningen KOLADA_BASE_URL till https://api.kolada.se/v3 och kör igen."
    )
    assert database_snapshot(engine) == before


def test_the_default_base_url_is_v3(monkeypatch):
    monkeypatch.delenv("KOLADA_BASE_URL", raising=False)
    assert Settings(_env_file=None).kolada_base_url == BASE


def test_an_error_answer_that_does_not_say_retired_stays_plain(settings, engine, api):
    """An error answer that says nothing about retirement stays a plain HTTP error."""
    api.routes[KPI].respond(404, json={"message": "Not found"})
    [error] = _fails(settings).errors
    assert (error.where, error.message) == (KPI, "HTTP 404")


def test_cli_says_which_setting_to_change_when_v2_is_gone(settings, engine, monkeypatch):
    from ingest import __main__ as cli_module

    monkeypatch.setattr(
        cli_module, "get_settings", lambda: settings.model_copy(update={"kolada_base_url": V2})
    )
    monkeypatch.setattr(cli_module, "RETRY_POLICY", RetryPolicy(sleep=lambda _s: None))
    with respx.mock() as mock:
        mock.get(url__startswith=V2).respond(410)
        result = CliRunner().invoke(cli_module.cli, ["kolada", "--kommun", "0160", "--dry-run"])

    assert result.exit_code == 1
    assert "KOLADA_BASE_URL" in result.output and "v2" in result.output
    assert "Traceback" not in result.output


def test_kpi_flags_must_be_booleans(settings, engine, api):
    meta = fixture("kpi_U21468,U23471")
    meta["values"][1]["has_ou_data"] = 1  # v2's way
    api.routes[KPI].respond(json=meta)

    [error] = _fails(settings).errors

    assert (error.where, error.field) == (KPI, "values[1].has_ou_data")


def test_a_kpi_for_only_some_providers_is_refused_by_its_auspice(settings, engine, api):
    meta = fixture("kpi_U21468,U23471")
    meta["values"][0]["auspice"] = "E"  # e.g. N11702, enskild regi only
    api.routes[KPI].respond(json=meta)

    [error] = _fails(settings).errors

    assert (error.where, error.field) == (KPI, "values[0].auspice")
    assert "U21468" in error.message and "auspice E" in error.message


@pytest.mark.parametrize("period", ["2023", 2023])
def test_the_period_is_read_as_an_integer_or_a_four_digit_string(settings, engine, api, period):
    page = fixture(OUDATA_FIXTURE)
    page["values"][0]["period"] = period
    api.routes[OUDATA].respond(json=page)

    run(settings)

    with Session(engine) as s:
        v = value_of(s, NASBYPARK, "U21468")
        assert (v.year, v.period) == (2023, "2023")


@pytest.mark.parametrize("period", ["2023-10", True, 23])
def test_a_period_that_is_not_a_year_is_reported(settings, engine, api, period):
    page = fixture(OUDATA_FIXTURE)
    page["values"][0]["period"] = period
    api.routes[OUDATA].respond(json=page)

    [error] = _fails(settings).errors

    assert (error.where, error.field) == (OUDATA, "values[0].period")


def test_isdeleted_on_the_item_removes_the_value(settings, engine, api):
    run(settings)
    page = fixture(OUDATA_FIXTURE)
    page["values"][0]["isdeleted"] = True
    api.routes[OUDATA].respond(json=page)

    result = run(settings)

    assert result.counts["indicator_value"].deleted == 1
    with Session(engine) as s:
        assert value_of(s, NASBYPARK, "U21468") is None


def test_a_deletion_flag_that_is_not_true_or_false_is_reported(settings, engine, api):
    page = fixture(OUDATA_FIXTURE)
    page["values"][0]["values"][0]["isdeleted"] = "ja"
    api.routes[OUDATA].respond(json=page)

    [error] = _fails(settings).errors

    assert (error.where, error.field) == (OUDATA, "values[0].isdeleted")


def test_published_is_the_catalogue_date_for_its_period_and_kept_for_older_ones(
    settings, engine, api
):
    meta = fixture("kpi_U21468,U23471")
    for kpi in meta["values"]:
        kpi["publ_period"], kpi["publication_date"] = 2024, "2024-10-22"
    api.routes[KPI].respond(json=meta)
    run(settings)  # 2023 is no longer the latest period: its publication date is unknown
    with Session(engine) as s:
        assert value_of(s, NASBYPARK, "U21468").published is None
    # A database that stored 2023 while it was the latest keeps that date.
    api.routes[KPI].respond(json=fixture("kpi_U21468,U23471"))
    run(settings)
    api.routes[KPI].respond(json=meta)

    again = run(settings)

    assert again.total.updated == 0
    with Session(engine) as s:
        assert value_of(s, NASBYPARK, "U21468").published == date(2023, 10, 24)


def _value(ou: str, value: float, kpi: str = "U21468") -> dict:
    return {
        "kpi": kpi,
        "ou": ou,
        "period": 2023,
        "values": [{"count": 1, "gender": "T", "status": "", "value": value}],
    }


def test_kolada_references_are_the_sources_own_figures_with_honest_labels(settings, engine, api):
    # A kommun reference stored before as a mean of units: Kolada's kommun value replaces it,
    # and with it what the reference is ("Hela Täby" is then true).
    with Session(engine) as s:
        ind = factories.indicator(s, "U21468", source_kind="survey", source_name="Kolada")
        factories.reference_value(
            s, ind, 70.0, municipality_code="0160", year=2023, basis="unit_mean"
        )
        s.commit()
    run(settings)
    with Session(engine) as s:
        refs = s.exec(select(ReferenceValue)).all()
        assert len(refs) == 4
        assert {r.basis for r in refs} == {"official"}


def test_kpi_definitions_get_plain_short_titles(settings, engine, api):
    run(settings)
    with Session(engine) as s:
        nojd = s.get(Indicator, "U21468")
        assert nojd.title_sv.startswith("Brukarbedömning hemtjänst äldreomsorg")  # Kolada's
        assert (nojd.short_title_sv, nojd.short_title_en) == (
            "Nöjd med hemtjänsten som helhet",
            "Satisfied with home care overall",
        )
