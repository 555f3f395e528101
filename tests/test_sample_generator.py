"""The sample-data generator (scripts/sample_data): it makes the committed data/sample/ byte
for byte, and a synthetic nation that the real ingest's validation accepts."""

import csv
from pathlib import Path

from ingest.sample import validate_sample
from scripts.sample_data import generate, generate_nation

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"


def test_the_generator_makes_the_committed_sample_byte_for_byte(tmp_path: Path) -> None:
    generate(tmp_path)
    committed = sorted(p.name for p in SAMPLE_DIR.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name


def test_another_seed_makes_other_figures_from_the_same_definitions(tmp_path: Path) -> None:
    generate(tmp_path, seed=7)
    for name in ("kommuner.csv", "service_types.csv", "indicators.csv", "areas.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name
    assert (tmp_path / "values.csv").read_bytes() != (SAMPLE_DIR / "values.csv").read_bytes()


def test_a_small_nation_is_read_by_the_ingest_with_every_kommun(tmp_path: Path) -> None:
    generate_nation(tmp_path, units=300, years=(2023, 2023))
    data = validate_sample(tmp_path)  # raises IngestFailed listing every error

    with (ROOT / "data" / "kommuner.csv").open(encoding="utf-8", newline="") as handle:
        kommuner = {row["code"] for row in csv.DictReader(handle)}
    assert len(kommuner) == 290
    assert {p.row.code for p in data.kommuner} == kommuner
    # Every kommun has units of every service type and a choice guide for each.
    service_types = {p.row.id for p in data.service_types}
    units = {(p.row.kommun_code, p.row.service_type) for p in data.providers}
    guides = {(p.row.kommun_code, p.row.service_type) for p in data.choice_guides}
    assert units == guides == {(k, st) for k in kommuner for st in service_types}
    # Every indicator of the catalogue has figures, and some kommuner have levels.
    values = [r for batch in data.values.batches() for r in batch]
    references = [r for batch in data.reference_values.batches() for r in batch]
    assert {r["indicator_id"] for r in values} == {p.row.id for p in data.indicators}
    assert {r["municipality_code"] for r in references} == kommuner | {"0000"}
    assert 0 < len({p.row.kommun_code for p in data.levels}) < len(kommuner)
