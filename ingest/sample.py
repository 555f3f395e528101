"""The sample data set (data/sample/, or a synthetic nation): read, validate across files.

Every file is read a row at a time; none is ever held as text. The small files are parsed
and checked here before anything is written. providers.csv is checked here too, but of its
rows (tens of thousands for a nation) only what the other files refer to is kept
(ProviderRef): the writer reads the full rows again, batch by batch
(SampleData.provider_batches). The two big ones, values.csv and reference_values.csv, are
only opened here: they are validated as they are streamed into the database
(ingest.sample_figures), inside the run's transaction, so a bad row there still leaves
nothing written. Nothing here writes; ingest.sample_loader does.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from app.followup.levels import bars_in_order
from app.models.vocab import Direction
from ingest.errors import IngestFailed
from ingest.limits import SAMPLE_LIMITS
from ingest.sample_figures import FigureFile, known
from ingest.sample_schema import (
    AreaRow,
    ChoiceGuideRow,
    EmbedOriginRow,
    IndicatorRow,
    KommunRow,
    LevelRow,
    OrganisationRow,
    PostalCodeRow,
    ProviderRow,
    ReferenceValueRow,
    ServiceTypeRow,
    ValueRow,
)
from ingest.tabular import Row, check_file, stream_table
from ingest.validate import Errors, Parsed, parse_rows, unique

FILES: dict[str, type] = {  # read in this order
    "kommuner.csv": KommunRow,
    "service_types.csv": ServiceTypeRow,
    "areas.csv": AreaRow,
    "postal_codes.csv": PostalCodeRow,
    "organisations.csv": OrganisationRow,
    "providers.csv": ProviderRow,
    "indicators.csv": IndicatorRow,
    "levels.csv": LevelRow,
    "choice_guides.csv": ChoiceGuideRow,
    "embed_origins.csv": EmbedOriginRow,
}
BIG_FILES = {"values.csv": ValueRow, "reference_values.csv": ReferenceValueRow}
# Providers are written this many at a time (the nation has tens of thousands).
PROVIDER_BATCH = 1000
# providers.csv is read twice, to check it and to write it: it must not change in between.
CHANGED = "filen ändrades under inläsningen; läs in den igen"


@dataclass(frozen=True)
class ProviderRef:
    """What the other files' checks need of a provider row, in place of the whole row."""

    slug: str
    kommun_code: str
    service_type: str
    organisation_key: str
    areas: tuple[str, ...]

    @classmethod
    def of(cls, row: ProviderRow) -> "ProviderRef":
        return cls(
            row.slug, row.kommun_code, row.service_type, row.organisation_key, tuple(row.areas)
        )


@dataclass(frozen=True)
class SampleData:
    kommuner: list[Parsed[KommunRow]]
    service_types: list[Parsed[ServiceTypeRow]]
    areas: list[Parsed[AreaRow]]
    postal_codes: list[Parsed[PostalCodeRow]]
    organisations: list[Parsed[OrganisationRow]]
    providers: list[Parsed[ProviderRef]]  # the full rows: provider_batches()
    indicators: list[Parsed[IndicatorRow]]
    levels: list[Parsed[LevelRow]]
    choice_guides: list[Parsed[ChoiceGuideRow]]
    embed_origins: list[Parsed[EmbedOriginRow]]
    # Validated as they are read, batch by batch: see FigureFile.batches().
    values: FigureFile
    reference_values: FigureFile
    providers_path: Path

    def provider_batches(self, size: int = PROVIDER_BATCH) -> Iterator[list[ProviderRow]]:
        """providers.csv read again, `size` rows at a time, for the writer.

        read_sample checked every row; a row that reads differently now means the file was
        changed in between, and IngestFailed is raised (the run rolls back).
        """
        where = _display(self.providers_path)
        errors = Errors()
        rows = parse_rows(_rows(self.providers_path, ProviderRow), ProviderRow, errors, where)
        batch: list[ProviderRow] = []
        for checked in self.providers:
            p = next(rows, None)
            if p is None or Parsed(where, p.line, ProviderRef.of(p.row)) != checked:
                errors.add(where, checked.line, None, CHANGED)
                raise IngestFailed(errors.items)
            batch.append(p.row)
            if len(batch) == size:
                yield batch
                batch = []
        if next(rows, None) is not None:
            errors.add(where, None, None, CHANGED)
        errors.raise_if_any()
        if batch:
            yield batch


