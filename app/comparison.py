"""Comparing 2–6 providers of one service type side by side.

A comparison is the five sections of the provider page turned into a table: one row per
indicator, one cell per provider (its Figure, built by `figures_for` like everywhere
else) and the kommun's value as a reference. Columns keep the order the resident gave;
nothing here ranks providers by ownership or anything else.

"Bäst i jämförelsen" is deliberately cautious: no mark when the direction says neither
is better, when everyone has the same value, when only one provider has a value, and when
the best value is not clearly better than every other value in the row by the same rule
the re-choose page uses (app.statistics.judge): intervals for survey figures, a tolerance
for the rest, and no verdict across periods more than a year apart.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlmodel import Session, col, select

from app.figures import (
    Figure,
    Reference,
    cached_figures,
    figures_for,
    indicator_title,
    section_title,
    short_title,
    source_kind_label,
    still_published,
)
from app.formatting import unit_label
from app.i18n import gettext as _
from app.labels import direction_text, driftsform_label
from app.level_summary import LevelSummary, summarise
from app.models import Indicator, Kommun, Organisation, Provider, ServiceType
from app.models.vocab import Direction, Section, SourceKind
from app.providers import indicators_for
from app.statistics import Method, Outcome, Problem, judge, method_for
from app.versioned_cache import CacheView

MIN_ITEMS = 2
MAX_ITEMS = 6  # also what the basket holds (app.web.basket)


class ComparisonError(Exception):
    """A request that cannot be turned into a comparison; the page explains why."""


class TooMany(ComparisonError):
    def __init__(self, count: int) -> None:
        super().__init__(f"{count} providers; at most {MAX_ITEMS} can be compared")
        self.count = count


class TooFew(ComparisonError):
    def __init__(self, count: int) -> None:
        super().__init__(f"{count} providers; at least {MIN_ITEMS} are needed to compare")
        self.count = count


class UnknownProviders(ComparisonError):
    def __init__(self, slugs: list[str]) -> None:
        super().__init__(f"unknown providers: {', '.join(slugs)}")
        self.slugs = slugs


@dataclass(frozen=True)
class Column:
    provider: Provider
    organisation: Organisation
    kommun: Kommun

    @property
    def driftsform(self) -> str:
        return driftsform_label(self.organisation.driftsform)


@dataclass(frozen=True)
class TypeGroup:
    """Providers of one service type, as met in a request that mixed types."""

    service_type: ServiceType
    columns: list[Column]


class MixedServiceTypes(ComparisonError):
    def __init__(self, groups: list[TypeGroup]) -> None:
        super().__init__("providers of different service types cannot be compared")
        self.groups = groups


class NoMark(StrEnum):
    """Why a row has no best mark."""

    NOT_RANKED = "not_ranked"  # direction none: a fact, not a quality
    DISCONTINUED = "discontinued"  # no longer published: the values are history
    TOO_FEW_VALUES = "too_few_values"  # fewer than two providers have a value
    ALL_EQUAL = "all_equal"
    TOO_CLOSE = "too_close"  # survey figures that few answers cannot tell apart
    SMALL_DIFFERENCE = "small_difference"  # figures without answers within the tolerance
    ANSWERS_UNKNOWN = "answers_unknown"  # a survey figure whose number of answers is unknown
    NOT_COMPARABLE = "not_comparable"  # other years


@dataclass(frozen=True)
class Marks:
    best: list[bool]
    reason: NoMark | None = None  # set when no cell is marked


def best_marks(figures: Sequence[Figure]) -> Marks:
    """Which cells of one row get "Bäst i jämförelsen".

    Every provider sharing the best value is marked, unless all values are equal, and only
    when that value is clearly better (app.statistics.judge) than every other shown value:
    a best value that the runner-up (or anyone else) may equal is no best.
    """
    none = [False] * len(figures)
    if not figures:
        return Marks(none, NoMark.TOO_FEW_VALUES)
    indicator = figures[0].indicator
    if indicator.direction not in (Direction.HIGHER, Direction.LOWER):
        return Marks(none, NoMark.NOT_RANKED)
    if not still_published(indicator):
        return Marks(none, NoMark.DISCONTINUED)
    shown = [(i, f.value) for i, f in enumerate(figures) if f.value is not None]
    if len(shown) < MIN_ITEMS:
        return Marks(none, NoMark.TOO_FEW_VALUES)
    values = [v for _i, v in shown]
    top = max(values) if indicator.direction == Direction.HIGHER else min(values)
    if all(v == top for v in values):
        return Marks(none, NoMark.ALL_EQUAL)
    winners = [i for i, v in shown if v == top]
    others = [i for i, v in shown if v != top]
    judgements = [judge(figures[w], figures[o]) for w in winners for o in others]
    outcomes = {j.outcome for j in judgements}
    if any(j.problem == Problem.NO_ANSWER_COUNT for j in judgements):
        return Marks(none, NoMark.ANSWERS_UNKNOWN)
    if Outcome.NOT_COMPARABLE in outcomes:
        return Marks(none, NoMark.NOT_COMPARABLE)
    if Outcome.SIMILAR in outcomes:
        close = method_for(indicator.unit, indicator.source_kind) != Method.TOLERANCE
        return Marks(none, NoMark.TOO_CLOSE if close else NoMark.SMALL_DIFFERENCE)
    return Marks([i in winners for i in range(len(figures))])


def no_mark_text(reason: NoMark | None) -> str:
    """The plain-Swedish note shown in a row without a mark (only where it helps)."""
    if reason == NoMark.TOO_CLOSE:
        return _("Ingen markering: skillnaden är för liten för att säga säkert med så få svar.")
    if reason == NoMark.SMALL_DIFFERENCE:
        return _("Ingen markering: skillnaden är för liten för att räknas som tydlig.")
    if reason == NoMark.ANSWERS_UNKNOWN:
        return _(
            "Ingen markering: antalet svar är okänt, så det kan inte avgöras om skillnaden "
            "är tydlig."
        )
    if reason == NoMark.NOT_COMPARABLE:
        return _("Ingen markering: värdena gäller olika år, så de går inte att jämföra säkert.")
    if reason == NoMark.DISCONTINUED:
        return _("Måttet publiceras inte längre. Värdena är historik och jämförs inte.")
    if reason == NoMark.ALL_EQUAL:
        return _("Ingen markering: alla har samma värde.")
    return ""


@dataclass(frozen=True)
class Cell:
    figure: Figure
    best: bool
    details: list[str]  # small print under the value: answers, other period, kommun value

    @property
    def text(self) -> str:
        return self.figure.text

    @property
    def best_failed(self) -> bool:
        """Marked best, yet underkänt by the kommun's level: the cell says both."""
        return self.best and self.figure.verdict is not None and self.figure.verdict.key == "failed"

    @property
    def level(self) -> str:
        """The kommun's level in words ('Underkänt'), or '' where the kommun has none."""
        return self.figure.verdict.label if self.figure.verdict else ""


