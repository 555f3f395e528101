"""The sample data set (data/sample/): read, validate across files, and describe as records.

Nothing here writes; `ingest.writer` does, after everything has been validated.
"""

from dataclasses import dataclass
from pathlib import Path

from app.followup.levels import bars_in_order
from app.models.vocab import Direction, SourceKind, Unit, ValueStatus
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
from ingest.tabular import read_table
from ingest.validate import Errors, Parsed, parse_table, unique

FILES: dict[str, type] = {
    "kommuner.csv": KommunRow,
    "service_types.csv": ServiceTypeRow,
    "areas.csv": AreaRow,
    "postal_codes.csv": PostalCodeRow,
    "organisations.csv": OrganisationRow,
    "providers.csv": ProviderRow,
    "indicators.csv": IndicatorRow,
    "values.csv": ValueRow,
    "reference_values.csv": ReferenceValueRow,
    "levels.csv": LevelRow,
    "choice_guides.csv": ChoiceGuideRow,
    "embed_origins.csv": EmbedOriginRow,
}


@dataclass(frozen=True)
class SampleData:
    kommuner: list[Parsed[KommunRow]]
    service_types: list[Parsed[ServiceTypeRow]]
    areas: list[Parsed[AreaRow]]
    postal_codes: list[Parsed[PostalCodeRow]]
    organisations: list[Parsed[OrganisationRow]]
    providers: list[Parsed[ProviderRow]]
    indicators: list[Parsed[IndicatorRow]]
    values: list[Parsed[ValueRow]]
    reference_values: list[Parsed[ReferenceValueRow]]
    levels: list[Parsed[LevelRow]]
    choice_guides: list[Parsed[ChoiceGuideRow]]
    embed_origins: list[Parsed[EmbedOriginRow]]


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
        required = [n for n, f in model.model_fields.items() if f.is_required()]
        table = read_table(path, required=required)
        parsed[filename] = parse_table(table, model, errors, where)
    errors.raise_if_any()  # cross-checks need well-typed rows
    data = SampleData(*(parsed[name] for name in FILES))
    _check_references(data, errors)
    errors.raise_if_any()
    return data


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

    unique(d.values, lambda r: (r.provider_slug, r.indicator_id, r.year), "year", errors)
    for p in d.values:
        r = p.row
        ok_provider = need(p, "provider_slug", r.provider_slug, providers, "utförare")
        if not need(p, "indicator_id", r.indicator_id, indicators, "indikator"):
            continue
        indicator = indicators[r.indicator_id].row
        if ok_provider and providers[r.provider_slug].row.service_type != indicator.service_type:
            errors.at(
                p,
                "indicator_id",
                f"indikatorn gäller {indicator.service_type}, inte "
                f"{providers[r.provider_slug].row.service_type}",
            )
        _check_figure(p, indicator, errors)

    unique(
        d.reference_values, lambda r: (r.indicator_id, r.municipality_code, r.year), "year", errors
    )
    for p in d.reference_values:
        r = p.row
        if r.municipality_code != "0000":
            need(p, "municipality_code", r.municipality_code, kommuner, "kommun")
        if need(p, "indicator_id", r.indicator_id, indicators, "indikator"):
            _check_figure(p, indicators[r.indicator_id].row, errors)

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


def _check_figure(p: Parsed, indicator: IndicatorRow, errors: Errors) -> None:
    r = p.row
    if indicator.unit == Unit.PERCENT and r.value is not None and not 0 <= r.value <= 100:
        errors.at(p, "value", f"en andel ska ligga mellan 0 och 100 (fick {r.value:g})")
    if (
        indicator.source_kind == SourceKind.SURVEY
        and indicator.min_n is not None
        and r.n_answers is not None
        and r.n_answers < indicator.min_n
        and r.status == ValueStatus.OK
    ):
        errors.at(
            p,
            "status",
            f"{r.n_answers} svar är färre än {indicator.min_n}; status ska vara too_few",
        )
