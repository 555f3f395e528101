"""What every outside source shares once its data is fetched and validated.

- `Figure`: one value with its provenance, before it is tied to a database row.
- `merge_figure`: how a fetched figure meets the stored one (unchanged, revised or new).
- `Units`: outside units matched to providers by ProviderSourceId; unique slugs for new ones.
- `ensure_definitions`: service types and indicators a source's figures point at.
- `Steps`: how a job reports progress (the CLI shows a bar; tests pass nothing).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlmodel import Session, select

from app.messages import msg
from app.models import Indicator, Provider, ProviderSourceId, ServiceType
from app.models.vocab import Unit, ValueStatus
from app.search.text import fold
from ingest import catalogue
from ingest.errors import InputError
from ingest.writer import Writer


class Steps(Protocol):
    def step(self, description: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoSteps:
    def step(self, description: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass(frozen=True)
class Figure:
    indicator_id: str
    year: int
    period: str
    value: float | None
    status: str
    source: str
    source_ref: str  # request URL, or "file rad N"
    published: date | None = None
    n_answers: int | None = None
    response_rate: float | None = None

    def fields(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "year": self.year,
            "period": self.period,
            "value": self.value,
            "status": self.status,
            "source": self.source,
            "source_ref": self.source_ref,
            "published": self.published,
            "n_answers": self.n_answers,
            "response_rate": self.response_rate,
        }


# What a figure says; a change in any of these is news. Where and when it was read is not.
CONTENT = ("period", "value", "status", "n_answers", "response_rate", "published", "source")


def merge_figure(record: dict[str, Any], stored: Any | None, fetched: date) -> dict[str, Any]:
    """The record to write for a fetched figure, given the stored row for its key (or None).

    Unchanged content keeps the stored fetch date and reference, so a re-run (or a nightly
    run with nothing new) changes nothing. A changed value replaces the stored one and is
    marked revised: the source has corrected a figure it already published.
    """
    if stored is not None and all(getattr(stored, f) == record[f] for f in CONTENT):
        return record | {
            "fetched": stored.fetched,
            "source_ref": stored.source_ref,
            "revised": stored.revised,
        }
    revised = stored is not None and (
        stored.revised or (stored.value, stored.status) != (record["value"], record["status"])
    )
    return record | {"fetched": fetched, "revised": revised}


# Sane ranges per unit; a value outside is a broken source, not a figure to show.
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    Unit.PERCENT: (0, 100),
    Unit.INDEX: (0, 10),
    Unit.COUNT: (0, None),
    Unit.RATIO: (0, None),
    Unit.POINTS: (None, None),
}
# Merit rating: the sum of 17 grades of at most 20 points each.
INDICATOR_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "averageGradesMeritRating9thGrade": (0, 340),
}


def out_of_range(indicator_id: str, unit: str, value: float) -> str | None:
    """Why `value` cannot be a value of this indicator, or None when it can."""
    if not math.isfinite(value):
        return msg("%(value)s är inte ett tal", value=value)
    lo, hi = INDICATOR_BOUNDS.get(indicator_id, BOUNDS.get(unit, (None, None)))
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if hi is None:
            return msg("värdet %(value)s är under %(lo)s", value=f"{value:g}", lo=f"{lo:g}")
        low = f"{lo:g}" if lo is not None else "−∞"
        return msg(
            "värdet %(value)s ligger utanför %(lo)s–%(hi)s",
            value=f"{value:g}",
            lo=low,
            hi=f"{hi:g}",
        )
    if unit == Unit.COUNT and value != int(value):
        return msg("värdet %(value)s är inte ett heltal", value=f"{value:g}")
    return None


def status_for(value: float | None, n_answers: int | None, min_n: int | None) -> str:
    if value is None:
        return ValueStatus.MISSING
    if min_n is not None and n_answers is not None and n_answers < min_n:
        return ValueStatus.TOO_FEW
    return ValueStatus.OK


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text).lower()).split())


class Units:
    """Providers known to one outside source, by the source's own id for the unit."""

    def __init__(self, session: Session, source: str) -> None:
        self.source = source
        rows = session.exec(
            select(ProviderSourceId.external_id, Provider)
            .join(Provider, Provider.id == ProviderSourceId.provider_id)  # type: ignore[arg-type]
            .where(ProviderSourceId.source == source)
        ).all()
        self.by_external: dict[str, Provider] = {ext: provider for ext, provider in rows}
        self._slugs: set[str] = set(session.exec(select(Provider.slug)).all())

    def get(self, external_id: str) -> Provider | None:
        return self.by_external.get(external_id)

    def new_slug(self, name: str, kommun_name: str) -> str:
        """From the name and the kommun (unless the name already says it), never taken."""
        base = slugify(name)
        place = slugify(kommun_name)
        if place and place not in base:
            base = f"{base}-{place}"
        base = base or "enhet"
        slug, n = base, 2
        while slug in self._slugs:
            slug, n = f"{base}-{n}", n + 1
        self._slugs.add(slug)
        return slug


def ensure_definitions(
    w: Writer,
    session: Session,
    indicator_ids: Iterable[str],
    overrides: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Indicator]:
    """The indicators (and their service types), created from the catalogue when missing.

    Existing rows are left as they are (the kommun may have edited their texts), except
    that an empty short title is filled from the catalogue.
    """
    ids = sorted(set(indicator_ids))
    have = {i.id: i for i in session.exec(select(Indicator).where(Indicator.id.in_(ids))).all()}  # type: ignore[attr-defined]
    missing = [i for i in ids if i not in have]
    service_types = {catalogue.indicators()[i]["service_type_id"] for i in missing}
    known_types = set(session.exec(select(ServiceType.id)).all())
    w.sync(
        ServiceType,
        ["id"],
        (catalogue.service_types()[s] for s in sorted(service_types - known_types)),
        existing=[],
    )
    created = w.sync(
        Indicator,
        ["id"],
        (catalogue.indicators()[i] | (overrides or {}).get(i, {}) for i in missing),
        existing=[],
    )
    _fill_short_titles(w, list(have.values()))
    return have | {key[0]: row for key, row in created.items()}


SHORT_TITLES = ("short_title_sv", "short_title_en")


def _fill_short_titles(w: Writer, stored: list[Indicator]) -> None:
    """Short titles came after many definitions were stored: an empty one is filled from
    the catalogue. Every other field, and a short title someone has written, stays."""
    records, rows = [], []
    for ind in stored:
        defined = catalogue.indicators().get(ind.id, {})
        empty = {f: defined[f] for f in SHORT_TITLES if not getattr(ind, f) and defined.get(f)}
        if empty:
            records.append({"id": ind.id} | empty)
            rows.append(ind)
    if records:
        w.sync(Indicator, ["id"], records, existing=rows)


def check_service_type(
    indicator: Indicator, expected: str, where: str, errors: list[InputError]
) -> None:
    if indicator.service_type_id != expected:
        errors.append(
            InputError(
                where,
                None,
                indicator.id,
                f"indikatorn gäller {indicator.service_type_id} i databasen, "
                f"men källan ger den för {expected}",
            )
        )
