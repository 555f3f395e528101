"""Words for the closed vocabularies, the same on every page, in CSV files and (later) the API."""

from app.i18n import gettext as _
from app.models.vocab import Direction, Driftsform


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
    return value[:1].upper() + value[1:]
