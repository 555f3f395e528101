"""Errors as pages: a person who mistypes an address gets a Swedish page, not JSON.

JSON paths (`/api/...`, `/healthz`) keep FastAPI's JSON errors.
"""

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.i18n import gettext as _

JSON_PREFIXES = ("/api/", "/healthz")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _wants_json(request) or exc.status_code not in (400, 404, 405):
        return await http_exception_handler(request, exc)
    templates = request.app.state.templates
    if exc.status_code == 404:
        return templates.render(request, "not_found.html", status_code=404)
    return templates.render(
        request,
        "not_found.html",
        status_code=exc.status_code,
        message=_("Adressen går inte att använda så här. Börja om från startsidan."),
    )


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    if _wants_json(request):
        return await request_validation_exception_handler(request, exc)
    return request.app.state.templates.render(
        request,
        "not_found.html",
        status_code=400,
        message=_(
            "Adressen innehåller ett värde som inte går att använda. Börja om från startsidan."
        ),
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
