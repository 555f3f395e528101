"""The kommun's own files: provider facts and presentations, survey results, inspection
results and complaint counts, as CSV (`,` or `;`, UTF-8 or Windows-1252) or Excel (.xlsx).

Columns and templates: data/README.md and data/templates/. A file is read and checked as a
whole; one bad row stops it with the file, row and field named, and nothing is written.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import BeforeValidator, Field, model_validator
from sqlmodel import Session, select

from app.clock import today_in_sweden
from app.messages import msg
from app.models import (
    Area,
    Indicator,
    IndicatorValue,
    Kommun,
    Organisation,
    Provider,
    ProviderArea,
    ProviderSourceId,
    ServiceType,
)
from app.models.vocab import Driftsform, SourceKind, Unit, ValueStatus
from app.settings import Settings
from ingest import catalogue
from ingest.approved_edits import KEPT, approved_on, keep_approved
from ingest.external import Units, merge_figure, out_of_range, slugify
from ingest.fields import (
    Count,
    Flag,
    KommunCode,
    Number,
    Percent,
    RuleError,
    Slug,
    Text,
    Year,
)
from ingest.limits import LIMITS
from ingest.runs import RunResult, run_job
from ingest.sample_schema import CsvRow, UnitFacts
from ingest.spreadsheet import read_rows
from ingest.validate import Errors, Parsed, parse_table, unique
from ingest.writer import Writer

ORIGIN = "kommun"
KOMMUN_SOURCE = "kommun"  # ProviderSourceId.source; external_id is "<kommunkod>:<unit_id>"


class Kind(StrEnum):
    PROVIDERS = "providers"
    SURVEYS = "surveys"
    INSPECTIONS = "inspections"
    COMPLAINTS = "complaints"


def _org_nr(v: Any) -> Any:
    if isinstance(v, str) and (digits := re.sub(r"\D", "", v)):
        digits = digits[2:] if len(digits) == 12 else digits
        return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else v
    return v


def _folded(v: Any) -> Any:
    # "Idéburen", "Privat " and "KOMMUNAL" are what people type.
    return v.strip().lower().replace("é", "e") if isinstance(v, str) else v


def _status(v: Any) -> Any:
    words = {"för få svar": "too_few", "saknas": "missing", "ok": "ok"}
    return words.get(v.strip().lower(), v.strip().lower()) if isinstance(v, str) else v


OrgNr = Annotated[str, BeforeValidator(_org_nr), Field(pattern=r"^\d{6}-\d{4}$")]
SkolverketCode = Annotated[str, Field(pattern=r"^\d{8}$")]
KoladaId = Annotated[str, Field(pattern=r"^V[0-9A-Z]+$")]


class UnitRef(CsvRow):
    """Which provider a row is about: the kommun's own id, or Skolverket's or Kolada's."""

    kommun_code: KommunCode
    unit_id: str | None = Field(default=None, max_length=64)
    skolverket_code: SkolverketCode | None = None
    kolada_id: KoladaId | None = None

    @model_validator(mode="after")
    def _some_id(self) -> Self:
        if not (self.unit_id or self.skolverket_code or self.kolada_id):
            raise RuleError("unit_id", msg("ange unit_id, skolverket_code eller kolada_id"))
        return self


class ProviderFileRow(UnitRef, UnitFacts):
    unit_id: str = Field(min_length=1, max_length=64)
    name: Text
    service_type: Slug
    organisation_name: Text
    org_nr: OrgNr | None = None
    driftsform: Annotated[Driftsform, BeforeValidator(_folded)]
    accepting_new: Flag | None = None  # empty: leave what is stored

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.driftsform == Driftsform.OKAND:
            raise RuleError("driftsform", msg("skriv kommunal, privat eller ideburen"))
        if self.presentation and self.presentation_updated is None:
            raise RuleError("presentation_updated", msg("ange datum för presentationen"))
        if self.school_years and self.service_type != "grundskola":
            raise RuleError("school_years", msg("årskurser anges bara för grundskola"))
        return self


