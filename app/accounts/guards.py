"""From a request to a Caller, and the access decisions every back-office route uses.

- Not signed in: 303 to the sign-in page (which brings the person back afterwards).
- Signed in but outside your scope (another kommun, another unit): 404, as if the object
  did not exist, so nothing leaks about what others have (Polar's rule).
- Every POST carries the form's CSRF token: the session's own when signed in, otherwise a
  double-submit cookie (the sign-in and invitation forms). A request another site sends
  (Sec-Fetch-Site: cross-site, or a foreign Origin) is refused as well.
"""

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, HTTPException, Request, Response
from sqlmodel import select

from app.accounts.service import Caller, Limits, caller_for, session_for_token
from app.accounts.tokens import new_token, same
from app.deps import SessionDep
from app.i18n import gettext as _
from app.i18n import link
from app.models import Kommun, Provider

SESSION_COOKIE = "vj_session"
CSRF_COOKIE = "vj_csrf"


def limits(request: Request) -> Limits:
    from datetime import timedelta

    s = request.app.state.settings
    return Limits(
        max_failures=s.login_max_failures,
        lockout=timedelta(minutes=s.login_lockout_minutes),
        idle=timedelta(minutes=s.session_idle_minutes),
    )


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def current_caller(request: Request, session: SessionDep) -> Caller | None:
    """The signed-in caller, or None; also puts the form token where templates find it."""
    if hasattr(request.state, "caller"):
        return request.state.caller
    caller = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        key = request.app.state.settings.signing_key
        found = session_for_token(session, key, token, limits(request))
        if found:
            login_session, user = found
            caller = caller_for(session, user)
            request.state.csrf_token = login_session.csrf_token
    request.state.caller = caller
    return caller


MaybeCallerDep = Annotated[Caller | None, Depends(current_caller)]


def signed_in(request: Request, caller: MaybeCallerDep) -> Caller:
    if caller is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(
            303, headers={"Location": link("/konto/logga-in") + "?nasta=" + quote(target)}
        )
    return caller


CallerDep = Annotated[Caller, Depends(signed_in)]


@dataclass(frozen=True)
class AdminScope:
    caller: Caller
    kommun: Kommun


@dataclass(frozen=True)
class EditorScope:
    caller: Caller
    provider: Provider


def kommun_admin(kommun_slug: str, caller: CallerDep, session: SessionDep) -> AdminScope:
    kommun = session.exec(select(Kommun).where(Kommun.slug == kommun_slug)).first()
    if kommun is None or not caller.is_admin_of(kommun.code):
        raise HTTPException(404)
    return AdminScope(caller, kommun)


def provider_editor(slug: str, caller: CallerDep, session: SessionDep) -> EditorScope:
    provider = session.exec(select(Provider).where(Provider.slug == slug)).first()
    if provider is None or not caller.is_editor_of(provider.id):
        raise HTTPException(404)
    return EditorScope(caller, provider)


KommunAdminDep = Annotated[AdminScope, Depends(kommun_admin)]
ProviderEditorDep = Annotated[EditorScope, Depends(provider_editor)]


# --- CSRF --------------------------------------------------------------------------------


def anonymous_csrf(request: Request) -> str:
    """The double-submit token for a form shown before signing in; the page that shows the
    form sets it as a cookie too (`with_csrf_cookie`)."""
    token = request.cookies.get(CSRF_COOKIE) or new_token()
    request.state.csrf_token = token
    return token


def with_csrf_cookie(request: Request, response: Response) -> Response:
    response.set_cookie(
        CSRF_COOKIE,
        request.state.csrf_token,
        httponly=True,
        samesite="lax",
        secure=secure(request),
        path="/",
    )
    return response


def _same_site(request: Request) -> bool:
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc == request.headers.get("host", "")
    return True


async def csrf_protect(request: Request, session: SessionDep) -> None:
    """Refuse a POST whose form token does not match (403)."""
    if not _same_site(request):
        raise HTTPException(403, _("Formuläret kom från en annan webbplats."))
    form = await request.form()
    sent = form.get("csrf")
    caller = current_caller(request, session)
    expected = getattr(request.state, "csrf_token", None) if caller else None
    if expected is None:
        expected = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not same(sent, expected):
        raise HTTPException(403, _("Formuläret har gått ut. Ladda om sidan och försök igen."))


CsrfDep = Depends(csrf_protect)
