""" "Var bor du?": a postal code or a kommundel from a GET form, read through app.coverage.

Shared by the re-choose and the priorities pages, so both ask the same question the same
way and explain a postal code they cannot find in the same words.
"""

from dataclasses import dataclass

from sqlmodel import Session

from app.coverage import (
    Place,
    PlaceInOtherKommun,
    PlaceNotFound,
    normalise_postal_code,
    resolve_place,
)
from app.formatting import postal_code as format_postal_code
from app.i18n import gettext as _
from app.models import Kommun

MAX_POSTAL_CODE = 10  # '183 65' with room for stray spaces; anything longer is not one


@dataclass(frozen=True)
class PlaceInput:
    postal_code: str  # as typed, trimmed
    area_slug: str
    place: Place | None
    error: str | None = None  # for the postal code field (or the area select)
    error_field: str = ""  # the id of the field the error belongs to

    @property
    def given(self) -> bool:
        return bool(self.postal_code or self.area_slug)


def read_place(session: Session, kommun: Kommun, postal_code: str, area_slug: str) -> PlaceInput:
    """The resident's place, preferring the postal code; an error in words if not found."""
    code = postal_code.strip()[:MAX_POSTAL_CODE]
    area = area_slug.strip()
    try:
        place = resolve_place(session, kommun, postal_code=code or None, area_slug=area or None)
    except PlaceInOtherKommun as exc:
        shown = format_postal_code(exc.postal_code)
        message = _(
            "Postnumret {code} ligger i {other}, inte i {kommun}. Välj {other} på startsidan "
            "för att se utförarna där."
        ).format(code=shown, other=exc.kommun.name, kommun=kommun.name)
        return PlaceInput(code, area, None, message, "postnummer")
    except PlaceNotFound:
        if code:
            shown = format_postal_code(normalise_postal_code(code))
            message = _(
                "Vi hittar inte postnumret {code} i {kommun}. Kontrollera siffrorna, "
                "eller välj kommundel i listan i stället."
            ).format(code=shown, kommun=kommun.name)
            return PlaceInput(code, area, None, message, "postnummer")
        return PlaceInput(code, area, None, _("Välj en kommundel i listan."), "omrade")
    return PlaceInput(code, area, place)
