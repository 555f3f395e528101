"""Jämför med min nuvarande: `/{kommun}/{tjanst}/omval`, a GET form (who do you have today,
where do you live) and, once both are known, every alternative serving that address against
the current provider (app.rechoose). `?nuvarande=<slug>` prefills the form, so a provider
page can link here. The result ends with how to change: the kommun's own steps, contact and
e-service from its choice guide (app.choice), or whom to ask when it has none, and links to
the comparison of the providers shown and to /prioritera. Never a dead end."""

from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from app.choice import find_guide, guide_view
from app.deps import SessionDep, TemplatesDep
from app.formatting import distance, tel_href
from app.i18n import current_lang, link
from app.i18n import gettext as _
from app.labels import shows_accepting_new
from app.models import ServiceType
from app.providers import kommun_providers
from app.rechoose import build_rechoice
from app.search_service import find_kommun, kommun_areas
from app.web.choice_page import change_heading
from app.web.compare_page import compare_url
from app.web.place_input import read_place

router = APIRouter(default_response_class=HTMLResponse)


@dataclass(frozen=True)
class FieldError:
    field: str  # the id of the input it belongs to
    message: str


def service_name(service_type: ServiceType) -> str:
    return service_type.name_en if current_lang.get() == "en" else service_type.name_sv


@router.get("/{kommun_slug}/{tjanst}/omval", name="rechoose")
def rechoose(
    request: Request,
    kommun_slug: str,
    tjanst: str,
    session: SessionDep,
    templates: TemplatesDep,
    nuvarande: str = "",
    postnummer: str = "",
    omrade: str = "",
    visa: str = "",
) -> HTMLResponse:
    kommun = find_kommun(session, kommun_slug)
    service_type = session.get(ServiceType, tjanst)
    if kommun is None or service_type is None:
        raise HTTPException(status_code=404)

    providers = kommun_providers(session, kommun, service_type)
    current = next((p for p in providers if p.slug == nuvarande.strip()), None)
    place_input = read_place(session, kommun, postnummer, omrade)
    submitted = visa == "ja"

    errors: list[FieldError] = []
    if nuvarande.strip() and current is None:
        errors.append(FieldError("nuvarande", _("Välj din nuvarande utförare i listan.")))
    elif submitted and current is None:
        errors.append(FieldError("nuvarande", _("Välj vem du har i dag.")))
    if place_input.error:
        errors.append(FieldError(place_input.error_field, place_input.error))
    elif submitted and not place_input.given:
        errors.append(FieldError("postnummer", _("Skriv ditt postnummer eller välj kommundel.")))

    rechoice = (
        build_rechoice(session, kommun, service_type, current, place_input.place)
        if current is not None and place_input.place is not None and not errors
        else None
    )
    base = f"/{kommun.slug}/{service_type.id}"
    found = find_guide(session, kommun, service_type)
    guide = guide_view(session, kommun, service_type, found) if found else None
    response = templates.render(
        request,
        "rechoose.html",
        kommun=kommun,
        service_type=service_type,
        show_accepting_new=shows_accepting_new(service_type.id),
        service_name=service_name(service_type),
        providers=providers,
        areas=kommun_areas(session, kommun),
        current=current,
        form={
            "nuvarande": nuvarande.strip(),
            "postnummer": place_input.postal_code,
            "omrade": place_input.area_slug,
        },
        errors=errors,
        error_for={e.field: e.message for e in errors},
        rechoice=rechoice,
        # After "Jämför" the browser lands on the results, not on the form again.
        action=link(f"{base}/omval") + "#resultat",
        search_url=link(base),
        priorities_url=link(f"{base}/prioritera"),
        guide=guide,
        guide_url=link(f"{base}/sa-valjer-du"),
        phone_href=tel_href(guide.contact_phone) if guide and guide.contact_phone else None,
        change_heading=change_heading(service_type),
        compare_url=compare_url(rechoice.compare_slugs) if rechoice else None,
        distance=distance,
    )
    # The compare buttons follow the basket cookie: going back must not show a stale page.
    response.headers["Cache-Control"] = "no-store"
    return response
