"""Pages for signing in and out, invitations, your account, a kommun's users and its log."""

from dataclasses import dataclass

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from sqlmodel import col, select

from app.accounts import service
from app.accounts.guards import (
    SESSION_COOKIE,
    CallerDep,
    CsrfDep,
    KommunAdminDep,
    MaybeCallerDep,
    anonymous_csrf,
    limits,
    secure,
    with_csrf_cookie,
)
from app.deps import SessionDep, TemplatesDep
from app.i18n import current_lang, link
from app.i18n import gettext as _
from app.models import AuditEntry, Kommun, Provider, Role, ServiceType, User
from app.web.redirects import safe_next

router = APIRouter(default_response_class=HTMLResponse)

LOG_PAGE = 100


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _signed_in_response(request: Request, target: str, token: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure(request), path="/"
    )
    return response


@router.get("/konto/logga-in", name="login")
def login_page(
    request: Request, templates: TemplatesDep, caller: MaybeCallerDep, nasta: str = ""
) -> Response:
    if caller is not None:
        return RedirectResponse((safe_next(nasta) or link("/konto")), status_code=303)
    anonymous_csrf(request)
    page = templates.render(request, "accounts/login.html", nasta=nasta, error=None, email="")
    return with_csrf_cookie(request, page)


@router.post("/konto/logga-in", dependencies=[CsrfDep])
def login(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    email: str = Form("", max_length=254),
    password: str = Form("", max_length=200),
    nasta: str = Form("", max_length=500),
) -> Response:
    try:
        user = service.authenticate(session, email, password, _client(request), limits(request))
    except service.AccountError as exc:
        anonymous_csrf(request)
        return templates.render(
            request,
            "accounts/login.html",
            status_code=400,
            nasta=nasta,
            error=exc.message,
            email=email,
        )
    token, _row = service.start_session(session, request.app.state.settings.signing_key, user)
    return _signed_in_response(request, (safe_next(nasta) or link("/konto")), token)


