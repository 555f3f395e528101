"""Who serves an address: the providers a resident can choose between where they live.

Home-care providers choose the parts of the kommun (areas) they serve, so coverage is
membership of the resident's area. Nursing homes, preschools and schools are chosen by
proximity, so every unit of the kommun is a choice, nearest first. Locations come from
our own postal-code and area tables; no outside geocoder is asked.
"""

import math
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.formatting import postal_code as postal_code_text
from app.models import Area, Kommun, PostalCode, Provider, ProviderArea, ServiceType
from app.search.text import swedish_sort_key

EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine), as Meilisearch's _geo measures it."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def normalise_postal_code(text: str) -> str:
    """'183 65' and '18365' are the same postal code."""
    return "".join(text.split())


@dataclass(frozen=True)
class Place:
    """Where the resident lives, as precisely as they told us."""

    area: Area
    lat: float
    lon: float
    label: str  # '183 65 Täby' or the area's name
    postal_code: str | None = None


class PlaceNotFound(ValueError):
    """The postal code or area is unknown, or lies in another kommun (message says which)."""


class PlaceInOtherKommun(PlaceNotFound):
    """A postal code we know, in another of the kommuner: the resident can be sent there."""

    def __init__(self, postal_code: str, kommun: Kommun) -> None:
        super().__init__(f"postal code {postal_code} is in {kommun.name}")
        self.postal_code = postal_code
        self.kommun = kommun


def resolve_place(
    session: Session,
    kommun: Kommun,
    *,
    postal_code: str | None = None,
    area_slug: str | None = None,
) -> Place | None:
    """The place from a postal code (preferred: more precise) or an area; None if neither."""
    if postal_code:
        code = normalise_postal_code(postal_code)
        row = session.get(PostalCode, code) if code.isdigit() and len(code) == 5 else None
        if row is None:
            raise PlaceNotFound(f"unknown postal code {postal_code!r}")
        if row.kommun_code != kommun.code:
            other = session.get(Kommun, row.kommun_code)
            assert other is not None  # postal_code.kommun_code is a foreign key
            raise PlaceInOtherKommun(code, other)
        area = session.get(Area, row.area_id)
        assert area is not None  # postal_code.area_id is a foreign key
        return Place(area, row.lat, row.lon, f"{postal_code_text(code)} {row.locality}", code)
    if area_slug:
        area = session.exec(
            select(Area).where(Area.kommun_code == kommun.code, Area.slug == area_slug)
        ).first()
        if area is None:
            raise PlaceNotFound(f"unknown area {area_slug!r}")
        return Place(area, area.lat, area.lon, area.name)
    return None


@dataclass(frozen=True)
class Serving:
    provider: Provider
    distance_m: float | None  # from the resident's place; None without coordinates


def serving(
    session: Session, kommun: Kommun, service_type: ServiceType, place: Place
) -> list[Serving]:
    """The providers a resident at `place` can choose.

    Area-based services: those serving the place's area, by name. Distance-based: all of
    the kommun's units, nearest first (units without coordinates last, by name).
    """
    query = select(Provider).where(
        Provider.kommun_code == kommun.code, Provider.service_type_id == service_type.id
    )
    if service_type.choice_basis == "area":
        query = query.join(ProviderArea, col(ProviderArea.provider_id) == Provider.id).where(
            ProviderArea.area_id == place.area.id
        )
    providers = session.exec(query).all()
    out = [
        Serving(
            p,
            distance_m(place.lat, place.lon, p.lat, p.lon)
            if p.lat is not None and p.lon is not None
            else None,
        )
        for p in providers
    ]
    if service_type.choice_basis == "area":
        return sorted(out, key=lambda s: (swedish_sort_key(s.provider.name), s.provider.id))
    return sorted(
        out,
        key=lambda s: (
            s.distance_m is None,
            s.distance_m or 0.0,
            swedish_sort_key(s.provider.name),
        ),
    )
