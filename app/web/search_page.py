"""Search and browse: `/{kommun}/{tjanst}`, and `/valj`, the home page chooser's target.

A plain GET form does everything; static/js/search.js only fetches the same URL with the
`X-Partial` header to swap the results in place while the resident types.
"""

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.routing import NoMatchFound

from app import search_service as svc
from app.choice import find_guide, guide_view
from app.coverage import Place, normalise_postal_code
from app.deps import CacheDep, SearchDep, SessionDep, SettingsDep, TemplatesDep
from app.figures import short_title
from app.formatting import distance, postal_code, tel_href
from app.i18n import current_lang, link
from app.i18n import gettext as _
from app.labels import (
    SCHOOL_YEARS,
    driftsform_label,
    has_school_years,
    language_label,
    profile_label,
    provider_nouns,
    school_year_label,
    school_year_name,
    school_years_text,
    shows_accepting_new,
)
from app.models import Area, Indicator, ServiceType
from app.models.vocab import Driftsform
from app.providers import indicators_for, key_indicators, providers_by_slugs
from app.search.text import fold, swedish_sort_key
from app.templating import Templates
from app.versioned_cache import CacheView
from app.web.basket import read_basket
from app.web.page_cache import not_cacheable
from app.web.params import number_params

router = APIRouter(default_response_class=HTMLResponse)

PARTIAL_HEADER = "X-Partial"


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int  # -1: not a count ("Alla områden")
    checked: bool
    dom_id: str = ""


@dataclass(frozen=True)
class FacetGroup:
    param: str  # the query parameter
    legend: str
    kind: str  # "checkbox" or "radio"
    options: list[FacetOption]
    hint: str = ""


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove_url: str


@dataclass(frozen=True)
class SortOption:
    value: str
    label: str


@dataclass(frozen=True)
class FieldError:
    field: str  # the id of the control it belongs to
    message: str


@dataclass(frozen=True)
class SchoolYearOption:
    value: str  # "" (all), "F", "1" … "9"
    label: str
    selected: bool


@dataclass(frozen=True)
class CompareNow:
    """The basket's providers of this page's service type: what "Jämför nu" compares."""

    slugs: list[str]
    url: str  # straight to the comparison with two or more, else the basket page

    @property
    def count(self) -> int:
        return len(self.slugs)


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    prev_url: str | None
    next_url: str | None
    numbers: list[tuple[int | None, str]]  # (page, url); None is a gap


def service_name(service_type: ServiceType) -> str:
    return service_type.name_en if current_lang.get() == "en" else service_type.name_sv


def indicator_title(indicator: Indicator) -> str:
    return indicator.title_en if current_lang.get() == "en" else indicator.title_sv


@router.get("/valj", name="choose")
def choose(session: SessionDep, kommun: str = "", tjanst: str = "") -> Response:
    """The home page's chooser: on to the search page, if both choices exist."""
    found = svc.find_kommun(session, kommun.strip())
    service_type = session.get(ServiceType, tjanst.strip()) if tjanst.strip() else None
    if found is None or service_type is None:
        raise not_found()
    return RedirectResponse(link(f"/{found.slug}/{service_type.id}"), status_code=303)


