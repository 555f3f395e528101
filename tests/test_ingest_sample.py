"""Loading the sample data: everything arrives, re-runs change nothing, bad files change nothing."""

import csv
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.db import make_engine
from app.models import (
    Indicator,
    IndicatorValue,
    Kommun,
    Provider,
    ProviderArea,
    ServiceType,
)
from app.search.client import make_client
from app.settings import Settings
from ingest.errors import IngestFailed
from ingest.runs import run_job
from ingest.sample import SampleData, read_sample, validate_sample
from ingest.sample_loader import write_sample
from ingest.tabular import read_table
from tests.conftest import DATA_DIR
from tests.conftest import _settings as _conf_settings
from tests.support.csvedit import cell, copy_sample, drop_column, set_cell
from tests.support.databases import fresh_database
from tests.support.snapshot import database_snapshot

ROOT = Path(__file__).resolve().parent.parent


def load(settings: Settings, data_dir: Path = DATA_DIR, **kwargs):
    data = read_sample(data_dir)
    return run_job(settings, "sample", lambda s: write_sample(s, data), **kwargs)


def _base_settings() -> Settings:
    return _conf_settings("sqlite://", "unused")


def csv_rows(name: str) -> list[dict]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def live_documents(settings: Settings) -> list[dict]:
    index = make_client(settings).index(settings.providers_index)
    docs = index.get_documents({"limit": 10_000}).results
    return sorted((dict(d) for d in docs), key=lambda d: d["id"])


def test_sample_data_loads_every_provider_and_value(settings, engine) -> None:
    result = load(settings)
    with Session(engine) as s:
        providers = s.exec(select(func.count()).select_from(Provider)).one()
        values = s.exec(select(func.count()).select_from(IndicatorValue)).one()
        kommuner = s.exec(select(Kommun.code)).all()
        pairs = set(s.exec(select(Provider.kommun_code, Provider.service_type_id)).all())
        service_types = s.exec(select(ServiceType.id)).all()
    assert providers == len(csv_rows("providers.csv")) >= 150
    assert values == len(csv_rows("values.csv"))
    assert sorted(kommuner) == ["0114", "0117", "0160", "0162", "0187"]
    assert {(k, st) for k in kommuner for st in service_types} == pairs
    assert result.indexed == providers
    assert len(live_documents(settings)) == providers


def test_each_service_type_has_ten_indicators_covering_all_five_sections(settings, engine):
    load(settings, reindex=False)
    with Session(engine) as s:
        for st in s.exec(select(ServiceType)).all():
            indicators = s.exec(select(Indicator).where(Indicator.service_type_id == st.id)).all()
            assert len(indicators) >= 10, st.id
            assert {i.section for i in indicators} == {1, 2, 3, 4, 5}, st.id


def test_reingest_changes_nothing(settings, engine) -> None:
    load(settings)
    before_db = database_snapshot(engine)
    before_index = live_documents(settings)

    again = load(settings)

    assert (again.total.created, again.total.updated, again.total.deleted) == (0, 0, 0)
    assert again.total.unchanged > 0
    assert again.index_note == "oförändrat"
    assert database_snapshot(engine) == before_db
    assert live_documents(settings) == before_index


def test_dry_run_writes_nothing(settings, engine) -> None:
    before = database_snapshot(engine)
    result = load(settings, dry_run=True)
    assert result.total.created > 0  # it counted what it would have done
    assert database_snapshot(engine) == before


