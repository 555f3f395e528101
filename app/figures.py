"""The one way a figure is built for display: value, unit, period, comparison values,
trend, the kommun's level, reliability (answers, suppression) and provenance.

Pages, cards, comparisons and (later) the API all read figures through
`figures_for`, so a figure looks and behaves the same everywhere.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.clock import today_in_sweden
from app.formatting import day, with_unit
from app.i18n import current_lang, ngettext
from app.i18n import gettext as _
from app.models import Indicator, IndicatorValue, Kommun, Level, Provider, ReferenceValue
from app.models.indicators import LEVELS_SINCE
from app.models.vocab import Direction, ReferenceBasis, Section, SourceKind, ValueStatus
from app.statistics import Outcome, answer_count_unknown, judge
from app.versioned_cache import CacheView

COUNTRY = "0000"


def section_title(section: int) -> str:
    return {
        Section.PRESENTATION: _("Utföraren presenterar sig själv"),
        Section.HARD_FACTS: _("Hårda fakta"),
        Section.COMPLIANCE: _("Kvalitet enligt lagar och förordningar"),
        Section.BASIC_FACTS: _("Basfakta"),
        Section.PERCEIVED: _("Upplevd kvalitet"),
    }[Section(section)]


def source_kind_label(kind: str) -> str:
    return {
        SourceKind.REGISTER: _("Register"),
        SourceKind.INSPECTION: _("Tillsyn"),
        SourceKind.SURVEY: _("Enkät"),
        SourceKind.PROVIDER: _("Utförarens egen uppgift"),
    }[SourceKind(kind)]


def still_published(indicator: Indicator) -> bool:
    """False for a measure its source no longer publishes (Indicator.discontinued_after):
    its values are history, never a current figure to sort, rank or judge by."""
    return indicator.discontinued_after is None


def indicator_title(indicator: Indicator) -> str:
    """The official title, in the visitor's language: for the detail and the source."""
    return indicator.title_en if current_lang.get() == "en" else indicator.title_sv


def short_title(indicator: Indicator) -> str:
    """Plain words for cards, table rows and summaries; the official title when none is set."""
    if current_lang.get() == "en":
        return indicator.short_title_en or indicator.title_en
    return indicator.short_title_sv or indicator.title_sv


def reference_label(basis: str, place: str, *, country: bool = False) -> str:
    """What a reference is, in words that never say more than it is: "Hela Täby" only for
    the source's own figure for the kommun; a mean of the units is called a mean."""
    if basis == ReferenceBasis.UNIT_MEAN:
        if country:
            return _("Genomsnitt per utförare i Sverige")
        return _("Genomsnitt per utförare i {kommun}").format(kommun=place)
    if basis == ReferenceBasis.TOTAL:
        if country:
            return _("Summa för Sverige")
        return _("Summa för {kommun}").format(kommun=place)
    return _("Hela Sverige") if country else _("Hela {kommun}").format(kommun=place)


def newest_years(
    session: Session,
    kommun_codes: Sequence[str] | None = None,
    indicator_ids: Sequence[str] | None = None,
) -> dict[tuple[str, str], int]:
    """The newest period (year) with a published figure, per (kommun, indicator).

    A provider's figure from before it is "äldre uppgift": the source has published a newer
    period in the same kommun (too few answers counts as published). Limited to the given
    kommuner and indicators, so a page's cost does not grow with the nation.
    """
    query = (
        select(Provider.kommun_code, IndicatorValue.indicator_id, func.max(IndicatorValue.year))
        .join(Provider, col(Provider.id) == IndicatorValue.provider_id)
        .where(col(IndicatorValue.status) != ValueStatus.MISSING)
        .group_by(col(Provider.kommun_code), col(IndicatorValue.indicator_id))
    )
    if kommun_codes is not None:
        query = query.where(col(Provider.kommun_code).in_(list(kommun_codes)))
    if indicator_ids is not None:
        query = query.where(col(IndicatorValue.indicator_id).in_(list(indicator_ids)))
    return {(k, i): year for k, i, year in session.exec(query).all()}


@dataclass(frozen=True)
class Point:
    year: int
    period: str
    value: float | None
    status: str


@dataclass(frozen=True)
class Reference:
    label: str  # "Hela Täby", "Genomsnitt per utförare i Täby" (reference_label)
    value: float
    period: str
    text: str
    basis: str = ReferenceBasis.OFFICIAL.value

    @property
    def official(self) -> bool:
        return self.basis == ReferenceBasis.OFFICIAL


@dataclass(frozen=True)
class Verdict:
    """The kommun's level for a value: 'good' (bra), 'approved' (godkänt) or 'failed'."""

    key: str
    label: str
    rule: str


