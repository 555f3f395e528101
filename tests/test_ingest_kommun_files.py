"""The kommun's own files: providers, surveys, inspections and complaints, as CSV or Excel.

Every template in data/templates/ is a valid file; a bad file changes nothing and names
the file, row and field; re-reading a file changes nothing; a corrected value is revised.
"""

import csv
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.models import IndicatorValue, Organisation, Provider, ProviderSourceId
from app.settings import Settings
from ingest.errors import IngestFailed
from ingest.kommun_files import Kind, ingest_file, read_kommun_file
from tests.support import factories
from tests.support.snapshot import database_snapshot

TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "templates"
TODAY = date(2025, 3, 15)
UNIT = "FS-03"  # the unit every template's example row is about


@pytest.fixture
def preschool(engine) -> int:
    """Täby, a förskola the kommun knows as FS-03, and the indicators the templates use."""
    with Session(engine) as s:
        provider = factories.provider(
            s, "Förskolan Exempelgården", service_type_id="forskola", origin="kommun"
        )
        s.add(ProviderSourceId(provider_id=provider.id, source="kommun", external_id="0160:FS-03"))
        factories.indicator(s, "kommun-forskola-nojdhet", "forskola", min_n=5)
        factories.indicator(
            s,
            "skolinspektionen-forskola-brister",
            "forskola",
            section=3,
            unit="count",
            direction="lower",
            source_kind="inspection",
            source_name="Skolinspektionen",
        )
        factories.indicator(
            s,
            "kommun-forskola-klagomal",
            "forskola",
            section=3,
            unit="count",
            direction="lower",
            source_kind="register",
            source_name="Kommunens uppföljning",
        )
        s.commit()
        return provider.id


def load(settings: Settings, path: Path, kind: Kind, **kwargs):
    return ingest_file(settings, path, kind, reindex=False, **({"today": TODAY} | kwargs))


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f, delimiter=";"))


