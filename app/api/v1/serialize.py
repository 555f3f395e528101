"""From the services' objects to the API's shapes: the figures, levels and summaries the
pages show, as data. No query here; the routes read through the services."""

from app.api.v1 import schemas as s
from app.figures import Figure
from app.level_summary import LevelSummary
from app.models import Area, Indicator, Kommun, Organisation, Provider, ServiceType


def municipality(k: Kommun) -> s.Municipality:
    return s.Municipality(
        code=k.code,
        name=k.name,
        slug=k.slug,
        links=s.Links(self=f"/api/v1/municipalities/{k.code}", html=None),
    )


def service_type(st: ServiceType) -> s.ServiceType:
    return s.ServiceType(
        id=st.id,
        name_sv=st.name_sv,
        name_en=st.name_en,
        description_sv=st.description_sv,
        description_en=st.description_en,
        choice_basis=st.choice_basis,  # type: ignore[arg-type]
    )


def indicator(i: Indicator) -> s.IndicatorDefinition:
    return s.IndicatorDefinition(
        id=i.id,
        service_type=i.service_type_id,
        section=i.section,
        title_sv=i.title_sv,
        title_en=i.title_en,
        short_title_sv=i.short_title_sv or i.title_sv,
        short_title_en=i.short_title_en or i.title_en,
        description_sv=i.description_sv,
        description_en=i.description_en,
        unit=i.unit,  # type: ignore[arg-type]
        direction=i.direction,  # type: ignore[arg-type]
        source_kind=i.source_kind,  # type: ignore[arg-type]
        source_name=i.source_name,
        min_n=i.min_n,
        decimals=i.decimals,
        discontinued_after=i.discontinued_after,
    )


def figure(f: Figure) -> s.Figure:
    c = f.current
    return s.Figure(
        indicator=f.indicator.id,
        status=f.status,  # type: ignore[arg-type]
        value=f.value,
        period=c.period if c else None,
        year=c.year if c else None,
        n_answers=c.n_answers if c else None,
        answers_unknown=f.answers_unknown,
        response_rate=c.response_rate if c else None,
        level=s.Level(key=f.verdict.key, rule_sv=f.verdict.rule) if f.verdict else None,  # type: ignore[arg-type]
        change=f.change,  # type: ignore[arg-type]
        old=f.is_old,
        discontinued=f.discontinued,
        kommun=_reference(f.kommun),
        country=_reference(f.country),
        source=c.source if c else None,
        source_ref=c.source_ref if c else None,
        published=c.published if c else None,
        fetched=c.fetched if c else None,
    )


def _reference(r) -> s.Reference | None:  # app.figures.Reference
    if r is None:
        return None
    return s.Reference(value=r.value, period=r.period, basis=r.basis)


def levels(summary: LevelSummary) -> s.LevelSummary:
    t = summary.total
    return s.LevelSummary(
        good=t.good,
        approved=t.approved,
        failed=t.failed,
        status=t.status,  # type: ignore[arg-type]
        red_flag=t.red_flag,
        trend=t.trend,  # type: ignore[arg-type]
        sections=[
            s.SectionLevels(
                section=x.section,
                good=x.tally.good,
                approved=x.tally.approved,
                failed=x.tally.failed,
                status=x.tally.status,  # type: ignore[arg-type]
                trend=x.tally.trend,  # type: ignore[arg-type]
            )
            for x in summary.sections
        ],
    )


def list_item(
    p: Provider,
    o: Organisation,
    areas: list[Area],
    key_figures: list[Figure],
    summary: LevelSummary,
) -> s.ProviderListItem:
    return s.ProviderListItem(**_item_fields(p, o, areas, key_figures, summary))


def _item_fields(
    p: Provider,
    o: Organisation,
    areas: list[Area],
    key_figures: list[Figure],
    summary: LevelSummary,
) -> dict:
    return {
        "id": p.slug,
        "name": p.name,
        "service_type": p.service_type_id,
        "municipality": p.kommun_code,
        "organisation": s.Organisation(name=o.name, org_nr=o.org_nr, driftsform=o.driftsform),  # type: ignore[arg-type]
        "address": s.Address(
            street=p.street, postal_code=p.postal_code, city=p.city, lat=p.lat, lon=p.lon
        ),
        "areas": [a.slug for a in areas],
        "accepting_new": p.accepting_new,
        "capacity": p.capacity,
        "languages": list(p.languages),
        "profiles": list(p.profiles),
        "school_years": list(p.school_years or []),
        "key_figures": [figure(f) for f in key_figures],
        "levels": levels(summary),
        "links": s.Links(self=f"/api/v1/providers/{p.slug}", html=f"/utforare/{p.slug}"),
    }


def provider(
    p: Provider,
    o: Organisation,
    areas: list[Area],
    key_figures: list[Figure],
    summary: LevelSummary,
    sections: list[tuple[int, str, str, list[Figure]]],
) -> s.Provider:
    return s.Provider(
        **_item_fields(p, o, areas, key_figures, summary),
        presentation=s.Presentation(text=p.presentation, updated=p.presentation_updated)
        if p.presentation
        else None,
        contact=s.Contact(
            phone=p.phone, email=p.email, website=p.website, opening_hours=p.opening_hours
        ),
        started_year=p.started_year,
        sections=[
            s.Section(section=n, title_sv=sv, title_en=en, figures=[figure(f) for f in figs])
            for n, sv, en, figs in sections
        ],
    )