class Change:
    """How a figure moved since the period before, by the rule every verdict uses
    (app.statistics.judge): a change too small to tell from chance is "same"."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    # The latest period with a value or a suppression; for a discontinued measure the last
    # one published, shown as history only (see `discontinued`).
    current: IndicatorValue | None
    kommun: Reference | None = None
    country: Reference | None = None
    verdict: Verdict | None = None
    trend: list[Point] = field(default_factory=list)
    today: date = field(default_factory=date.today)
    # The newest period of this indicator among the kommun's providers (newest_years).
    newest_year: int | None = None
    # The period before `current` with a value or a suppression, for the trend arrow.
    previous: IndicatorValue | None = None
    # The kommun's level for `previous`: the one in force for that period (level_in_force).
    previous_verdict: "Verdict | None" = None

    @property
    def short_title(self) -> str:
        return short_title(self.indicator)

    @property
    def title(self) -> str:
        return indicator_title(self.indicator)

    @property
    def status(self) -> str:
        return self.current.status if self.current else ValueStatus.MISSING.value

    @property
    def discontinued(self) -> bool:
        return not still_published(self.indicator)

    @property
    def shown(self) -> bool:
        """A current value to show as the provider's figure (not for a discontinued measure)."""
        return self.status == ValueStatus.OK and not self.discontinued

    @property
    def value(self) -> float | None:
        """The current value: the one every card, sort, mark, verdict and ranking reads."""
        return self.current.value if self.shown and self.current else None

    @property
    def text(self) -> str:
        """The value with its unit, or the reason there is none. Never blank."""
        if self.discontinued:
            return _("Publiceras inte längre")
        if self.shown and self.value is not None:
            return with_unit(self.value, self.indicator.unit, self.indicator.decimals)
        if self.status == ValueStatus.TOO_FEW:
            return _("För få svar")
        return _("Uppgift saknas")

    @property
    def history_text(self) -> str:
        """A discontinued measure's last published value ('' when there is none)."""
        if not self.current or self.current.status != ValueStatus.OK:
            return ""
        if self.current.value is None:
            return ""
        return with_unit(self.current.value, self.indicator.unit, self.indicator.decimals)

    @property
    def discontinued_note(self) -> str:
        if not self.discontinued:
            return ""
        return _("Måttet publiceras inte längre (senast {year}).").format(
            year=self.indicator.discontinued_after
        )

    @property
    def why_not_shown(self) -> str:
        if self.discontinued:
            return self.discontinued_note
        if self.status == ValueStatus.TOO_FEW:
            # The number of answers is shown beside this (Figure.answers); no need to repeat it.
            if self.indicator.min_n:
                return _(
                    "Minst {min} svar behövs för att visa en siffra som går att lita på."
                ).format(min=self.indicator.min_n)
            return _("För få svar för att visa en siffra som går att lita på.")
        if self.status == ValueStatus.MISSING:
            return _("Ingen uppgift har rapporterats för den här utföraren.")
        return ""

    @property
    def period(self) -> str:
        return self.current.period if self.current else ""

    @property
    def is_old(self) -> bool:
        """Older than the newest period the source has published for others in the kommun.

        A discontinued measure says so itself (discontinued_note): no "äldre uppgift" too.
        """
        return (
            self.current is not None
            and not self.discontinued
            and self.newest_year is not None
            and self.current.year < self.newest_year
        )

    @property
    def old_text(self) -> str:
        """'Äldre uppgift (2022)', or '' for a current figure."""
        if not self.is_old or self.current is None:
            return ""
        return _("Äldre uppgift ({period})").format(period=self.current.period)

    @property
    def change(self) -> str | None:
        """Change.BETTER / SAME / WORSE against the period before, or None when the two
        cannot be compared (no previous period, too few answers, unknown n, years apart)."""
        if self.previous is None or self.indicator.direction == Direction.NONE:
            return None
        before = Figure(indicator=self.indicator, current=self.previous, today=self.today)
        outcome = judge(self, before).outcome
        return {
            Outcome.BETTER: Change.BETTER,
            Outcome.WORSE: Change.WORSE,
            Outcome.SIMILAR: Change.SAME,
        }.get(outcome)

    @property
    def provenance(self) -> str:
        """'Kolada (register), hämtad 15 mars 2025': shown after "Källa:"."""
        kind = source_kind_label(self.indicator.source_kind)
        source = self.current.source if self.current else self.indicator.source_name
        # A provider's own figure needs no second name ("Utförarens egen uppgift: Utföraren").
        own = self.indicator.source_kind == SourceKind.PROVIDER
        parts = [kind if own else f"{source} ({kind.lower()})"]
        if self.current and self.current.fetched:
            parts.append(_("hämtad {date}").format(date=day(self.current.fetched)))
        return ", ".join(parts)

    @property
    def answer_count(self) -> str:
        """'28 svar' ('1 answer' / '28 answers'), or '' without a count."""
        if not self.current or self.current.n_answers is None:
            return ""
        n = self.current.n_answers
        return ngettext("{n} svar", "{n} svar", n).format(n=n)

    @property
    def answers_unknown(self) -> bool:
        """A survey figure whose number of answers the source did not give (Kolada's
        elderly-care survey): no verdict rests on it (app.statistics), and the page says so."""
        return answer_count_unknown(self)

    @property
    def answers(self) -> str:
        """Number of answers and response rate, for survey figures."""
        if self.answers_unknown:
            return _("Antal svar okänt")
        text = self.answer_count
        if not text:
            return ""
        if self.current.response_rate is not None:
            text += ", " + _("svarsfrekvens {rate}").format(
                rate=with_unit(self.current.response_rate, "percent")
            )
        return text

    @property
    def trend_text(self) -> str:
        """The trend as words, the text alternative of the chart."""
        parts = []
        for p in self.trend:
            if p.status == ValueStatus.OK and p.value is not None:
                shown = with_unit(p.value, self.indicator.unit, self.indicator.decimals)
            elif p.status == ValueStatus.TOO_FEW:
                shown = _("för få svar")
            else:
                shown = _("uppgift saknas")
            parts.append(f"{p.period}: {shown}")
        return "; ".join(parts)


