"""Writing a kommun's choice guide for one service: the form as typed, its rules, and saving.

The texts are plain text. The public page (app/templates/choice_guide.html) escapes them;
nothing is read as HTML or Markdown. Lists of steps are typed one step per line. Contact
details follow the rules of the kommun's files (ingest.fields), so a guide written here
looks like one loaded from data/sample/choice_guides.csv.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session, col, select

from app.accounts.audit import Actor, record
from app.clock import today_in_sweden
from app.form_text import one_line as form_one_line
from app.form_text import plain_text
from app.i18n import gettext as _
from app.models import ChoiceGuide, Kommun, Provider, ServiceType
from ingest.fields import Email, Phone, Url

# Every limit in one place: characters per field (per step for the lists of steps); an
# English field has its Swedish field's limit.
MAX_LENGTH: dict[str, int] = {
    "who_can_choose": 2000,
    "apply_steps": 500,
    "apply_url": 500,
    "contact_name": 200,
    "contact_phone": 40,
    "contact_email": 254,
    "contact_hours": 300,
    "if_no_choice": 2000,
    "change_steps": 500,
    "change_takes": 1000,
}
MAX_STEPS = 15  # steps in one list
FORM_MAX = 20_000  # what is read of a form field at all (more is cut off by the views)

STEPS = ("apply_steps", "change_steps")
# Texts of a paragraph or more keep their line breaks; the rest are one line.
MULTILINE = ("who_can_choose", "if_no_choice", "change_takes")
REQUIRED = (
    "who_can_choose",
    "apply_steps",
    "contact_name",
    "if_no_choice",
    "change_steps",
    "change_takes",
)
OPTIONAL = ("apply_url", "contact_phone", "contact_email", "contact_hours", "default_provider_slug")

_PHONE: TypeAdapter[str] = TypeAdapter(Phone)
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
_URL: TypeAdapter[str] = TypeAdapter(Url)
# Control characters never belong in a text (PostgreSQL refuses NUL outright); tab is a space.
# '1. ', '2) ': the page numbers the steps itself.
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+")


def _name(name: str) -> str:
    """The field's plain name, as errors quote it."""
    if name.endswith("_en"):
        return _("{label} på engelska").format(label=_name(name[:-3]))
    return {
        "who_can_choose": _("Vem kan välja"),
        "apply_steps": _("Så ansöker du, steg för steg"),
        "apply_url": _("Adress till kommunens e-tjänst"),
        "contact_name": _("Vem man kan kontakta"),
        "contact_phone": _("Telefon"),
        "contact_email": _("E-post"),
        "contact_hours": _("När man kan ringa"),
        "if_no_choice": _("Om man inte väljer (ickevalsalternativ)"),
        "default_provider_slug": _("Enhet man får om man inte väljer"),
        "change_steps": _("Så byter man, steg för steg"),
        "change_takes": _("Hur lång tid ett byte tar"),
    }[name]


def label(name: str) -> str:
    """The field's label on the form: optional fields (every English one) say so."""
    if name.endswith("_en"):
        return _("{label}, på engelska (valfritt)").format(label=_name(name[:-3]))
    if name in OPTIONAL:
        return _("{label} (valfritt)").format(label=_name(name))
    return _name(name)


def _missing(name: str) -> str:
    return {
        "who_can_choose": _("Skriv vem som kan välja."),
        "apply_steps": _("Skriv minst ett steg för hur man ansöker."),
        "contact_name": _("Skriv vem man kan kontakta, till exempel Kundvalskontoret."),
        "if_no_choice": _("Skriv vad som händer om man inte väljer."),
        "change_steps": _("Skriv minst ett steg för hur man byter."),
        "change_takes": _("Skriv hur lång tid ett byte tar."),
    }[name]


@dataclass
class GuideForm:
    """What an administrator typed, kept as text so a refused form is shown back as typed.
    Lists of steps are one step per line."""

    who_can_choose: str = ""
    who_can_choose_en: str = ""
    apply_steps: str = ""
    apply_steps_en: str = ""
    apply_url: str = ""
    contact_name: str = ""
    contact_name_en: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_hours: str = ""
    contact_hours_en: str = ""
    if_no_choice: str = ""
    if_no_choice_en: str = ""
    default_provider_slug: str = ""
    change_steps: str = ""
    change_steps_en: str = ""
    change_takes: str = ""
    change_takes_en: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def names(cls) -> list[str]:
        """The form's fields, in the order the form shows them."""
        return [f.name for f in fields(cls) if f.name != "errors"]

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> "GuideForm":
        """The fields of a submitted form; anything else (or not text) is ignored."""
        return cls(**{n: raw[n] for n in cls.names() if isinstance(raw.get(n), str)})

    @classmethod
    def of(cls, guide: ChoiceGuide | None) -> "GuideForm":
        """The stored guide as the form shows it; an empty form when there is none."""
        if guide is None:
            return cls()
        values: dict[str, str] = {}
        for name in cls.names():
            value = getattr(guide, name)
            values[name] = "\n".join(value) if isinstance(value, list) else (value or "")
        return cls(**values)


def _clean(text: str, *, one_line: bool) -> str:
    if one_line:
        return form_one_line(text)
    return "\n".join(line.rstrip() for line in plain_text(text).replace("\t", " ").split("\n"))


def split_steps(text: str) -> list[str]:
    """One step per non-blank line, without numbers typed in front of them."""
    out = []
    for line in _clean(text, one_line=False).split("\n"):
        step = _NUMBERED.sub("", " ".join(line.split()))
        if step:
            out.append(step)
    return out