@dataclass(frozen=True)
class ReferenceCell:
    text: str
    details: list[str]
    # What the value is, in words that never say more than it is (app.figures.reference_label):
    # "Hela Täby" for the source's own figure, "Genomsnitt per utförare i Täby" for a mean.
    label: str = ""
    official: bool = False


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    title: str  # the short, plain title (app.figures.short_title)
    official_title: str  # the source's title, for the detail
    meta: str  # 'Enkät · procent · 2024'
    direction: str  # 'Högre är bättre'
    period: str  # the period most cells share
    cells: list[Cell]
    reference: ReferenceCell | None  # the kommun column, when there is one
    no_mark: NoMark | None

    @property
    def note(self) -> str:
        return no_mark_text(self.no_mark)

    @property
    def best_failed(self) -> bool:
        """A "Bäst i jämförelsen" that is underkänt by the kommun's level: never hidden."""
        return any(c.best_failed for c in self.cells)

    @property
    def all_failed(self) -> bool:
        """Every provider with a level in this row is underkänt (at least two of them)."""
        verdicts = [c.figure.verdict for c in self.cells if c.figure.verdict]
        return len(verdicts) >= MIN_ITEMS and all(v.key == "failed" for v in verdicts)

    @property
    def level_note(self) -> str:
        """The plain words when the best is not good enough by the kommun's own level."""
        if self.all_failed:
            return _(
                "Alla jämförda utförare är underkända enligt kommunens nivå för det här måttet."
            )
        if self.best_failed:
            return _("Bäst i jämförelsen, men ändå underkänt enligt kommunens nivå.")
        return ""


