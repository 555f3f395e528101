"""Writes a SampleData to SQL: the small files through the shared Writer, providers a batch
at a time, the big figure files streamed in batches (validated as they come; a bad row raises
and the run rolls back)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, func, insert, text, update
from sqlmodel import Session, col, select

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
from ingest.approved_edits import KEPT, approved_on, keep_approved
from ingest.sample import SampleData
from ingest.sample_figures import FigureFile
from ingest.writer import Counts, Writer

ORIGIN = "sample"
GUIDE_KEPT = "valguiden är sparad i administrationen efter filens datum och behölls"


def write_sample(session: Session, data: SampleData) -> Writer:
    w = Writer(session)
    w.sync(Kommun, ["code"], (p.row.model_dump() for p in data.kommuner))
    w.sync(ServiceType, ["id"], (p.row.record() for p in data.service_types))
    areas = w.sync(Area, ["kommun_code", "slug"], (p.row.model_dump() for p in data.areas))
    area_ids = {key: area.id for key, area in areas.items()}
    w.sync(
        PostalCode,
        ["code"],
        (
            p.row.model_dump(exclude={"area_slug"})
            | {"area_id": area_ids[(p.row.kommun_code, p.row.area_slug)]}
            for p in data.postal_codes
        ),
    )
    orgs = w.sync(Organisation, ["key"], (p.row.model_dump() for p in data.organisations))
    org_ids = {key: org.id for (key,), org in orgs.items()}
    del areas, orgs  # only their ids are needed from here on
    provider_ids: dict[str, int] = {}
    for batch in data.provider_batches():
        slugs = [r.slug for r in batch]
        stored = session.exec(select(Provider).where(col(Provider.slug).in_(slugs))).all()
        approved = approved_on(session, (p.id for p in stored))  # type: ignore[misc]
        approved_by_slug = {p.slug: approved.get(p.id) for p in stored}  # type: ignore[arg-type]
        records = []
        for r in batch:
            record, kept = keep_approved(
                r.model_dump(exclude={"service_type", "organisation_key", "areas"})
                | {
                    "service_type_id": r.service_type,
                    "organisation_id": org_ids[r.organisation_key],
                    "origin": ORIGIN,
                },
                approved_by_slug.get(r.slug),
            )
            w.reject(KEPT, kept)
            records.append(record)
        providers = w.sync(Provider, ["slug"], records, existing=stored)
        ids = {slug: provider.id for (slug,), provider in providers.items()}
        w.sync_links(
            ProviderArea,
            "provider_id",
            "area_id",
            {ids[r.slug]: {area_ids[(r.kommun_code, a)] for a in r.areas} for r in batch},
        )
        provider_ids.update(ids)
        del providers
        session.expunge_all()  # a nation has tens of thousands of providers
    w.sync(
        Indicator,
        ["id"],
        (p.row.record() for p in data.indicators),
    )
    write_figures(
        session,
        w,
        IndicatorValue,
        ("provider_id", "indicator_id", "year"),
        data.values,
        prepare=lambda r: r | {"provider_id": provider_ids[r.pop("provider_slug")]},
    )
    write_figures(
        session,
        w,
        ReferenceValue,
        ("indicator_id", "municipality_code", "year"),
        data.reference_values,
    )
    w.sync(
        Level,
        ["kommun_code", "indicator_id", "valid_from"],
        (p.row.model_dump() for p in data.levels),
    )
    # A guide the kommun saved in the back office after the file's date stays as saved.
    guides = {(g.kommun_code, g.service_type_id): g for g in session.exec(select(ChoiceGuide))}
    newer = [
        p
        for p in data.choice_guides
        if (g := guides.get((p.row.kommun_code, p.row.service_type))) and g.updated > p.row.updated
    ]
    w.reject(GUIDE_KEPT, len(newer))
    w.sync(
        ChoiceGuide,
        ["kommun_code", "service_type_id"],
        (
            p.row.model_dump(exclude={"service_type"}) | {"service_type_id": p.row.service_type}
            for p in data.choice_guides
            if p not in newer
        ),
        existing=guides.values(),
    )
    w.sync(
        EmbedOrigin,
        ["kommun_code", "origin"],
        (p.row.model_dump() for p in data.embed_origins),
    )
    _analyze(session, w)
    return w


def _analyze(session: Session, w: Writer, at_least: int = 10_000) -> None:
    """Refresh PostgreSQL's statistics of tables this run filled in bulk, in the same
    transaction: without them the planner takes a just-loaded table for empty, and the index
    rebuild's queries right after a first national load ran for many minutes."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name, c in w.counts.items():
        if c.created + c.updated >= at_least:
            session.execute(text(f'ANALYZE "{name}"'))


def write_figures(
    session: Session,
    w: Writer,
    model: type[IndicatorValue] | type[ReferenceValue],
    key: tuple[str, ...],
    figures: FigureFile,
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> None:
    """Upsert a big figure file batch by batch with Core executemany (through the session,
    so the data version is bumped), counting like Writer.sync.

    Only keys that may already be stored are looked up: on an empty table (a first load of
    the nation) no batch queries anything.
    """
    counts = w.counts.setdefault(model.__tablename__, Counts())  # type: ignore[arg-type]
    table = model.__table__  # type: ignore[attr-defined]
    key_cols = [table.c[k] for k in key]
    stored = session.execute(select(func.count()).select_from(table)).scalar_one()
    for batch in figures.batches():
        records = [prepare(r) for r in batch] if prepare else batch
        fields = list(records[0])
        existing = _existing(session, table, key_cols, fields, records) if stored else {}
        fresh, changed = [], []
        for r in records:
            old = existing.get(tuple(r[k] for k in key))
            if old is None:
                fresh.append(r)
            elif any(old[f] != r[f] for f in fields):
                changed.append(r | {"_id": old["id"]})
            else:
                counts.unchanged += 1
        if fresh:
            session.execute(insert(table), fresh)
            counts.created += len(fresh)
        if changed:
            session.execute(
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({f: bindparam(f) for f in fields}),
                changed,
            )
            counts.updated += len(changed)


def _existing(session: Session, table, key_cols, fields, records, size: int = 500) -> dict:
    """The stored rows with these records' keys, by key.

    Queried as `a IN (…) AND b IN (…) AND c IN (…)` over each key column's values in the
    batch, which the unique index on the key answers directly (SQLite scans the whole table
    for a tuple IN), then narrowed to the exact keys here. That reads little more than the
    batch when the file is grouped by its first key column (provider or indicator), as the
    generator and the sources write it; the first column is chunked (SQLite caps parameters).
    """
    keys = {tuple(r[c.name] for c in key_cols) for r in records}
    first, *rest = key_cols
    firsts = sorted({k[0] for k in keys})
    narrow = [c.in_(sorted({k[n] for k in keys})) for n, c in enumerate(rest, start=1)]
    columns = [table.c.id, *(table.c[f] for f in fields)]
    out: dict[tuple, dict] = {}
    for i in range(0, len(firsts), size):
        query = select(*columns).where(first.in_(firsts[i : i + size]), *narrow)
        for row in session.execute(query).mappings():
            key = tuple(row[c.name] for c in key_cols)
            if key in keys:
                out[key] = row
    return out