@router.get("/{kommun_slug}/{tjanst}", name="search", dependencies=[number_params("sida")])
def search_page(
    request: Request,
    kommun_slug: str,
    tjanst: str,
    session: SessionDep,
    settings: SettingsDep,
    client: SearchDep,
    templates: TemplatesDep,
    cache: CacheDep,
) -> Response:
    kommun = cache.get(("kommun", kommun_slug), lambda: svc.find_kommun(session, kommun_slug))
    service_type = cache.get(("service type", tjanst), lambda: session.get(ServiceType, tjanst))
    if kommun is None or service_type is None:
        raise not_found()

    form = svc.SearchForm.from_query(request.query_params)
    if not shows_accepting_new(service_type.id):
        # "Tar emot nya" says nothing true about a school (app.labels): an old link's
        # nya=ja must not filter on it either.
        form = replace(form, accepting_new=False)
    if not has_school_years(service_type.id):
        form = replace(form, school_year=None)
    nouns = provider_nouns(service_type.id, service_name(service_type))
    base = link(f"/{kommun.slug}/{service_type.id}")
    indicators = cache.get(
        ("indicators", service_type.id), lambda: indicators_for(session, service_type.id)
    )
    sortable = svc.sortable_indicators(indicators)
    sort_indicator = next((i for i in sortable if i.id == form.sort), None)
    areas = cache.get(("areas", kommun.code), lambda: svc.kommun_areas(session, kommun))
    lookup = svc.find_place(session, kommun, form)
    place = lookup.place
    area_based = service_type.choice_basis == "area"
    if place is not None and area_based:
        # Where you live decides the area: the area filter would only contradict it.
        form = replace(form, area=None)
    elif place is not None and form.sort == svc.SORT_NAME:
        # Proximity is how these are chosen: from an address, nearest first.
        form = replace(form, sort=svc.SORT_DISTANCE)

    outcome = svc.search(
        session,
        client,
        settings,
        kommun=kommun,
        service_type=service_type,
        form=form,
        place=place,
        sort_indicator=sort_indicator,
        card_indicators=_card_indicators(indicators, sort_indicator),
        cache=cache,
    )
    if not outcome.search_available:
        not_cacheable(request)  # shown from SQL while search is down: not kept
    if outcome.pages and form.page > outcome.pages:
        return RedirectResponse(base + form.query_string(page=outcome.pages), status_code=303)

    partial = request.headers.get(PARTIAL_HEADER) == "1"
    guide_url = _choice_guide_url(request, kommun.slug, service_type.id)
    sorted_by_distance = form.sort == svc.SORT_DISTANCE and place is not None
    # Nobody works where you live: say whom to call, in the kommun's words.
    guide = None
    if place is not None and area_based and outcome.total == 0:
        written = find_guide(session, kommun, service_type)
        guide = guide_view(session, kommun, service_type, written) if written else None
    errors = _place_errors(lookup, form, kommun.name)
    # A home-care office's distance says little: the staff come to you.
    show_distance = place is not None and (not area_based or sorted_by_distance)
    card_context = {
        "service_type": service_type,
        "show_accepting_new": shows_accepting_new(service_type.id),
        "show_school_years": has_school_years(service_type.id),
        "school_years_text": school_years_text,
        "place": place,
        "show_distance": show_distance,
        "driftsform_label": driftsform_label,
        "postal_code": postal_code,
        "distance": distance,
    }
    response = templates.render(
        request,
        "search_partial.html" if partial else "search.html",
        kommun=kommun,
        service_name=service_name(service_type),
        form=form,
        base=base,
        outcome=outcome,
        facet_groups=_facet_groups(
            service_type,
            form,
            outcome.facets,
            areas,
            place_decides_area=bool(place and area_based),
        ),
        school_year_options=_school_year_options(service_type.id, form),
        active_filters=_active_filters(base, form, areas),
        sort_options=_sort_options(sortable, name_order=not (place and not area_based)),
        nouns=nouns,
        card_html=_card_html(templates, cache, outcome.cards, card_context),
        compare_now=_compare_now(request, session, service_type.id),
        next_steps=_next_steps(request, kommun.slug, service_type.id),
        sort_indicator=sort_indicator,
        sort_indicator_title=short_title(sort_indicator) if sort_indicator else "",
        sorted_by_distance=sorted_by_distance,
        distance_needs_origin=form.sort == svc.SORT_DISTANCE and place is None,
        place_name=_place_name(place),
        area_based=area_based,
        other_kommun=lookup.other_kommun,
        other_kommun_url=_other_kommun_url(lookup, service_type.id),
        other_postal_code=postal_code(lookup.postal_code) if lookup.other_kommun else "",
        errors=errors,
        error_for={e.field: e.message for e in errors},
        without_place_url=base
        + form.query_string(
            postal_code="",
            origin_area=None,
            # Without a place there is nothing to measure from: back to the neutral order.
            sort=svc.SORT_NAME if form.sort == svc.SORT_DISTANCE else form.sort,
        ),
        example_postal_code=postal_code(
            cache.get(
                ("example postal code", kommun.code),
                lambda: svc.example_postal_code(session, kommun),
            )
        ),
        origin_areas=areas,
        pagination=_pagination(base, form, outcome),
        choice_guide_url=guide_url,
        guide=guide,
        phone_href=tel_href,
        filter_count=_filter_count(form),
        **card_context,
    )
    # The same URL answers with a page or a fragment, so caches must tell them apart.
    response.headers["Vary"] = PARTIAL_HEADER
    if partial:
        response.headers["Cache-Control"] = "no-store"
    return response


