"""Widgets a kommun puts on its own website, and the builder that writes the snippet.

- `/embed/{kommun}/{tjanst}`: a search box with the kommun's providers of one service;
- `/embed/utforare/{slug}`: one provider's card with its level summary;
- `/embed/jamfor?id=…`: a comparison table;
- `/embed/utforare/{slug}/badge.svg`: a static badge for sites that allow no frames;
- `/widgetar`: the builder (preview and snippet).

State lives in the URL (`jamfor=` on the search widget, `id=` on the comparison), never in
a cookie: inside another site's frame the browser drops ours. Each embed page may be
framed only by the sites its kommun has registered (app.embed.origins), and links out open
the full page in a new tab. The figures, levels and "best" marks are the pages' own
(app.providers, app.comparison): a widget cannot say something the site does not.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session, col, select

from app.comparison import MAX_ITEMS, ComparisonError, build_comparison
from app.deps import CacheDep, SearchDep, SessionDep, SettingsDep, TemplatesDep
from app.embed import badge
from app.embed.origins import frame_ancestors, origins_for
from app.i18n import link
from app.models import Kommun, Organisation, Provider, ServiceType
from app.providers import indicators_for, key_indicators, provider_page
from app.search_service import SearchForm, find_kommun, search
from app.web.page_cache import not_cacheable
from app.web.security import content_security_policy

router = APIRouter()

WIDGETS = ("sok", "utforare", "jamfor", "badge")


def _framed_by(response: Response, origins: list[str]) -> Response:
    response.headers["Content-Security-Policy"] = content_security_policy(
        frame_ancestors=frame_ancestors(origins)
    )
    return response


def _origins(session: Session, kommun_codes: set[str]) -> list[str]:
    return sorted({o for code in kommun_codes for o in origins_for(session, code)})


def public_base(request: Request) -> str:
    return request.app.state.settings.public_base_url or str(request.base_url).rstrip("/")


@router.get("/embed/utforare/{slug}", name="embed_card", response_class=HTMLResponse)
def embed_card(
    request: Request, slug: str, session: SessionDep, templates: TemplatesDep
) -> Response:
    page = provider_page(session, slug)
    if page is None:
        raise HTTPException(404)
    figures = [f for s in page.sections for f in s.figures]
    keys = {i.id for i in key_indicators([f.indicator for f in figures])}
    origins = _origins(session, {page.kommun.code})
    response = templates.render(
        request,
        "embed/card.html",
        page=page,
        key_figures=[f for f in figures if f.indicator.id in keys],
        parents=origins,
        base=public_base(request),
    )
    return _framed_by(response, origins)


@dataclass(frozen=True)
class Chosen:
    """The comparison being put together inside the search widget (from the URL)."""

    slugs: list[str]

    def toggled(self, slug: str) -> list[str]:
        if slug in self.slugs:
            return [s for s in self.slugs if s != slug]
        return [*self.slugs, slug][-MAX_ITEMS:]


@router.get("/embed/{kommun_slug}/{tjanst}", name="embed_search", response_class=HTMLResponse)
def embed_search(
    request: Request,
    kommun_slug: str,
    tjanst: str,
    session: SessionDep,
    settings: SettingsDep,
    index: SearchDep,
    templates: TemplatesDep,
    cache: CacheDep,
    q: str = Query("", max_length=200),
    jamfor: list[str] = Query([], max_length=MAX_ITEMS),
) -> Response:
    kommun = find_kommun(session, kommun_slug)
    st = session.get(ServiceType, tjanst)
    if kommun is None or st is None:
        raise HTTPException(404)
    # Only this kommun's providers of this service can be chosen here.
    chosen_rows = session.exec(
        select(Provider.slug).where(
            col(Provider.slug).in_(jamfor),
            Provider.kommun_code == kommun.code,
            Provider.service_type_id == st.id,
        )
    ).all()
    chosen = Chosen([s for s in dict.fromkeys(jamfor) if s in set(chosen_rows)])
    outcome = search(
        session,
        index,
        settings,
        kommun=kommun,
        service_type=st,
        form=SearchForm(q=" ".join(q.split())),
        place=None,
        sort_indicator=None,
        card_indicators=key_indicators(indicators_for(session, st.id)),
        cache=cache,
    )
    if not outcome.search_available:
        not_cacheable(request)  # shown from SQL while search is down: not kept
    summaries = {c.provider.id: c.summary for c in outcome.cards}  # read with the cards
    here = f"/embed/{kommun.slug}/{st.id}"

    def toggle_url(slug: str) -> str:
        pairs = ([("q", q)] if q else []) + [("jamfor", s) for s in chosen.toggled(slug)]
        return f"{here}?{urlencode(pairs)}#utforare-{slug}" if pairs else f"{here}#utforare-{slug}"

    origins = _origins(session, {kommun.code})
    response = templates.render(
        request,
        "embed/search.html",
        kommun=kommun,
        service_type=st,
        outcome=outcome,
        summaries=summaries,
        q=q,
        chosen=chosen.slugs,
        toggle_url=toggle_url,
        compare_url="/embed/jamfor?" + urlencode([("id", s) for s in chosen.slugs]),
        full_url=link(f"/{kommun.slug}/{st.id}") + (f"?{urlencode({'q': q})}" if q else ""),
        parents=origins,
        base=public_base(request),
    )
    return _framed_by(response, origins)


@router.get("/embed/jamfor", name="embed_compare", response_class=HTMLResponse)
def embed_compare(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    cache: CacheDep,
    id: list[str] = Query([], max_length=MAX_ITEMS),
) -> Response:
    try:
        comparison = build_comparison(session, id, cache=cache)
    except ComparisonError:
        raise HTTPException(404) from None
    origins = _origins(session, {c.kommun.code for c in comparison.columns})
    response = templates.render(
        request,
        "embed/compare.html",
        c=comparison,
        summaries=comparison.summaries,
        full_url=link("/jamfor?" + urlencode([("id", s) for s in comparison.slugs])),
        parents=origins,
        base=public_base(request),
    )
    return _framed_by(response, origins)


@router.get("/embed/utforare/{slug}/badge.svg", name="embed_badge")
def embed_badge(request: Request, slug: str, session: SessionDep) -> Response:
    page = provider_page(session, slug)
    if page is None:
        raise HTTPException(404)
    svg = badge.render(page.provider.name, page.summary)
    # Short-lived: a badge follows the figures; the ETag (app.web.http_cache) saves re-sends.
    return Response(
        svg, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/widgetar", name="widget_builder", response_class=HTMLResponse)
def widget_builder(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    kommun: str = "",
    tjanst: str = "",
    widget: str = "sok",
    utforare: str = "",
) -> Response:
    """Pick kommun, service and widget; see it live; copy the snippet (a GET form: no JS)."""
    kommuner = session.exec(
        select(Kommun)
        .where(col(Kommun.code).in_(select(Provider.kommun_code).distinct()))
        .order_by(col(Kommun.name))
    ).all()
    service_types = session.exec(select(ServiceType).order_by(col(ServiceType.sort_order))).all()
    chosen_kommun = next((k for k in kommuner if k.slug == kommun), None)
    chosen_type = next((t for t in service_types if t.id == tjanst), None)
    widget = widget if widget in WIDGETS else "sok"
    providers: list[tuple[Provider, Organisation]] = []
    if chosen_kommun and chosen_type:
        providers = list(
            session.exec(
                select(Provider, Organisation)
                .join(Organisation, col(Organisation.id) == Provider.organisation_id)
                .where(
                    Provider.kommun_code == chosen_kommun.code,
                    Provider.service_type_id == chosen_type.id,
                )
                .order_by(col(Provider.name))
            ).all()
        )
    slugs = [p.slug for p, _ in providers]
    chosen_provider = utforare if utforare in slugs else (slugs[0] if slugs else "")
    base = public_base(request)
    path = None
    if chosen_kommun and chosen_type:
        path = {
            "sok": f"/embed/{chosen_kommun.slug}/{chosen_type.id}",
            "utforare": f"/embed/utforare/{chosen_provider}" if chosen_provider else None,
            "jamfor": "/embed/jamfor?" + urlencode([("id", s) for s in slugs[:3]])
            if len(slugs) >= 2
            else None,
            "badge": f"/embed/utforare/{chosen_provider}/badge.svg" if chosen_provider else None,
        }[widget]
    return templates.render(
        request,
        "widget_builder.html",
        kommuner=kommuner,
        service_types=service_types,
        chosen_kommun=chosen_kommun,
        chosen_type=chosen_type,
        widget=widget,
        providers=providers,
        chosen_provider=chosen_provider,
        widget_path=path,
        base=base,
        origins=origins_for(session, chosen_kommun.code) if chosen_kommun else [],
    )
