"""The Kolada ids the service reads are Kolada's, checked against an extract of its v3
catalogue (tests/fixtures/kolada/kpi-catalogue-extract_v3.csv, Källa: Kolada), and a
discontinued KPI is recorded as such, in the definitions and in the sample data."""

import csv
import re
from pathlib import Path

import pytest
from sqlmodel import Session

from app.models import Indicator, ServiceType
from ingest import catalogue
from ingest.kolada import ALL_PROVIDERS, kolada_kpis

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "tests" / "fixtures" / "kolada" / "kpi-catalogue-extract_v3.csv"
SAMPLE = ROOT / "data" / "sample"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


KOLADA = {row["id"]: row for row in _rows(EXTRACT)}


@pytest.mark.parametrize("kpi", catalogue.KOLADA_KPIS)
def test_every_kpi_we_read_has_unit_data_for_every_provider(kpi: str) -> None:
    assert kpi in KOLADA, f"{kpi} is not among Kolada's KPIs with unit data"
    assert KOLADA[kpi]["auspice"] in ALL_PROVIDERS


@pytest.mark.parametrize("kpi", catalogue.KOLADA_KPIS)
def test_a_kpi_kolada_ended_is_marked_discontinued_after_its_last_year(kpi: str) -> None:
    ended = re.search(r"\(-(\d{4})\)$", KOLADA[kpi]["title"])
    expected = int(ended.group(1)) if ended else None
    assert catalogue.indicators()[kpi]["discontinued_after"] == expected


@pytest.mark.parametrize(
    "kpi", [k for k in catalogue.KOLADA_KPIS if KOLADA[k]["title"].startswith("Brukarbedömning")]
)
def test_survey_titles_are_koladas(kpi: str) -> None:
    """E.g. U23481 counts only "ofta": the title must not promise more."""
    assert catalogue.indicators()[kpi]["title_sv"] == " ".join(KOLADA[kpi]["title"].split())


def test_the_service_type_of_each_kpi_is_its_operating_area() -> None:
    area = {"U21": "hemtjanst", "U23": "sarskilt-boende", "N11": "forskola"}
    assert kolada_kpis() == {k: area[k[:3]] for k in catalogue.KOLADA_KPIS}


@pytest.mark.parametrize("filename", ["values.csv", "reference_values.csv"])
def test_the_sample_has_no_figure_after_an_indicator_was_discontinued(filename: str) -> None:
    ended = {
        row["id"]: int(row["discontinued_after"])
        for row in _rows(SAMPLE / "indicators.csv")
        if row["discontinued_after"]
    }
    assert ended == {"U23493": 2023, "U23496": 2023}
    rows = _rows(SAMPLE / filename)
    late = [
        r for r in rows if r["indicator_id"] in ended and int(r["year"]) > ended[r["indicator_id"]]
    ]
    assert late == []
    assert any(r["indicator_id"] == "U23493" for r in rows)  # the history is kept


def test_the_discontinued_year_is_stored_with_the_definition(engine) -> None:
    with Session(engine) as s:
        s.add(ServiceType(**catalogue.service_types()["sarskilt-boende"]))
        s.commit()
        s.add(Indicator(**catalogue.indicators()["U23496"]))
        s.commit()
    with Session(engine) as s:
        assert s.get(Indicator, "U23496").discontinued_after == 2023


def test_every_indicator_has_a_plain_short_title_in_both_languages() -> None:
    rows = _rows(SAMPLE / "indicators.csv")
    for row in rows:
        for lang in ("sv", "en"):
            short = row[f"short_title_{lang}"]
            assert short, (row["id"], lang)
            assert len(short) <= 45, (row["id"], short)
    by_id = {row["id"]: row for row in rows}
    assert by_id["U21468"]["short_title_sv"] == "Nöjd med hemtjänsten som helhet"
    assert by_id["U21468"]["short_title_en"] == "Satisfied with home care overall"
    assert (
        by_id["sos-hemtjanst-personalkontinuitet"]["short_title_sv"]
        == "Antal personal kunden möter på 14 dagar"
    )


def test_the_source_definitions_carry_the_short_titles() -> None:
    for indicator_id, record in catalogue.indicators().items():
        assert record["short_title_sv"] and record["short_title_en"], indicator_id