class FigureFileRow(UnitRef):
    indicator_id: Text
    year: Year
    period: str | None = None
    value: Number | None = None
    n_answers: Count | None = None
    response_rate: Percent | None = None
    status: Annotated[ValueStatus | None, BeforeValidator(_status)] = None
    source: str | None = None
    published: date | None = None

    @model_validator(mode="after")
    def _status_matches_value(self) -> Self:
        if self.status == ValueStatus.OK and self.value is None:
            raise RuleError("value", msg("status ok kräver ett värde"))
        if self.status not in (None, ValueStatus.OK) and self.value is not None:
            raise RuleError(
                "value",
                msg("status %(status)s får inte ha något värde", status=self.status.value),
            )
        return self


SCHEMAS: dict[Kind, type[CsvRow]] = {
    Kind.PROVIDERS: ProviderFileRow,
    Kind.SURVEYS: FigureFileRow,
    Kind.INSPECTIONS: FigureFileRow,
    Kind.COMPLAINTS: FigureFileRow,
}
# Which indicators a figure file of each kind may carry, and why not otherwise.
KIND_RULES: dict[Kind, tuple[Callable[[Indicator], bool], str]] = {
    Kind.SURVEYS: (lambda i: i.source_kind == SourceKind.SURVEY, msg("är ingen enkätindikator")),
    Kind.INSPECTIONS: (
        lambda i: i.source_kind == SourceKind.INSPECTION,
        msg("är ingen tillsyns- eller granskningsindikator"),
    ),
    Kind.COMPLAINTS: (lambda i: i.unit == Unit.COUNT, msg("räknar inte antal (klagomål)")),
}
# Columns that are only keys or rules, not Provider fields.
NOT_PROVIDER_FIELDS = {
    "kommun_code",
    "unit_id",
    "skolverket_code",
    "kolada_id",
    "service_type",
    "organisation_name",
    "org_nr",
    "driftsform",
    "areas",
}


@dataclass(frozen=True)
class KommunFile:
    path: Path
    kind: Kind
    columns: list[str]
    rows: list[Parsed]


def read_kommun_file(path: Path, kind: Kind) -> KommunFile:
    """Parse and type-check every row; raise IngestFailed listing all errors."""
    model = SCHEMAS[kind]
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    limits = LIMITS
    if kind == Kind.PROVIDERS:
        limits = replace(LIMITS, max_rows=LIMITS.max_provider_rows)
    table = read_rows(path, required, list(model.model_fields), limits)
    errors = Errors()
    rows = parse_table(table, model, errors, str(path))
    if kind == Kind.PROVIDERS:
        unique(rows, lambda r: (r.kommun_code, r.unit_id), "unit_id", errors)
        unique(
            [p for p in rows if p.row.skolverket_code],
            lambda r: r.skolverket_code,
            "skolverket_code",
            errors,
        )
        unique([p for p in rows if p.row.kolada_id], lambda r: r.kolada_id, "kolada_id", errors)
    errors.raise_if_any()
    if not rows:
        errors.add(str(path), None, None, msg("filen har inga rader"))
    errors.raise_if_any()
    return KommunFile(path, kind, table.columns, rows)


def ingest_file(
    settings: Settings,
    path: Path,
    kind: Kind,
    *,
    dry_run: bool = False,
    reindex: bool = True,
    today: date | None = None,
) -> RunResult:
    data = read_kommun_file(path, kind)
    day = today or today_in_sweden()
    return run_job(
        settings,
        f"fil:{kind.value}",
        lambda s: write_kommun_file(s, data, day),
        dry_run=dry_run,
        reindex=reindex,
    )


def write_kommun_file(session: Session, data: KommunFile, today: date) -> Writer:
    w = Writer(session)
    if data.kind == Kind.PROVIDERS:
        _write_providers(w, session, data)
    else:
        _write_figures(w, session, data, today)
    return w


# --- providers ----------------------------------------------------------------------------