def _card_html(
    templates: Templates, cache: CacheView, cards: list[svc.ResultCard], context: dict
) -> dict[int, Markup]:
    """Each card's content but its compare control (which follows the address and the
    basket), kept per data version and language: a new search mostly lists cards drawn
    before. The key holds all the content reads besides the card: its service type, the
    figures shown, and the distance line when one is shown."""
    place, show = context["place"], context["show_distance"]

    def key(card: svc.ResultCard) -> tuple:
        where = (card.distance_m, place.label) if show and card.distance_m is not None else None
        shown = tuple(f.indicator.id for f in card.figures)
        return ("card html", card.provider.id, context["service_type"].id, shown, where)

    by_key = {key(card): card for card in cards}

    def draw(keys: list) -> dict:
        html = templates.fragments(
            "components/result_card.html", "card_content", context, [by_key[k] for k in keys]
        )
        return dict(zip(keys, html, strict=True))

    drawn = cache.get_many(list(by_key), draw)
    return {k[1]: drawn[k] for k in by_key}


def _compare_now(request: Request, session, service_type_id: str) -> CompareNow:
    """The chosen providers of this service type, in the order they were chosen: a basket
    may hold other kinds too, and a comparison is of one kind."""
    chosen = providers_by_slugs(session, read_basket(request))
    slugs = [p.slug for p in chosen if p.service_type_id == service_type_id]
    if len(slugs) >= 2:
        url = link("/jamfor") + "?" + urlencode([("id", s) for s in slugs])
    else:
        url = link("/jamfor")
    return CompareNow(slugs, url)


def _next_steps(request: Request, kommun_slug: str, tjanst: str) -> dict[str, str]:
    """Links to omval and /prioritera, by route name; a route not (yet) there is left out."""
    out = {}
    for key, name in (("rechoose", "rechoose"), ("priorities", "priorities")):
        try:
            path = request.app.url_path_for(name, kommun_slug=kommun_slug, tjanst=tjanst)
        except NoMatchFound:
            continue
        out[key] = link(str(path))
    return out


def _school_year_options(service_type_id: str, form: svc.SearchForm) -> list[SchoolYearOption]:
    """'Alla årskurser', F, 1–9: for grundskola only."""
    if not has_school_years(service_type_id):
        return []
    return [SchoolYearOption("", _("Alla årskurser"), form.school_year is None)] + [
        SchoolYearOption(school_year_label(y), school_year_name(y), form.school_year == y)
        for y in SCHOOL_YEARS
    ]


def _place_name(place: Place | None) -> str:
    """'Näsby Park (183 65 Täby)' from a postal code, 'Näsby Park' from a kommundel."""
    if place is None:
        return ""
    if place.postal_code:
        return f"{place.area.name} ({place.label})"
    return place.area.name


