"""Kolada (RKA's open API, v3): units, their KPI values and the kommun's and Sweden's values.

Fetch and validate everything first (`fetch_kolada`), then write it in one transaction
(`write_kolada`, run through ingest.runs.run_job). Requests follow Kolada's v3 API as its
current clients call it (see tests/fixtures/kolada/README.md): lists are paged by `next_url`
(`count` is the page's count, not a total), and at most 25 ids go in one path segment.
Unit values are asked for by unit id (`/oudata/kpi/{kpis}/ou/{ous}/year/{years}`), the ids
taken from `/ou?municipality=`. v2 answers 410 Gone: that stops the run with a message
naming the setting to change.

Terms of use: figures shown from Kolada must be credited "Källa: Kolada"; every stored
value therefore carries source = "Kolada".
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from app.clock import today_in_sweden
from app.models import (
    IndicatorValue,
    Kommun,
    Organisation,
    Provider,
    ProviderSourceId,
    ReferenceValue,
)
from app.models.vocab import Driftsform, ReferenceBasis, ValueStatus
from app.settings import Settings
from ingest import catalogue
from ingest.errors import IngestFailed, InputError
from ingest.external import (
    Figure,
    NoSteps,
    Steps,
    Units,
    check_service_type,
    ensure_definitions,
    merge_figure,
    out_of_range,
)
from ingest.http import Fetched, Gone, HttpClient, same_origin, says_retired
from ingest.kommuner import ensure_kommun
from ingest.runs import RunResult, run_job
from ingest.validate import Errors
from ingest.writer import Writer

SOURCE = "Kolada"  # shown as "Källa: Kolada", as Kolada's terms require
ORIGIN = "kolada"  # Provider.origin and ProviderSourceId.source
SWEDEN = "0000"
# The source's own figure for the kommun or the country, never a mean of its units: the
# pages may call it "Hela Täby" / "Hela Sverige" (app.figures.reference_label).
OFFICIAL = ReferenceBasis.OFFICIAL.value
MAX_IDS = 25  # Kolada v3 takes at most 25 ids in one comma-separated path segment
PER_PAGE = 5000  # v3's largest page: fewer requests
# Kolada's auspice: T = every provider, X = not split by regi. Any other value (E, P, O ...)
# covers only some providers, so a comparison of all the kommun's units cannot rest on it.
ALL_PROVIDERS = {"T", "X"}


def kolada_kpis() -> dict[str, str]:
    """The unit-level KPIs we read (catalogue.KOLADA_KPIS; the indicator id is the KPI id),
    each with the service type a unit with values for it provides."""
    return {k: catalogue.indicators()[k]["service_type_id"] for k in catalogue.KOLADA_KPIS}


UNKNOWN_OWNER = "Huvudman okänd"
MAX_PAGES = 200


@dataclass(frozen=True)
class KpiMeta:
    id: str
    title: str
    description: str
    # v3 has no ou_publication_date: the catalogue's publication_date is when Kolada published
    # `publ_period`, the latest period, for kommuner and units alike.
    publication_date: date | None
    publ_period: int | None


@dataclass(frozen=True)
class Deletion:
    owner: str  # ou id, or municipality code
    indicator_id: str
    year: int
    where: str


@dataclass
class KoladaData:
    kommun: str
    kommun_title: str
    from_date: date | None
    kpis: dict[str, KpiMeta]
    kpi_types: dict[str, str]  # KPI -> service type
    units: dict[str, str]  # ou id -> title, for units with values for our KPIs
    unit_types: dict[str, str]  # ou id -> service type
    unit_where: dict[str, str]  # ou id -> the request that gave its values
    kpi_url: str  # the KPI metadata request
    unit_figures: dict[tuple[str, str, int], Figure]  # (ou, indicator, year)
    unit_deletions: list[Deletion]
    reference_figures: dict[tuple[str, str, int], Figure]  # (municipality, indicator, year)
    reference_deletions: list[Deletion]
    rejected: dict[str, int] = field(default_factory=dict)


def default_years(today: date | None = None) -> list[int]:
    """The last six years: enough for trends, and revisions of recent years are picked up."""
    year = (today or today_in_sweden()).year
    return list(range(year - 5, year + 1))


def ingest_kolada(
    settings: Settings,
    kommun: str,
    *,
    years: Sequence[int] | None = None,
    from_date: date | None = None,
    dry_run: bool = False,
    reindex: bool = True,
    http: HttpClient | None = None,
    kpis: dict[str, str] | None = None,
    steps: Steps | None = None,
    today: date | None = None,
) -> RunResult:
    """Fetch and check everything, then write it in one transaction (or nothing at all)."""
    client = http or HttpClient(settings)
    try:
        data = fetch_kolada(
            client,
            settings.kolada_base_url,
            kommun,
            years or default_years(today),
            from_date=from_date,
            kpis=kpis,
            steps=steps,
        )
    finally:
        if http is None:
            client.close()
    if steps:
        steps.step("Kolada: skriver till databasen")
    day = today or today_in_sweden()
    return run_job(
        settings, "kolada", lambda s: write_kolada(s, data, day), dry_run=dry_run, reindex=reindex
    )


def fetch_kolada(
    http: HttpClient,
    base_url: str,
    kommun: str,
    years: Sequence[int],
    *,
    from_date: date | None = None,
    kpis: dict[str, str] | None = None,
    steps: Steps | None = None,
) -> KoladaData:
    """Read and check everything for one kommun; raise IngestFailed, write nothing."""
    base = base_url.rstrip("/")
    try:
        return _fetch(http, base, kommun, years, from_date, kpis or kolada_kpis(), steps)
    except Gone as gone:
        raise _retired(base, gone.url) from None


def _fetch(
    http: HttpClient,
    base: str,
    kommun: str,
    years: Sequence[int],
    from_date: date | None,
    kpis: dict[str, str],
    steps: Steps | None,
) -> KoladaData:
    steps = steps or NoSteps()
    kpi_chunks = _chunks(sorted(kpis))
    year_list = ",".join(str(y) for y in sorted(set(years)))
    changed = {"from_date": from_date.isoformat()} if from_date else None
    rejected: dict[str, int] = {}

    steps.step("Kolada: kommunen och nyckeltalen", total=1 + len(kpi_chunks))
    kommun_title = _municipality(http, base, kommun)
    steps.advance()
    meta = _kpi_meta(http, base, kpi_chunks, set(kpis), steps)

    steps.step("Kolada: enheter i kommunen")
    units = _units(http, base, kommun, rejected, steps)

    steps.step("Kolada: enheternas värden")
    unit_urls = {
        f"{base}/oudata/kpi/{kpi_ids}/ou/{ous}/year/{year_list}": set(ous.split(","))
        for ous in _chunks(sorted(units))
        for kpi_ids in kpi_chunks
    }
    unit_figures, unit_deletions, owners = _figures(
        (
            (page, asked)
            for url, asked in unit_urls.items()
            for page in _pages(http, url, changed, steps)
        ),
        "ou",
        kpis,
        meta,
        rejected,
        set(units),
    )
    if not unit_figures and not unit_deletions and from_date is None:
        raise _empty(http, next(iter(unit_urls)), None)

    errors = Errors()
    unit_types: dict[str, str] = {}
    for ou, (where, kpi_ids) in owners.items():
        types = {kpis[k] for k in kpi_ids}
        if len(types) > 1:
            errors.add(where, None, "ou", f"enheten {ou} har värden för {sorted(types)}")
            continue
        unit_types[ou] = types.pop()
    errors.raise_if_any()
    if from_date is None:  # in a from_date run most units simply have nothing new
        _reject(rejected, "enheter utan värden för våra nyckeltal", len(set(units) - set(owners)))

    steps.step("Kolada: kommunens och rikets värden")
    ref_urls = [
        f"{base}/data/kpi/{kpi_ids}/municipality/{kommun},{SWEDEN}/year/{year_list}"
        for kpi_ids in kpi_chunks
    ]
    reference_figures, reference_deletions, _owners = _figures(
        (
            (page, {kommun, SWEDEN})
            for url in ref_urls
            for page in _pages(http, url, changed, steps)
        ),
        "municipality",
        kpis,
        meta,
        rejected,
        {kommun, SWEDEN},
    )
    if not reference_figures and not reference_deletions and from_date is None:
        raise _empty(http, ref_urls[0], None)
    return KoladaData(
        kommun=kommun,
        kommun_title=kommun_title,
        from_date=from_date,
        kpis=meta,
        kpi_types=dict(kpis),
        units={ou: units[ou] for ou in unit_types},
        unit_types=unit_types,
        unit_where={ou: owners[ou][0] for ou in unit_types},
        kpi_url=http.url(f"{base}/kpi/{kpi_chunks[0]}"),
        unit_figures=unit_figures,
        unit_deletions=unit_deletions,
        reference_figures=reference_figures,
        reference_deletions=reference_deletions,
        rejected=rejected,
    )


def write_kolada(session: Session, data: KoladaData, today: date) -> Writer:
    """Stage everything in `session` through the shared Writer (run_job commits)."""
    w = Writer(session)
    for reason, n in data.rejected.items():
        w.reject(reason, n)
    kommun = ensure_kommun(session, data.kommun)
    overrides = {
        k: {"title_sv": m.title, "description_sv": m.description} for k, m in data.kpis.items()
    }
    indicators = ensure_definitions(w, session, data.kpis, overrides)
    errors: list[InputError] = []
    for kpi in data.kpis:
        check_service_type(indicators[kpi], data.kpi_types[kpi], data.kpi_url, errors)

    providers = _write_units(w, session, data, kommun, errors)
    if errors:
        raise IngestFailed(errors)

    by_ou = {ou: p.id for ou, p in providers.items()}
    gone = {d.owner for d in data.unit_deletions} - set(by_ou)
    by_ou |= _known_units(session, gone)
    stored = {
        (v.provider_id, v.indicator_id, v.year): v
        for v in _values_of(session, list(by_ou.values()), list(data.kpis))
    }
    records = []
    for (ou, indicator_id, year), figure in data.unit_figures.items():
        key = (by_ou[ou], indicator_id, year)
        record = figure.fields() | {"provider_id": key[0]}
        records.append(
            merge_figure(_keep_published(record, stored.get(key)), stored.get(key), today)
        )
    key_fields = ["provider_id", "indicator_id", "year"]
    w.sync(IndicatorValue, key_fields, records, existing=stored.values())
    w.delete(
        IndicatorValue,
        [
            stored[key]
            for d in data.unit_deletions
            if (key := (by_ou.get(d.owner), d.indicator_id, d.year)) in stored
        ],
    )

    ref_stored = {
        (r.municipality_code, r.indicator_id, r.year): r
        for r in session.exec(
            select(ReferenceValue).where(
                ReferenceValue.municipality_code.in_([data.kommun, SWEDEN]),  # type: ignore[attr-defined]
                ReferenceValue.indicator_id.in_(list(data.kpis)),  # type: ignore[attr-defined]
            )
        ).all()
    }
    w.sync(
        ReferenceValue,
        ["municipality_code", "indicator_id", "year"],
        (
            merge_figure(
                _keep_published(
                    f.fields() | {"municipality_code": key[0], "basis": OFFICIAL},
                    ref_stored.get(key),
                ),
                ref_stored.get(key),
                today,
            )
            for key, f in data.reference_figures.items()
        ),
        existing=ref_stored.values(),
    )
    w.delete(
        ReferenceValue,
        [
            ref_stored[key]
            for d in data.reference_deletions
            if (key := (d.owner, d.indicator_id, d.year)) in ref_stored
        ],
    )
    return w


def _keep_published(record: dict[str, Any], stored: Any | None) -> dict[str, Any]:
    """An older period keeps the publication date it was stored with while it was the latest:
    Kolada's catalogue dates only the latest period (see KpiMeta)."""
    if record["published"] is None and stored is not None and stored.published is not None:
        return record | {"published": stored.published}
    return record