def _write_providers(w: Writer, session: Session, data: KommunFile) -> None:
    errors = Errors()
    kommuner = {k.code: k for k in session.exec(select(Kommun)).all()}
    service_types = set(session.exec(select(ServiceType.id)).all())
    areas = {(a.kommun_code, a.slug): a for a in session.exec(select(Area)).all()}
    resolver = _Resolver(session)
    given = set(data.columns)

    matched: dict[int, Provider] = {}
    for p in data.rows:
        r: ProviderFileRow = p.row
        if r.kommun_code not in kommuner:
            errors.at(p, "kommun_code", msg("okänd kommun '%(code)s'", code=r.kommun_code))
        if r.service_type not in service_types | set(catalogue.service_types()):
            errors.at(p, "service_type", msg("okänd tjänst '%(service)s'", service=r.service_type))
        for slug in r.areas:
            if (r.kommun_code, slug) not in areas:
                errors.at(
                    p,
                    "areas",
                    msg("okänd kommundel '%(area)s' i %(code)s", area=slug, code=r.kommun_code),
                )
        provider = resolver.provider(p, errors)
        if provider is not None:
            if provider.service_type_id != r.service_type:
                errors.at(
                    p,
                    "service_type",
                    msg(
                        "%(name)s är %(stored)s, inte %(given)s",
                        name=provider.name,
                        stored=provider.service_type_id,
                        given=r.service_type,
                    ),
                )
            if provider.id in matched:
                errors.at(
                    p,
                    "unit_id",
                    msg("samma utförare som en tidigare rad (%(slug)s)", slug=provider.slug),
                )
            matched[provider.id] = provider
    orgs = _organisations(data.rows, errors)
    errors.raise_if_any()

    w.sync(
        ServiceType,
        ["id"],
        (
            catalogue.service_types()[s]
            for s in sorted({p.row.service_type for p in data.rows} - service_types)
        ),
        existing=[],
    )
    stored_orgs = _stored_organisations(session, orgs)
    org_rows = w.sync(
        Organisation,
        ["key"],
        (o | {"key": stored.key if (stored := stored_orgs.get(k)) else k} for k, o in orgs.items()),
        existing=stored_orgs.values(),
    )
    org_by_key = {k: org_rows[(stored.key if (stored := stored_orgs.get(k)) else k,)] for k in orgs}

    units = Units(session, KOMMUN_SOURCE)
    approved = approved_on(session, matched)
    records: list[dict[str, Any]] = []
    slug_of: list[str] = []
    for p in data.rows:
        r: ProviderFileRow = p.row
        provider = resolver.provider(p, Errors())
        facts = {
            k: v
            for k, v in r.model_dump().items()
            if k not in NOT_PROVIDER_FIELDS and (k in given and _filled(v))
        }
        if provider is not None:
            facts, kept = keep_approved(facts, approved.get(provider.id))  # type: ignore[arg-type]
            w.reject(KEPT, kept)
        facts |= {
            "organisation_id": org_by_key[_org_key(r)].id,
            "origin": ORIGIN,  # from now on the kommun's facts are the ones kept
        }
        if provider is None:
            slug = units.new_slug(r.name, kommuner[r.kommun_code].name)
            records.append(
                facts
                | {
                    "slug": slug,
                    "name": r.name,
                    "service_type_id": r.service_type,
                    "kommun_code": r.kommun_code,
                }
            )
        else:
            slug = provider.slug
            records.append(facts | {"slug": slug})
        slug_of.append(slug)
    by_slug = w.sync(Provider, ["slug"], records, existing=list(matched.values()))

    source_ids: list[dict[str, Any]] = []
    links: dict[int, set[int]] = {}
    for p, slug in zip(data.rows, slug_of, strict=True):
        r = p.row
        provider_id = by_slug[(slug,)].id
        source_ids.append(
            {
                "source": KOMMUN_SOURCE,
                "external_id": f"{r.kommun_code}:{r.unit_id}",
                "provider_id": provider_id,
            }
        )
        if r.skolverket_code:
            source_ids.append(
                {
                    "source": "skolverket",
                    "external_id": r.skolverket_code,
                    "provider_id": provider_id,
                }
            )
        if r.kolada_id:
            source_ids.append(
                {"source": "kolada", "external_id": r.kolada_id, "provider_id": provider_id}
            )
        if "areas" in given and r.areas:
            links[provider_id] = {areas[(r.kommun_code, a)].id for a in r.areas}
    w.sync(
        ProviderSourceId,
        ["source", "external_id"],
        source_ids,
        existing=session.exec(
            select(ProviderSourceId).where(
                ProviderSourceId.source.in_([KOMMUN_SOURCE, "skolverket", "kolada"])  # type: ignore[attr-defined]
            )
        ).all(),
    )
    if links:
        w.sync_links(ProviderArea, "provider_id", "area_id", links)