@dataclass(frozen=True)
class Group:
    section: int
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class Comparison:
    service_type: ServiceType
    columns: list[Column]
    groups: list[Group]
    kommun: Kommun | None  # the one kommun all providers are in, else None
    # One per column, in column order: the provider's levels summed up (app.level_summary),
    # from the same figures as the rows, so the summary and the cells always agree.
    summaries: list[LevelSummary] = field(default_factory=list)

    @property
    def slugs(self) -> list[str]:
        return [c.provider.slug for c in self.columns]

    @property
    def has_levels(self) -> bool:
        """Any provider has a figure the kommun has set a level for."""
        return any(s.has_levels for s in self.summaries)


def clean_slugs(slugs: Sequence[str]) -> list[str]:
    """The requested slugs, trimmed and without repeats, in the order given."""
    return list(dict.fromkeys(s.strip() for s in slugs if s.strip()))


def load_columns(session: Session, slugs: Sequence[str]) -> list[Column]:
    """The providers named by `slugs`, in that order; UnknownProviders names any missing."""
    rows = session.exec(
        select(Provider, Organisation, Kommun)
        .join(Organisation, col(Organisation.id) == Provider.organisation_id)
        .join(Kommun, col(Kommun.code) == Provider.kommun_code)
        .where(col(Provider.slug).in_(list(slugs)))
    ).all()
    by_slug = {p.slug: Column(p, o, k) for p, o, k in rows}
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        raise UnknownProviders(unknown)
    return [by_slug[s] for s in slugs]


def group_by_type(session: Session, columns: Sequence[Column]) -> list[TypeGroup]:
    """Columns grouped by service type, types in their usual order."""
    ids = list(dict.fromkeys(c.provider.service_type_id for c in columns))
    types = session.exec(
        select(ServiceType)
        .where(col(ServiceType.id).in_(ids))
        .order_by(ServiceType.sort_order, ServiceType.id)
    ).all()
    return [
        TypeGroup(st, [c for c in columns if c.provider.service_type_id == st.id]) for st in types
    ]


def build_comparison(
    session: Session,
    slugs: Sequence[str],
    *,
    today: date | None = None,
    cache: CacheView | None = None,
) -> Comparison:
    """The comparison of the providers named by `slugs` (2–6, one service type). With a
    `cache` (and today's date), each provider's figures are read once per data version.

    Raises TooFew, TooMany, UnknownProviders or MixedServiceTypes.
    """
    slugs = clean_slugs(slugs)
    if len(slugs) < MIN_ITEMS:
        raise TooFew(len(slugs))
    if len(slugs) > MAX_ITEMS:
        raise TooMany(len(slugs))
    columns = load_columns(session, slugs)
    groups = group_by_type(session, columns)
    if len(groups) > 1:
        raise MixedServiceTypes(groups)
    service_type = groups[0].service_type
    providers = [c.provider for c in columns]
    if cache is None or today is not None:
        indicators = indicators_for(session, service_type.id)
        figures = figures_for(session, providers, indicators, today=today)
    else:
        indicators = cache.get(
            ("indicators", service_type.id), lambda: indicators_for(session, service_type.id)
        )
        figures = cached_figures(cache, session, providers, indicators)
    one_kommun = columns[0].kommun if len({c.kommun.code for c in columns}) == 1 else None
    # With several kommuner each cell carries its own kommun's value instead of one column.
    kommun_names = None if one_kommun else [c.kommun.name for c in columns]

    rows_by_section: dict[int, list[Row]] = {s.value: [] for s in Section}
    for ind in indicators:
        row_figures = [figures[p.id][ind.id] for p in providers]  # type: ignore[index]
        rows_by_section[ind.section].append(_row(ind, row_figures, kommun_names))
    return Comparison(
        service_type=service_type,
        columns=columns,
        groups=[
            Group(s.value, section_title(s), rows_by_section[s.value])
            for s in Section
            if rows_by_section[s.value]
        ],
        kommun=one_kommun,
        summaries=[summarise(figures[p.id].values()) for p in providers],  # type: ignore[index]
    )


