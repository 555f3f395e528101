"""The home page, `/`, and its postcode question, `/hitta`.

The home page leads with the two questions residents come with: "Vem kan jag välja där
jag bor?" (a postcode, which decides the kommun) and "Hur går valet till?" (the kommuns'
own choice guides). Both are plain GET forms and links: no JavaScript needed.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from app.coverage import normalise_postal_code
from app.deps import SessionDep, TemplatesDep
from app.formatting import postal_code as format_postal_code
from app.i18n import current_lang, link
from app.i18n import gettext as _
from app.models import ChoiceGuide, Kommun, PostalCode, ServiceType

router = APIRouter(default_response_class=HTMLResponse)

MAX_POSTAL_CODE = 10  # '183 65' with room for stray spaces; anything longer is not one


@dataclass(frozen=True)
class GuideLink:
    kommun: Kommun
    service_type: ServiceType
    url: str


@dataclass(frozen=True)
class FieldError:
    field: str  # the id of the input
    message: str


def choice_guides(
    session: Session, kommuner: list[Kommun], service_types: list[ServiceType]
) -> dict[str, list[GuideLink]]:
    """The guides the kommuner have written, per kommun code, in service order. Only
    written guides are linked: a dead link helps no one."""
    written = {
        (g.kommun_code, g.service_type_id)
        for g in session.exec(select(ChoiceGuide)).all()  # one row per kommun and service
    }
    return {
        k.code: [
            GuideLink(k, st, link(f"/{k.slug}/{st.id}/sa-valjer-du"))
            for st in service_types
            if (k.code, st.id) in written
        ]
        for k in kommuner
    }


def _render(
    request: Request,
    session: Session,
    templates: TemplatesDep,
    *,
    postnummer: str = "",
    tjanst: str = "",
    errors: list[FieldError] | None = None,
) -> HTMLResponse:
    kommuner = list(session.exec(select(Kommun).order_by(Kommun.name)).all())
    service_types = list(session.exec(select(ServiceType).order_by(ServiceType.sort_order)).all())
    english = current_lang.get() == "en"
    errors = errors or []
    return templates.render(
        request,
        "home.html",
        kommuner=kommuner,
        service_types=service_types,
        service_name=lambda st: st.name_en if english else st.name_sv,
        guides=choice_guides(session, kommuner, service_types),
        form={"postnummer": postnummer, "tjanst": tjanst},
        errors=errors,
        error_for={e.field: e.message for e in errors},
    )


@router.get("/", name="home")
def home(request: Request, session: SessionDep, templates: TemplatesDep) -> HTMLResponse:
    return _render(request, session, templates)


@router.get("/hitta", name="find_by_postal_code")
def find_by_postal_code(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    postnummer: str = "",
    tjanst: str = "",
) -> Response:
    """A postcode and a service: on to that kommun's list, from that postcode.

    The postcode decides the kommun, so a resident never has to know which kommun their
    address belongs to. A postcode we do not know comes back to the form with a message.
    """
    typed = postnummer.strip()[:MAX_POSTAL_CODE]
    service_type = session.get(ServiceType, tjanst.strip()) if tjanst.strip() else None
    errors: list[FieldError] = []
    code = normalise_postal_code(typed)
    row = session.get(PostalCode, code) if code.isdigit() and len(code) == 5 else None
    if not typed:
        errors.append(FieldError("postnummer", _("Skriv ditt postnummer, till exempel 183 30.")))
    elif row is None:
        names = [k.name for k in session.exec(select(Kommun).order_by(Kommun.name)).all()]
        errors.append(
            FieldError(
                "postnummer",
                _(
                    "Vi hittar inte postnumret {code}. Kontrollera siffrorna. Tjänsten finns "
                    "än så länge för {kommuner}: du kan också välja kommun i listan längre ner."
                ).format(
                    code=format_postal_code(code) if code.isdigit() and len(code) == 5 else typed,
                    kommuner=", ".join(names),
                ),
            )
        )
    if service_type is None:
        errors.append(FieldError("tjanst", _("Välj vad du vill jämföra.")))
    if errors or row is None or service_type is None:
        return _render(
            request, session, templates, postnummer=typed, tjanst=tjanst.strip(), errors=errors
        )
    kommun = session.get(Kommun, row.kommun_code)
    assert kommun is not None  # postal_code.kommun_code is a foreign key
    target = link(f"/{kommun.slug}/{service_type.id}") + "?" + urlencode({"postnummer": code})
    return RedirectResponse(target + "#var-bor-du", status_code=303)
