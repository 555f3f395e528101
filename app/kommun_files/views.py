"""`/admin/{kommun_slug}/filer`: the kommun's administrators upload the kommun's own files
(providers, surveys, inspections, complaints), check one first ("Kontrollera filen": a dry
run showing what would change) or read it in ("Läs in"), and see the latest uploads.
The templates are served from data/templates/ at `/admin/{kommun_slug}/filer/mall/{kind}.csv`.

The request's size is checked before anything reads its body (the CSRF check reads the
form), so the route takes no Form or File parameters: FastAPI would read those first.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.datastructures import UploadFile

from app.accounts.guards import AdminScope, CsrfDep, KommunAdminDep
from app.clock import SWEDEN
from app.deps import SessionDep, SettingsDep, TemplatesDep
from app.i18n import gettext as _
from app.i18n import in_current_lang
from app.kommun_files.service import (
    FileTooLarge,
    display_name,
    load_upload,
    received_file,
    recent_uploads,
    template_path,
)
from ingest.errors import IngestFailed
from ingest.kommun_files import Kind
from ingest.limits import LIMITS, size
from ingest.lock import RunLocked

router = APIRouter(default_response_class=HTMLResponse)
PAGE = "/admin/{kommun_slug}/filer"
LOAD = "load"  # the "Läs in" button; anything else only checks


def request_size(request: Request) -> None:
    """Refuse a request larger than any allowed file makes before anything reads it."""
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        # Browsers always say how much they send; a body of unknown length is not read.
        raise HTTPException(411, _("Filen kom inte fram hel. Försök igen."))
    if int(length) > LIMITS.max_request_bytes:
        raise HTTPException(
            413,
            _("Filen är för stor: högst %(size)s går att läsa in. Dela upp den i flera filer.")
            % {"size": size(LIMITS.max_bytes)},
        )


@dataclass(frozen=True)
class UploadForm:
    kind: str
    action: str
    file: UploadFile | None


async def upload_form(request: Request) -> AsyncIterator[UploadForm]:
    # Already read (within the size checked above) by the CSRF check.
    form = await request.form()
    upload = form.get("file")
    kind, action = form.get("kind"), form.get("action")
    try:
        yield UploadForm(
            kind=kind if isinstance(kind, str) else "",
            action=action if isinstance(action, str) else "",
            file=upload if isinstance(upload, UploadFile) else None,
        )
    finally:
        await form.close()  # the parser's temporary copy of the file


UploadFormDep = Annotated[UploadForm, Depends(upload_form)]


def _page(
    request: Request,
    scope: AdminScope,
    session: SessionDep,
    templates: TemplatesDep,
    *,
    status: int = 200,
    **context: Any,
) -> Response:
    context.setdefault("kind", "")
    return templates.render(
        request,
        "admin/kommun_files.html",
        status_code=status,
        kommun=scope.kommun,
        kinds=list(Kind),
        uploads=recent_uploads(session, scope.kommun.code),
        max_size=size(LIMITS.max_bytes),
        local_time=_local_time,
        in_current_lang=in_current_lang,
        **context,
    )


def _local_time(at: datetime) -> str:
    """Stored in UTC (SQLite gives it back without its zone); shown as Sweden's clock."""
    return (
        (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")
    )


@router.get(PAGE, name="admin_kommun_files")
def files_page(
    request: Request, scope: KommunAdminDep, session: SessionDep, templates: TemplatesDep
) -> Response:
    return _page(request, scope, session, templates)


@router.get(PAGE + "/mall/{kind}.csv")
def template_file(kind: str, scope: KommunAdminDep) -> Response:
    try:
        chosen = Kind(kind)
    except ValueError:
        raise HTTPException(404) from None
    return FileResponse(
        template_path(chosen), media_type="text/csv; charset=utf-8", filename=f"{chosen.value}.csv"
    )


@router.post(PAGE, dependencies=[Depends(request_size), CsrfDep])
def upload(
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    settings: SettingsDep,
    form: UploadFormDep,
) -> Response:
    def page(status: int, **context: Any) -> Response:
        return _page(request, scope, session, templates, status=status, kind=form.kind, **context)

    form_errors: dict[str, str] = {}
    if form.kind not in {k.value for k in Kind}:
        form_errors["kind"] = _("Välj vilken sorts fil det är.")
    name = display_name(form.file.filename if form.file else None)
    if not name:
        form_errors["file"] = _("Välj filen du vill läsa in.")
    if form_errors or form.file is None:
        return page(400, form_errors=form_errors)
    dry_run = form.action != LOAD  # pressing Enter, or anything unknown, only checks
    try:
        with received_file(form.file.file, name) as path:
            result = load_upload(
                settings, scope.caller, scope.kommun, Kind(form.kind), path, dry_run=dry_run
            )
    except FileTooLarge as exc:
        return page(413, file_name=name, file_errors=exc.errors)
    except IngestFailed as exc:
        return page(400, file_name=name, file_errors=exc.errors)
    except RunLocked:
        return page(409, busy=True)
    return page(200, file_name=name, result=result)