@router.post("/konto/logga-ut", dependencies=[CsrfDep])
def logout(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_session(session, request.app.state.settings.signing_key, token)
    response = RedirectResponse(link("/konto/logga-in"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/konto/logga-ut-overallt", dependencies=[CsrfDep])
def logout_everywhere(caller: CallerDep, session: SessionDep) -> Response:
    user = session.merge(caller.user)
    service.end_all_sessions(session, user)
    response = RedirectResponse(link("/konto/logga-in"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@dataclass(frozen=True)
class Link:
    href: str
    label: str


# Back-office pages by route path, shown on "Ditt konto" when the app has them.
# Labels are functions so they are translated when shown (and found by pybabel).
ADMIN_PAGES = [
    ("/admin/{kommun_slug}/granskning", lambda: _("Granska ändringar")),
    ("/admin/{kommun_slug}/nivaer", lambda: _("Nivåer")),
    ("/admin/{kommun_slug}/fullstandighet", lambda: _("Fullständighet")),
    ("/admin/{kommun_slug}/webbplatser", lambda: _("Webbplatser för widgetar")),
    ("/admin/{kommun_slug}/valguider", lambda: _("Valguider")),
]
FOLLOW_UP = "/admin/{kommun_slug}/uppfoljning/{tjanst}"
EDITOR_PAGES = [("/utforare/{slug}/redigera", lambda: _("Redigera presentationen"))]


def _route_paths(request: Request) -> set[str]:
    # Included routers are nested in app.routes (FastAPI >= 0.16x): walk them all.
    return {r.path or "" for r in iter_route_contexts(request.app.routes)}


@router.get("/konto", name="account")
def account(
    request: Request, caller: CallerDep, session: SessionDep, templates: TemplatesDep
) -> Response:
    paths = _route_paths(request)
    service_types = session.exec(select(ServiceType).order_by(col(ServiceType.sort_order))).all()

    def admin_links(k: Kommun) -> list[Link]:
        out = [
            Link(link(p.format(kommun_slug=k.slug)), label())
            for p, label in ADMIN_PAGES
            if p in paths
        ]
        if FOLLOW_UP in paths:
            out += [
                Link(
                    link(FOLLOW_UP.format(kommun_slug=k.slug, tjanst=st.id)),
                    _("Uppföljning: {service}").format(
                        service=st.name_en if current_lang.get() == "en" else st.name_sv
                    ),
                )
                for st in service_types
            ]
        return out

    def editor_links(p: Provider) -> list[Link]:
        return [
            Link(link(t.format(slug=p.slug)), label()) for t, label in EDITOR_PAGES if t in paths
        ]

    kommuner = session.exec(
        select(Kommun)
        .where(col(Kommun.code).in_(list(caller.admin_kommuner)))
        .order_by(col(Kommun.name))
    ).all()
    providers = session.exec(
        select(Provider)
        .where(col(Provider.id).in_(list(caller.editor_providers)))
        .order_by(col(Provider.name))
    ).all()
    return templates.render(
        request,
        "accounts/account.html",
        kommuner=kommuner,
        providers=providers,
        admin_links=admin_links,
        editor_links=editor_links,
    )


@router.get("/konto/inbjudan/{token}", name="invitation")
def invitation_page(
    request: Request, token: str, session: SessionDep, templates: TemplatesDep
) -> Response:
    row = service.open_invitation(session, request.app.state.settings.signing_key, token)
    if row is None:
        raise HTTPException(404)
    anonymous_csrf(request)
    exists = session.exec(select(User).where(User.email == row.email)).first()
    page = templates.render(
        request,
        "accounts/invitation.html",
        invitation=row,
        exists=exists is not None,
        error=None,
        field=None,
        form_name="",
    )
    return with_csrf_cookie(request, page)


@router.post("/konto/inbjudan/{token}", dependencies=[CsrfDep])
def accept_invitation(
    request: Request,
    token: str,
    session: SessionDep,
    templates: TemplatesDep,
    name: str = Form("", max_length=200),
    password: str = Form("", max_length=200),
) -> Response:
    key = request.app.state.settings.signing_key
    try:
        user = service.accept_invitation(session, key, token, name, password)
    except service.AccountError as exc:
        row = service.open_invitation(session, key, token)
        if row is None:
            raise HTTPException(404) from None
        anonymous_csrf(request)
        exists = session.exec(select(User).where(User.email == row.email)).first()
        return templates.render(
            request,
            "accounts/invitation.html",
            status_code=400,
            invitation=row,
            exists=exists is not None,
            error=exc.message,
            field=exc.field,
            form_name=name,
        )
    new_token, _row = service.start_session(session, key, user)
    return _signed_in_response(request, link("/konto"), new_token)


# --- a kommun's users and log (kommun administrators) -------------------------------


def _users_page(
    request: Request, scope, session, templates, *, error=None, link_shown=None, status=200
) -> Response:
    providers = session.exec(
        select(Provider).where(Provider.kommun_code == scope.kommun.code).order_by(Provider.name)
    ).all()
    return templates.render(
        request,
        "admin/users.html",
        status_code=status,
        kommun=scope.kommun,
        users=service.users_of(session, scope.kommun.code),
        providers=providers,
        error=error,
        invitation_link=link_shown,
        roles=Role,
    )


@router.get("/admin/{kommun_slug}/anvandare", name="admin_users")
def users(
    request: Request, scope: KommunAdminDep, session: SessionDep, templates: TemplatesDep
) -> Response:
    return _users_page(request, scope, session, templates)


@router.post("/admin/{kommun_slug}/anvandare/bjud-in", dependencies=[CsrfDep])
def invite(
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    email: str = Form("", max_length=254),
    role: str = Form("", max_length=40),
    provider: str = Form("", max_length=200),
) -> Response:
    unit = (
        session.exec(select(Provider).where(Provider.slug == provider)).first()
        if provider
        else None
    )
    base = request.app.state.settings.public_base_url or str(request.base_url).rstrip("/")
    try:
        shown, _row = service.invite(
            session,
            request.app.state.settings.signing_key,
            scope.caller,
            scope.kommun,
            email,
            role,
            unit,
            base,
        )
    except service.AccountError as exc:
        return _users_page(request, scope, session, templates, error=exc.message, status=400)
    return _users_page(request, scope, session, templates, link_shown=shown)


@router.post("/admin/{kommun_slug}/anvandare/{user_id}/ta-bort", dependencies=[CsrfDep])
def remove_user(
    request: Request,
    user_id: int,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    try:
        service.remove_from_kommun(session, scope.caller, scope.kommun.code, user_id)
    except service.AccountError as exc:
        return _users_page(request, scope, session, templates, error=exc.message, status=400)
    return RedirectResponse(link(f"/admin/{scope.kommun.slug}/anvandare"), status_code=303)


@router.get("/admin/{kommun_slug}/logg", name="admin_log")
def audit_log(
    request: Request, scope: KommunAdminDep, session: SessionDep, templates: TemplatesDep
) -> Response:
    entries = session.exec(
        select(AuditEntry)
        .where(AuditEntry.kommun_code == scope.kommun.code)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(LOG_PAGE)
    ).all()
    return templates.render(request, "admin/log.html", kommun=scope.kommun, entries=entries)
