"""The kommun's choice guides in the back office (kommun administrators only):

- /admin/{kommun}/valguider: each service type with the date its guide was last updated
- /admin/{kommun}/valguider/{tjanst}: the guide's form (GET), saved by POST; a refused
  form comes back with each error beside its field (400), a saved one goes back to the list

Access: app.accounts.guards (anonymous: to the sign-in page; anyone else: 404).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.accounts.guards import CsrfDep, KommunAdminDep
from app.choice_guides import service
from app.choice_guides.service import GuideForm
from app.deps import SessionDep, TemplatesDep
from app.formatting import day
from app.i18n import current_lang, link
from app.models import ChoiceGuide, Kommun, ServiceType

router = APIRouter(default_response_class=HTMLResponse)


def _service_name(st: ServiceType) -> str:
    return st.name_en if current_lang.get() == "en" else st.name_sv


def _row(session: Session, kommun: Kommun, tjanst: str) -> service.GuideRow:
    """A service type the kommun has units of or a guide for; 404 otherwise."""
    for row in service.kommun_guides(session, kommun):
        if row.service_type.id == tjanst:
            return row
    raise HTTPException(404)


def _public_url(kommun: Kommun, st: ServiceType) -> str:
    return link(f"/{kommun.slug}/{st.id}/sa-valjer-du")


@router.get("/admin/{kommun_slug}/valguider", name="admin_choice_guides")
def guides_page(
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    sparad: str = "",
) -> Response:
    rows = service.kommun_guides(session, scope.kommun)
    saved = next((r for r in rows if r.service_type.id == sparad and r.guide), None)
    return templates.render(
        request,
        "admin/choice_guides.html",
        kommun=scope.kommun,
        rows=rows,
        saved=saved,
        service_name=_service_name,
        public_url=lambda st: _public_url(scope.kommun, st),
        day=day,
    )


def _form_page(
    request: Request,
    scope,
    session: Session,
    templates,
    st: ServiceType,
    guide: ChoiceGuide | None,
    form: GuideForm,
    *,
    status: int = 200,
) -> Response:
    return templates.render(
        request,
        "admin/choice_guide_form.html",
        status_code=status,
        kommun=scope.kommun,
        service_type=st,
        service_name=_service_name(st),
        guide=guide,
        updated=day(guide.updated) if guide else "",
        public_url=_public_url(scope.kommun, st) if guide else None,
        form=form,
        label=service.label,
        limits=service.MAX_LENGTH,
        max_steps=service.MAX_STEPS,
        providers=service.provider_choices(session, scope.kommun, st),
    )


@router.get("/admin/{kommun_slug}/valguider/{tjanst}", name="admin_choice_guide")
def guide_form(
    tjanst: str,
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    row = _row(session, scope.kommun, tjanst)
    form = GuideForm.of(row.guide)
    return _form_page(request, scope, session, templates, row.service_type, row.guide, form)


async def _submitted(request: Request) -> GuideForm:
    """The form's fields as typed (the CSRF check has read the body already)."""
    raw = await request.form()
    return GuideForm.from_mapping(
        {k: v[: service.FORM_MAX] for k, v in raw.items() if isinstance(v, str)}
    )


@router.post("/admin/{kommun_slug}/valguider/{tjanst}", dependencies=[CsrfDep])
def save_guide(
    tjanst: str,
    request: Request,
    scope: KommunAdminDep,
    session: SessionDep,
    templates: TemplatesDep,
    form: Annotated[GuideForm, Depends(_submitted)],
) -> Response:
    row = _row(session, scope.kommun, tjanst)
    guide = service.save_guide(session, scope.caller, scope.kommun, row.service_type, form)
    if guide is None:
        return _form_page(
            request, scope, session, templates, row.service_type, row.guide, form, status=400
        )
    target = link(f"/admin/{scope.kommun.slug}/valguider")
    return RedirectResponse(f"{target}?sparad={row.service_type.id}", status_code=303)
