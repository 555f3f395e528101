"""Facts about the loaded data set as a whole."""

import time

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models import Provider

_CACHE_SECONDS = 30.0
_cache: dict[int, tuple[float, bool]] = {}


def sample_data_loaded(engine: Engine) -> bool:
    """True when any fictional sample provider is in the database (drives the banner).

    Cached briefly per engine: it is asked on every page and changes only on ingest.
    """
    now = time.monotonic()
    hit = _cache.get(id(engine))
    if hit and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    with Session(engine) as session:
        found = session.exec(
            select(Provider.id).where(Provider.origin == "sample").limit(1)
        ).first()
    _cache[id(engine)] = (now, found is not None)
    return found is not None