def _filled(value: Any) -> bool:
    # An empty cell leaves what is stored: files are often partial.
    return value not in (None, "", [])


def _org_key(r: ProviderFileRow) -> str:
    if r.org_nr:
        return f"orgnr-{r.org_nr.replace('-', '')}"
    return f"kommun-{r.kommun_code}-{slugify(r.organisation_name)}"


def _organisations(rows: list[Parsed], errors: Errors) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    first: dict[str, Parsed] = {}
    for p in rows:
        r: ProviderFileRow = p.row
        key = _org_key(r)
        org = {"key": key, "name": r.organisation_name, "driftsform": r.driftsform.value}
        if r.org_nr:  # an empty cell leaves a stored org.nr alone
            org["org_nr"] = r.org_nr
        if key in out and (out[key]["driftsform"], out[key]["name"]) != (
            org["driftsform"],
            org["name"],
        ):
            errors.at(
                p,
                "driftsform"
                if out[key]["driftsform"] != org["driftsform"]
                else "organisation_name",
                msg(
                    "samma huvudman som rad %(row)s men med andra uppgifter",
                    row=first[key].line,
                ),
            )
            continue
        out.setdefault(key, org)
        first.setdefault(key, p)
    return out


def _stored_organisations(session: Session, orgs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Stored organisations for the file's huvudmän: same key, or same org.nr."""
    by_key = {
        o.key: o
        for o in session.exec(
            select(Organisation).where(Organisation.key.in_(list(orgs)))  # type: ignore[attr-defined]
        ).all()
    }
    nrs = [o["org_nr"] for o in orgs.values() if o.get("org_nr")]
    by_nr = {
        o.org_nr: o
        for o in session.exec(
            select(Organisation).where(Organisation.org_nr.in_(nrs))  # type: ignore[attr-defined]
        ).all()
    }
    out: dict[str, Any] = {}
    for key, org in orgs.items():
        stored = by_key.get(key) or by_nr.get(org.get("org_nr"))
        if stored is not None:
            out[key] = stored
    return out


class _Resolver:
    """Finds the provider a row is about, by whichever ids the row gives (they must agree)."""

    def __init__(self, session: Session) -> None:
        rows = session.exec(
            select(ProviderSourceId, Provider).join(
                Provider,
                Provider.id == ProviderSourceId.provider_id,  # type: ignore[arg-type]
            )
        ).all()
        self.by_id: dict[tuple[str, str], Provider] = {
            (sid.source, sid.external_id): provider for sid, provider in rows
        }

    def provider(self, p: Parsed, errors: Errors) -> Provider | None:
        r: UnitRef = p.row
        found: dict[str, Provider] = {}
        for field_name, source, external in (
            ("unit_id", KOMMUN_SOURCE, f"{r.kommun_code}:{r.unit_id}" if r.unit_id else None),
            ("skolverket_code", "skolverket", r.skolverket_code),
            ("kolada_id", "kolada", r.kolada_id),
        ):
            if external and (provider := self.by_id.get((source, external))) is not None:
                found[field_name] = provider
        if len({prov.id for prov in found.values()}) > 1:
            names = ", ".join(f"{f} → {prov.slug}" for f, prov in found.items())
            errors.at(
                p, next(iter(found)), msg("id:na pekar på olika utförare (%(names)s)", names=names)
            )
            return None
        provider = next(iter(found.values()), None)
        if provider is not None and provider.kommun_code != r.kommun_code:
            errors.at(
                p,
                "kommun_code",
                msg("%(slug)s ligger i %(code)s", slug=provider.slug, code=provider.kommun_code),
            )
            return None
        return provider


# --- figures: surveys, inspections, complaints -----------------------------------------


def _write_figures(w: Writer, session: Session, data: KommunFile, today: date) -> None:
    errors = Errors()
    resolver = _Resolver(session)
    indicators = {i.id: i for i in session.exec(select(Indicator)).all()}
    allowed, why_not = KIND_RULES[data.kind]
    rows: list[tuple[Parsed, Provider, Indicator]] = []
    for p in data.rows:
        r: FigureFileRow = p.row
        found_before = len(errors.items)
        provider = resolver.provider(p, errors)
        if provider is None:
            if len(errors.items) == found_before:  # the resolver said nothing about this row
                errors.at(p, _ref_field(r), msg("okänd utförare; läs in providers-filen först"))
            continue
        indicator = indicators.get(r.indicator_id)
        if indicator is None:
            errors.at(p, "indicator_id", msg("okänd indikator '%(id)s'", id=r.indicator_id))
            continue
        if not allowed(indicator):
            errors.at(p, "indicator_id", msg("%(id)s %(why)s", id=indicator.id, why=why_not))
            continue
        if indicator.service_type_id != provider.service_type_id:
            errors.at(
                p,
                "indicator_id",
                msg(
                    "indikatorn gäller %(indicator)s, inte %(unit)s",
                    indicator=indicator.service_type_id,
                    unit=provider.service_type_id,
                ),
            )
            continue
        if r.value is not None and (why := out_of_range(indicator.id, indicator.unit, r.value)):
            errors.at(p, "value", why)
            continue
        if (
            r.value is not None
            and indicator.min_n is not None
            and r.n_answers is not None
            and r.n_answers < indicator.min_n
        ):
            errors.at(
                p,
                "value",
                msg(
                    "%(n)s svar är färre än %(min)s; lämna value tomt och skriv too_few",
                    n=r.n_answers,
                    min=indicator.min_n,
                ),
            )
            continue
        rows.append((p, provider, indicator))
    seen: dict[tuple[int, str, int], Parsed] = {}
    for p, provider, indicator in rows:
        key = (provider.id, indicator.id, p.row.year)
        if key in seen and seen[key] is not p:
            errors.at(
                p,
                "year",
                msg("samma utförare, indikator och år som rad %(row)s", row=seen[key].line),
            )
        seen.setdefault(key, p)
    errors.raise_if_any()

    provider_ids = sorted({provider.id for _, provider, _ in rows})
    stored = {
        (v.provider_id, v.indicator_id, v.year): v
        for v in session.exec(
            select(IndicatorValue).where(IndicatorValue.provider_id.in_(provider_ids))  # type: ignore[attr-defined]
        ).all()
    }
    records = []
    for p, provider, indicator in rows:
        r: FigureFileRow = p.row
        status = r.status or (ValueStatus.OK if r.value is not None else ValueStatus.MISSING)
        record = {
            "provider_id": provider.id,
            "indicator_id": indicator.id,
            "year": r.year,
            "period": (r.period or "").strip() or str(r.year),
            "value": r.value,
            "n_answers": r.n_answers,
            "response_rate": r.response_rate,
            "status": status.value,
            "source": (r.source or "").strip() or indicator.source_name,
            "source_ref": f"{data.path.name} rad {p.line}",
            "published": r.published,
        }
        records.append(merge_figure(record, stored.get((provider.id, indicator.id, r.year)), today))
    w.sync(
        IndicatorValue,
        ["provider_id", "indicator_id", "year"],
        records,
        existing=stored.values(),
        bulk=True,  # a survey file may have tens of thousands of new values
    )


def _ref_field(r: UnitRef) -> str:
    return "unit_id" if r.unit_id else "skolverket_code" if r.skolverket_code else "kolada_id"