def _write_units(
    w: Writer, session: Session, data: KoladaData, kommun: Kommun, errors: list[InputError]
) -> dict[str, Provider]:
    units = Units(session, ORIGIN)
    matched: list[Provider] = []
    provider_records: list[dict[str, Any]] = []
    new_orgs: dict[str, dict[str, Any]] = {}
    slug_of: dict[str, str] = {}
    for ou, title in sorted(data.units.items()):
        service_type = data.unit_types[ou]
        provider = units.get(ou)
        if provider is not None:
            if (provider.service_type_id, provider.kommun_code) != (service_type, data.kommun):
                errors.append(
                    InputError(
                        data.unit_where[ou],
                        None,
                        "ou",
                        f"enheten {ou} hör till utföraren {provider.slug} "
                        f"({provider.service_type_id}, {provider.kommun_code}), men Kolada ger "
                        f"den värden för {service_type} i {data.kommun}",
                    )
                )
                continue
            matched.append(provider)
            slug_of[ou] = provider.slug
            # Facts are Kolada's to keep up to date only on units Kolada created.
            record = {"slug": provider.slug}
            if provider.origin == ORIGIN:
                record["name"] = title
            provider_records.append(record)
            continue
        # Kolada says nothing about ownership: the unit's huvudman stays unknown until the
        # kommun's providers file (or Skolverket) names it.
        org_key = f"kolada-{ou.lower()}"
        new_orgs[org_key] = {
            "key": org_key,
            "name": UNKNOWN_OWNER,
            "org_nr": None,
            "driftsform": Driftsform.OKAND,
        }
        slug_of[ou] = units.new_slug(title, kommun.name)
        provider_records.append(
            {
                "slug": slug_of[ou],
                "name": title,
                "service_type_id": service_type,
                "kommun_code": data.kommun,
                "origin": ORIGIN,
                "_org": org_key,
            }
        )
    if errors:
        return {}
    existing_orgs = session.exec(
        select(Organisation).where(Organisation.key.in_(list(new_orgs)))  # type: ignore[attr-defined]
    ).all()
    orgs = w.sync(Organisation, ["key"], new_orgs.values(), existing=existing_orgs)
    for record in provider_records:
        if "_org" in record:
            record["organisation_id"] = orgs[(record.pop("_org"),)].id
    by_slug = w.sync(Provider, ["slug"], provider_records, existing=matched)
    providers = {ou: by_slug[(slug,)] for ou, slug in slug_of.items()}
    w.sync(
        ProviderSourceId,
        ["source", "external_id"],
        (
            {"source": ORIGIN, "external_id": ou, "provider_id": p.id}
            for ou, p in sorted(providers.items())
        ),
        existing=session.exec(
            select(ProviderSourceId).where(ProviderSourceId.source == ORIGIN)
        ).all(),
    )
    return providers


