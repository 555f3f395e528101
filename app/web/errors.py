"""Errors as pages: a person who mistypes an address gets a Swedish page, not JSON, and
a fault of ours is a short page saying what to do, never a traceback.

JSON paths (`/api/...`, `/healthz`) answer with problem details (app.api.problems).
"""

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import PlainTextResponse, Response

from app.api.problems import problem, validation_problem
from app.i18n import current_lang, split_lang
from app.i18n import gettext as _

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/healthz")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _wants_json(request):
        detail = exc.detail if isinstance(exc.detail, str) else None
        if detail == HTTPStatus(exc.status_code).phrase:
            detail = None  # Starlette's default detail only repeats the title
        return problem(exc.status_code, detail, headers=exc.headers)
    # Refused forms (a stale token; an upload too large to read) say why, on a page.
    if exc.status_code in (403, 411, 413):
        return request.app.state.templates.render(
            request,
            "not_found.html",
            status_code=exc.status_code,
            heading=_("Det gick inte att skicka formuläret"),
            message=exc.detail
            if isinstance(exc.detail, str)
            else _("Ladda om sidan och försök igen."),
        )
    if exc.status_code not in (400, 404, 405):
        return await http_exception_handler(request, exc)
    templates = request.app.state.templates
    if exc.status_code == 404:
        response = templates.render(request, "not_found.html", status_code=404)
    else:
        response = templates.render(
            request,
            "not_found.html",
            status_code=exc.status_code,
            heading=_("Adressen går inte att använda"),
            message=_("Adressen går inte att använda så här. Börja om från startsidan."),
        )
    # A 405's `Allow` (and any other header the exception carries) must reach the client.
    response.headers.update(exc.headers or {})
    return response


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    if _wants_json(request):
        return validation_problem(exc)
    return request.app.state.templates.render(
        request,
        "not_found.html",
        status_code=400,
        heading=_("Adressen går inte att använda"),
        message=_(
            "Adressen innehåller ett värde som inte går att använda. Börja om från startsidan."
        ),
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    """Anything unforeseen: logged with its traceback for us, a plain page for the person."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if _wants_json(request):
        return problem(500, "Something went wrong on our side. Try again in a while.")
    # This runs outside the language middleware (Starlette answers 500s outermost), so
    # the language comes from the path as the browser sent it.
    current_lang.set(split_lang(request.url.path)[0])
    try:
        return request.app.state.templates.render(
            request,
            "not_found.html",
            status_code=500,
            heading=_("Något gick fel hos oss"),
            message=_(
                "Felet är vårt, inte ditt. Försök igen om en stund; finns felet kvar, "
                "börja om från startsidan."
            ),
        )
    except Exception:  # the page itself failed: the plainest answer that still helps
        return PlainTextResponse("Något gick fel hos oss. Försök igen om en stund.", 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _server_error)