BROKEN_CELLS = [
    ("providers.csv", 3, "lat", "norr om stan", "lat", "inte ett tal"),
    ("providers.csv", 5, "kommun_code", "9999", "kommun_code", "okänd kommun"),
    ("providers.csv", 7, "accepting_new", "kanske", "accepting_new", "ja eller nej"),
    ("providers.csv", 8, "slug", "__SLUG_OF_ROW_0__", "slug", "finns redan"),
    ("values.csv", 10, "value", "", "value", "kräver ett värde"),
    ("values.csv", 11, "indicator_id", "U99999", "indicator_id", "okänd indikator"),
    ("values.csv", 12, "fetched", "15 mars", "fetched", "datum"),
    ("values.csv", 13, "response_rate", "140", "response_rate", "högst 100"),
    ("indicators.csv", 2, "section", "6", "section", "högst 5"),
    ("organisations.csv", 1, "driftsform", "statlig", "driftsform", "tillåtna värden"),
    (
        "choice_guides.csv",
        0,
        "default_provider_slug",
        "finns-inte",
        "default_provider_slug",
        "okänd utförare",
    ),
    ("choice_guides.csv", 2, "apply_url", "exempel.se/ansok", "apply_url", "fel format"),
    ("choice_guides.csv", 3, "service_type", "tandvard", "service_type", "okänd tjänst"),
    ("choice_guides.csv", 4, "apply_steps", "", "apply_steps", "värde saknas"),
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, meili_client):
    """One loaded database for the rejection tests: a rejected load must not touch it,
    and each test checks exactly that against its own snapshot."""
    prefix = f"b{uuid.uuid4().hex[:10]}"
    with fresh_database(tmp_path_factory.mktemp("loaded")) as url:
        settings = Settings(
            **{**_base_settings().model_dump(), "database_url": url, "meili_index_prefix": prefix}
        )
        load(settings)
        engine = make_engine(url)
        yield settings, engine
        engine.dispose()
    for index in meili_client.get_indexes({"limit": 1000})["results"]:
        if index.uid.startswith(prefix):
            meili_client.delete_index(index.uid)


@pytest.mark.parametrize(("filename", "index", "column", "bad", "field", "says"), BROKEN_CELLS)
def test_broken_file_is_rejected_naming_file_row_and_field(
    loaded, tmp_path, filename, index, column, bad, field, says
) -> None:
    settings, engine = loaded
    before_db = database_snapshot(engine)
    before_index = live_documents(settings)
    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    if bad == "__SLUG_OF_ROW_0__":
        bad = cell(broken / filename, 0, column)
    if filename == "values.csv" and column == "value":
        index = _first_ok_row(broken / filename, index)
    line = set_cell(broken / filename, index, column, bad)

    with pytest.raises(IngestFailed) as failure:
        load(settings, broken)

    errors = failure.value.errors
    assert any(
        e.where.endswith(filename) and e.row == line and e.field == field and says in e.message
        for e in errors
    ), [str(e) for e in errors]
    assert database_snapshot(engine) == before_db
    assert live_documents(settings) == before_index


def _first_ok_row(path: Path, start: int) -> int:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return next(i for i in range(start, len(rows)) if rows[i]["status"] == "ok")


def _load_in_batches(settings: Settings, data_dir: Path, rows: int) -> tuple[list, object]:
    """Load with small batches; return the sizes of the values batches handed to the writer
    (each is written before the next is read) and the result or the IngestFailed raised."""
    data = read_sample(data_dir)
    data.values.batch_rows = data.reference_values.batch_rows = rows
    handed: list[int] = []
    batches = data.values.batches

    def counted():
        for batch in batches():
            handed.append(len(batch))
            yield batch

    data.values.batches = counted  # type: ignore[method-assign]
    try:
        return handed, run_job(settings, "sample", lambda s: write_sample(s, data))
    except IngestFailed as exc:
        return handed, exc


def test_a_bad_value_after_several_written_batches_leaves_the_database_unchanged(
    settings, engine, tmp_path
) -> None:
    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    rows = csv_rows("values.csv")
    late = len(rows) - 3
    line = set_cell(broken / "values.csv", late, "fetched", "15 mars")
    before = database_snapshot(engine)

    handed, failure = _load_in_batches(settings, broken, rows=500)

    assert len(handed) >= 5 and sum(handed) >= 5 * 500  # these were written, then undone
    assert isinstance(failure, IngestFailed)
    [error] = failure.errors
    assert (error.where.endswith("values.csv"), error.row, error.field) == (True, line, "fetched")
    assert "datum" in error.message
    assert database_snapshot(engine) == before
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(IndicatorValue)).one() == 0


