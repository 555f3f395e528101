"""The kommun's follow-up pages in the back office (kommun administrators only):

- /admin/{kommun}/uppfoljning: where to start; one overview per service type
- /admin/{kommun}/uppfoljning/{tjanst}: every unit's levels per section, the poor tail filter,
  and the same rows as CSV (…/export.csv)
- /admin/{kommun}/nivaer: the levels with their history, and a form to add a new one
- /admin/{kommun}/fullstandighet: units lacking current figures, a presentation or contacts

Access: app.accounts.guards (anonymous: to the sign-in page; anyone else: 404).
"""

from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.guards import CsrfDep, KommunAdminDep
from app.deps import SessionDep, TemplatesDep
from app.followup.completeness import completeness
from app.followup.levels import LevelForm, add_level, first_period_text, kommun_levels
from app.followup.service import overview, overview_csv, service_types_of
from app.i18n import link
from app.models import Kommun, ServiceType

router = APIRouter(default_response_class=HTMLResponse)


def _service_type(session: Session, kommun: Kommun, tjanst: str) -> ServiceType:
    """A service type the kommun has units of; 404 otherwise."""
    for st in service_types_of(session, kommun):
        if st.id == tjanst:
            return st
    raise HTTPException(404)


@router.get("/admin/{kommun_slug}/uppfoljning", name="admin_followup")
def followup_start(
    request: Request, scope: KommunAdminDep, session: SessionDep, templates: TemplatesDep
) -> Response:
    return templates.render(
        request,
        "admin/followup_start.html",
        kommun=scope.kommun,
        service_types=service_types_of(session, scope.kommun),
    )


@router.get("/admin/{kommun_slug}/uppfoljning/{tjanst}", name="admin_followup_overview")
def followup_overview(
    tjanst: str,
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    under_godkant: str = "",
) -> Response:
    st = _service_type(session, scope.kommun, tjanst)
    view = overview(session, scope.kommun, st, poor_only=bool(under_godkant))
    base = f"/admin/{scope.kommun.slug}/uppfoljning/{st.id}"
    query = "?under_godkant=1" if view.poor_only else ""
    return templates.render(
        request,
        "admin/followup_overview.html",
        kommun=scope.kommun,
        view=view,
        base=base,
        csv_href=link(f"{base}/export.csv") + query,
    )


@router.get("/admin/{kommun_slug}/uppfoljning/{tjanst}/export.csv")
def followup_csv(
    tjanst: str, scope: KommunAdminDep, session: SessionDep, under_godkant: str = ""
) -> Response:
    st = _service_type(session, scope.kommun, tjanst)
    view = overview(session, scope.kommun, st, poor_only=bool(under_godkant))
    name = (
        f"uppfoljning-{scope.kommun.slug}-{st.id}{'-under-godkant' if view.poor_only else ''}.csv"
    )
    return Response(
        overview_csv(view),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


def _levels_page(
    request: Request,
    scope,
    session: Session,
    templates,
    form: LevelForm | None = None,
    *,
    saved: str = "",
    status: int = 200,
) -> Response:
    return templates.render(
        request,
        "admin/levels.html",
        status_code=status,
        kommun=scope.kommun,
        services=kommun_levels(session, scope.kommun),
        form=form or LevelForm(),
        saved=saved,
        first_period_text=first_period_text,
    )


@router.get("/admin/{kommun_slug}/nivaer", name="admin_levels")
def levels_page(
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    sparad: str = "",
    matt: str = "",
) -> Response:
    form = LevelForm(indicator_id=matt[:200])
    return _levels_page(request, scope, session, templates, form, saved=sparad[:200])


@router.post("/admin/{kommun_slug}/nivaer", dependencies=[CsrfDep])
def add_level_route(
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    indicator_id: str = Form("", max_length=200),
    good: str = Form("", max_length=40),
    approved: str = Form("", max_length=40),
    valid_from: str = Form("", max_length=10),
    decided_by: str = Form("", max_length=400),
    decided_on: str = Form("", max_length=20),
) -> Response:
    form = LevelForm(indicator_id, good, approved, valid_from, decided_by, decided_on)
    level = add_level(session, scope.caller, scope.kommun, form)
    if level is None:
        return _levels_page(request, scope, session, templates, form, status=400)
    target = link(f"/admin/{scope.kommun.slug}/nivaer")
    return RedirectResponse(
        f"{target}?sparad={quote(level.indicator_id)}#niva-{quote(level.indicator_id)}",
        status_code=303,
    )


@router.get("/admin/{kommun_slug}/fullstandighet", name="admin_completeness")
def completeness_page(
    request: Request, scope: KommunAdminDep, session: SessionDep, templates: TemplatesDep
) -> Response:
    return templates.render(
        request,
        "admin/followup_completeness.html",
        kommun=scope.kommun,
        services=completeness(session, scope.kommun),
    )
