"""The open JSON API, version 1: read-only, on the same services as the pages.

Every figure comes from `app.figures.figures_for`, every level summary from
`app.level_summary.summarise`, every "best" from `app.comparison`: the API and the pages
cannot disagree. Search goes to Meilisearch from the server (`app.search_service.search`)
with validated parameters; no key leaves the server. ETag/304, Cache-Control and CORS are
added for every route by `app.web.http_cache`; errors are problem+json (`app.api.problems`).
"""

from math import ceil
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.api.problems import responses
from app.api.v1 import schemas as s
from app.api.v1 import serialize
from app.comparison import (
    MAX_ITEMS,
    ComparisonError,
    MixedServiceTypes,
    TooFew,
    TooMany,
    UnknownProviders,
    build_comparison,
)
from app.deps import CacheDep, SearchDep, SessionDep, SettingsDep
from app.figures import Figure, section_title
from app.i18n import use_lang
from app.models import Kommun, ServiceType
from app.models.vocab import Driftsform, Section
from app.providers import (
    areas_of,
    indicators_for,
    key_indicators,
    organisations_of,
    provider_page,
)
from app.search_service import PER_PAGE, SORT_NAME, SearchForm, search, sortable_indicators
from app.web.page_cache import not_cacheable

PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX, tags=["open data API v1"])

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
KOMMUN = r"^(\d{4}|[a-z0-9]+(-[a-z0-9]+)*)$"
# What app.web.params.plain_address lets through: no control characters but tab, LF, CR.
PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
LICENCE = (
    "Our compilation: CC BY 4.0 (Välfärdsjämföraren). Each figure keeps its source's terms; "
    "name the source given in `source`."
)
ATTRIBUTION = [
    "Källa: Kolada (RKA, Rådet för främjande av kommunala analyser), kolada.se",
    "Källa: Skolverket, skolverket.se",
    "Källa: Skolinspektionen (Skolenkäten), skolinspektionen.se",
    "Källa: kommunernas egen uppföljning",
]


def not_found(what: str) -> HTTPException:
    return HTTPException(404, f"No {what} with this id.")


def _page_info(total: int, page: int, size: int) -> s.PageInfo:
    pages = ceil(total / size) if size else 0
    return s.PageInfo(
        total_items=total,
        total_pages=pages,
        page_number=page,
        size=size,
        first_page=page == 1,
        last_page=page >= pages,
        empty=total == 0,
    )


def json_response(body: BaseModel, headers: dict[str, str] | None = None) -> Response:
    """`body` as JSON, serialised once. FastAPI would first validate a returned model
    again against the route's response_model (which stays, for the schema): for a list
    page of nested figures that cost more than the search. The models are our own, built
    and validated by app.api.v1.serialize."""
    return Response(body.model_dump_json(), media_type="application/json", headers=headers)


