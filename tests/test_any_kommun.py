"""Any of the 290 kommuner on an empty database, one at a time or many in one command.

Kolada answers with the documented-shape v3 fixtures of tests/fixtures/kolada/, moved from
0160 Täby to another kommun by rewriting the code (the unit ids contain it too) and name.
"""

import csv
import json
import re
from pathlib import Path

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.main import create_app
from app.models import IngestRun, Kommun, Provider
from app.settings import Settings
from ingest import kolada
from ingest.errors import IngestFailed
from ingest.http import HttpClient, RetryPolicy
from ingest.kolada import ingest_kolada
from ingest.kommuner import ensure_kommun, kommuner
from tests.support import factories
from tests.test_ingest_kolada import BASE, FIXTURES, KPIS, OUDATA, ROUTES

SAMPLE_KOMMUNER = Path(__file__).resolve().parent.parent / "data" / "sample" / "kommuner.csv"
NAMES = {"0160": "Täby", "0180": "Stockholm", "2480": "Umeå"}


def routes_for(mock: respx.MockRouter, code: str) -> None:
    """The 0160 fixtures as Kolada would answer them for `code`."""
    for url, name in ROUTES.items():
        text = (FIXTURES / f"documented-shape_v3_{name}.json").read_text(encoding="utf-8")
        body = text.replace("0160", code).replace("Täby", NAMES[code])
        mock.get(url.replace("0160", code), name=f"{code}:{url}").respond(json=json.loads(body))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"kolada_base_url": BASE})


def http(settings: Settings) -> HttpClient:
    return HttpClient(settings, policy=RetryPolicy(sleep=lambda _s: None))


# --- the shipped list ----------------------------------------------------------------------


def test_all_290_kommuner_ship_with_unique_codes_and_ascii_slugs():
    rows = list(kommuner().values())
    assert len(rows) == 290
    assert len({r["code"] for r in rows}) == 290
    assert len({r["slug"] for r in rows}) == 290
    assert all(re.fullmatch(r"\d{4}", r["code"]) for r in rows)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["slug"]) for r in rows)
    assert (kommuner()["2480"]["name"], kommuner()["2480"]["slug"]) == ("Umeå", "umea")
    # Folded, Håbo and Habo would collide
    assert (kommuner()["0305"]["slug"], kommuner()["0643"]["slug"]) == ("haabo", "habo")


def test_the_sample_kommuner_keep_their_slugs():
    with SAMPLE_KOMMUNER.open(encoding="utf-8", newline="") as f:
        sample = list(csv.DictReader(f))
    assert len(sample) == 5
    for row in sample:
        assert kommuner()[row["code"]] == row


def test_ensure_kommun_creates_the_row_once_and_refuses_an_unknown_code(engine):
    with Session(engine) as s:
        umea = ensure_kommun(s, "2480")
        assert (umea.name, umea.slug) == ("Umeå", "umea")
        assert ensure_kommun(s, "2480") is umea
        with pytest.raises(IngestFailed) as failed:
            ensure_kommun(s, "9999")
        s.commit()
    assert "9999" in str(failed.value)
    with Session(engine) as s:
        assert [k.code for k in s.exec(select(Kommun)).all()] == ["2480"]


def test_an_existing_kommun_row_is_left_alone(engine):
    with Session(engine) as s:
        s.add(Kommun(code="0180", name="Stockholms stad", slug="sthlm"))
        s.commit()
        assert ensure_kommun(s, "0180").slug == "sthlm"


# --- a kommun outside the sample, on an empty database -------------------------------------