def _known_units(session: Session, ous: set[str]) -> dict[str, int]:
    if not ous:
        return {}
    rows = session.exec(
        select(ProviderSourceId).where(
            ProviderSourceId.source == ORIGIN,
            ProviderSourceId.external_id.in_(sorted(ous)),  # type: ignore[attr-defined]
        )
    ).all()
    return {r.external_id: r.provider_id for r in rows}


def _values_of(session: Session, provider_ids: list[int], indicator_ids: list[str]) -> list:
    rows: list[IndicatorValue] = []
    for i in range(0, len(provider_ids), 500):
        rows.extend(
            session.exec(
                select(IndicatorValue).where(
                    IndicatorValue.provider_id.in_(provider_ids[i : i + 500]),  # type: ignore[attr-defined]
                    IndicatorValue.indicator_id.in_(indicator_ids),  # type: ignore[attr-defined]
                )
            ).all()
        )
    return rows


# --- fetching -------------------------------------------------------------------------


def _chunks(ids: Sequence[str]) -> list[str]:
    """Comma-separated path segments of at most MAX_IDS ids each."""
    return [",".join(ids[i : i + MAX_IDS]) for i in range(0, len(ids), MAX_IDS)]


def _reject(rejected: dict[str, int], reason: str, n: int = 1) -> None:
    if n:
        rejected[reason] = rejected.get(reason, 0) + n


