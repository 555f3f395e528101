"""Open data: every stored figure, per kommun and service type or for the whole country,
with the provenance the pages show (source, reference, answers, status, published,
fetched), and the units in the Open Referral HSDS 3.0 shape.

Read in batches of units, so a national file streams with bounded memory. The CSV goes
through app.csv_export like every other CSV.
"""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.csv_export import csv_text
from app.models import (
    Area,
    Indicator,
    IndicatorValue,
    Kommun,
    Organisation,
    Provider,
    ProviderArea,
    ServiceType,
)
from app.presentation_edits.markdown import plain_text

BATCH = 500  # units per query
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
HSDS_PROFILE = "https://github.com/openreferral/specification/tree/3.0/schema"
# Stable ids for HSDS: the same unit gets the same id in every export.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://valfardsjamforaren.se/")

FIGURE_COLUMNS = [
    "provider_id",
    "provider_name",
    "kommun_code",
    "kommun_name",
    "service_type",
    "organisation",
    "org_nr",
    "driftsform",
    "indicator_id",
    "indicator_title_sv",
    "unit",
    "direction",
    "year",
    "period",
    "status",
    "value",
    "n_answers",
    "response_rate",
    "source",
    "source_ref",
    "published",
    "fetched",
]

# What `x_figures` holds for each current figure of a service (documented on /oppna-data):
# the figure's own columns of the figures file.
HSDS_FIGURE_FIELDS = ["indicator_id", *FIGURE_COLUMNS[FIGURE_COLUMNS.index("year") :]]


@dataclass(frozen=True)
class Download:
    """One kommun's (or the country's) files for a service type, and how fresh they are."""

    kommun: Kommun | None  # None: the whole country
    service_type: ServiceType
    units: int
    fetched: date | None  # the newest fetch of any figure in the file

    @property
    def path(self) -> str:
        place = self.kommun.slug if self.kommun else "sverige"
        return f"/oppna-data/{place}/{self.service_type.id}"


def downloads(session: Session) -> list[Download]:
    """Every kommun and service type with units, and the country per service type."""
    rows = session.exec(
        select(
            Provider.kommun_code,
            Provider.service_type_id,
            func.count(func.distinct(Provider.id)),
            func.max(IndicatorValue.fetched),
        )
        .join(IndicatorValue, col(IndicatorValue.provider_id) == Provider.id, isouter=True)
        .group_by(col(Provider.kommun_code), col(Provider.service_type_id))
    ).all()
    kommuner = {k.code: k for k in session.exec(select(Kommun)).all()}
    types = {
        t.id: t
        for t in session.exec(select(ServiceType).order_by(col(ServiceType.sort_order))).all()
    }
    out = []
    for st_id, st in types.items():
        mine = [r for r in rows if r[1] == st_id]
        if not mine:
            continue
        fetched = [r[3] for r in mine if r[3] is not None]
        out.append(Download(None, st, sum(r[2] for r in mine), max(fetched) if fetched else None))
        for code, _st, units, at in sorted(mine, key=lambda r: kommuner[r[0]].name):
            out.append(Download(kommuner[code], st, units, at))
    return out


def _provider_ids(session: Session, kommun: Kommun | None, service_type: ServiceType) -> list[int]:
    query = select(Provider.id).where(Provider.service_type_id == service_type.id)
    if kommun is not None:
        query = query.where(Provider.kommun_code == kommun.code)
    return [i for i in session.exec(query.order_by(col(Provider.id))).all() if i is not None]


def figure_records(
    session: Session, kommun: Kommun | None, service_type: ServiceType
) -> Iterator[dict]:
    """Every stored figure of the units, oldest year first per unit and indicator."""
    ids = _provider_ids(session, kommun, service_type)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = session.exec(
            select(IndicatorValue, Provider, Organisation, Kommun, Indicator)
            .join(Provider, col(Provider.id) == IndicatorValue.provider_id)
            .join(Organisation, col(Organisation.id) == Provider.organisation_id)
            .join(Kommun, col(Kommun.code) == Provider.kommun_code)
            .join(Indicator, col(Indicator.id) == IndicatorValue.indicator_id)
            .where(col(IndicatorValue.provider_id).in_(batch))
            .order_by(
                col(Provider.id),
                col(Indicator.section),
                col(Indicator.sort_order),
                col(Indicator.id),
                col(IndicatorValue.year),
            )
        ).all()
        for v, p, o, k, i in rows:
            yield {
                "provider_id": p.slug,
                "provider_name": p.name,
                "kommun_code": k.code,
                "kommun_name": k.name,
                "service_type": p.service_type_id,
                "organisation": o.name,
                "org_nr": o.org_nr,
                "driftsform": o.driftsform,
                "indicator_id": i.id,
                "indicator_title_sv": i.title_sv,
                "unit": i.unit,
                "direction": i.direction,
                "year": v.year,
                "period": v.period,
                "status": v.status,
                "value": v.value,
                "n_answers": v.n_answers,
                "response_rate": v.response_rate,
                "source": v.source,
                "source_ref": v.source_ref,
                "published": v.published.isoformat() if v.published else None,
                "fetched": v.fetched.isoformat() if v.fetched else None,
            }
        session.expunge_all()  # keep memory flat across batches