def provider_choices(session: Session, kommun: Kommun, service_type: ServiceType) -> list[Provider]:
    """The units a guide may name as the one you get without a choice: the kommun's own
    units of this service, by name."""
    return list(
        session.exec(
            select(Provider)
            .where(
                Provider.kommun_code == kommun.code,
                Provider.service_type_id == service_type.id,
            )
            .order_by(col(Provider.name), col(Provider.slug))
        ).all()
    )


def read_form(
    session: Session, kommun: Kommun, service_type: ServiceType, form: GuideForm
) -> dict[str, Any] | None:
    """The guide's values from the form, or None with `form.errors` naming each field to
    correct (in the form's order). Reads only; changes nothing."""
    errors = form.errors
    errors.clear()
    values: dict[str, Any] = {}

    def too_long(name: str, text: str) -> bool:
        limit = MAX_LENGTH[name.removesuffix("_en")]
        if len(text) > limit:
            errors[name] = _("Skriv högst {n} tecken i ”{label}”.").format(
                n=limit, label=_name(name)
            )
            return True
        return False

    for name in GuideForm.names():
        raw = getattr(form, name)
        base = name.removesuffix("_en")
        if name == "default_provider_slug":
            slug = raw.strip()
            allowed = {p.slug for p in provider_choices(session, kommun, service_type)}
            if slug and slug not in allowed:
                errors[name] = _("Välj en av kommunens enheter i listan, eller ingen.")
            values[name] = slug or None
        elif base in STEPS:
            steps = split_steps(raw)
            limit = MAX_LENGTH[base]
            if not steps and name in REQUIRED:
                errors[name] = _missing(name)
            elif len(steps) > MAX_STEPS:
                errors[name] = _("Skriv högst {n} steg i ”{label}”.").format(
                    n=MAX_STEPS, label=_name(name)
                )
            elif any(len(step) > limit for step in steps):
                errors[name] = _("Skriv högst {n} tecken per steg i ”{label}”.").format(
                    n=limit, label=_name(name)
                )
            values[name] = steps or (None if name.endswith("_en") else [])
        else:
            text = _clean(raw, one_line=base not in MULTILINE)
            if not text and name in REQUIRED:
                errors[name] = _missing(name)
            elif text and not too_long(name, text):
                text = _checked(name, text, errors)
            values[name] = text or None

    # The English steps are the Swedish ones translated: as many, so the numbers agree.
    for name in STEPS:
        sv, en = values[name], values[f"{name}_en"]
        if sv and en and len(en) != len(sv) and not {name, f"{name}_en"} & errors.keys():
            errors[f"{name}_en"] = _(
                "Skriv lika många steg på engelska som på svenska ({n}), så att de "
                "numrerade stegen säger samma sak."
            ).format(n=len(sv))
    ordered = {n: errors[n] for n in GuideForm.names() if n in errors}
    errors.clear()
    errors.update(ordered)
    return None if errors else values


def _checked(name: str, text: str, errors: dict[str, str]) -> str:
    """Phone, e-mail and web address in the shape the public page can link to."""
    checks: dict[str, tuple[TypeAdapter[str], str]] = {
        "contact_phone": (_PHONE, _("Skriv ett telefonnummer, till exempel 08-123 456 78.")),
        "contact_email": (_EMAIL, _("Skriv en e-postadress, till exempel namn@exempel.se.")),
        "apply_url": (
            _URL,
            _("Skriv en webbadress som börjar med https://, till exempel https://exempel.se."),
        ),
    }
    if name not in checks:
        return text
    adapter, message = checks[name]
    try:
        return adapter.validate_python(text)
    except ValidationError:
        errors[name] = message
        return text


def guide_record(guide: ChoiceGuide) -> dict[str, Any]:
    """The guide as the audit log stores it (plain JSON)."""
    out: dict[str, Any] = {name: getattr(guide, name) for name in GuideForm.names()}
    out["updated"] = guide.updated.isoformat()
    return out


def save_guide(
    session: Session,
    caller: Actor,
    kommun: Kommun,
    service_type: ServiceType,
    form: GuideForm,
    *,
    today: date | None = None,
) -> ChoiceGuide | None:
    """Validate the form and save the guide, creating it when the kommun has none for the
    service; None with `form.errors` set when something needs correcting (nothing is
    changed then). The guide is dated today; it and its audit entry are committed together."""
    values = read_form(session, kommun, service_type, form)
    if values is None:
        return None
    guide = session.get(ChoiceGuide, (kommun.code, service_type.id))
    before = guide_record(guide) if guide is not None else None
    updated = today or today_in_sweden()
    if guide is None:
        guide = ChoiceGuide(
            kommun_code=kommun.code, service_type_id=service_type.id, updated=updated, **values
        )
        session.add(guide)
    else:
        for name, value in values.items():
            setattr(guide, name, value)
        guide.updated = updated
    record(
        session,
        caller,
        "choice_guide.create" if before is None else "choice_guide.update",
        "choice_guide",
        service_type.id,
        kommun.code,
        before,
        guide_record(guide),
    )
    session.commit()
    return guide


@dataclass(frozen=True)
class GuideRow:
    service_type: ServiceType
    guide: ChoiceGuide | None


def kommun_guides(session: Session, kommun: Kommun) -> list[GuideRow]:
    """The service types the kommun has units of or a guide for, in the site's order, each
    with its guide (None when the kommun has written none)."""
    guides = {
        g.service_type_id: g
        for g in session.exec(select(ChoiceGuide).where(ChoiceGuide.kommun_code == kommun.code))
    }
    with_units = set(
        session.exec(select(Provider.service_type_id).where(Provider.kommun_code == kommun.code))
    )
    types = session.exec(select(ServiceType).order_by(ServiceType.sort_order, ServiceType.id))
    return [
        GuideRow(st, guides.get(st.id)) for st in types if st.id in with_units or st.id in guides
    ]