def figures_for(
    session: Session,
    providers: Sequence[Provider],
    indicators: Sequence[Indicator],
    *,
    today: date | None = None,
) -> dict[int, dict[str, Figure]]:
    """Figures of each provider for each indicator, in four queries whatever the count."""
    today = today or today_in_sweden()
    if not providers or not indicators:
        return {p.id: {} for p in providers if p.id is not None}
    provider_ids = [p.id for p in providers]
    indicator_ids = [i.id for i in indicators]
    kommun_codes = sorted({p.kommun_code for p in providers})

    # Plain rows, not ORM objects: a page reads them only, and hydrating some hundred model
    # instances was a large part of a provider page's time (bench/RESULTS.md). A row has
    # the same attribute names, so the rest reads them as IndicatorValue / ReferenceValue.
    series: dict[tuple[int, str], list[IndicatorValue]] = defaultdict(list)
    values = session.exec(
        select(*IndicatorValue.__table__.columns)  # type: ignore[attr-defined]
        .where(col(IndicatorValue.provider_id).in_(provider_ids))
        .where(col(IndicatorValue.indicator_id).in_(indicator_ids))
        .order_by(IndicatorValue.year)
    ).all()
    for v in values:
        series[(v.provider_id, v.indicator_id)].append(v)

    refs: dict[tuple[str, str], list[ReferenceValue]] = defaultdict(list)
    for r in session.exec(
        select(*ReferenceValue.__table__.columns)  # type: ignore[attr-defined]
        .where(col(ReferenceValue.indicator_id).in_(indicator_ids))
        .where(col(ReferenceValue.municipality_code).in_([*kommun_codes, COUNTRY]))
        .order_by(ReferenceValue.year)
    ).all():
        refs[(r.indicator_id, r.municipality_code)].append(r)

    levels = level_histories(session, kommun_codes, indicator_ids)
    kommun_names = {
        k.code: k.name
        for k in session.exec(select(Kommun).where(col(Kommun.code).in_(kommun_codes))).all()
    }
    newest = newest_years(session, kommun_codes, indicator_ids)

    out: dict[int, dict[str, Figure]] = {}
    for p in providers:
        per: dict[str, Figure] = {}
        for ind in indicators:
            rows = series.get((p.id, ind.id), [])
            current = _current(rows)
            previous = _current(v for v in rows if current and v.year < current.year)
            year = current.year if current else None
            # Each period is judged by the level in force for it, so a raised bar does not
            # turn last year's godkänt into underkänt, nor the trend arrow into "worse".
            history = levels.get((p.kommun_code, ind.id), []) if still_published(ind) else []
            per[ind.id] = Figure(
                indicator=ind,
                current=current,
                kommun=_reference(
                    refs.get((ind.id, p.kommun_code), []),
                    year,
                    ind,
                    kommun_names.get(p.kommun_code, p.kommun_code),
                ),
                country=_reference(refs.get((ind.id, COUNTRY), []), year, ind, None),
                verdict=_verdict(current, ind, level_in_force(history, year)),
                trend=[Point(v.year, v.period, v.value, v.status) for v in rows],
                today=today,
                newest_year=newest.get((p.kommun_code, ind.id)),
                previous=previous,
                previous_verdict=_verdict(
                    previous, ind, level_in_force(history, previous.year if previous else None)
                ),
            )
        out[p.id] = per  # type: ignore[index]
    return out


