"""Rangordna efter det som är viktigt för dig: `/{kommun}/{tjanst}/prioritera`.

A GET form whose URL holds every choice (app.priorities.PriorityForm), so the result can be
shared with a relative. A submitted form carries a weight for every indicator, chosen or
not; the page redirects once to the shortest URL that means the same, so the address bar
is the link to share.
"""

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.choice import find_guide
from app.deps import SessionDep, TemplatesDep
from app.figures import Figure, indicator_title, section_title, short_title
from app.formatting import distance, number
from app.i18n import current_lang, link
from app.i18n import gettext as _
from app.labels import direction_text, language_label, profile_label, shows_accepting_new
from app.models import ServiceType
from app.models.vocab import Section
from app.priorities import WEIGHTS, PriorityForm, offered_providers, rank
from app.providers import kommun_providers, level_summaries, ranked_indicators
from app.search.text import swedish_sort_key
from app.search_service import find_kommun, kommun_areas
from app.statistics import MAX_YEARS_APART, Problem
from app.web.params import number_params
from app.web.place_input import read_place
from app.web.rechoose_page import FieldError, service_name
from app.web.security import public_url

router = APIRouter(default_response_class=HTMLResponse)


def weight_label(weight: int) -> str:
    return {
        1: _("Viktigt (vikt 1)"),
        2: _("Mycket viktigt (vikt 2)"),
        3: _("Allra viktigast (vikt 3)"),
    }[weight]


def problem_text(problem: Problem | None, figure: Figure | None = None) -> str:
    """Why a figure does not count, as the end of "Räknas inte: ..."."""
    if problem == Problem.TOO_FEW:
        return _("För få svar")
    if problem == Problem.PERIODS_APART and figure is not None:
        return _("Äldre uppgift ({period}), mer än {years} år äldre än den nyaste").format(
            period=figure.period, years=MAX_YEARS_APART
        )
    return _("Uppgift saknas")


def must_texts(form: PriorityForm) -> list[str]:
    """The must-haves in words, for "Krav: ..." above the ranking."""
    out = []
    if form.language:
        name = language_label(form.language)
        # Swedish writes language names in lower case mid-sentence; English capitalises them.
        name = name.lower() if current_lang.get() == "sv" else name
        out.append(_("personalen talar {language}").format(language=name))
    if form.profile:
        out.append(_("inriktning: {profile}").format(profile=profile_label(form.profile)))
    if form.accepting_new:
        out.append(_("tar emot nya"))
    return out


@router.get(
    "/{kommun_slug}/{tjanst}/prioritera",
    name="priorities",
    response_model=None,
    dependencies=[number_params(prefix="vikt-")],  # the weights, 1–3
)
def priorities(
    request: Request,
    kommun_slug: str,
    tjanst: str,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    kommun = find_kommun(session, kommun_slug)
    service_type = session.get(ServiceType, tjanst)
    if kommun is None or service_type is None:
        raise HTTPException(status_code=404)

    indicators = ranked_indicators(session, service_type.id)
    form = PriorityForm.from_query(request.query_params, indicators)
    if not shows_accepting_new(service_type.id):
        form = replace(form, accepting_new=False)  # no true yes/no for schools (app.labels)
    path = link(f"/{kommun.slug}/{service_type.id}/prioritera")
    canonical = form.query()
    if request.url.query and parse_qsl(request.url.query, keep_blank_values=True) != canonical:
        target = path + (f"?{urlencode(canonical)}" if canonical else "")
        return RedirectResponse(target, status_code=303)

    place_input = read_place(session, kommun, form.postal_code, form.area)
    errors = [FieldError(place_input.error_field, place_input.error)] if place_input.error else []
    everyone = kommun_providers(session, kommun, service_type)
    ranking = None
    summaries = {}
    if form.chosen and not errors:
        offered = offered_providers(session, kommun, service_type, place_input.place)
        ranking = rank(session, offered, indicators, form)
        # Each provider's summary of the kommun's levels: the one its card shows elsewhere.
        summaries = level_summaries(
            session, [e.provider for e in (*ranking.ranked, *ranking.too_little)]
        )

    by_section = [
        (section_title(s), [i for i in indicators if i.section == s.value])
        for s in Section
        if any(i.section == s.value for i in indicators)
    ]
    languages = sorted({x for p in everyone for x in p.languages}, key=swedish_sort_key)
    profiles = sorted({x for p in everyone for x in p.profiles}, key=swedish_sort_key)
    share_url = public_url(request, path + (f"?{urlencode(canonical)}" if canonical else ""))
    response = templates.render(
        request,
        "priorities.html",
        kommun=kommun,
        service_type=service_type,
        show_accepting_new=shows_accepting_new(service_type.id),
        service_name=service_name(service_type),
        form=form,
        musts=must_texts(form),
        form_fields={"postnummer": form.postal_code, "omrade": form.area},
        place=place_input.place,
        errors=errors,
        error_for={e.field: e.message for e in errors},
        by_section=by_section,
        weights=WEIGHTS,
        weight_label=weight_label,
        languages=[(x, language_label(x)) for x in languages],
        profiles=[(x, profile_label(x)) for x in profiles],
        areas=kommun_areas(session, kommun),
        ranking=ranking,
        title_of=short_title,
        official_title_of=indicator_title,
        summaries=summaries,
        max_years_apart=MAX_YEARS_APART,
        direction_text=direction_text,
        problem_text=problem_text,
        number=number,
        distance=distance,
        action=path,
        share_url=share_url,
        search_url=link(f"/{kommun.slug}/{service_type.id}"),
        rechoose_url=link(f"/{kommun.slug}/{service_type.id}/omval"),
        guide_url=(
            link(f"/{kommun.slug}/{service_type.id}/sa-valjer-du")
            if find_guide(session, kommun, service_type)
            else None
        ),
    )
    # The compare buttons follow the basket cookie: going back must not show a stale page.
    response.headers["Cache-Control"] = "no-store"
    return response