def _query(params: dict[str, str] | None) -> dict[str, str]:
    """A list request's query: v3's largest page, then the request's own parameters."""
    return {"per_page": str(PER_PAGE), **(params or {})}


def _empty(http: HttpClient, url: str, params: dict[str, str] | None) -> IngestFailed:
    return IngestFailed(
        [
            InputError(
                http.url(url, _query(params)), None, None, "Kolada svarade utan ett enda värde"
            )
        ]
    )


def _retired(base: str, url: str) -> IngestFailed:
    """Kolada says the configured API version is gone: name it, and the setting to change."""
    found = re.search(r"/(v\d+)(?:/|$)", urlsplit(base).path)
    version = found.group(1) if found else base
    current = str(Settings.model_fields["kolada_base_url"].default)
    to = f"till {current}" if base != current.rstrip("/") else "till den version Kolada anger"
    return IngestFailed(
        [
            InputError(
                url,
                None,
                None,
                f"Kolada har avvecklat API-versionen {version} ({base}). "
                f"Ändra inställningen KOLADA_BASE_URL {to} och kör igen.",
            )
        ]
    )


def _pages(
    http: HttpClient, url: str, params: dict[str, str] | None, steps: Steps
) -> Iterator[Fetched]:
    """Every page of a list, following next_url until absent (`count` is per page)."""
    seen: set[str] = set()
    next_url: str | None = url
    query: dict[str, str] | None = _query(params)
    while next_url:
        page = http.get_json(next_url, query)
        assert page is not None
        if page.url in seen or len(seen) >= MAX_PAGES:
            raise IngestFailed([InputError(page.url, None, None, "sidorna länkar i en slinga")])
        seen.add(page.url)
        if not isinstance(page.data, dict) or not isinstance(page.data.get("values"), list):
            if says_retired(str(page.data)[:2000]):
                raise Gone(page.url, "svaret säger att API-versionen är avvecklad")
            raise IngestFailed([InputError(page.url, None, "values", "listan saknas i svaret")])
        steps.advance()
        yield page
        link = page.data.get("next_url")
        if link is not None and not isinstance(link, str):
            raise IngestFailed([InputError(page.url, None, "next_url", "inte en länk")])
        next_url, query = (same_origin(link, url) if link else None), None


