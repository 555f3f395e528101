"""Så väljer du: `/{kommun}/{tjanst}/sa-valjer-du`, the kommun's own words on who can
choose, how to apply, what happens if you don't choose and how to change provider."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.routing import NoMatchFound

from app.choice import find_guide, guide_view
from app.deps import SessionDep, TemplatesDep
from app.formatting import day, tel_href
from app.i18n import DEFAULT_LANG, current_lang, link
from app.i18n import gettext as _
from app.models import ServiceType
from app.search_service import find_kommun

router = APIRouter(default_response_class=HTMLResponse)


@router.get("/{kommun_slug}/{tjanst}/sa-valjer-du", name="choice_guide")
def choice_guide(
    request: Request,
    kommun_slug: str,
    tjanst: str,
    session: SessionDep,
    templates: TemplatesDep,
) -> HTMLResponse:
    kommun = find_kommun(session, kommun_slug)
    service_type = session.get(ServiceType, tjanst)
    if kommun is None or service_type is None:
        return templates.render(request, "not_found.html", status_code=404)
    guide = find_guide(session, kommun, service_type)
    english = current_lang.get() == "en"
    name = service_type.name_en if english else service_type.name_sv
    if guide is None:
        return templates.render(
            request,
            "not_found.html",
            status_code=404,
            message=_(
                "{kommun} har inte lagt in hur du väljer {service} här ännu. "
                "Kontakta kommunen för att få veta hur du väljer."
            ).format(kommun=kommun.name, service=name.lower()),
        )
    view = guide_view(session, kommun, service_type, guide)
    swedish_only = [t for t in view.texts if t and t.lang != current_lang.get()]
    return templates.render(
        request,
        "choice_guide.html",
        guide=view,
        kommun=kommun,
        service_type=service_type,
        service_name=name,
        search_url=link(f"/{kommun.slug}/{service_type.id}"),
        rechoose_url=_rechoose_url(request, kommun.slug, service_type.id),
        change_heading=change_heading(service_type),
        updated=day(view.updated),
        phone_href=tel_href(view.contact_phone) if view.contact_phone else None,
        # The note says whether all of it, or only some, is in Swedish.
        swedish_note=(
            ""
            if current_lang.get() == DEFAULT_LANG or not swedish_only
            else "all"
            if len(swedish_only) == len([t for t in view.texts if t])
            else "some"
        ),
    )


def change_heading(service_type: ServiceType) -> str:
    """Plain words for omval: you change a school, not a provider."""
    return {
        "sarskilt-boende": _("Byta boende"),
        "forskola": _("Byta förskola"),
        "grundskola": _("Byta skola"),
    }.get(service_type.id, _("Byta utförare (omval)"))


def _rechoose_url(request: Request, kommun_slug: str, tjanst: str) -> str | None:
    """'Jämför med din nuvarande utförare', once that page exists: no dead links."""
    try:
        path = request.app.url_path_for("rechoose", kommun_slug=kommun_slug, tjanst=tjanst)
    except NoMatchFound:
        return None
    return link(str(path))
