"""The one way a figure is built for display: value, unit, period, comparison values,
trend, the kommun's level, reliability (answers, suppression) and provenance.

Pages, cards, comparisons and (later) the API all read figures through
`figures_for`, so a figure looks and behaves the same everywhere.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from app.formatting import day, with_unit
from app.i18n import gettext as _
from app.i18n import ngettext
from app.models import Indicator, IndicatorValue, Kommun, Level, Provider, ReferenceValue
from app.models.vocab import Direction, Section, SourceKind, ValueStatus
from app.statistics import answer_count_unknown

COUNTRY = "0000"
OLD_AFTER_YEARS = 2


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


@dataclass(frozen=True)
class Point:
    year: int
    period: str
    value: float | None
    status: str


@dataclass(frozen=True)
class Reference:
    label: str
    value: float
    period: str
    text: str


@dataclass(frozen=True)
class Verdict:
    """The kommun's level for a value: 'good' (bra), 'approved' (godkänt) or 'failed'."""

    key: str
    label: str
    rule: str


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
        # A discontinued measure says so itself (discontinued_note): no "äldre uppgift" too.
        return (
            bool(self.current)
            and not self.discontinued
            and self.current.year < self.today.year - OLD_AFTER_YEARS
        )

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
    today = today or date.today()
    if not providers or not indicators:
        return {p.id: {} for p in providers if p.id is not None}
    provider_ids = [p.id for p in providers]
    indicator_ids = [i.id for i in indicators]
    kommun_codes = sorted({p.kommun_code for p in providers})

    series: dict[tuple[int, str], list[IndicatorValue]] = defaultdict(list)
    values = session.exec(
        select(IndicatorValue)
        .where(col(IndicatorValue.provider_id).in_(provider_ids))
        .where(col(IndicatorValue.indicator_id).in_(indicator_ids))
        .order_by(IndicatorValue.year)
    ).all()
    for v in values:
        series[(v.provider_id, v.indicator_id)].append(v)

    refs: dict[tuple[str, str], list[ReferenceValue]] = defaultdict(list)
    for r in session.exec(
        select(ReferenceValue)
        .where(col(ReferenceValue.indicator_id).in_(indicator_ids))
        .where(col(ReferenceValue.municipality_code).in_([*kommun_codes, COUNTRY]))
        .order_by(ReferenceValue.year)
    ).all():
        refs[(r.indicator_id, r.municipality_code)].append(r)

    levels = {
        (lv.kommun_code, lv.indicator_id): lv
        for lv in session.exec(
            select(Level)
            .where(col(Level.kommun_code).in_(kommun_codes))
            .where(col(Level.indicator_id).in_(indicator_ids))
        ).all()
    }
    kommun_names = {
        k.code: k.name
        for k in session.exec(select(Kommun).where(col(Kommun.code).in_(kommun_codes))).all()
    }

    out: dict[int, dict[str, Figure]] = {}
    for p in providers:
        per: dict[str, Figure] = {}
        for ind in indicators:
            rows = series.get((p.id, ind.id), [])
            current = _current(rows)
            year = current.year if current else None
            per[ind.id] = Figure(
                indicator=ind,
                current=current,
                kommun=_reference(
                    refs.get((ind.id, p.kommun_code), []),
                    year,
                    ind,
                    kommun_names.get(p.kommun_code, p.kommun_code),
                ),
                country=_reference(refs.get((ind.id, COUNTRY), []), year, ind, _("Sverige")),
                verdict=_verdict(current, ind, levels.get((p.kommun_code, ind.id)))
                if still_published(ind)
                else None,
                trend=[Point(v.year, v.period, v.value, v.status) for v in rows],
                today=today,
            )
        out[p.id] = per  # type: ignore[index]
    return out


def _current(rows: Iterable[IndicatorValue]) -> IndicatorValue | None:
    latest = None
    for v in rows:  # ordered by year
        if v.status != ValueStatus.MISSING:
            latest = v
    return latest


def _reference(
    rows: list[ReferenceValue], year: int | None, ind: Indicator, label: str
) -> Reference | None:
    """The reference for the same year as the provider's figure, else the latest one."""
    usable = [r for r in rows if r.status == ValueStatus.OK and r.value is not None]
    if not usable:
        return None
    same_year = [r for r in usable if r.year == year]
    r = same_year[-1] if same_year else usable[-1]
    return Reference(label, r.value, r.period, with_unit(r.value, ind.unit, ind.decimals))  # type: ignore[arg-type]


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
    if level.decided_by:
        rule += " " + _("Nivåerna är beslutade av {who}.").format(who=level.decided_by)
    label = {"good": _("Bra"), "approved": _("Godkänt"), "failed": _("Underkänt")}[key]
    return Verdict(key, label, rule)
