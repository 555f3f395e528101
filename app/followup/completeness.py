"""Completeness: which of a kommun's units lack current figures, a presentation or contact
details, and since when.

- A figure is missing when the source has published a newer period for the indicator in
  the kommun (app.figures.newest_years: some unit has it) and this unit has nothing for that
  period. Its age is the unit's own latest period, or "never reported". "Too few answers"
  counts as reported: the source did publish, only not a number.
- A presentation is missing when there is none, and old when not updated in twelve months
  (the same rule the provider page states, app.presentation).
- Contact details are a phone number and an e-mail address; either one missing is a gap.
  The data says nothing of since when, so no age is claimed.

Measures no longer published are left out: no unit can have a current figure for them.
A fixed number of queries for the kommun, whatever the number of units.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.clock import today_in_sweden
from app.figures import newest_years, short_title, still_published
from app.followup.service import units_of
from app.i18n import current_lang
from app.i18n import gettext as _
from app.models import Indicator, IndicatorValue, Kommun, Provider, ServiceType
from app.models.vocab import ValueStatus
from app.presentation import PresentationAge, presentation_age


@dataclass(frozen=True)
class MissingFigure:
    indicator: Indicator
    newest_year: int  # the newest period published in the kommun
    last_year: int | None  # the unit's own latest period; None: never reported

    @property
    def title(self) -> str:
        return short_title(self.indicator)

    @property
    def age_text(self) -> str:
        """'Senaste uppgift 2022 (2 år efter)' or 'Aldrig rapporterad'."""
        if self.last_year is None:
            return _("Aldrig rapporterad")
        behind = self.newest_year - self.last_year
        return _("Senaste uppgift {year}, {n} år efter").format(year=self.last_year, n=behind)


@dataclass(frozen=True)
class UnitGaps:
    provider: Provider
    figures: list[MissingFigure]
    figure_count: int  # the indicators with a published newest period in the kommun
    presentation: PresentationAge | None  # None: no presentation at all
    has_presentation: bool
    missing_contact: list[str]  # 'phone', 'email'

    @property
    def presentation_gap(self) -> bool:
        return not self.has_presentation or bool(self.presentation and self.presentation.stale)

    @property
    def complete(self) -> bool:
        return not (self.figures or self.presentation_gap or self.missing_contact)

    @property
    def oldest_figure(self) -> MissingFigure | None:
        """The missing figure furthest behind (never reported first)."""
        if not self.figures:
            return None
        return min(self.figures, key=lambda f: -1 if f.last_year is None else f.last_year)

    @property
    def figures_text(self) -> str:
        if not self.figures:
            return _("Alla aktuella")
        return _("{n} av {total} saknar senaste perioden").format(
            n=len(self.figures), total=self.figure_count
        )

    @property
    def presentation_text(self) -> str:
        if not self.has_presentation:
            return _("Ingen presentation")
        assert self.presentation is not None
        if self.presentation.updated is None:
            return _("Presentation utan datum")
        return self.presentation.text

    @property
    def contact_text(self) -> str:
        words = {"phone": _("telefon saknas"), "email": _("e-post saknas")}
        if not self.missing_contact:
            return _("Telefon och e-post finns")
        text = ", ".join(words[k] for k in self.missing_contact)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class ServiceGaps:
    service_type: ServiceType
    units: list[UnitGaps]  # only units with a gap, in name order
    unit_count: int

    @property
    def name(self) -> str:
        st = self.service_type
        return st.name_en if current_lang.get() == "en" else st.name_sv


def completeness(
    session: Session, kommun: Kommun, *, today: date | None = None
) -> list[ServiceGaps]:
    """Per service type the kommun has units of: its units with a gap."""
    today = today or today_in_sweden()
    units = units_of(session, kommun)
    if not units:
        return []
    type_ids = sorted({p.service_type_id for p in units})
    indicators = [
        i
        for i in session.exec(
            select(Indicator).where(col(Indicator.service_type_id).in_(type_ids))
        ).all()
        if still_published(i)
    ]
    indicators.sort(key=lambda i: (i.section, i.sort_order, i.id))
    newest = newest_years(session, [kommun.code], [i.id for i in indicators])
    latest = _latest_years(session, [p.id for p in units if p.id is not None])

    by_type: dict[str, list[UnitGaps]] = {t: [] for t in type_ids}
    counts: dict[str, int] = dict.fromkeys(type_ids, 0)
    for p in units:
        counts[p.service_type_id] += 1
        current = [
            (i, newest[(kommun.code, i.id)])
            for i in indicators
            if i.service_type_id == p.service_type_id and (kommun.code, i.id) in newest
        ]
        missing = [
            MissingFigure(i, year, latest.get((p.id, i.id)))  # type: ignore[arg-type]
            for i, year in current
            if (latest.get((p.id, i.id)) or 0) < year  # type: ignore[arg-type]
        ]
        has_text = bool((p.presentation or "").strip())
        gaps = UnitGaps(
            provider=p,
            figures=missing,
            figure_count=len(current),
            presentation=presentation_age(p.presentation_updated, today) if has_text else None,
            has_presentation=has_text,
            missing_contact=[
                k for k, v in (("phone", p.phone), ("email", p.email)) if not (v or "").strip()
            ],
        )
        if not gaps.complete:
            by_type[p.service_type_id].append(gaps)

    types = session.exec(
        select(ServiceType)
        .where(col(ServiceType.id).in_(type_ids))
        .order_by(ServiceType.sort_order, ServiceType.id)
    ).all()
    return [ServiceGaps(st, by_type[st.id], counts[st.id]) for st in types]


def _latest_years(session: Session, provider_ids: list[int]) -> dict[tuple[int, str], int]:
    """Each unit's latest reported period per indicator (a value or too few answers)."""
    out: dict[tuple[int, str], int] = {}
    for i in range(0, len(provider_ids), 500):  # SQLite caps bound parameters
        chunk = provider_ids[i : i + 500]
        rows = session.exec(
            select(
                IndicatorValue.provider_id,
                IndicatorValue.indicator_id,
                func.max(IndicatorValue.year),
            )
            .where(col(IndicatorValue.provider_id).in_(chunk))
            .where(col(IndicatorValue.status) != ValueStatus.MISSING)
            .group_by(col(IndicatorValue.provider_id), col(IndicatorValue.indicator_id))
        ).all()
        out.update({(pid, ind): year for pid, ind, year in rows})
    return out
