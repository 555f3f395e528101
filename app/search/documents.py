"""One search document per provider, denormalised from SQL a batch of providers at a time."""

import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from app.figures import newest_years
from app.models import (
    Area,
    Indicator,
    IndicatorValue,
    Kommun,
    Organisation,
    Provider,
    ProviderArea,
    ValueStatus,
)
from app.search.text import fold, swedish_sort_key

EXCERPT_CHARS = 200
BATCH_SIZE = 1000  # providers per batch of queries

Document = dict[str, Any]


def provider_documents(session: Session, batch_size: int = BATCH_SIZE) -> Iterator[Document]:
    """Every provider's document, in id order.

    Made `batch_size` providers at a time (three queries per batch, after one for all), so
    memory does not grow with the nation: only a batch's rows and documents are held.
    """
    # The newest period per kommun and indicator, once for all: a figure behind it is
    # "äldre uppgift" on the card (app.figures.Figure.is_old) and sorts after current ones.
    newest = newest_years(session)
    query = (
        select(Provider, Organisation, Kommun)
        .join(Organisation, col(Organisation.id) == Provider.organisation_id)
        .join(Kommun, col(Kommun.code) == Provider.kommun_code)
        .order_by(col(Provider.id))
        .limit(batch_size)
    )
    after: int | None = None
    while True:
        page = query if after is None else query.where(col(Provider.id) > after)
        batch = session.exec(page).all()
        if not batch:
            return
        first, after = batch[0][0].id, batch[-1][0].id
        areas = _areas_by_provider(session, first, after)
        figures = _latest_figures_by_provider(session, first, after)
        for provider, organisation, kommun in batch:
            yield _document(
                provider, organisation, kommun, areas[provider.id], figures[provider.id], newest
            )


def indicator_ids(session: Session) -> list[str]:
    """Every indicator, so each can be a sort of the index."""
    return list(session.exec(select(Indicator.id).order_by(col(Indicator.id))))


def _document(
    provider: Provider,
    organisation: Organisation,
    kommun: Kommun,
    areas: list[tuple[str, str]],
    figures: dict[str, tuple[float, int]],
    newest: dict[tuple[str, str], int] | None = None,
) -> Document:
    area_names = [name for _, name in areas]
    document: Document = {
        "id": provider.id,
        "slug": provider.slug,
        "name": provider.name,
        "name_folded": fold(provider.name),
        "name_sort": swedish_sort_key(provider.name),
        "service_type": provider.service_type_id,
        "kommun_code": kommun.code,
        "kommun_slug": kommun.slug,
        "kommun_name": kommun.name,
        "kommun_name_folded": fold(kommun.name),
        "organisation": organisation.name,
        "organisation_folded": fold(organisation.name),
        "driftsform": organisation.driftsform,
        "street": provider.street,
        "postal_code": provider.postal_code,
        "city": provider.city,
        "city_folded": fold(provider.city) if provider.city else None,
        "areas": [slug for slug, _ in areas],
        "area_names": area_names,
        "area_names_folded": [fold(name) for name in area_names],
        "languages": list(provider.languages),
        "profiles": list(provider.profiles),
        "accepting_new": provider.accepting_new,
        "capacity": provider.capacity,
        "started_year": provider.started_year,
        "presentation": provider.presentation,
        "presentation_excerpt": excerpt(provider.presentation),
        "figures": {indicator: value for indicator, (value, _) in figures.items()},
        "figure_years": {indicator: year for indicator, (_, year) in figures.items()},
        # 1 for a figure from the newest period of its indicator in the kommun, 0 for an
        # older one; sorted on before the value, so old figures rank after current ones.
        # Only where there is a value: without one the provider sorts last either way.
        "figure_current": {
            indicator: int(year >= (newest or {}).get((kommun.code, indicator), year))
            for indicator, (_, year) in figures.items()
        },
        # Årskurser taught (förskoleklass = 0), for the grundskola filter and the card.
        "school_years": sorted(set(provider.school_years or [])),
    }
    geo = _geo(provider.lat, provider.lon)
    if geo:
        document["_geo"] = geo
    return document


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str | None:
    """The first `limit` characters, cut at a word boundary."""
    if not text:
        return None
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:–-")
    return f"{cut}…"


def _geo(lat: float | None, lon: float | None) -> dict[str, float] | None:
    # Meilisearch fails the whole indexing task on a non-finite coordinate and silently
    # accepts impossible ones; neither should reach it.
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"lat": lat, "lng": lon}


def _areas_by_provider(
    session: Session, first: int | None, last: int | None
) -> defaultdict[int | None, list[tuple[str, str]]]:
    """Per provider with an id from `first` to `last`: its areas' slugs and names."""
    rows = session.exec(
        select(ProviderArea.provider_id, Area.slug, Area.name)
        .join(Area, col(Area.id) == ProviderArea.area_id)
        .where(col(ProviderArea.provider_id).between(first, last))
        .order_by(col(ProviderArea.provider_id), col(Area.name))
    )
    areas: defaultdict[int | None, list[tuple[str, str]]] = defaultdict(list)
    for provider_id, slug, name in rows:
        areas[provider_id].append((slug, name))
    return areas


def _latest_figures_by_provider(
    session: Session, first: int | None, last: int | None
) -> defaultdict[int | None, dict[str, tuple[float, int]]]:
    """Per provider with an id from `first` to `last`, and indicator of its service type: the
    current value, if it is ok.

    Current is the latest year not marked missing, the same rule as the card's
    (app.figures): a current "too few answers" gives no figure rather than an older number,
    so a sort by the figure agrees with what the cards show.
    """
    latest = (
        select(
            IndicatorValue.provider_id,
            IndicatorValue.indicator_id,
            func.max(IndicatorValue.year).label("year"),
        )
        .where(
            col(IndicatorValue.provider_id).between(first, last),
            col(IndicatorValue.status) != ValueStatus.MISSING,
        )
        .group_by(col(IndicatorValue.provider_id), col(IndicatorValue.indicator_id))
        .subquery()
    )
    rows = session.exec(
        select(
            IndicatorValue.provider_id,
            IndicatorValue.indicator_id,
            IndicatorValue.value,
            IndicatorValue.year,
        )
        .join(
            latest,
            and_(
                col(IndicatorValue.provider_id) == latest.c.provider_id,
                col(IndicatorValue.indicator_id) == latest.c.indicator_id,
                col(IndicatorValue.year) == latest.c.year,
            ),
        )
        .join(Indicator, col(Indicator.id) == IndicatorValue.indicator_id)
        .join(Provider, col(Provider.id) == IndicatorValue.provider_id)
        .where(
            col(IndicatorValue.provider_id).between(first, last),
            col(Indicator.service_type_id) == Provider.service_type_id,
            col(IndicatorValue.status) == ValueStatus.OK,
            col(IndicatorValue.value).is_not(None),
            # A discontinued measure's last value is history: nothing to sort by.
            col(Indicator.discontinued_after).is_(None),
        )
    )
    figures: defaultdict[int | None, dict[str, tuple[float, int]]] = defaultdict(dict)
    for provider_id, indicator_id, value, year in rows:
        # NaN or infinity would make the whole batch invalid JSON.
        if value is not None and math.isfinite(value):
            figures[provider_id][indicator_id] = (value, year)
    return figures