def _place_errors(
    lookup: svc.PlaceLookup, form: svc.SearchForm, kommun_name: str
) -> list[FieldError]:
    if not lookup.unknown_postal_code:
        return []
    # The same words as the other pages that ask where you live (app.web.place_input).
    message = _(
        "Vi hittar inte postnumret {code} i {kommun}. Kontrollera siffrorna, "
        "eller välj kommundel i listan i stället."
    ).format(code=postal_code(normalise_postal_code(form.postal_code)), kommun=kommun_name)
    return [FieldError("postnummer", message)]


def _other_kommun_url(lookup: svc.PlaceLookup, tjanst: str) -> str | None:
    """The same list in the kommun the postal code belongs to, from that postal code."""
    if lookup.other_kommun is None:
        return None
    query = urlencode({"postnummer": lookup.postal_code})
    return link(f"/{lookup.other_kommun.slug}/{tjanst}") + "?" + query + "#var-bor-du"


def not_found() -> HTTPException:
    # The app's error handler answers: a page for people, JSON under /api/.
    return HTTPException(status_code=404)


def _card_indicators(
    indicators: list[Indicator], sort_indicator: Indicator | None
) -> list[Indicator]:
    """The key figures, led by the figure the list is sorted by, so the order can be seen."""
    key = key_indicators(indicators)
    if sort_indicator is None or sort_indicator in key:
        return key
    return [sort_indicator, *key]


def _facet_groups(
    service_type: ServiceType,
    form: svc.SearchForm,
    facets: dict[str, dict[str, int]],
    areas: list[Area],
    place_decides_area: bool = False,
) -> list[FacetGroup]:
    def options(facet: str, chosen: tuple[str, ...], label, values=None) -> list[FacetOption]:
        counts = facets.get(facet, {})
        if values is None:
            values = sorted({*counts, *chosen}, key=lambda v: swedish_sort_key(label(v)))
        return [FacetOption(v, label(v), counts.get(v, 0), v in chosen) for v in values]

    driftsform = FacetGroup(
        "driftsform",
        _("Driftsform"),
        "checkbox",
        options("driftsform", form.driftsform, driftsform_label, _driftsform_values(facets, form)),
    )
    accepting = FacetGroup(
        "nya",
        _("Tar emot nya"),
        "checkbox",
        [
            FacetOption(
                "ja",
                _("Visa bara de som tar emot nya"),
                facets.get("accepting_new", {}).get("true", 0),
                form.accepting_new,
            )
        ],
    )
    area_counts = facets.get("areas", {})
    area = FacetGroup(
        "omrade",
        _("Område"),
        "radio",
        [FacetOption("", _("Alla områden"), -1, form.area is None)]
        + [
            FacetOption(a.slug, a.name, area_counts.get(a.slug, 0), a.slug == form.area)
            for a in areas
        ],
        hint=_("Utförare som arbetar i området.") if service_type.choice_basis == "area" else "",
    )
    languages = FacetGroup(
        "sprak",
        _("Språk som talas"),
        "checkbox",
        options("languages", form.languages, language_label),
    )
    profiles = FacetGroup(
        "inriktning",
        _("Inriktning"),
        "checkbox",
        options("profiles", form.profiles, profile_label),
    )
    groups = [driftsform, accepting, area, languages, profiles]
    if service_type.choice_basis == "area":
        # For home care the question is who works where you live: ask it first.
        groups = [area, driftsform, accepting, languages, profiles]
    if place_decides_area:
        groups.remove(area)
    if not shows_accepting_new(service_type.id):
        groups.remove(accepting)
    return [_with_dom_ids(g) for g in groups if g.options]


def _driftsform_values(facets: dict[str, dict[str, int]], form: svc.SearchForm) -> list[str]:
    """The three forms of ownership always, so a zero is shown as a zero; others if present."""
    counts = facets.get("driftsform", {})
    always = [Driftsform.KOMMUNAL, Driftsform.PRIVAT, Driftsform.IDEBUREN]
    rest = [v for v in [*counts, *form.driftsform] if v not in always]
    return [d.value for d in always] + list(dict.fromkeys(rest))