def cached_figures(
    cache: CacheView,
    session: Session,
    providers: Sequence[Provider],
    indicators: Sequence[Indicator],
) -> dict[int, dict[str, Figure]]:
    """`figures_for` through the versioned cache, one entry per provider: a provider's
    figures depend only on it, its kommun and the indicators, so comparisons of different
    baskets share them. Those not kept are read together, in figures_for's four queries."""
    shown = tuple(i.id for i in indicators)
    by_key = {("figures", p.id, shown): p for p in providers}

    def read(keys: list) -> dict:
        found = figures_for(session, [by_key[k] for k in keys], indicators)
        return {("figures", pid, shown): figures for pid, figures in found.items()}

    kept = cache.get_many(list(by_key), read)
    return {p.id: kept[("figures", p.id, shown)] for p in providers}  # type: ignore[misc]


def level_histories(
    session: Session, kommun_codes: Sequence[str], indicator_ids: Sequence[str]
) -> dict[tuple[str, str], list[Level]]:
    """Every level of the given kommuner and indicators, per (kommun, indicator), oldest
    first: one query, whatever the number of providers."""
    out: dict[tuple[str, str], list[Level]] = defaultdict(list)
    for lv in session.exec(
        select(Level)
        .where(col(Level.kommun_code).in_(list(kommun_codes)))
        .where(col(Level.indicator_id).in_(list(indicator_ids)))
        .order_by(col(Level.valid_from))
    ).all():
        out[(lv.kommun_code, lv.indicator_id)].append(lv)
    return out


def level_in_force(history: Sequence[Level], year: int | None) -> Level | None:
    """The level in force for a period: the newest one decided to apply from `year` or
    earlier. None before the first level, or without a period."""
    if year is None:
        return None
    in_force = None
    for lv in history:  # oldest first
        if lv.valid_from <= year:
            in_force = lv
    return in_force


def _current(rows: Iterable[IndicatorValue]) -> IndicatorValue | None:
    latest = None
    for v in rows:  # ordered by year
        if v.status != ValueStatus.MISSING:
            latest = v
    return latest


def _reference(
    rows: list[ReferenceValue], year: int | None, ind: Indicator, kommun_name: str | None
) -> Reference | None:
    """The reference for the same year as the provider's figure, else the latest one.
    `kommun_name` None: the country's."""
    usable = [r for r in rows if r.status == ValueStatus.OK and r.value is not None]
    if not usable:
        return None
    same_year = [r for r in usable if r.year == year]
    r = same_year[-1] if same_year else usable[-1]
    assert r.value is not None
    # A mean of counts keeps a decimal: 0,4 complaints per unit is not 0.
    decimals = ind.decimals
    if r.basis == ReferenceBasis.UNIT_MEAN and ind.unit == "count":
        decimals = max(decimals, 1)
    label = reference_label(r.basis, kommun_name or "", country=kommun_name is None)
    return Reference(label, r.value, r.period, with_unit(r.value, ind.unit, decimals), r.basis)


def _verdict(value: IndicatorValue | None, ind: Indicator, level: Level | None) -> Verdict | None:
    if level is None or value is None or value.status != ValueStatus.OK or value.value is None:
        return None
    v = value.value
    fmt = lambda x: with_unit(x, ind.unit, ind.decimals)  # noqa: E731
    if ind.direction == Direction.HIGHER:
        key = "good" if v >= level.good else "approved" if v >= level.approved else "failed"
        rule = _("Bra: minst {good}. Godkänt: minst {approved}. Lägre är underkänt.")
    elif ind.direction == Direction.LOWER:
        key = "good" if v <= level.good else "approved" if v <= level.approved else "failed"
        rule = _("Bra: högst {good}. Godkänt: högst {approved}. Högre är underkänt.")
    else:
        return None
    rule = rule.format(good=fmt(level.good), approved=fmt(level.approved))
    if level.decided_by and level.decided_on:
        rule += " " + _("Nivåerna är beslutade av {who} den {day}.").format(
            who=level.decided_by, day=day(level.decided_on)
        )
    elif level.decided_by:
        rule += " " + _("Nivåerna är beslutade av {who}.").format(who=level.decided_by)
    if level.valid_from > LEVELS_SINCE:
        rule += " " + _("De gäller från {year}.").format(year=level.valid_from)
    label = {"good": _("Bra"), "approved": _("Godkänt"), "failed": _("Underkänt")}[key]
    return Verdict(key, label, rule)