def test_kolada_for_a_kommun_outside_the_sample_fills_its_pages_without_the_banner(
    settings, engine
):
    with respx.mock(assert_all_called=False) as mock:
        routes_for(mock, "0180")
        result = ingest_kolada(
            settings, "0180", years=[2023], kpis=KPIS, http=http(settings), reindex=True
        )
    assert result.index_error is None and result.indexed == 3

    with Session(engine) as s:
        stockholm = s.get(Kommun, "0180")
        assert (stockholm.name, stockholm.slug) == ("Stockholm", "stockholm")
        assert {p.kommun_code for p in s.exec(select(Provider)).all()} == {"0180"}

    with TestClient(create_app(settings)) as client:
        hemtjanst = client.get("/stockholm/hemtjanst")
        boende = client.get("/stockholm/sarskilt-boende")
    assert hemtjanst.status_code == 200 and boende.status_code == 200
    assert "Hemtjänsten Näsbypark" in hemtjanst.text
    assert "Tibblehemmet" in boende.text
    # Real data only: no fictional units, so no sample banner
    assert "sample-banner" not in hemtjanst.text and "Exempeldata." not in hemtjanst.text


def test_the_banner_shows_while_a_sample_unit_is_loaded(settings, engine):
    """The counterpart of the test above: the same page with one fictional unit."""
    with Session(engine) as s:
        ensure_kommun(s, "0180")
        factories.provider(s, "Påhittad hemtjänst", kommun_code="0180", origin="sample")
        s.commit()
    with TestClient(create_app(settings)) as client:
        assert "sample-banner" in client.get("/stockholm/hemtjanst").text


# --- several kommuner in one command -------------------------------------------------------


def cli(settings: Settings, monkeypatch, *args: str):
    from ingest import __main__ as cli_module

    monkeypatch.setattr(cli_module, "get_settings", lambda: settings)
    monkeypatch.setattr(cli_module, "RETRY_POLICY", RetryPolicy(sleep=lambda _s: None))
    monkeypatch.setattr(kolada, "kolada_kpis", lambda: KPIS)
    return CliRunner().invoke(cli_module.cli, list(args))


def test_a_list_runs_each_kommun_and_one_failure_keeps_the_others_run(
    settings, engine, monkeypatch
):
    with respx.mock(assert_all_called=False) as mock:
        routes_for(mock, "0160")
        routes_for(mock, "0180")
        mock.routes[f"0180:{OUDATA}"].side_effect = httpx.ConnectError("connection refused")
        result = cli(
            settings,
            monkeypatch,
            "kolada",
            "--kommun",
            "0180,0160",
            "--years",
            "2023",
            "--no-reindex",
        )

    out = result.output
    assert result.exit_code == 1, out
    assert "0180 Stockholm (1/2)" in out and "0160 Täby (2/2)" in out
    assert out.count("Fel:") == 1  # one line for the one failure
    assert "Inläst: kolada" in out  # 0160's own summary
    assert re.search(r"0160 Täby\s*│\s*ok", out)
    assert re.search(r"0180 Stockholm\s*│\s*fel", out)
    assert "1 av 2 kommuner klara, 1 med fel." in out
    assert "Traceback" not in out
    with Session(engine) as s:
        [run] = s.exec(select(IngestRun)).all()
        assert run.source == "kolada"
        assert {p.kommun_code for p in s.exec(select(Provider)).all()} == {"0160"}
        assert s.get(Kommun, "0180") is None  # nothing of the failed kommun was written


def test_all_means_every_shipped_kommun(monkeypatch):
    from ingest import __main__ as cli_module

    assert cli_module._kommun_codes("all") == list(kommuner())
    assert cli_module._kommun_codes("0160, 0180,0160") == ["0160", "0180"]


def test_a_bad_kommun_option_is_refused_before_anything_runs(settings, monkeypatch):
    result = cli(settings, monkeypatch, "kolada", "--kommun", "0160,Täby")
    assert result.exit_code == 2
    assert "fyra siffror" in result.output


def test_an_unknown_kommun_code_in_a_list_is_one_failure(settings, engine, monkeypatch):
    with respx.mock(assert_all_called=False) as mock:
        routes_for(mock, "0160")
        # Kolada knows no 9999 either; the run stops before writing
        mock.get(f"{BASE}/municipality/9999").respond(json={"values": [], "count": 0})
        result = cli(
            settings,
            monkeypatch,
            "kolada",
            "--kommun",
            "9999,0160",
            "--years",
            "2023",
            "--no-reindex",
        )
    assert result.exit_code == 1, result.output
    assert "9999" in result.output and "1 av 2 kommuner klara" in result.output