def _with_dom_ids(group: FacetGroup) -> FacetGroup:
    """Stable, valid ids from the values, so focus can return to the same box after a swap."""
    options = []
    seen: set[str] = set()
    for option in group.options:
        base = "-".join(re.findall(r"[a-z0-9]+", fold(option.value).lower())) or "alla"
        dom_id, n = f"f-{group.param}-{base}", 1
        while dom_id in seen:
            n += 1
            dom_id = f"f-{group.param}-{base}-{n}"
        seen.add(dom_id)
        options.append(replace(option, dom_id=dom_id))
    return replace(group, options=options)


def _active_filters(base: str, form: svc.SearchForm, areas: list[Area]) -> list[ActiveFilter]:
    def without(**changes) -> str:
        return base + form.query_string(**changes)

    out: list[ActiveFilter] = []
    if form.q:
        out.append(ActiveFilter(_("Sökord: ”{q}”").format(q=form.q), without(q="")))
    for v in form.driftsform:
        rest = tuple(x for x in form.driftsform if x != v)
        out.append(ActiveFilter(driftsform_label(v), without(driftsform=rest)))
    if form.accepting_new:
        out.append(ActiveFilter(_("Tar emot nya"), without(accepting_new=False)))
    if form.area:
        name = next((a.name for a in areas if a.slug == form.area), form.area)
        out.append(ActiveFilter(_("Område: {name}").format(name=name), without(area=None)))
    if form.school_year is not None:
        out.append(ActiveFilter(school_year_name(form.school_year), without(school_year=None)))
    for v in form.languages:
        rest = tuple(x for x in form.languages if x != v)
        label = _("Språk: {language}").format(language=language_label(v))
        out.append(ActiveFilter(label, without(languages=rest)))
    for v in form.profiles:
        rest = tuple(x for x in form.profiles if x != v)
        label = _("Inriktning: {profile}").format(profile=profile_label(v))
        out.append(ActiveFilter(label, without(profiles=rest)))
    return out


def _filter_count(form: svc.SearchForm) -> int:
    return (
        len(form.driftsform)
        + len(form.languages)
        + len(form.profiles)
        + int(form.accepting_new)
        + int(form.area is not None)
        + int(form.school_year is not None)
    )


def _sort_options(sortable: list[Indicator], name_order: bool = True) -> list[SortOption]:
    """Every order; from an address, units chosen by proximity are nearest first, not A–Ö."""
    return [
        *([SortOption(svc.SORT_NAME, _("Namn, A–Ö"))] if name_order else []),
        SortOption(svc.SORT_DISTANCE, _("Avstånd, närmast först")),
        *(
            SortOption(i.id, _("{indicator}, bäst först").format(indicator=short_title(i)))
            for i in sortable
        ),
    ]


def _pagination(base: str, form: svc.SearchForm, outcome: svc.SearchOutcome) -> Pagination:
    page, pages = outcome.page, outcome.pages

    def url(n: int) -> str:
        return base + form.query_string(page=n)

    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    numbers: list[tuple[int | None, str]] = []
    for n in shown:
        if numbers and numbers[-1][0] is not None and n - numbers[-1][0] > 1:  # type: ignore[operator]
            numbers.append((None, ""))
        numbers.append((n, url(n)))
    return Pagination(
        page=page,
        pages=pages,
        prev_url=url(page - 1) if page > 1 else None,
        next_url=url(page + 1) if page < pages else None,
        numbers=numbers,
    )


def _choice_guide_url(request: Request, kommun_slug: str, tjanst: str) -> str | None:
    """The 'Så väljer du' page, once it exists: no link is better than a dead one."""
    try:
        path = request.app.url_path_for("choice_guide", kommun_slug=kommun_slug, tjanst=tjanst)
    except NoMatchFound:
        if not any(getattr(r, "name", None) == "choice_guide" for r in request.app.routes):
            return None
        path = f"/{kommun_slug}/{tjanst}/sa-valjer-du"
    return link(str(path))
