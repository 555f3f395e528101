"""Small factories for test data: each inserts one row with sensible defaults and flushes.

Kommuner and service types are looked up before being created, so a test can name only the
provider it cares about: `provider(session, name="Ängen")` lands in Täby's hemtjänst.
"""

import itertools
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session

from app.figures import Figure
from app.models import (
    Area,
    Driftsform,
    Indicator,
    IndicatorValue,
    Kommun,
    Level,
    Organisation,
    PostalCode,
    Provider,
    ProviderArea,
    ReferenceValue,
    ServiceType,
)
from app.search.text import fold

_serial = itertools.count(1)
T = TypeVar("T")


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text).lower()).split())


KOMMUNER = {
    "0114": "Upplands Väsby",
    "0117": "Österåker",
    "0160": "Täby",
    "0162": "Danderyd",
    "0187": "Vaxholm",
}


def kommun(session: Session, code: str = "0160", name: str | None = None) -> Kommun:
    existing = session.get(Kommun, code)
    if existing:
        return existing
    name = name or KOMMUNER.get(code, f"Kommun {code}")
    return _add(session, Kommun(code=code, name=name, slug=slugify(name)))


def service_type(
    session: Session, id: str = "hemtjanst", name_sv: str | None = None, **fields: Any
) -> ServiceType:
    existing = session.get(ServiceType, id)
    if existing:
        return existing
    name_sv = name_sv or id.replace("-", " ").capitalize()
    defaults: dict[str, Any] = {
        "name_en": name_sv,
        "capacity_label_sv": "Antal platser",
        "capacity_label_en": "Places",
        "choice_basis": "area" if id == "hemtjanst" else "distance",
    }
    return _add(session, ServiceType(id=id, name_sv=name_sv, **(defaults | fields)))


def organisation(
    session: Session,
    name: str | None = None,
    driftsform: str = Driftsform.PRIVAT,
    **fields: Any,
) -> Organisation:
    n = next(_serial)
    name = name or f"Omsorg {n} AB"
    key = fields.pop("key", f"{slugify(name)}-{n}")
    return _add(session, Organisation(key=key, name=name, driftsform=driftsform, **fields))


def area(
    session: Session,
    name: str,
    kommun_code: str = "0160",
    lat: float = 59.44,
    lon: float = 18.07,
    slug: str | None = None,
) -> Area:
    kommun(session, kommun_code)
    row = Area(kommun_code=kommun_code, slug=slug or slugify(name), name=name, lat=lat, lon=lon)
    return _add(session, row)


def postal_code(session: Session, area: Area, code: str = "18330") -> PostalCode:
    """A postal code inside `area` (so coverage by area and distance both find it)."""
    row = PostalCode(
        code=code, kommun_code=area.kommun_code, area_id=area.id, locality="Täby", lat=59.44,
        lon=18.07,
    )  # fmt: skip
    return _add(session, row)


def provider(
    session: Session,
    name: str,
    *,
    kommun_code: str = "0160",
    service_type_id: str = "hemtjanst",
    driftsform: str = Driftsform.PRIVAT,
    org: Organisation | None = None,
    areas: list[Area] | tuple[Area, ...] = (),
    **fields: Any,
) -> Provider:
    """A provider; without `org`, an organisation of its own with the given driftsform."""
    kommun(session, kommun_code)
    service_type(session, service_type_id)
    org = org or organisation(session, driftsform=driftsform)
    slug = fields.pop("slug", f"{slugify(name)}-{next(_serial)}")
    row = _add(
        session,
        Provider(
            slug=slug,
            name=name,
            service_type_id=service_type_id,
            kommun_code=kommun_code,
            organisation_id=_id(org),
            **fields,
        ),
    )
    for served in areas:
        session.add(ProviderArea(provider_id=_id(row), area_id=_id(served)))
    session.flush()
    return row


def indicator(
    session: Session, id: str = "U28532", service_type_id: str = "hemtjanst", **fields: Any
) -> Indicator:
    service_type(session, service_type_id)
    defaults: dict[str, Any] = {
        "section": 5,
        "title_sv": f"Indikator {id}",
        "title_en": f"Indicator {id}",
        "unit": "percent",
        "direction": "higher",
        "source_kind": "survey",
        "source_name": "Socialstyrelsen",
    }
    return _add(session, Indicator(id=id, service_type_id=service_type_id, **(defaults | fields)))


def indicator_value(
    session: Session,
    provider: Provider,
    indicator: Indicator,
    year: int = 2024,
    value: float | None = 80.0,
    status: str = "ok",
    **fields: Any,
) -> IndicatorValue:
    defaults: dict[str, Any] = {
        "period": str(year),
        "source": indicator.source_name,
        "fetched": date(year + 1, 3, 1),
    }
    row = IndicatorValue(
        provider_id=_id(provider),
        indicator_id=indicator.id,
        year=year,
        value=value,
        status=status,
        **(defaults | fields),
    )
    return _add(session, row)


def level(
    session: Session,
    indicator: Indicator,
    good: float,
    approved: float,
    kommun_code: str = "0160",
    decided_by: str | None = "Vård- och omsorgsnämnden 2024-02-20",
) -> Level:
    """The kommun's bar for an indicator (read in the indicator's direction)."""
    kommun(session, kommun_code)
    return _add(
        session,
        Level(
            kommun_code=kommun_code,
            indicator_id=indicator.id,
            good=good,
            approved=approved,
            decided_by=decided_by,
        ),
    )


def reference_value(
    session: Session,
    indicator: Indicator,
    value: float,
    municipality_code: str = "0160",
    year: int = 2024,
    basis: str = "official",
    **fields: Any,
) -> ReferenceValue:
    """A kommun's (or, with '0000', the country's) value of an indicator."""
    defaults: dict[str, Any] = {
        "period": str(year),
        "source": indicator.source_name,
        "fetched": date(year + 1, 3, 1),
        "status": "ok",
    }
    row = ReferenceValue(
        indicator_id=indicator.id,
        municipality_code=municipality_code,
        year=year,
        value=value,
        basis=basis,
        **(defaults | fields),
    )
    return _add(session, row)


def _add(session: Session, row: T) -> T:
    session.add(row)
    session.flush()
    return row


def _id(row: Organisation | Provider | Area) -> int:
    assert row.id is not None, "flushed rows have ids"
    return row.id


def figure(
    value: float | None,
    n: int | None = None,
    *,
    direction: str = "higher",
    kind: str = "survey",
    unit: str = "percent",
    min_n: int | None = None,
    year: int = 2024,
    status: str | None = None,
    decimals: int = 0,
) -> Figure:
    """A constructed Figure of a throwaway indicator, for the comparison rules.

    No value means "too few answers" unless `status` says otherwise; status "missing"
    means nothing was reported at all.
    """
    ind = Indicator(
        id="x",
        service_type_id="hemtjanst",
        section=5,
        title_sv="x",
        title_en="x",
        unit=unit,
        direction=direction,
        source_kind=kind,
        source_name="x",
        min_n=min_n,
        decimals=decimals,
    )
    if status == "missing":
        return Figure(indicator=ind, current=None)
    current = IndicatorValue(
        provider_id=1,
        indicator_id="x",
        year=year,
        period=str(year),
        value=value,
        n_answers=n,
        status=status or ("ok" if value is not None else "too_few"),
        source="x",
        fetched=date(year + 1, 3, 1),
    )
    return Figure(indicator=ind, current=current)
