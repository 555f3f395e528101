"""Re-choosing (omval): the resident's current provider against every alternative that
serves the same address, indicator by indicator.

Who serves the address comes from app.coverage, in its neutral order (by name where the
provider chooses its areas, nearest first otherwise); nothing here reorders by ownership or
by how well an alternative does: ranking is the priorities page's job, done openly. Each
verdict is app.statistics.judge, the same rule as "Bäst i jämförelsen". Beside the verdicts,
every figure carries the kommun's level (Figure.verdict) and every provider its level
summary (app.level_summary), the same ones cards and provider pages show.
"""

from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session

from app.comparison import MAX_ITEMS
from app.coverage import Place, serving
from app.figures import Figure, Reference, figures_for, indicator_title, section_title
from app.figures import short_title as plain_title
from app.formatting import number, value_range, with_unit
from app.i18n import gettext as _
from app.labels import outcome_label
from app.level_summary import LevelSummary, summarise
from app.models import Indicator, Kommun, Organisation, Provider, ProviderArea, ServiceType
from app.models.vocab import Section, Unit
from app.providers import organisations_of, ranked_indicators
from app.statistics import MAX_YEARS_APART, Interval, Judgement, Method, Outcome, Problem, judge


@dataclass(frozen=True)
class Line:
    """One indicator: the alternative's figure against the current provider's."""

    indicator: Indicator
    current: Figure
    alternative: Figure
    judgement: Judgement
    reason: str  # the verdict's reason in words

    @property
    def outcome(self) -> Outcome:
        return self.judgement.outcome

    @property
    def label(self) -> str:
        if self.judgement.problem == Problem.NO_ANSWER_COUNT:
            # Comparable in kind, but how sure each figure is cannot be known without n.
            return _("Kan inte avgöras")
        return outcome_label(self.judgement.outcome)

    @property
    def title(self) -> str:
        """Plain words for the table row ("Nöjd med hemtjänsten som helhet")."""
        return plain_title(self.indicator)

    @property
    def official_title(self) -> str:
        """The source's own title, for the detail."""
        return indicator_title(self.indicator)

    @property
    def kommun(self) -> Reference | None:
        """The kommun's reference (both providers are in the same kommun): the current
        provider's, for the year of its figure, else the alternative's."""
        return self.current.kommun or self.alternative.kommun

    @property
    def spans(self) -> tuple[str, str]:
        """(current's, alternative's) likely range for survey figures, else empty strings."""
        intervals = self.judgement.intervals
        if not intervals:
            return "", ""
        alternative, current = intervals
        return span(current, self.indicator), span(alternative, self.indicator)


@dataclass(frozen=True)
class LineGroup:
    section: int
    title: str
    lines: list[Line]


@dataclass(frozen=True)
class Alternative:
    provider: Provider
    organisation: Organisation
    distance_m: float | None
    groups: list[LineGroup]
    summary: LevelSummary  # the kommun's levels over this provider's figures

    @property
    def lines(self) -> list[Line]:
        return [line for g in self.groups for line in g.lines]

    @property
    def counts(self) -> Counter[Outcome]:
        return Counter(line.outcome for line in self.lines)


@dataclass(frozen=True)
class Rechoice:
    current: Provider
    current_organisation: Organisation
    current_serves_place: bool  # for area-based services: does it work where they live?
    place: Place
    indicators: list[Indicator]
    alternatives: list[Alternative]
    current_summary: LevelSummary

    @property
    def compare_slugs(self) -> list[str]:
        """The current provider and the alternatives, as many as one comparison holds
        (the first ones in the page's order)."""
        slugs = [self.current.slug, *(a.provider.slug for a in self.alternatives)]
        return slugs[:MAX_ITEMS]


def build_rechoice(
    session: Session,
    kommun: Kommun,
    service_type: ServiceType,
    current: Provider,
    place: Place,
) -> Rechoice:
    """`current` against every other provider serving `place`, in app.coverage's order."""
    servings = [
        s for s in serving(session, kommun, service_type, place) if s.provider.id != current.id
    ]
    indicators = ranked_indicators(session, service_type.id)
    providers = [current, *(s.provider for s in servings)]
    figures = figures_for(session, providers, indicators)
    organisations = organisations_of(session, providers)
    own = figures[current.id]  # type: ignore[index]
    alternatives = []
    for s in servings:
        theirs = figures[s.provider.id]  # type: ignore[index]
        by_section: dict[int, list[Line]] = {}
        for ind in indicators:
            line = _line(ind, own[ind.id], theirs[ind.id], s.provider.name)
            by_section.setdefault(ind.section, []).append(line)
        groups = [
            LineGroup(sec.value, section_title(sec), by_section[sec.value])
            for sec in Section
            if sec.value in by_section
        ]
        alternatives.append(
            Alternative(
                s.provider,
                organisations[s.provider.organisation_id],
                s.distance_m,
                groups,
                summarise(theirs.values()),
            )
        )
    return Rechoice(
        current=current,
        current_organisation=organisations[current.organisation_id],
        current_serves_place=_serves(session, service_type, current, place),
        place=place,
        indicators=indicators,
        alternatives=alternatives,
        current_summary=summarise(own.values()),
    )