def _row(ind: Indicator, figures: list[Figure], kommun_names: list[str] | None) -> Row:
    periods = Counter(f.period for f in figures if f.period)
    period = periods.most_common(1)[0][0] if periods else ""
    marks = best_marks(figures)
    survey = ind.source_kind == SourceKind.SURVEY
    cells = []
    for i, (f, best) in enumerate(zip(figures, marks.best, strict=True)):
        details = []
        # "Äldre uppgift (2022)" says the period already (shown beside the value).
        if f.period and f.period != period and not f.is_old:
            details.append(_("gäller {period}").format(period=f.period))
        if f.discontinued and f.history_text:
            details.append(
                _("senast {period}: {value}").format(period=f.period, value=f.history_text)
            )
        elif f.answers_unknown:
            details.append(_("antal svar okänt"))
        elif survey and f.current and f.current.n_answers is not None:
            details.append(f.answer_count)
        if kommun_names is not None:
            details.append(_reference_text(f.kommun, kommun_names[i], period))
        cells.append(Cell(f, best, details))
    # Name the source of the figures shown (e.g. "Källa: Kolada (register)", as Kolada's
    # terms require), falling back to the indicator's publisher when nothing is shown.
    sources = sorted({f.current.source for f in figures if f.current}) or [ind.source_name]
    kind = source_kind_label(ind.source_kind).lower()
    meta = [
        _("Källa: {source} ({kind})").format(source=", ".join(sources), kind=kind),
        unit_label(ind.unit),
    ]
    if period:
        meta.append(period)
    return Row(
        indicator=ind,
        title=short_title(ind),
        official_title=indicator_title(ind),
        meta=" · ".join(meta),
        direction=direction_text(ind.direction),
        period=period,
        cells=cells,
        reference=_reference_cell(figures, period) if kommun_names is None else None,
        no_mark=None if any(marks.best) else marks.reason,
    )


def _reference_cell(figures: list[Figure], period: str) -> ReferenceCell:
    """The kommun's value for the row's period (every provider is in that kommun)."""
    refs = [f.kommun for f in figures if f.kommun]
    ref = next((r for r in refs if r.period == period), refs[0] if refs else None)
    if ref is None:
        return ReferenceCell(_("Uppgift saknas"), [])
    details = [] if ref.period == period else [_("gäller {period}").format(period=ref.period)]
    return ReferenceCell(ref.text, details, label=ref.label, official=ref.official)


def _reference_text(ref: Reference | None, kommun_name: str, period: str) -> str:
    """The kommun's value under a provider's own, named for what it is ("Hela Täby: 80 %",
    "Genomsnitt per utförare i Täby: 12")."""
    if ref is None:
        return _("Kommunen ({kommun}): uppgift saknas").format(kommun=kommun_name)
    text = f"{ref.label}: {ref.text}"
    if ref.period != period:
        text += f" ({ref.period})"
    return text
