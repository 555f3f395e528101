"""How choosing works in a kommun: its own words on who can choose, how to apply, what
happens if you don't choose and how to change, read for a page in the current language.

The texts are the kommun's. Where it has written no English version, the English page
shows the Swedish text and says so, and the text keeps lang="sv" (WCAG 3.1.2).
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from app.i18n import DEFAULT_LANG, current_lang
from app.models import ChoiceGuide, Kommun, Provider, ServiceType


@dataclass(frozen=True)
class Localised:
    """A text (or a list of steps) and the language it is written in."""

    value: str | list[str] | None
    lang: str

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class GuideView:
    kommun: Kommun
    service_type: ServiceType
    who_can_choose: Localised
    apply_steps: Localised
    apply_url: str | None
    contact_name: Localised
    contact_phone: str | None
    contact_email: str | None
    contact_hours: Localised
    if_no_choice: Localised
    default_provider: Provider | None
    change_steps: Localised
    change_takes: Localised
    updated: date

    @property
    def texts(self) -> list[Localised]:
        return [
            self.who_can_choose,
            self.apply_steps,
            self.contact_name,
            self.contact_hours,
            self.if_no_choice,
            self.change_steps,
            self.change_takes,
        ]


def find_guide(session: Session, kommun: Kommun, service_type: ServiceType) -> ChoiceGuide | None:
    return session.get(ChoiceGuide, (kommun.code, service_type.id))


def guide_view(
    session: Session, kommun: Kommun, service_type: ServiceType, guide: ChoiceGuide
) -> GuideView:
    lang = current_lang.get()

    def local(field: str) -> Localised:
        swedish = getattr(guide, field)
        if lang != DEFAULT_LANG:
            translated = getattr(guide, f"{field}_{lang}", None)
            if translated:
                return Localised(translated, lang)
        return Localised(swedish, DEFAULT_LANG)

    default = None
    if guide.default_provider_slug:
        # Only a unit of this kommun and service: a stale slug shows the text without a link.
        default = session.exec(
            select(Provider).where(
                Provider.slug == guide.default_provider_slug,
                Provider.kommun_code == kommun.code,
                Provider.service_type_id == service_type.id,
            )
        ).first()
    return GuideView(
        kommun=kommun,
        service_type=service_type,
        who_can_choose=local("who_can_choose"),
        apply_steps=local("apply_steps"),
        apply_url=guide.apply_url,
        contact_name=local("contact_name"),
        contact_phone=guide.contact_phone,
        contact_email=guide.contact_email,
        contact_hours=local("contact_hours"),
        if_no_choice=local("if_no_choice"),
        default_provider=default,
        change_steps=local("change_steps"),
        change_takes=local("change_takes"),
        updated=guide.updated,
    )