def figures_csv(
    session: Session, kommun: Kommun | None, service_type: ServiceType
) -> Iterator[str]:
    """The figures as CSV (';', CRLF, UTF-8), a header first; streamed in batches."""
    yield "\ufeff" + csv_text([FIGURE_COLUMNS])
    chunk: list[list[str]] = []
    for record in figure_records(session, kommun, service_type):
        chunk.append([_cell(record[c]) for c in FIGURE_COLUMNS])
        if len(chunk) >= 2000:
            yield csv_text(chunk)
            chunk = []
    if chunk:
        yield csv_text(chunk)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value)


def figures_json(
    session: Session, kommun: Kommun | None, service_type: ServiceType, meta: dict
) -> Iterator[str]:
    """{"meta": …, "indicators": […], "figures": […]} streamed without holding the file."""
    indicators = session.exec(
        select(Indicator)
        .where(Indicator.service_type_id == service_type.id)
        .order_by(col(Indicator.section), col(Indicator.sort_order), col(Indicator.id))
    ).all()
    yield '{"meta": ' + json.dumps(meta, ensure_ascii=False) + ', "indicators": '
    yield json.dumps([i.model_dump() for i in indicators], ensure_ascii=False, default=str)
    yield ', "figures": ['
    first = True
    for record in figure_records(session, kommun, service_type):
        yield ("" if first else ",\n") + json.dumps(record, ensure_ascii=False)
        first = False
    yield "]}\n"


def hsds_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


def hsds(session: Session, kommun: Kommun | None, service_type: ServiceType, meta: dict) -> dict:
    """The units as HSDS 3.0 organizations, services, locations and service_at_locations.

    A unit is a service (with `x_figures`, our documented extension: its current figures'
    records as in the figures file) at its location, run by its huvudman (organization).
    """
    ids = _provider_ids(session, kommun, service_type)
    rows = session.exec(
        select(Provider, Organisation)
        .join(Organisation, col(Organisation.id) == Provider.organisation_id)
        .where(col(Provider.id).in_(ids))
        .order_by(col(Provider.id))
    ).all()
    areas: dict[int, list[str]] = {}
    for pid, name in session.exec(
        select(ProviderArea.provider_id, Area.name)
        .join(Area, col(Area.id) == ProviderArea.area_id)
        .where(col(ProviderArea.provider_id).in_(ids))
    ).all():
        areas.setdefault(pid, []).append(name)
    latest: dict[str, dict[str, dict]] = {}
    for record in figure_records(session, kommun, service_type):
        if record["status"] != "missing":  # the newest published period per indicator
            latest.setdefault(record["provider_id"], {})[record["indicator_id"]] = record
    organizations: dict[str, dict] = {}
    services, locations, links = [], [], []
    for p, o in rows:
        org_id = hsds_id("organization", o.key)
        organizations.setdefault(
            org_id,
            {
                "id": org_id,
                "name": o.name,
                "description": f"Huvudman ({o.driftsform})",
                "tax_id": o.org_nr,
                "x_driftsform": o.driftsform,
            },
        )
        service_id = hsds_id("service", p.slug)
        services.append(
            {
                "id": service_id,
                "organization_id": org_id,
                "name": p.name,
                "description": plain_text(p.presentation) or service_type.name_sv,
                "status": "active",
                "email": p.email,
                "url": p.website,
                "languages": [
                    {
                        "id": hsds_id("language", f"{p.slug}:{name}"),
                        "service_id": service_id,
                        "name": name,
                    }
                    for name in p.languages
                ],
                "x_service_type": p.service_type_id,
                "x_kommun_code": p.kommun_code,
                "x_accepting_new": p.accepting_new,
                "x_areas_served": sorted(areas.get(p.id, [])),  # type: ignore[arg-type]
                "x_figures": [
                    {k: r[k] for k in HSDS_FIGURE_FIELDS} for r in latest.get(p.slug, {}).values()
                ],
                "phones": [{"id": hsds_id("phone", p.slug), "number": p.phone}] if p.phone else [],
            }
        )
        location_id = hsds_id("location", p.slug)
        locations.append(
            {
                "id": location_id,
                "location_type": "physical",
                "name": p.name,
                "latitude": p.lat,
                "longitude": p.lon,
                "addresses": [
                    {
                        "id": hsds_id("address", p.slug),
                        "location_id": location_id,
                        "address_1": p.street or "",
                        "city": p.city or "",
                        "state_province": "",
                        "postal_code": p.postal_code or "",
                        "country": "SE",
                        "address_type": "physical",
                    }
                ]
                if p.street or p.city
                else [],
            }
        )
        links.append(
            {
                "id": hsds_id("service_at_location", p.slug),
                "service_id": service_id,
                "location_id": location_id,
            }
        )
    return {
        "meta": meta | {"profile": HSDS_PROFILE, "extension_prefix": "x_"},
        "organizations": list(organizations.values()),
        "services": services,
        "locations": locations,
        "service_at_locations": links,
    }