@pytest.mark.parametrize("filename", ["values.csv", "reference_values.csv"])
def test_a_figure_repeated_in_a_later_batch_names_its_first_row(
    settings, tmp_path, filename
) -> None:
    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    rows = csv_rows(filename)
    first = read_table(broken / filename).rows[2].line
    with (broken / filename).open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerow(rows[2].values())
    repeated = len(rows) + 2  # the header is line 1

    handed, failure = _load_in_batches(settings, broken, rows=1000)

    assert isinstance(failure, IngestFailed) and len(handed) >= 5
    [error] = failure.errors
    assert (error.where.endswith(filename), error.row, error.field) == (True, repeated, "year")
    assert f"finns redan på rad {first}" in error.message


def test_a_corrected_value_is_updated_in_place_and_the_rest_unchanged(settings, engine, tmp_path):
    data_dir = copy_sample(DATA_DIR, tmp_path / "data")
    load(settings, data_dir, reindex=False)
    rows = csv_rows("values.csv")
    index = _first_ok_row(data_dir / "values.csv", len(rows) // 2)
    set_cell(data_dir / "values.csv", index, "value", "12,5")

    handed, result = _load_in_batches(settings, data_dir, rows=700)

    assert len(handed) > 5
    assert result.counts["indicator_value"].created == 0
    assert result.counts["indicator_value"].updated == 1
    assert result.counts["indicator_value"].unchanged == len(rows) - 1
    with Session(engine) as s:
        stored = s.exec(
            select(IndicatorValue.value).where(
                IndicatorValue.source_ref == f"{_display_of(data_dir)}/values.csv rad {index + 2}"
            )
        ).one()
    assert stored == 12.5


def _display_of(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def test_providers_are_written_in_batches_and_a_rerun_counts_them_unchanged(
    settings, engine, monkeypatch
) -> None:
    batches = SampleData.provider_batches
    sizes: list[int] = []

    def small(self, size=0):
        for batch in batches(self, 7):
            sizes.append(len(batch))
            yield batch

    monkeypatch.setattr(SampleData, "provider_batches", small)
    providers = csv_rows("providers.csv")

    first = load(settings, reindex=False)
    with Session(engine) as s:
        links = s.exec(select(func.count()).select_from(ProviderArea)).one()
    again = load(settings, reindex=False)

    assert len(sizes) == 2 * -(-len(providers) // 7) and max(sizes) == 7
    assert (first.counts["provider"].created, first.counts["provider_area"].created) == (
        len(providers),
        links,
    )
    for table, n in (("provider", len(providers)), ("provider_area", links)):
        c = again.counts[table]
        assert (c.created, c.updated, c.deleted, c.unchanged) == (0, 0, 0, n), table


def test_providers_changed_between_check_and_write_fail_the_run(settings, engine, tmp_path):
    """providers.csv is read twice (checked, then written in batches): a change in between
    is refused, naming the row, and nothing is written."""
    data_dir = copy_sample(DATA_DIR, tmp_path / "data")
    data = read_sample(data_dir)
    other = cell(data_dir / "providers.csv", 1, "organisation_key")
    line = set_cell(data_dir / "providers.csv", 4, "organisation_key", other)
    before = database_snapshot(engine)

    with pytest.raises(IngestFailed) as failure:
        run_job(settings, "sample", lambda s: write_sample(s, data))

    [error] = failure.value.errors
    assert (error.where.endswith("providers.csv"), error.row) == (True, line)
    assert "ändrades under inläsningen" in error.message
    assert database_snapshot(engine) == before


def test_a_survey_value_below_minimum_answers_must_be_suppressed(settings, tmp_path) -> None:
    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    with (broken / "indicators.csv").open(newline="", encoding="utf-8") as f:
        survey = next(r for r in csv.DictReader(f) if r["source_kind"] == "survey" and r["min_n"])
    with (broken / "values.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    index = next(
        i for i, r in enumerate(rows) if r["indicator_id"] == survey["id"] and r["status"] == "ok"
    )
    set_cell(broken / "values.csv", index, "n_answers", str(int(survey["min_n"]) - 1))
    with pytest.raises(IngestFailed) as failure:
        validate_sample(broken)
    assert any(e.field == "status" and "too_few" in e.message for e in failure.value.errors)


def test_a_default_provider_must_give_that_service_in_that_kommun(tmp_path) -> None:
    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    rows = csv_rows("choice_guides.csv")
    named = next(i for i, r in enumerate(rows) if r["default_provider_slug"])
    other = next(
        i
        for i, r in enumerate(rows)
        if r["kommun_code"] == rows[named]["kommun_code"] and i != named
    )
    slug = rows[named]["default_provider_slug"]
    line = set_cell(broken / "choice_guides.csv", other, "default_provider_slug", slug)
    with pytest.raises(IngestFailed) as failure:
        read_sample(broken)
    [error] = failure.value.errors
    assert (error.row, error.field) == (line, "default_provider_slug")
    assert f"inte {rows[other]['service_type']}" in error.message


def test_english_steps_must_match_the_swedish_ones(tmp_path) -> None:
    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    rows = csv_rows("choice_guides.csv")
    index = next(i for i, r in enumerate(rows) if r["apply_steps_en"])
    line = set_cell(broken / "choice_guides.csv", index, "apply_steps_en", "Only one step.")
    with pytest.raises(IngestFailed) as failure:
        read_sample(broken)
    [error] = failure.value.errors
    assert (error.row, error.field) == (line, "apply_steps_en")
    assert "steg" in error.message


def test_a_missing_column_is_named(tmp_path) -> None:
    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    drop_column(broken / "providers.csv", "organisation_key")
    with pytest.raises(IngestFailed) as failure:
        read_sample(broken)
    [error] = failure.value.errors
    assert (error.row, error.field) == (1, "organisation_key")
    assert error.where.endswith("providers.csv")


def test_windows_1252_and_semicolons_are_read_as_utf8(tmp_path) -> None:
    """Swedish Excel saves CSV as Windows-1252 with ';' separators."""
    data = copy_sample(DATA_DIR, tmp_path / "excel")
    path = data / "kommuner.csv"
    text = path.read_text(encoding="utf-8").replace(",", ";")
    path.write_bytes(text.encode("cp1252"))
    assert "Österåker" in [p.row.name for p in read_sample(data).kommuner]


def test_cli_reports_errors_and_exits_nonzero(settings, tmp_path) -> None:
    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    line = set_cell(broken / "providers.csv", 0, "lon", "öster")
    env = dict(
        os.environ,
        DATABASE_URL=settings.database_url,
        MEILI_INDEX_PREFIX=settings.meili_index_prefix,
        COLUMNS="200",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "ingest", "sample", "--data-dir", str(broken)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert f"providers.csv, rad {line}, fält 'lon'" in proc.stderr
    assert "inget har ändrats" in proc.stderr


def test_changed_document_shape_rebuilds_an_unchanged_database(settings, monkeypatch) -> None:
    """A code change that reshapes documents must reach the index even if no row changed."""
    from app.search import indexer

    load(settings)
    original = indexer.provider_documents
    monkeypatch.setattr(
        indexer,
        "provider_documents",
        lambda s, **kw: (d | {"shape": 2} for d in original(s, **kw)),
    )
    again = load(settings)
    assert again.total.created == again.total.updated == 0
    assert again.indexed is not None and again.index_note == ""
    assert all(d["shape"] == 2 for d in live_documents(settings))


def test_short_titles_and_arskurser_are_loaded_from_the_sample(sample_app) -> None:
    indicators = {r["id"]: r for r in csv_rows("indicators.csv")}
    providers = {r["slug"]: r for r in csv_rows("providers.csv")}
    with Session(sample_app.state.engine) as s:
        for ind in s.exec(select(Indicator)).all():
            row = indicators[ind.id]
            assert (ind.short_title_sv, ind.short_title_en) == (
                row["short_title_sv"],
                row["short_title_en"],
            )
            assert ind.short_title_sv
        spans = {"F-6": list(range(7)), "F-9": list(range(10)), "7-9": [7, 8, 9]}
        for p in s.exec(select(Provider)).all():
            if p.service_type_id == "grundskola":
                assert p.school_years == spans[providers[p.slug]["school_years"]], p.slug
            else:
                assert p.school_years == [], p.slug
        schools = s.exec(select(Provider).where(Provider.service_type_id == "grundskola")).all()
        assert {tuple(p.school_years) for p in schools} == {tuple(v) for v in spans.values()}
