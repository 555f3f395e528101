"""Words for the closed vocabularies, the same on every page, in CSV files and (later) the API."""

from app.i18n import gettext as _
from app.models.vocab import Direction, Driftsform
from app.statistics import Outcome


def driftsform_label(value: str) -> str:
    return {
        Driftsform.KOMMUNAL: _("Kommunal"),
        Driftsform.PRIVAT: _("Privat"),
        Driftsform.IDEBUREN: _("Idéburen"),
        Driftsform.OKAND: _("Okänd driftsform"),
    }.get(value, value)


def direction_text(direction: str) -> str:
    return {
        Direction.HIGHER: _("Högre är bättre"),
        Direction.LOWER: _("Lägre är bättre"),
    }.get(direction, _("Varken högre eller lägre är bättre"))


def language_label(value: str) -> str:
    """Languages are stored as Swedish words; the common ones are translated for /en/."""
    known = {
        "svenska": _("Svenska"),
        "engelska": _("Engelska"),
        "finska": _("Finska"),
        "arabiska": _("Arabiska"),
        "persiska": _("Persiska"),
        "spanska": _("Spanska"),
        "polska": _("Polska"),
        "bosniska": _("Bosniska"),
        "somaliska": _("Somaliska"),
        "tigrinja": _("Tigrinja"),
        "teckenspråk": _("Teckenspråk"),
        "tyska": _("Tyska"),
        "franska": _("Franska"),
        "turkiska": _("Turkiska"),
        "kurdiska": _("Kurdiska"),
        "ryska": _("Ryska"),
    }
    return known.get(value.lower(), value[:1].upper() + value[1:])


def profile_label(value: str) -> str:
    """Profiles are stored as the kommun writes them; the common ones are translated."""
    known = {
        "demens": _("Demens"),
        "somatik": _("Somatik"),
        "psykiatri": _("Psykiatri"),
        "palliativ vård": _("Palliativ vård"),
        "hbtq-certifierad": _("HBTQ-certifierad"),
        "finskspråkig": _("Finskspråkig"),
        "finskspråkig avdelning": _("Finskspråkig avdelning"),
        "tvåspråkig": _("Tvåspråkig"),
        "språkprofil": _("Språkprofil"),
        "musikprofil": _("Musikprofil"),
        "idrottsprofil": _("Idrottsprofil"),
        "no-profil": _("NO-profil (naturorienterande ämnen)"),
    }
    return known.get(value.lower(), value[:1].upper() + value[1:])


def outcome_label(outcome: str) -> str:
    """The verdict on an alternative against the resident's current provider (app.statistics)."""
    return {
        Outcome.BETTER: _("Tydligt bättre"),
        Outcome.WORSE: _("Tydligt sämre"),
        Outcome.SIMILAR: _("Går inte att skilja åt"),
        Outcome.NOT_COMPARABLE: _("Kan inte jämföras"),
    }.get(outcome, outcome)
