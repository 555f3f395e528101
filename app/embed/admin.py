"""`/admin/{kommun_slug}/webbplatser`: the kommun's administrators register the websites
that may show its widgets (Content-Security-Policy frame-ancestors on its embed pages)."""

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import audit
from app.accounts.guards import CsrfDep, KommunAdminDep
from app.deps import SessionDep, TemplatesDep
from app.embed.origins import OriginError, add_origin, origins_for, remove_origin
from app.i18n import link

router = APIRouter(default_response_class=HTMLResponse)


def _page(request, scope, session, templates, *, error=None, value="", status=200) -> Response:
    return templates.render(
        request,
        "admin/embed_origins.html",
        status_code=status,
        kommun=scope.kommun,
        origins=origins_for(session, scope.kommun.code),
        error=error,
        value=value,
    )


@router.get("/admin/{kommun_slug}/webbplatser", name="admin_embed_origins")
def embed_origins(
    request: Request, scope: KommunAdminDep, session: SessionDep, templates: TemplatesDep
) -> Response:
    return _page(request, scope, session, templates)


@router.post("/admin/{kommun_slug}/webbplatser", dependencies=[CsrfDep])
def add(
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    origin: str = Form("", max_length=300),
) -> Response:
    try:
        added, new = add_origin(session, scope.kommun.code, origin)
    except OriginError as exc:
        return _page(request, scope, session, templates, error=str(exc), value=origin, status=400)
    if new:
        audit.record(
            session,
            scope.caller,
            "embed_origin.add",
            "embed_origin",
            added,
            scope.kommun.code,
            after={"origin": added},
        )
        session.commit()
    return RedirectResponse(link(f"/admin/{scope.kommun.slug}/webbplatser"), status_code=303)


@router.post("/admin/{kommun_slug}/webbplatser/ta-bort", dependencies=[CsrfDep])
def remove(
    scope: KommunAdminDep,
    session: SessionDep,
    origin: str = Form("", max_length=300),
) -> Response:
    if remove_origin(session, scope.kommun.code, origin):
        audit.record(
            session,
            scope.caller,
            "embed_origin.remove",
            "embed_origin",
            origin,
            scope.kommun.code,
            before={"origin": origin},
        )
        session.commit()
    return RedirectResponse(link(f"/admin/{scope.kommun.slug}/webbplatser"), status_code=303)