def _serves(session: Session, service_type: ServiceType, provider: Provider, place: Place) -> bool:
    if service_type.choice_basis != "area":
        return True
    row = session.get(ProviderArea, (provider.id, place.area.id))
    return row is not None


def _line(ind: Indicator, current: Figure, alternative: Figure, name: str) -> Line:
    j = judge(alternative, current)
    return Line(ind, current, alternative, j, reason_text(j, ind, current, alternative, name))


def reason_text(
    j: Judgement, ind: Indicator, current: Figure, alternative: Figure, name: str
) -> str:
    """Why the verdict is what it is, in plain words, naming the alternative by `name`."""
    if j.outcome == Outcome.NOT_COMPARABLE:
        return _problem_text(j, ind, current, alternative, name)
    assert j.values is not None
    alt_value, own_value = j.values
    if j.method in (Method.SHARE, Method.INDEX) and j.intervals:
        # The spans themselves are shown under each value (Line.spans).
        if j.outcome == Outcome.SIMILAR:
            return _("Spannen överlappar, så skillnaden kan bero på slumpen.")
        return _("Spannen överlappar inte, så skillnaden är tydlig.")
    if alt_value == own_value:
        return _("Samma värde.")
    assert j.tolerance is not None
    diff = difference(abs(alt_value - own_value), ind)
    limit = difference(j.tolerance, ind, extra_decimal=True)
    if j.outcome == Outcome.SIMILAR:
        return _(
            "Skillnaden är {diff}. För att räknas som tydlig måste den vara större än {limit}."
        ).format(diff=diff, limit=limit)
    return _("Skillnaden är {diff}, större än {limit}, så den är tydlig.").format(
        diff=diff, limit=limit
    )


def difference(value: float, ind: Indicator, *, extra_decimal: bool = False) -> str:
    """A difference between two values: percent differ by 'procentenheter', not '%'."""
    d = ind.decimals + (1 if extra_decimal else 0)
    if ind.unit == Unit.PERCENT:
        return _("{n} procentenheter").format(n=number(value, d))
    return with_unit(value, ind.unit, d)


def _problem_text(
    j: Judgement, ind: Indicator, current: Figure, alternative: Figure, name: str
) -> str:
    if j.problem == Problem.PERIODS_APART:
        return _(
            "Siffrorna gäller olika år ({alt_period} hos {name}, {own_period} hos din "
            "nuvarande). Vi jämför bara siffror som ligger högst {years} år isär."
        ).format(
            alt_period=alternative.period,
            own_period=current.period,
            name=name,
            years=MAX_YEARS_APART,
        )
    parts = []
    if j.other_problem:
        parts.append(_side_text(j.other_problem, ind, current, _("din nuvarande utförare")))
    if j.own_problem:
        parts.append(_side_text(j.own_problem, ind, alternative, name))
    return " ".join(parts)


def _side_text(problem: Problem, ind: Indicator, figure: Figure, who: str) -> str:
    n = figure.current.n_answers if figure.current else None
    if problem == Problem.TOO_FEW:
        if n is not None and ind.min_n:
            return _("För få svar hos {who}: {n} svar, minst {min} behövs.").format(
                who=who, n=n, min=ind.min_n
            )
        return _("För få svar hos {who}.").format(who=who)
    if problem == Problem.NO_ANSWER_COUNT:
        return _(
            "Antalet svar är okänt hos {who}, så det kan inte avgöras om skillnaden är tydlig."
        ).format(who=who)
    if problem == Problem.DISCONTINUED:
        return _("Måttet publiceras inte längre.")
    return _("Uppgift saknas hos {who}.").format(who=who)


def span(interval: Interval, ind: Indicator) -> str:
    """'65,2–89,5 %': an interval one decimal finer than the values, so that two spans
    that do not overlap never look as if they touch."""
    return value_range(interval.low, interval.high, ind.unit, ind.decimals + 1)
