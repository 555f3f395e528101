"""How fresh each outside source is: when it was last fetched, and whether that is longer
ago than the source's publication cycle allows (then its figures may be out of date)."""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Cycle:
    label: str  # the source's name as credited on the pages
    months: int  # fetched longer ago than this: newer figures should exist


# Kolada and Skolverket publish yearly; a month's grace for late publication.
CYCLES: dict[str, Cycle] = {
    "kolada": Cycle("Kolada", 13),
    "skolverket": Cycle("Skolverket", 13),
}


@dataclass(frozen=True)
class SourceFreshness:
    source: str  # ingest_run.source
    label: str
    fetched: datetime | None  # None: never fetched
    stale: bool


def freshness(fetched: dict[str, datetime], today: date) -> list[SourceFreshness]:
    """Every source with a cycle, in CYCLES order."""
    out = []
    for source, cycle in CYCLES.items():
        at = fetched.get(source)
        stale = at is not None and _months_later(at.date(), cycle.months) < today
        out.append(SourceFreshness(source, cycle.label, at, stale))
    return out


def _months_later(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))