def _links(request: Request, info: s.PageInfo) -> str:
    """RFC 8288 links to the first, previous, next and last pages."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]

    def url(page: int) -> str:
        return f"{request.url.path}?{urlencode([*pairs, ('page', str(page))])}"

    links = [f'<{url(1)}>; rel="first"']
    if info.page_number > 1:
        links.append(f'<{url(min(info.page_number - 1, max(info.total_pages, 1)))}>; rel="prev"')
    if info.page_number < info.total_pages:
        links.append(f'<{url(info.page_number + 1)}>; rel="next"')
    links.append(f'<{url(max(info.total_pages, 1))}>; rel="last"')
    return ", ".join(links)


@router.get("", response_model=s.ApiRoot, summary="What this API is")
def root() -> s.ApiRoot:
    return s.ApiRoot(
        version="1",
        openapi_url="/api/openapi.json",
        licence=LICENCE,
        attribution=ATTRIBUTION,
        links={
            "municipalities": f"{PREFIX}/municipalities",
            "service_types": f"{PREFIX}/service-types",
            "providers": f"{PREFIX}/providers{{?municipality,service_type,q,page}}",
            "comparison": f"{PREFIX}/comparison{{?id*}}",
        },
    )


@router.get(
    "/municipalities",
    response_model=list[s.Municipality],
    summary="The kommuner",
    responses=responses(422),
)
def municipalities(session: SessionDep) -> list[s.Municipality]:
    rows = session.exec(select(Kommun).order_by(col(Kommun.code))).all()
    return [serialize.municipality(k) for k in rows]


@router.get(
    "/municipalities/{code}",
    response_model=s.Municipality,
    summary="One kommun, by kommunkod or slug",
    responses=responses(404, 422),
)
def municipality(
    session: SessionDep, code: Annotated[str, Path(pattern=KOMMUN, max_length=60)]
) -> s.Municipality:
    return serialize.municipality(_kommun(session, code))


@router.get("/service-types", response_model=list[s.ServiceType], summary="The service types")
def service_types(session: SessionDep) -> list[s.ServiceType]:
    rows = session.exec(select(ServiceType).order_by(col(ServiceType.sort_order))).all()
    return [serialize.service_type(st) for st in rows]


@router.get(
    "/service-types/{service_type}/indicators",
    response_model=list[s.IndicatorDefinition],
    summary="A service type's indicator definitions, in page order",
    responses=responses(404, 422),
)
def indicators(
    session: SessionDep, service_type: Annotated[str, Path(pattern=SLUG, max_length=60)]
) -> list[s.IndicatorDefinition]:
    if session.get(ServiceType, service_type) is None:
        raise not_found("service type")
    return [serialize.indicator(i) for i in indicators_for(session, service_type)]


@router.get(
    "/providers",
    response_model=s.ProviderPage,
    summary="Providers of one service in one kommun: search, filters and paging as on the pages",
    responses=responses(404, 422),
)
def providers(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    index: SearchDep,
    cache: CacheDep,
    municipality: Annotated[
        str, Query(pattern=KOMMUN, max_length=60, description="kommunkod or slug")
    ],
    service_type: Annotated[str, Query(pattern=SLUG, max_length=60)],
    q: Annotated[str, Query(max_length=200, pattern=PLAIN, description="free text")] = "",
    driftsform: Annotated[list[Driftsform] | None, Query()] = None,
    language: Annotated[
        list[Annotated[str, Query(max_length=100, pattern=PLAIN)]] | None, Query()
    ] = None,
    profile: Annotated[
        list[Annotated[str, Query(max_length=100, pattern=PLAIN)]] | None, Query()
    ] = None,
    accepting_new: bool = False,
    area: Annotated[str | None, Query(pattern=SLUG, max_length=100)] = None,
    sort: Annotated[
        str,
        Query(
            pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$",
            description="'name', or an indicator id: best first, older figures after current",
        ),
    ] = "name",
    page: Annotated[int, Query(ge=1, le=9999)] = 1,
) -> s.ProviderPage:
    kommun = cache.get(("kommun", municipality), lambda: _kommun(session, municipality))
    st = cache.get(("service type", service_type), lambda: session.get(ServiceType, service_type))
    if st is None:
        raise not_found("service type")
    all_indicators = cache.get(("indicators", st.id), lambda: indicators_for(session, st.id))
    sort_indicator = None
    if sort != "name":
        sort_indicator = next(
            (i for i in sortable_indicators(all_indicators) if i.id == sort), None
        )
        if sort_indicator is None:
            raise HTTPException(422, "`sort` is 'name' or a sortable indicator of the service.")
    form = SearchForm(
        q=" ".join(q.split()),
        driftsform=tuple(dict.fromkeys(d.value for d in driftsform or [])),
        languages=tuple(dict.fromkeys(language or [])),
        profiles=tuple(dict.fromkeys(profile or [])),
        accepting_new=accepting_new,
        area=area,
        sort=sort_indicator.id if sort_indicator else SORT_NAME,
        page=page,
    )
    outcome = search(
        session,
        index,
        settings,
        kommun=kommun,
        service_type=st,
        form=form,
        place=None,
        sort_indicator=sort_indicator,
        card_indicators=key_indicators(all_indicators),
        cache=cache,
        facets=False,
    )
    if not outcome.search_available:
        not_cacheable(request)  # shown from SQL while search is down: not kept
    info = _page_info(outcome.total, page, PER_PAGE)
    shown = tuple(i.id for i in key_indicators(all_indicators))
    cards = {("api item", c.provider.id, shown): c for c in outcome.cards}

    def items(keys: list) -> dict:
        # Cards carry no distance here (no place), so an item is the same in every answer.
        return {
            key: serialize.list_item(
                c.provider,
                c.organisation,
                c.areas,
                c.figures,
                c.summary,  # type: ignore[arg-type]  # every card has its summary
            )
            for key, c in ((key, cards[key]) for key in keys)
        }

    listed = cache.get_many(list(cards), items)
    body = s.ProviderPage(
        contents=[listed[key] for key in cards],
        page=info,
        search_available=outcome.search_available,
    )
    return json_response(body, headers={"Link": _links(request, info)})


@router.get(
    "/providers/{slug}",
    response_model=s.Provider,
    summary="One provider: its five sections, every figure with its provenance and level",
    responses=responses(404, 422),
)
def provider(
    session: SessionDep, slug: Annotated[str, Path(pattern=SLUG, max_length=200)]
) -> s.Provider:
    page = provider_page(session, slug)
    if page is None:
        raise not_found("provider")
    figures = [f for sec in page.sections for f in sec.figures]
    keys = {i.id for i in key_indicators([f.indicator for f in figures])}
    return serialize.provider(
        page.provider,
        page.organisation,
        page.areas,
        [f for f in figures if f.indicator.id in keys],
        page.summary,
        [(sec.number, *_section_titles(sec.number), sec.figures) for sec in page.sections],
    )


@router.get(
    "/comparison",
    response_model=s.Comparison,
    summary="Providers of one service side by side, with the comparison page's judgements",
    responses=responses(404, 422),
)
def comparison(
    session: SessionDep,
    cache: CacheDep,
    id: Annotated[
        list[Annotated[str, Query(pattern=SLUG, max_length=200)]],
        Query(
            min_length=2,
            max_length=MAX_ITEMS,
            description="provider ids, 2–6, each once",
            json_schema_extra={"uniqueItems": True},
        ),
    ],
) -> s.Comparison:
    try:
        c = build_comparison(session, id, cache=cache)
    except UnknownProviders as exc:
        raise HTTPException(404, f"Unknown providers: {', '.join(exc.slugs)}.") from None
    except (TooFew, TooMany):
        raise HTTPException(422, f"Compare 2 to {MAX_ITEMS} different providers.") from None
    except MixedServiceTypes:
        raise HTTPException(422, "Providers of different service types.") from None
    except ComparisonError as exc:  # any future kind
        raise HTTPException(422, str(exc)) from None
    per_column: list[list[Figure]] = [[] for _ in c.columns]
    for group in c.groups:
        for row in group.rows:
            for i, cell in enumerate(row.cells):
                per_column[i].append(cell.figure)
    providers = [col_.provider for col_ in c.columns]
    areas = areas_of(session, [p.id for p in providers])  # type: ignore[misc]
    orgs = organisations_of(session, providers)
    keys = {i.id for i in key_indicators([f.indicator for f in per_column[0]])}
    items = [
        serialize.list_item(
            col_.provider,
            orgs[col_.provider.organisation_id],
            areas[col_.provider.id],  # type: ignore[index]
            [f for f in figs if f.indicator.id in keys],
            summary,
        )
        for col_, figs, summary in zip(c.columns, per_column, c.summaries, strict=True)
    ]
    rows = [
        s.ComparisonRow(
            indicator=row.indicator.id,
            section=group.section,
            cells=[
                s.ComparisonCell(
                    provider=col_.provider.slug,
                    figure=serialize.figure(cell.figure),
                    best=cell.best,
                )
                for col_, cell in zip(c.columns, row.cells, strict=True)
            ],
            no_mark=row.no_mark.value if row.no_mark else None,
            best_failed=row.best_failed,
            all_failed=row.all_failed,
        )
        for group in c.groups
        for row in group.rows
    ]
    return s.Comparison(service_type=c.service_type.id, providers=items, rows=rows)


def _kommun(session: Session, code: str) -> Kommun:
    column = Kommun.code if code.isdigit() else Kommun.slug
    found = session.exec(select(Kommun).where(column == code)).first()
    if found is None:
        raise not_found("kommun")
    return found


def _section_titles(number: int) -> tuple[str, str]:
    titles = []
    for lang in ("sv", "en"):
        with use_lang(lang):
            titles.append(section_title(Section(number)))
    return titles[0], titles[1]
