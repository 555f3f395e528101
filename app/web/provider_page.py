"""The provider page, `/utforare/{slug}`: one page per provider, the same five sections
in the same order for every provider, whoever runs it."""

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.choice import find_guide
from app.deps import CacheDep, SessionDep, TemplatesDep
from app.formatting import day, number, postal_code, tel_href
from app.i18n import current_lang, link
from app.i18n import gettext as _
from app.labels import driftsform_label
from app.level_summary import change_label
from app.presentation import own_words, presentation_age
from app.providers import ProviderPage, provider_page

router = APIRouter(default_response_class=HTMLResponse)


def _view(page: ProviderPage) -> dict:
    """The display strings a template cannot pick or format itself."""
    p, st = page.provider, page.service_type
    english = current_lang.get() == "en"
    postcode = postal_code(p.postal_code) if p.postal_code else None
    address = ", ".join(
        part for part in (p.street, " ".join(x for x in (postcode, p.city) if x)) if part
    )
    return {
        "page": page,
        "provider": p,
        "service_type_name": st.name_en if english else st.name_sv,
        "capacity_label": st.capacity_label_en if english else st.capacity_label_sv,
        "capacity": number(p.capacity) if p.capacity is not None else None,
        "driftsform": driftsform_label(page.organisation.driftsform),
        "address": address,
        "presentation": [t.strip() for t in (p.presentation or "").split("\n\n") if t.strip()],
        "presentation_date": day(p.presentation_updated),
        # "Uppdaterad 6 mars 2025 – mer än ett år sedan": the age is judged here, not in HTML.
        "presentation_age": presentation_age(p.presentation_updated),
        "change_label": change_label,
        "school_years": school_years_text(p.school_years),
        "phone_href": tel_href(p.phone) if p.phone else None,
        "website_text": re.sub(r"^https?://(www\.)?|/$", "", p.website) if p.website else None,
        "service_list_path": f"/{page.kommun.slug}/{st.id}",
    }


def school_years_text(years: list[int]) -> str:
    """'F–9', '7–9', 'F–3, 5' (F is förskoleklass, year 0); '' when not known."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    name = lambda y: "F" if y == 0 else str(y)  # noqa: E731
    return ", ".join(name(r[0]) if len(r) == 1 else f"{name(r[0])}–{name(r[-1])}" for r in runs)


@router.get("/utforare/{slug}", name="provider")
def provider(
    slug: str, request: Request, session: SessionDep, templates: TemplatesDep, cache: CacheDep
) -> HTMLResponse:
    # The page cache keeps a page per language and comparison basket; what they share is
    # read once per data version.
    page = cache.get(("provider page", slug), lambda: provider_page(session, slug))
    if page is None:
        return templates.render(
            request,
            "not_found.html",
            status_code=404,
            message=_(
                "Vi hittar ingen utförare med den adressen. Utföraren kan ha bytt namn "
                "eller slutat, eller så är adressen felstavad."
            ),
        )
    # Only link the guide the kommun has written: a dead link helps no one.
    guide_url = None
    has_guide = cache.get(
        ("has guide", page.kommun.code, page.service_type.id),
        lambda: find_guide(session, page.kommun, page.service_type) is not None,
    )
    if has_guide:
        kommun_slug, tjanst = page.kommun.slug, page.service_type.id
        path = request.app.url_path_for("choice_guide", kommun_slug=kommun_slug, tjanst=tjanst)
        guide_url = link(str(path))
    return templates.render(
        request,
        "provider.html",
        choice_guide_url=guide_url,
        own_words=cache.get(("own words", slug), lambda: own_words(session, page.provider)),
        **_view(page),
    )