def _municipality(http: HttpClient, base: str, kommun: str) -> str:
    page = next(_pages(http, f"{base}/municipality/{kommun}", None, NoSteps()))
    match = [m for m in page.data["values"] if isinstance(m, dict) and m.get("id") == kommun]
    if not match:
        raise IngestFailed([InputError(page.url, None, "id", f"Kolada känner inte {kommun}")])
    title = match[0].get("title")
    if not isinstance(title, str) or not title.strip():
        raise IngestFailed([InputError(page.url, None, "title", "kommunens namn saknas")])
    return title.strip()


def _kpi_meta(
    http: HttpClient, base: str, chunks: list[str], wanted: set[str], steps: Steps
) -> dict[str, KpiMeta]:
    errors = Errors()
    out: dict[str, KpiMeta] = {}
    seen: set[str] = set()
    first_url = ""
    for chunk in chunks:
        for page in _pages(http, f"{base}/kpi/{chunk}", None, NoSteps()):
            first_url = first_url or page.url
            for i, item in enumerate(page.data["values"]):
                where = f"values[{i}]"
                if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                    errors.add(page.url, None, f"{where}.id", "saknas")
                    continue
                kpi = item["id"]
                if kpi not in wanted:
                    continue
                seen.add(kpi)
                if (meta := _one_kpi(item, where, page.url, errors)) is not None:
                    out[kpi] = meta
        steps.advance()
    for kpi in sorted(wanted - seen):
        # Kolada removes KPIs without notice; catalogue.KOLADA_KPIS must then be revisited.
        errors.add(first_url, None, "id", f"nyckeltalet {kpi} finns inte (längre) i Kolada")
    errors.raise_if_any()
    return out


def _one_kpi(item: dict[str, Any], where: str, url: str, errors: Errors) -> KpiMeta | None:
    kpi = item["id"]
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(url, None, f"{where}.title", f"{kpi} saknar titel")
        return None
    has_ou_data = item.get("has_ou_data")
    if not isinstance(has_ou_data, bool):  # v3: a boolean (v2 said 0|1)
        errors.add(url, None, f"{where}.has_ou_data", f"{kpi}: inte true/false: {has_ou_data!r}")
        return None
    if not has_ou_data:
        errors.add(url, None, f"{where}.has_ou_data", f"{kpi} har inga värden per enhet")
        return None
    auspice = item.get("auspice")
    if auspice is not None and auspice not in ALL_PROVIDERS:
        errors.add(
            url,
            None,
            f"{where}.auspice",
            f"{kpi} gäller bara en del av utförarna (auspice {auspice}); "
            "välj Koladas nyckeltal för alla utförare",
        )
        return None
    period = item.get("publ_period")
    return KpiMeta(
        id=kpi,
        title=title.strip(),
        description=str(item.get("description") or "").strip(),
        publication_date=_date(item.get("publication_date")),
        publ_period=_year(period),
    )


def _units(
    http: HttpClient, base: str, kommun: str, rejected: dict[str, int], steps: Steps
) -> dict[str, str]:
    errors = Errors()
    units: dict[str, str] = {}
    for page in _pages(http, f"{base}/ou", {"municipality": kommun}, steps):
        for i, item in enumerate(page.data["values"]):
            where = f"values[{i}]"
            if not isinstance(item, dict):
                errors.add(page.url, None, where, "inte ett objekt")
                continue
            missing = [
                name
                for name in ("id", "municipality", "title")
                if not isinstance(item.get(name), str) or not item[name].strip()
            ]
            for name in missing:
                errors.add(page.url, None, f"{where}.{name}", "saknas")
            if missing:
                continue
            if item["municipality"] != kommun:
                _reject(rejected, "enheter i en annan kommun")
                continue
            units[item["id"]] = item["title"].strip()
    errors.raise_if_any()
    if not units:
        raise _empty(http, f"{base}/ou", {"municipality": kommun})
    return units


