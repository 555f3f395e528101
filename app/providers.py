"""Reading providers for pages: one provider with its five sections, lists of providers."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.figures import Figure, figures_for, section_title, still_published
from app.level_summary import LevelSummary, summarise
from app.models import (
    Area,
    Indicator,
    Kommun,
    Level,
    Organisation,
    Provider,
    ProviderArea,
    ServiceType,
)
from app.models.vocab import Direction, Section
from app.search.text import swedish_sort_key


@dataclass(frozen=True)
class PageSection:
    number: int
    title: str
    figures: list[Figure]


@dataclass(frozen=True)
class ProviderPage:
    provider: Provider
    organisation: Organisation
    kommun: Kommun
    service_type: ServiceType
    areas: list[Area]
    sections: list[PageSection]  # always all five, in model order
    summary: LevelSummary  # the kommun's levels, per section, with trend arrows


def indicators_for(session: Session, service_type_id: str) -> list[Indicator]:
    """A service type's indicators in page order (section, then the set order)."""
    return list(
        session.exec(
            select(Indicator)
            .where(Indicator.service_type_id == service_type_id)
            .order_by(Indicator.section, Indicator.sort_order, Indicator.id)
        ).all()
    )


def key_indicators(indicators: Sequence[Indicator]) -> list[Indicator]:
    """The 2–3 figures shown on result cards, in their set order (never a discontinued one)."""
    keys = (i for i in indicators if i.key_rank and still_published(i))
    return sorted(keys, key=lambda i: i.key_rank or 0)


def areas_of(session: Session, provider_ids: Sequence[int]) -> dict[int, list[Area]]:
    out: dict[int, list[Area]] = {pid: [] for pid in provider_ids}
    rows = session.exec(
        select(ProviderArea.provider_id, Area)
        .join(Area, col(Area.id) == ProviderArea.area_id)
        .where(col(ProviderArea.provider_id).in_(list(provider_ids)))
        .order_by(Area.name)
    ).all()
    for provider_id, area in rows:
        out[provider_id].append(area)
    return out


def provider_page(session: Session, slug: str, today: date | None = None) -> ProviderPage | None:
    row = session.exec(
        select(Provider, Organisation, Kommun, ServiceType)
        .join(Organisation, col(Organisation.id) == Provider.organisation_id)
        .join(Kommun, col(Kommun.code) == Provider.kommun_code)
        .join(ServiceType, col(ServiceType.id) == Provider.service_type_id)
        .where(Provider.slug == slug)
    ).first()
    if row is None:
        return None
    provider, organisation, kommun, service_type = row
    indicators = indicators_for(session, service_type.id)
    figures = figures_for(session, [provider], indicators, today=today)[provider.id]  # type: ignore[index]
    sections = [
        PageSection(
            number=s.value,
            title=section_title(s),
            figures=[figures[i.id] for i in indicators if i.section == s.value],
        )
        for s in Section
    ]
    return ProviderPage(
        provider=provider,
        organisation=organisation,
        kommun=kommun,
        service_type=service_type,
        areas=areas_of(session, [provider.id])[provider.id],  # type: ignore[list-item,index]
        sections=sections,
        summary=summarise(figures.values()),
    )


def level_summaries(
    session: Session, providers: Sequence[Provider], *, today: date | None = None
) -> dict[int, LevelSummary]:
    """The level summary of each provider (for cards), reading only the figures that have a
    level in the providers' kommuner: the same summary the provider page shows."""
    by_type = summary_indicators(session, providers)
    wanted = list({i.id: i for group in by_type.values() for i in group}.values())
    return summaries_from(providers, by_type, figures_for(session, providers, wanted, today=today))


def summary_indicators(
    session: Session, providers: Sequence[Provider]
) -> dict[str, list[Indicator]]:
    """Per service type of `providers`: the indicators a level summary counts (those with a
    level in the providers' kommuner)."""
    kommun_codes = sorted({p.kommun_code for p in providers})
    with_levels = set(
        session.exec(select(Level.indicator_id).where(col(Level.kommun_code).in_(kommun_codes)))
    )
    return {
        st: [i for i in indicators_for(session, st) if i.id in with_levels]
        for st in sorted({p.service_type_id for p in providers})
    }


def summaries_from(
    providers: Sequence[Provider],
    by_type: dict[str, list[Indicator]],
    figures: dict[int, dict[str, Figure]],
) -> dict[int, LevelSummary]:
    """The summaries from figures already read (figures_for over at least those indicators)."""
    out: dict[int, LevelSummary] = {}
    for p in providers:
        per = figures.get(p.id, {})  # type: ignore[arg-type]
        counted = [per[i.id] for i in by_type.get(p.service_type_id, []) if i.id in per]
        out[p.id] = summarise(counted)  # type: ignore[index]
    return out


def providers_by_ids(session: Session, ids: Sequence[int]) -> list[Provider]:
    rows = session.exec(select(Provider).where(col(Provider.id).in_(list(ids)))).all()
    by_id = {p.id: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]


def providers_by_slugs(session: Session, slugs: Sequence[str]) -> list[Provider]:
    if not slugs:
        return []  # an empty basket, the usual case: no query
    rows = session.exec(select(Provider).where(col(Provider.slug).in_(list(slugs)))).all()
    by_slug = {p.slug: p for p in rows}
    return [by_slug[s] for s in slugs if s in by_slug]


def ranked_indicators(session: Session, service_type_id: str) -> list[Indicator]:
    """The indicators where higher or lower is better, in page order: those a verdict or a
    ranking can use. Facts (direction none) and measures no longer published are left out."""
    return [
        i
        for i in indicators_for(session, service_type_id)
        if i.direction in (Direction.HIGHER, Direction.LOWER) and still_published(i)
    ]


def kommun_providers(session: Session, kommun: Kommun, service_type: ServiceType) -> list[Provider]:
    """All of the kommun's providers of a service, in Swedish alphabetical order."""
    rows = session.exec(
        select(Provider).where(
            Provider.kommun_code == kommun.code, Provider.service_type_id == service_type.id
        )
    ).all()
    return sorted(rows, key=lambda p: (swedish_sort_key(p.name), p.id))


def organisations_of(session: Session, providers: list[Provider]) -> dict[int, Organisation]:
    ids = list({p.organisation_id for p in providers})
    rows = session.exec(select(Organisation).where(col(Organisation.id).in_(ids))).all()
    return {o.id: o for o in rows if o.id is not None}
