"""Places in the loaded sample data for browser journeys."""

from collections.abc import Iterator

from sqlmodel import Session, select

from app.db import make_engine
from app.models import Kommun, PostalCode, Provider, ProviderArea


def taby_home_care_by_postal_code(
    database_url: str,
) -> Iterator[tuple[Kommun, str, list[Provider]]]:
    """Täby's postal codes in order, each with the home-care providers serving its area
    (detached, by slug)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            kommun = s.exec(select(Kommun).where(Kommun.code == "0160")).one()
            for pc in s.exec(
                select(PostalCode)
                .where(PostalCode.kommun_code == kommun.code)
                .order_by(PostalCode.code)
            ).all():
                serving = list(
                    s.exec(
                        select(Provider)
                        .join(ProviderArea, ProviderArea.provider_id == Provider.id)
                        .where(ProviderArea.area_id == pc.area_id)
                        .where(Provider.service_type_id == "hemtjanst")
                        .order_by(Provider.slug)
                    ).all()
                )
                s.expunge_all()
                yield kommun, pc.code, serving
    finally:
        engine.dispose()
