"""The generator's data (spec/, see spec/README.md), read once into typed records."""

from __future__ import annotations

import tomllib
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from .common import read_csv

SPEC_DIR = Path(__file__).resolve().parent / "spec"
KOMMUNER_CSV = SPEC_DIR.parents[2] / "data" / "kommuner.csv"

# indicators.csv's columns in data/README.md; the spec's further columns steer the figures.
CATALOGUE = (
    "id", "service_type", "section", "title_sv", "title_en", "short_title_sv",
    "short_title_en", "description_sv", "description_en", "unit", "direction", "source_kind",
    "source_name", "min_n", "key_rank", "sort_order", "decimals", "discontinued_after",
)  # fmt: skip

_CONVERT: dict[str, Any] = {
    "int": int,
    "float": float,
    "str": str,
    "bool": lambda s: s == "ja",
    "tuple[str, ...]": lambda s: tuple(s.split("|")),
}


def typed(cls: Any, cells: dict[str, str], **extra: Any) -> Any:
    """A dataclass from a CSV row: a blank cell is None or the field's default; ja/nej."""
    values = dict(extra)
    for f in fields(cls):
        raw = cells.get(f.name, "")
        if f.name in values or (raw == "" and f.default is not MISSING):
            continue
        values[f.name] = None if raw == "" else _CONVERT[f.type.split(" |")[0]](raw)
    return cls(**values)


@dataclass(frozen=True)
class Indicator:
    """One row of indicators.csv: the definition and how its figures are drawn."""

    row: dict[str, str]  # the catalogue columns, written out as they are
    id: str
    service_type: str
    unit: str
    direction: str
    source_kind: str
    source_name: str
    min_n: int | None = None
    decimals: int = 0
    discontinued_after: int | None = None
    source: str = ""  # the `source` of each figure
    period: str = "year"  # "year" -> "2024"; "school" -> "2023/24"
    published_lag: int = 1  # published the year after the figure's year, or the same (0)
    published_day: str = "02-28"
    fetched: str = ""
    first_year: int | None = None  # first year with figures (blank: the first of the run)
    kind: str = "normal"  # normal, capacity, per_size, rolling3, hours: see figures.py
    mean: float = 0.0
    sd: float = 0.0
    lo: float = 0.0
    hi: float = 100.0
    trend: float = 0.0
    noise: float = 0.0
    national: float | None = None
    respondents: str = ""
    grade9: bool = False
    p_missing: float = 0.0
    sample: bool = True  # drawn for the committed sample too, not only the nation
    share: float | None = None  # the share of units that have it (blank: all)
    level_good: float | None = None
    level_approved: float | None = None

    @property
    def sign(self) -> int:
        return {"higher": 1, "lower": -1}.get(self.direction, 0)


@dataclass(frozen=True)
class Brand:
    """A non-kommunal organisation and how its units are named (brands.csv)."""

    key: str
    name: str
    driftsform: str
    service_type: str
    unit_name: str  # {place}: the kommun, or the area when taken; {base}: from the pool
    profiles: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    small: bool = False  # runs small units, in small kommuner first
    nation_only: bool = False


@dataclass(frozen=True)
class Service:
    """How the units of one service type are invented (units.toml)."""

    id: str
    choice_basis: str  # "area": a unit serves areas (home care); else it has an address
    own_name: str
    min_capacity: int
    hours: dict[str, Any]
    started: dict[str, list[int]]
    language_factor: float
    optional_profiles: dict[str, float]
    opening: str
    general: list[str]
    head: str
    nation: dict[str, float]
    capacity: dict[str, list[int]] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)
    own_name_parts: list[str] = field(default_factory=list)
    main_profiles: list[list[str]] = field(default_factory=list)
    brand_profile_only: bool = False
    first_grades: str = ""
    grades: list[str] = field(default_factory=list)
    growth: bool = True


@dataclass(frozen=True)
class Area:
    slug: str
    name: str
    lat: float
    lon: float
    locality: str
    postal_codes: tuple[str, ...]
    outer: bool = False  # sparsely populated: few units, few home-care providers


@dataclass(frozen=True)
class Kommun:
    index: int  # position in the run: spreads the chains' turns and the guides' dates
    code: str
    name: str
    slug: str
    org_name: str  # the kommun as huvudman of its own units
    areas: tuple[Area, ...]
    plan: dict[str, tuple[int, int, int]]  # per service type: total, kommunal, idéburen
    capacity_factor: float = 1.0
    like: str = ""  # the sample kommun it takes after: its choice guides and awkward cases
    levels_from: str = ""  # the kommun in levels.toml whose decisions it has ("": none)


@dataclass(frozen=True)
class Spec:
    units: dict[str, Any]
    services: dict[str, Service]
    service_types: list[dict[str, str]]
    indicators: list[Indicator]
    brands: list[Brand]
    names: dict[str, Any]
    sample: dict[str, Any]
    sample_areas: list[dict[str, str]]
    levels: dict[str, Any]
    guides: dict[str, Any]
    nation: dict[str, Any]
    kommuner: list[dict[str, str]]  # data/kommuner.csv: every kommun, real codes and names


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads((SPEC_DIR / name).read_text(encoding="utf-8"))


@cache
def load() -> Spec:
    units = _toml("units.toml")
    service_types = read_csv(SPEC_DIR / "service_types.csv")
    services = {
        st["id"]: Service(
            id=st["id"], choice_basis=st["choice_basis"], **units["service"][st["id"]]
        )
        for st in service_types
    }
    indicators = [
        typed(Indicator, r, row={c: r[c] for c in CATALOGUE})
        for r in read_csv(SPEC_DIR / "indicators.csv")
    ]
    return Spec(
        units=units,
        services=services,
        service_types=service_types,
        indicators=indicators,
        brands=[typed(Brand, r) for r in read_csv(SPEC_DIR / "brands.csv")],
        names=_toml("names.toml"),
        sample=_toml("sample.toml"),
        sample_areas=read_csv(SPEC_DIR / "sample_areas.csv"),
        levels=_toml("levels.toml"),
        guides=_toml("guides.toml"),
        nation=_toml("nation.toml"),
        kommuner=read_csv(KOMMUNER_CSV),
    )
