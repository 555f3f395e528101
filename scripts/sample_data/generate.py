"""Write a data set in the format of data/README.md: the committed sample or a nation."""

from __future__ import annotations

import random
from pathlib import Path

from .common import csv_out, jitter, write_csv
from .decisions import GUIDE_COLUMNS, LEVEL_COLUMNS, guide_rows, level_rows
from .figures import REFERENCE_COLUMNS, VALUE_COLUMNS, Figures
from .kommuner import nation_kommuner, sample_kommuner
from .spec import CATALOGUE, Kommun, Spec, load
from .world import PROVIDER_COLUMNS, World


def generate(out_dir: Path, scale: int = 1, seed: int = 2024) -> None:
    """Write the twelve sample CSV files into `out_dir`. With the defaults this is the
    committed data/sample/; `scale` multiplies the units per kommun and service type (the
    kommuner, areas and indicators stay the same), for benchmarks."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    spec = load()
    kommuner = sample_kommuner(spec, scale)
    years = list(range(spec.sample["first_year"], spec.sample["last_year"] + 1))
    write(out_dir, spec, random.Random(seed), kommuner, [kommuner], years, nation=False)


def generate_nation(
    out_dir: Path,
    units: int | None = None,
    years: tuple[int, int] | None = None,
    seed: int = 2024,
) -> None:
    """Write a synthetic nation into `out_dir`: every kommun in data/kommuner.csv, about
    `units` units (at least one of each service type per kommun) with figures for `years`
    (first, last); defaults in spec/nation.toml. Written a kommun at a time."""
    spec = load()
    first, last = years or (spec.nation["first_year"], spec.nation["last_year"])
    rng = random.Random(seed)
    kommuner = nation_kommuner(rng, spec, units or spec.nation["units"])
    batches = [[k] for k in kommuner]
    write(out_dir, spec, rng, kommuner, batches, list(range(first, last + 1)), nation=True)


def write(
    out_dir: Path,
    spec: Spec,
    rng: random.Random,
    kommuner: list[Kommun],
    batches: list[list[Kommun]],
    years: list[int],
    nation: bool,
) -> None:
    """Every file, in the order the draws were first made in: postal codes, the units a
    batch of kommuner at a time (with their values), then reference values."""
    out_dir.mkdir(parents=True, exist_ok=True)
    kommun_rows = ([k.code, k.name, k.slug] for k in kommuner)
    write_csv(out_dir / "kommuner.csv", ("code", "name", "slug"), kommun_rows)
    write_csv(out_dir / "service_types.csv", list(spec.service_types[0]), spec.service_types)
    write_csv(out_dir / "indicators.csv", CATALOGUE, (i.row for i in spec.indicators))
    # Each kommun's own website may frame the widgets (app/embed/origins.py).
    origins = ([k.code, f"https://www.{k.slug.replace('-', '')}.se"] for k in kommuner)
    write_csv(out_dir / "embed_origins.csv", ("kommun_code", "origin"), origins)

    area_rows, postal_rows = [], []
    coords: dict[str, tuple[float, float]] = {}
    for k in kommuner:
        for a in k.areas:
            area_rows.append([k.code, a.slug, a.name, f"{a.lat:.4f}", f"{a.lon:.4f}"])
            for code in a.postal_codes:
                coords[code] = jitter(rng, a.lat, a.lon, 1.2)
                lat, lon = coords[code]
                postal_rows.append([code, k.code, a.slug, a.locality, f"{lat:.5f}", f"{lon:.5f}"])
    write_csv(out_dir / "areas.csv", ("kommun_code", "slug", "name", "lat", "lon"), area_rows)
    postal_columns = ("code", "kommun_code", "area_slug", "locality", "lat", "lon")
    write_csv(out_dir / "postal_codes.csv", postal_columns, postal_rows)

    world = World(rng, spec, years, coords, nation)
    figures = Figures(rng, spec, years, nation)
    own: dict[tuple[str, str], tuple[str, str]] = {}  # the kommun's first own unit per service
    with (
        csv_out(out_dir / "providers.csv", PROVIDER_COLUMNS) as providers_out,
        csv_out(out_dir / "values.csv", VALUE_COLUMNS) as values_out,
    ):
        for batch in batches:
            providers = world.add(batch)
            providers_out.writerows(p.row() for p in providers)
            values_out.writerows(figures.values(providers, batch))
            for p in providers:
                if p.organisation.driftsform == "kommunal":
                    own.setdefault((p.kommun.code, p.service_type), (p.slug, p.name))
    orgs = ([o.key, o.name, o.org_nr, o.driftsform] for o in world.organisations.values())
    write_csv(out_dir / "organisations.csv", ("key", "name", "org_nr", "driftsform"), orgs)
    write_csv(out_dir / "reference_values.csv", REFERENCE_COLUMNS, figures.references(kommuner))
    write_csv(out_dir / "levels.csv", LEVEL_COLUMNS, level_rows(spec, kommuner))
    write_csv(out_dir / "choice_guides.csv", GUIDE_COLUMNS, guide_rows(spec, kommuner, own))
