"""Writes a validated SampleData to SQL through the shared Writer."""

from sqlmodel import Session, select

from app.models import (
    Area,
    ChoiceGuide,
    EmbedOrigin,
    Indicator,
    IndicatorValue,
    Kommun,
    Level,
    Organisation,
    PostalCode,
    Provider,
    ProviderArea,
    ReferenceValue,
    ServiceType,
)
from ingest.sample import SampleData
from ingest.sample_schema import FigureRow
from ingest.validate import Parsed
from ingest.writer import Writer

ORIGIN = "sample"


def write_sample(session: Session, data: SampleData) -> Writer:
    w = Writer(session)
    w.sync(Kommun, ["code"], (p.row.model_dump() for p in data.kommuner))
    w.sync(ServiceType, ["id"], (p.row.record() for p in data.service_types))
    areas = w.sync(Area, ["kommun_code", "slug"], (p.row.model_dump() for p in data.areas))
    w.sync(
        PostalCode,
        ["code"],
        (
            p.row.model_dump(exclude={"area_slug"})
            | {"area_id": areas[(p.row.kommun_code, p.row.area_slug)].id}
            for p in data.postal_codes
        ),
    )
    orgs = w.sync(Organisation, ["key"], (p.row.model_dump() for p in data.organisations))
    providers = w.sync(
        Provider,
        ["slug"],
        (
            p.row.model_dump(exclude={"service_type", "organisation_key", "areas"})
            | {
                "service_type_id": p.row.service_type,
                "organisation_id": orgs[(p.row.organisation_key,)].id,
                "origin": ORIGIN,
            }
            for p in data.providers
        ),
    )
    w.sync_links(
        ProviderArea,
        "provider_id",
        "area_id",
        {
            providers[(p.row.slug,)].id: {areas[(p.row.kommun_code, a)].id for a in p.row.areas}
            for p in data.providers
        },
    )
    w.sync(
        Indicator,
        ["id"],
        (p.row.record() for p in data.indicators),
    )
    provider_ids = [obj.id for obj in providers.values()]
    w.sync(
        IndicatorValue,
        ["provider_id", "indicator_id", "year"],
        (
            _figure(p)
            | {
                "provider_id": providers[(p.row.provider_slug,)].id,
                "indicator_id": p.row.indicator_id,
            }
            for p in data.values
        ),
        existing=_in_chunks(session, IndicatorValue, IndicatorValue.provider_id, provider_ids),
        bulk=True,
    )
    w.sync(
        ReferenceValue,
        ["indicator_id", "municipality_code", "year"],
        (
            _figure(p)
            | {
                "indicator_id": p.row.indicator_id,
                "municipality_code": p.row.municipality_code,
                "basis": p.row.basis.value,
            }
            for p in data.reference_values
        ),
        bulk=True,
    )
    w.sync(
        Level,
        ["kommun_code", "indicator_id", "valid_from"],
        (p.row.model_dump() for p in data.levels),
    )
    w.sync(
        ChoiceGuide,
        ["kommun_code", "service_type_id"],
        (
            p.row.model_dump(exclude={"service_type"}) | {"service_type_id": p.row.service_type}
            for p in data.choice_guides
        ),
    )
    w.sync(
        EmbedOrigin,
        ["kommun_code", "origin"],
        (p.row.model_dump() for p in data.embed_origins),
    )
    return w


def _figure(p: Parsed) -> dict:
    row: FigureRow = p.row
    return row.model_dump(include=set(FigureRow.model_fields)) | {
        "status": row.status.value,
        "source_ref": p.ref,
        "revised": False,
    }


def _in_chunks(session: Session, model, column, ids: list, size: int = 500) -> list:
    """Rows whose column is in ids, queried in chunks (SQLite caps bound parameters)."""
    rows: list = []
    for i in range(0, len(ids), size):
        rows.extend(session.exec(select(model).where(column.in_(ids[i : i + size]))).all())
    return rows