def write_rows(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def edited(tmp_path: Path, kind: Kind, **cells: str) -> Path:
    rows = rows_of(TEMPLATES / f"{kind.value}.csv")
    rows[0].update(cells)
    return write_rows(tmp_path / f"{kind.value}.csv", rows)


def value(engine, provider_id: int, indicator: str, year: int = 2024) -> IndicatorValue | None:
    with Session(engine) as s:
        return s.exec(
            select(IndicatorValue).where(
                IndicatorValue.provider_id == provider_id,
                IndicatorValue.indicator_id == indicator,
                IndicatorValue.year == year,
            )
        ).one_or_none()


@pytest.mark.parametrize("kind", list(Kind))
def test_every_template_is_a_valid_file_with_one_example_row(kind):
    data = read_kommun_file(TEMPLATES / f"{kind.value}.csv", kind)
    assert len(data.rows) == 1
    assert data.rows[0].line == 2


def test_a_providers_file_creates_the_unit_its_huvudman_and_its_ids(settings, engine):
    with Session(engine) as s:
        factories.kommun(s, "0160")
        s.commit()

    result = load(settings, TEMPLATES / "providers.csv", Kind.PROVIDERS)

    with Session(engine) as s:
        p = s.exec(select(Provider)).one()
        assert (p.name, p.slug, p.service_type_id, p.origin) == (
            "Förskolan Exempelgården",
            "forskolan-exempelgarden-taby",
            "forskola",
            "kommun",
        )
        assert (p.lat, p.lon, p.capacity) == (59.4439, 18.0687, 64)  # decimal commas
        assert p.languages == ["svenska", "engelska"]
        assert p.presentation_updated == date(2025, 1, 15)
        org = s.get(Organisation, p.organisation_id)
        assert (org.name, org.org_nr, org.driftsform) == (
            "Exempel Förskolor AB",
            "556000-0000",
            "privat",
        )
        ids = s.exec(select(ProviderSourceId.source, ProviderSourceId.external_id)).all()
        assert ids == [("kommun", "0160:FS-03")]
    assert result.total.created >= 3


def test_a_providers_file_takes_over_a_school_skolverket_created(settings, engine, tmp_path):
    with Session(engine) as s:
        school = factories.provider(
            s,
            "ABISKO SKOLA",
            service_type_id="grundskola",
            origin="skolverket",
            phone="0980-70306",
        )
        s.add(ProviderSourceId(provider_id=school.id, source="skolverket", external_id="76026322"))
        s.commit()
        school_id = school.id
    path = edited(
        tmp_path,
        Kind.PROVIDERS,
        unit_id="GR-7",
        name="Abisko skola",
        service_type="grundskola",
        skolverket_code="76026322",
        phone="",
        organisation_name="Täby kommun",
        org_nr="212000-0142",
        driftsform="Kommunal",
    )

    load(settings, path, Kind.PROVIDERS)

    with Session(engine) as s:
        p = s.get(Provider, school_id)
        assert (p.name, p.origin, p.phone) == ("Abisko skola", "kommun", "0980-70306")
        assert s.get(Organisation, p.organisation_id).driftsform == "kommunal"
        ids = set(s.exec(select(ProviderSourceId.source, ProviderSourceId.external_id)).all())
        assert ids == {("skolverket", "76026322"), ("kommun", "0160:GR-7")}
        assert len(s.exec(select(Provider)).all()) == 1


@pytest.mark.parametrize(
    ("kind", "indicator", "expected"),
    [
        (Kind.SURVEYS, "kommun-forskola-nojdhet", (91.5, 48, 72.0, "Kommunens föräldraenkät")),
        (
            Kind.INSPECTIONS,
            "skolinspektionen-forskola-brister",
            (0.0, None, None, "Skolinspektionen"),
        ),
        (Kind.COMPLAINTS, "kommun-forskola-klagomal", (2.0, None, None, "Kommunens uppföljning")),
    ],
)
def test_figure_files_store_values_with_their_source_and_row(
    settings, engine, preschool, kind, indicator, expected
):
    load(settings, TEMPLATES / f"{kind.value}.csv", kind)

    v = value(engine, preschool, indicator)
    assert (v.value, v.n_answers, v.response_rate, v.source) == expected
    assert (v.status, v.period, v.source_ref) == ("ok", "2024", f"{kind.value}.csv rad 2")
    assert (v.fetched, v.revised) == (TODAY, False)


def test_rereading_a_file_changes_nothing_and_a_corrected_value_is_revised(
    settings, engine, preschool, tmp_path
):
    load(settings, TEMPLATES / "surveys.csv", Kind.SURVEYS)
    before = database_snapshot(engine)

    again = load(settings, TEMPLATES / "surveys.csv", Kind.SURVEYS, today=date(2025, 4, 1))
    assert (again.total.created, again.total.updated) == (0, 0)
    assert database_snapshot(engine) == before

    load(settings, edited(tmp_path, Kind.SURVEYS, value="89,0"), Kind.SURVEYS)
    v = value(engine, preschool, "kommun-forskola-nojdhet")
    assert (v.value, v.revised) == (89.0, True)


def test_too_few_answers_is_stored_without_a_number(settings, engine, preschool, tmp_path):
    path = edited(tmp_path, Kind.SURVEYS, value="", n_answers="3", status="för få svar")
    load(settings, path, Kind.SURVEYS)
    v = value(engine, preschool, "kommun-forskola-nojdhet")
    assert (v.value, v.status, v.n_answers) == (None, "too_few", 3)


def test_swedish_excel_csv_in_windows_1252_is_read(settings, engine, preschool, tmp_path):
    rows = rows_of(TEMPLATES / "surveys.csv")
    path = write_rows(tmp_path / "enkat.csv", rows, encoding="cp1252")
    assert path.read_bytes().startswith(b"kommun_code;")

    load(settings, path, Kind.SURVEYS)

    assert value(engine, preschool, "kommun-forskola-nojdhet").source == "Kommunens föräldraenkät"


def _xlsx(path: Path, rows: list[list], percent_column: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if percent_column:
        for cell in sheet[percent_column][1:]:
            cell.number_format = "0.0%"
    book.save(path)
    return path


SURVEY_HEADER = ["kommun_code", "unit_id", "indicator_id", "year", "value", "n_answers"]


def test_an_excel_file_is_read_with_its_own_row_numbers(settings, engine, preschool, tmp_path):
    path = _xlsx(
        tmp_path / "enkat.xlsx",
        [
            [*SURVEY_HEADER, "response_rate", "published"],
            ["0160", UNIT, "kommun-forskola-nojdhet", 2023, 0.9, 40, 0.65, date(2023, 6, 10)],
            [],
            ["0160", UNIT, "kommun-forskola-nojdhet", 2024, 91.5, 48, 0.72, date(2024, 6, 10)],
        ],
        percent_column="G",
    )

    load(settings, path, Kind.SURVEYS)

    v = value(engine, preschool, "kommun-forskola-nojdhet")
    assert (v.value, v.response_rate, v.published) == (91.5, 72.0, date(2024, 6, 10))
    assert v.source_ref == "enkat.xlsx rad 4"  # the row Excel shows


# --- faults: each names the file, row and field, and nothing changes ---------------------


@pytest.fixture
def loaded(settings, engine, preschool) -> dict:
    load(settings, TEMPLATES / "surveys.csv", Kind.SURVEYS)
    return database_snapshot(engine)


def _fails(settings, path: Path, kind: Kind = Kind.SURVEYS) -> list:
    with pytest.raises(IngestFailed) as failure:
        load(settings, path, kind)
    return failure.value.errors


def test_a_file_in_neither_utf8_nor_windows_1252_is_refused(settings, engine, loaded, tmp_path):
    path = tmp_path / "enkat.csv"
    text = (TEMPLATES / "surveys.csv").read_text(encoding="utf-8-sig").encode("cp1252")
    path.write_bytes(text.replace("ä".encode("cp1252"), b"\x9d"))  # undefined in cp1252

    [error] = _fails(settings, path)

    assert (error.where, error.row) == (str(path), 2)
    assert "byte 0x9D" in error.message and "varken UTF-8 eller Windows-1252" in error.message
    assert database_snapshot(engine) == loaded


def test_a_missing_column_is_named(settings, engine, loaded, tmp_path):
    rows = [
        {k: v for k, v in r.items() if k != "indicator_id"}
        for r in rows_of(TEMPLATES / "surveys.csv")
    ]
    path = write_rows(tmp_path / "enkat.csv", rows)

    [error] = _fails(settings, path)

    assert (error.row, error.field, error.message) == (
        1,
        "indicator_id",
        "kolumnen saknas i rubrikraden",
    )
    assert database_snapshot(engine) == loaded


def test_a_value_out_of_range_is_named(settings, engine, loaded, tmp_path):
    [error] = _fails(settings, edited(tmp_path, Kind.SURVEYS, value="140"))

    assert (error.row, error.field) == (2, "value")
    assert "utanför 0–100" in error.message
    assert database_snapshot(engine) == loaded


def test_a_response_rate_out_of_range_is_named(settings, engine, loaded, tmp_path):
    [error] = _fails(settings, edited(tmp_path, Kind.SURVEYS, response_rate="105"))
    assert (error.row, error.field, error.message) == (
        2,
        "response_rate",
        "får vara högst 100 (fick '105')",
    )


def test_a_number_below_the_minimum_answers_is_refused(settings, engine, loaded, tmp_path):
    [error] = _fails(settings, edited(tmp_path, Kind.SURVEYS, n_answers="3"))
    assert (error.row, error.field) == (2, "value") and "too_few" in error.message
    assert database_snapshot(engine) == loaded


def test_an_unknown_unit_is_named(settings, engine, loaded, tmp_path):
    [error] = _fails(settings, edited(tmp_path, Kind.SURVEYS, unit_id="FS-99"))
    assert (error.row, error.field) == (2, "unit_id") and "okänd utförare" in error.message
    assert database_snapshot(engine) == loaded


def test_an_indicator_of_another_kind_is_refused(settings, engine, loaded, tmp_path):
    path = edited(tmp_path, Kind.SURVEYS, indicator_id="kommun-forskola-klagomal", value="2")
    [error] = _fails(settings, path)
    assert (error.row, error.field) == (2, "indicator_id")
    assert "är ingen enkätindikator" in error.message


def test_a_repeated_row_is_named(settings, engine, loaded, tmp_path):
    rows = rows_of(TEMPLATES / "surveys.csv")
    path = write_rows(tmp_path / "enkat.csv", rows + rows)
    [error] = _fails(settings, path)
    assert (error.row, error.field) == (3, "year") and "rad 2" in error.message


def test_a_complaint_count_must_be_a_whole_number(settings, engine, preschool, tmp_path):
    [error] = _fails(settings, edited(tmp_path, Kind.COMPLAINTS, value="2,5"), Kind.COMPLAINTS)
    assert (error.row, error.field) == (2, "value") and "inte ett heltal" in error.message


def test_an_unreadable_excel_file_is_refused(settings, engine, loaded, tmp_path):
    path = tmp_path / "enkat.xlsx"
    path.write_bytes(b"not a zip file")
    [error] = _fails(settings, path)
    assert "inte en läsbar Excel-fil" in error.message
    assert database_snapshot(engine) == loaded


def test_an_excel_error_names_the_excel_row(settings, engine, loaded, tmp_path):
    path = _xlsx(
        tmp_path / "enkat.xlsx",
        [
            SURVEY_HEADER,
            ["0160", UNIT, "kommun-forskola-nojdhet", 2023, 90, 40],
            [None] * 6,
            ["0160", UNIT, "kommun-forskola-nojdhet", "förra året", 91, 48],
        ],
    )
    [error] = _fails(settings, path)
    assert (error.where, error.row, error.field) == (str(path), 4, "year")
    assert database_snapshot(engine) == loaded


def test_a_providers_row_with_an_unknown_driftsform_is_named(settings, engine, tmp_path):
    with Session(engine) as s:
        factories.kommun(s, "0160")
        s.commit()
    path = edited(tmp_path, Kind.PROVIDERS, driftsform="statlig")
    [error] = _fails(settings, path, Kind.PROVIDERS)
    assert (error.row, error.field) == (2, "driftsform")


# --- the command line ---------------------------------------------------------------------


def test_cli_reads_a_file_and_reports_a_broken_one(
    settings, engine, preschool, tmp_path, monkeypatch
):
    from ingest import __main__ as cli_module

    monkeypatch.setattr(cli_module, "get_settings", lambda: settings)
    runner = CliRunner()
    template = tmp_path / "surveys.csv"
    shutil.copy(TEMPLATES / "surveys.csv", template)

    ok = runner.invoke(cli_module.cli, ["file", str(template), "--kind", "surveys", "--no-reindex"])
    assert ok.exit_code == 0, ok.output
    assert "Inläst: fil:surveys" in ok.output

    (tmp_path / "broken").mkdir()
    broken = edited(tmp_path / "broken", Kind.SURVEYS, value="140")
    bad = runner.invoke(cli_module.cli, ["file", str(broken), "--kind", "surveys", "--dry-run"])
    assert bad.exit_code == 1
    assert "rad 2, fält 'value'" in bad.output and "inget har ändrats" in bad.output


def test_a_schools_arskurser_are_read_from_the_providers_file(settings, engine, tmp_path):
    with Session(engine) as s:
        factories.kommun(s, "0160")
        s.commit()
    assert "school_years" in rows_of(TEMPLATES / "providers.csv")[0]  # in the template
    path = edited(
        tmp_path,
        Kind.PROVIDERS,
        name="Exempelskolan",
        service_type="grundskola",
        school_years="F–6",  # an en dash, as Word and Excel write it
    )
    load(settings, path, Kind.PROVIDERS)
    with Session(engine) as s:
        assert s.exec(select(Provider)).one().school_years == [0, 1, 2, 3, 4, 5, 6]


def test_arskurser_for_a_preschool_or_in_words_are_refused(settings, engine, tmp_path):
    with Session(engine) as s:
        factories.kommun(s, "0160")
        s.commit()
    errors = _fails(settings, edited(tmp_path, Kind.PROVIDERS, school_years="F-6"), Kind.PROVIDERS)
    assert [(e.field, e.message) for e in errors] == [
        ("school_years", "årskurser anges bara för grundskola")
    ]
    errors = _fails(
        settings,
        edited(tmp_path, Kind.PROVIDERS, service_type="grundskola", school_years="lågstadiet"),
        Kind.PROVIDERS,
    )
    assert errors[0].field == "school_years"
    assert "F-6" in errors[0].message
