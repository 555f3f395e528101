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