def read_sample(data_dir: Path) -> SampleData:
    """Parse and cross-check every file; raise IngestFailed listing all errors."""
    errors = Errors()
    parsed: dict[str, list] = {}
    for filename, model in FILES.items():
        path = data_dir / filename
        where = _display(path)
        if not path.exists():
            errors.add(where, None, None, "filen saknas")
            parsed[filename] = []
            continue
        rows = parse_rows(_rows(path, model), model, errors, where)
        if model is ProviderRow:
            parsed[filename] = [Parsed(p.where, p.line, ProviderRef.of(p.row)) for p in rows]
        else:
            parsed[filename] = list(rows)
    for filename in BIG_FILES:
        path = data_dir / filename
        if not path.exists():
            errors.add(_display(path), None, None, "filen saknas")
            continue
        try:
            check_file(path, SAMPLE_LIMITS)
        except IngestFailed as exc:
            errors.items += exc.errors
    errors.raise_if_any()  # cross-checks need well-typed rows
    rows = lambda name: [p.row for p in parsed[name]]  # noqa: E731
    facts = known(
        [r.code for r in rows("kommuner.csv")], rows("providers.csv"), rows("indicators.csv")
    )
    figures = {
        name.removesuffix(".csv"): FigureFile(
            data_dir / name, _display(data_dir / name), name.removesuffix(".csv"), facts
        )
        for name in BIG_FILES
    }
    data = SampleData(
        **{name.removesuffix(".csv"): parsed[name] for name in FILES},
        **figures,
        providers_path=data_dir / "providers.csv",
    )
    _check_references(data, errors)
    errors.raise_if_any()
    return data


def validate_sample(data_dir: Path) -> SampleData:
    """read_sample, then every figure row too, without a database (the big files are read
    through once here, so a load reads them again)."""
    data = read_sample(data_dir)
    for figures in (data.values, data.reference_values):
        for _ in figures.batches():
            pass
    return data


def _rows(path: Path, model: type[BaseModel]) -> Iterator[Row]:
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    return stream_table(path, required=required, limits=SAMPLE_LIMITS)[1]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _check_references(d: SampleData, errors: Errors) -> None:
    kommuner = unique(d.kommuner, lambda r: r.code, "code", errors)
    unique(d.kommuner, lambda r: r.slug, "slug", errors)
    service_types = unique(d.service_types, lambda r: r.id, "id", errors)
    areas = unique(d.areas, lambda r: (r.kommun_code, r.slug), "slug", errors)
    unique(d.postal_codes, lambda r: r.code, "code", errors)
    organisations = unique(d.organisations, lambda r: r.key, "key", errors)
    providers = unique(d.providers, lambda r: r.slug, "slug", errors)
    indicators = unique(d.indicators, lambda r: r.id, "id", errors)

    def need(parsed: Parsed, field: str, value: object, known: dict, what: str) -> bool:
        if value not in known:
            errors.at(parsed, field, f"okänd {what} '{value}'")
            return False
        return True

    for p in d.areas:
        need(p, "kommun_code", p.row.kommun_code, kommuner, "kommun")
    for p in d.postal_codes:
        if need(p, "kommun_code", p.row.kommun_code, kommuner, "kommun"):
            need(p, "area_slug", (p.row.kommun_code, p.row.area_slug), areas, "kommundel")
    for p in d.providers:
        r = p.row
        need(p, "service_type", r.service_type, service_types, "tjänst")
        need(p, "organisation_key", r.organisation_key, organisations, "organisation")
        if need(p, "kommun_code", r.kommun_code, kommuner, "kommun"):
            for slug in r.areas:
                need(p, "areas", (r.kommun_code, slug), areas, "kommundel i kommunen")
    for p in d.indicators:
        need(p, "service_type", p.row.service_type, service_types, "tjänst")

    # A kommun × indicator may have several levels over time, one per first period.
    unique(d.levels, lambda r: (r.kommun_code, r.indicator_id, r.valid_from), "valid_from", errors)
    for p in d.levels:
        r = p.row
        need(p, "kommun_code", r.kommun_code, kommuner, "kommun")
        if need(p, "indicator_id", r.indicator_id, indicators, "indikator"):
            direction = indicators[r.indicator_id].row.direction
            if direction == Direction.NONE:
                errors.at(
                    p, "indicator_id", "indikatorn har ingen riktning; nivåer går inte att sätta"
                )
            elif not bars_in_order(direction, r.good, r.approved):
                errors.at(p, "good", "nivån för bra måste vara bättre än nivån för godkänt")

    unique(d.embed_origins, lambda r: (r.kommun_code, r.origin), "origin", errors)
    for p in d.embed_origins:
        need(p, "kommun_code", p.row.kommun_code, kommuner, "kommun")

    unique(d.choice_guides, lambda r: (r.kommun_code, r.service_type), "service_type", errors)
    for p in d.choice_guides:
        r = p.row
        ok_kommun = need(p, "kommun_code", r.kommun_code, kommuner, "kommun")
        ok_service = need(p, "service_type", r.service_type, service_types, "tjänst")
        if r.default_provider_slug is None or not (ok_kommun and ok_service):
            continue
        if need(p, "default_provider_slug", r.default_provider_slug, providers, "utförare"):
            default = providers[r.default_provider_slug].row
            if (default.kommun_code, default.service_type) != (r.kommun_code, r.service_type):
                errors.at(
                    p,
                    "default_provider_slug",
                    f"utföraren ger {default.service_type} i kommun {default.kommun_code}, "
                    f"inte {r.service_type} i {r.kommun_code}",
                )