def _figures(
    pages: Iterator[tuple[Fetched, set[str]]],
    owner_field: str,
    kpis: dict[str, str],
    meta: dict[str, KpiMeta],
    rejected: dict[str, int],
    ours: set[str],
) -> tuple[dict[tuple[str, str, int], Figure], list[Deletion], dict[str, tuple[str, set[str]]]]:
    """Data items as figures (gender T only) and deletions; also which owners had which KPIs.

    Each page comes with the owners its request asked for. A value for an owner outside
    `ours` (another kommun's unit) or not asked for is skipped and counted, never stored.
    """
    errors = Errors()
    figures: dict[tuple[str, str, int], Figure] = {}
    deletions: list[Deletion] = []
    owners: dict[str, tuple[str, set[str]]] = {}
    seen: dict[tuple[str, str, int], str] = {}
    whose = "enheter" if owner_field == "ou" else "kommuner"
    for page, asked in pages:
        for i, item in enumerate(page.data["values"]):
            where = f"values[{i}]"
            parsed = _item(item, where, owner_field, page.url, errors)
            if parsed is None:
                continue
            owner, kpi, year, total, deleted = parsed
            if kpi not in kpis:
                _reject(rejected, "värden för nyckeltal vi inte frågade efter")
                continue
            if owner not in ours:
                _reject(rejected, f"värden för {whose} utanför kommunen")
                continue
            if owner not in asked:
                _reject(rejected, f"värden för {whose} vi inte frågade efter")
                continue
            if total is None:
                _reject(rejected, "värden utan totalvärde (kön T)")
                continue
            key = (owner, kpi, year)
            if key in seen:
                errors.add(
                    page.url, None, where, f"{owner} {kpi} {year} finns redan på {seen[key]}"
                )
                continue
            seen[key] = page.url
            if deleted:
                deletions.append(Deletion(owner, kpi, year, page.url))
                continue
            owners.setdefault(owner, (page.url, set()))[1].add(kpi)
            value = total.get("value")
            if value is not None:
                unit = catalogue.indicators()[kpi]["unit"]
                if (why := out_of_range(kpi, unit, float(value))) is not None:
                    errors.add(page.url, None, f"{where}.values.value", f"{kpi} {owner}: {why}")
                    continue
            figures[key] = Figure(
                indicator_id=kpi,
                year=year,
                period=str(year),
                value=None if value is None else float(value),
                status=ValueStatus.MISSING if value is None else ValueStatus.OK,
                source=SOURCE,
                source_ref=page.url,
                # Only the latest period has a known publication date (see KpiMeta).
                published=meta[kpi].publication_date if year == meta[kpi].publ_period else None,
            )
    errors.raise_if_any()
    return figures, deletions, owners


def _item(
    item: Any, where: str, owner_field: str, url: str, errors: Errors
) -> tuple[str, str, int, dict[str, Any] | None, bool] | None:
    if not isinstance(item, dict):
        errors.add(url, None, where, "inte ett objekt")
        return None
    missing = [
        name
        for name in ("kpi", owner_field, "period")
        if not isinstance(item.get(name), str | int)
        or isinstance(item[name], bool)
        or str(item[name]).strip() == ""
    ]
    if not isinstance(item.get("values"), list):
        missing.append("values")
    for name in missing:
        errors.add(url, None, f"{where}.{name}", "saknas")
    if missing:
        return None
    year = _year(item["period"])  # v3 gives an integer; a string of four digits is read alike
    if year is None:
        errors.add(url, None, f"{where}.period", f"inte ett år: {item['period']!r}")
        return None
    total = None
    for j, entry in enumerate(item["values"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("gender"), str):
            errors.add(url, None, f"{where}.values[{j}].gender", "saknas")
            return None
        value = entry.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            errors.add(url, None, f"{where}.values[{j}].value", f"inte ett tal: {value!r}")
            return None
        if entry["gender"] == "T":
            total = entry
    # v3's `isdeleted` (v2: is_deleted 0|1): the value was withdrawn and must go. On the value
    # or on the item.
    flag = next(
        (src["isdeleted"] for src in (total or {}, item) if src.get("isdeleted") is not None),
        False,
    )
    if flag not in (True, False, 0, 1):
        errors.add(url, None, f"{where}.isdeleted", f"inte true/false: {flag!r}")
        return None
    return str(item[owner_field]), str(item["kpi"]), year, total, bool(flag)


def _year(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    return int(text) if len(text) == 4 and text.isdigit() else None


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
