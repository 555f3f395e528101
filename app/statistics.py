"""When two figures can honestly be told apart: the one rule behind "Bäst i jämförelsen"
on the comparison page and "tydligt bättre / tydligt sämre" on the re-choose page.

A verdict shown to a resident should hold up, so every rule here is deliberately cautious
and is applied in the same way to every provider, whoever runs it:

- Survey shares (percent, with the number of answers): two shares are told apart only
  when their 95 % Wilson score intervals do not overlap.
- Survey indices (Skolenkäten's 0–10 scale, with the number of answers): the same, with a
  normal interval around each mean that assumes every answer varies by INDEX_SD points.
- Everything without answer counts (registers, inspections, the provider's own figures):
  the values must differ by more than a tolerance, RELATIVE_TOLERANCE of the larger value
  and never less than one step in the last decimal shown.

Before any of that: no verdict without a value on both sides, for a measure no longer
published (its values are history), below the indicator's minimum number of answers, for
figures from years more than MAX_YEARS_APART apart, and never for a survey figure whose
number of answers is unknown (Kolada gives none per unit for the elderly-care survey):
"kan inte avgöras", however large the gap. Without n the interval could be as wide as that
of a handful of answers, and there a gap of 40 percentage points can still be chance
(UNKNOWN_N_EXAMPLE, worked on "Om siffrorna"); guessing an n would claim a certainty the
source does not give. Values are compared as shown (rounded to the
indicator's decimals). The "Om siffrorna" page explains all this in plain Swedish and its
worked examples are computed here.
"""

from dataclasses import dataclass
from enum import StrEnum
from math import sqrt
from typing import TYPE_CHECKING

from app.models.vocab import Direction, SourceKind, Unit, ValueStatus

if TYPE_CHECKING:  # app.figures imports gettext and formatting; this module stays plain
    from app.figures import Figure

Z_95 = 1.959963984540054
INDEX_SD = 2.5  # assumed spread of single answers on a 0–10 index: a cautious, wide guess
INDEX_MIN, INDEX_MAX = 0.0, 10.0
RELATIVE_TOLERANCE = 0.10  # figures without answer counts must differ by more than 10 %
MAX_YEARS_APART = 1  # 2023 against 2024 is a fair comparison; 2022 against 2024 is not
# Why unknown n gives no verdict: two shares 40 points apart that five answers each could
# give (4 of 5 and 2 of 5) have overlapping intervals.
UNKNOWN_N_EXAMPLE = (80.0, 40.0, 5)


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def overlaps(self, other: "Interval") -> bool:
        return not (self.low > other.high or other.low > self.high)


def wilson(share_percent: float, n: int, z: float = Z_95) -> Interval:
    """The Wilson score interval, in percent, for a share given in percent of n answers."""
    if n <= 0:
        return Interval(0.0, 100.0)
    p = min(max(share_percent / 100.0, 0.0), 1.0)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Interval(max(0.0, centre - half) * 100, min(1.0, centre + half) * 100)


def told_apart(a: float, n_a: int, b: float, n_b: int) -> bool:
    """True when the two shares' 95 % intervals do not overlap."""
    return not wilson(a, n_a).overlaps(wilson(b, n_b))


def index_interval(mean: float, n: int, sd: float = INDEX_SD, z: float = Z_95) -> Interval:
    """A 95 % normal interval for a mean of n answers on the 0–10 scale, assuming single
    answers vary by `sd`; kept within the scale."""
    if n <= 0:
        return Interval(INDEX_MIN, INDEX_MAX)
    half = z * sd / sqrt(n)
    return Interval(max(INDEX_MIN, mean - half), min(INDEX_MAX, mean + half))


def index_told_apart(a: float, n_a: int, b: float, n_b: int) -> bool:
    """True when the two means' intervals (index_interval) do not overlap."""
    return not index_interval(a, n_a).overlaps(index_interval(b, n_b))


def tolerance(a: float, b: float, decimals: int = 0) -> float:
    """How much two figures without answer counts must differ (more than this) to count."""
    return max(RELATIVE_TOLERANCE * max(abs(a), abs(b)), 10.0**-decimals)


def beyond_tolerance(a: float, b: float, decimals: int = 0) -> bool:
    """True when a and b, as shown with `decimals`, differ by more than `tolerance`.

    Worked in whole steps of the last decimal so that 27 against 30 (exactly 10 %) is not
    clearly different however the floating point falls.
    """
    scale = 10**decimals
    ua, ub = round(a * scale), round(b * scale)
    diff = abs(ua - ub)
    larger = max(abs(ua), abs(ub))
    return diff > 1 and diff * 10 > larger  # 10 == 1 / RELATIVE_TOLERANCE


class Outcome(StrEnum):
    """How one provider's figure stands against another's."""

    BETTER = "better"  # tydligt bättre
    WORSE = "worse"  # tydligt sämre
    SIMILAR = "similar"  # går inte att skilja åt
    NOT_COMPARABLE = "not_comparable"  # kan inte jämföras


class Method(StrEnum):
    """Which rule decided (for comparable figures)."""

    SHARE = "share"  # Wilson intervals
    INDEX = "index"  # normal intervals with INDEX_SD
    TOLERANCE = "tolerance"


class Problem(StrEnum):
    """Why a figure, or a pair, cannot be compared."""

    NOT_RANKED = "not_ranked"  # direction none: a fact, not a quality
    DISCONTINUED = "discontinued"  # the source no longer publishes the measure: history only
    MISSING = "missing"  # no value reported
    TOO_FEW = "too_few"  # fewer answers than the indicator's minimum
    NO_ANSWER_COUNT = "no_answer_count"  # a survey figure whose number of answers is unknown
    PERIODS_APART = "periods_apart"  # more than MAX_YEARS_APART between the two years


@dataclass(frozen=True)
class Judgement:
    """The verdict on `figure` against `other`, with what it rests on (for the words)."""

    outcome: Outcome
    method: Method | None = None
    problem: Problem | None = None  # the first problem found, when NOT_COMPARABLE
    own_problem: Problem | None = None  # the problem with `figure` itself, if any
    other_problem: Problem | None = None  # the problem with `other`, if any
    intervals: tuple[Interval, Interval] | None = None  # (figure's, other's), for surveys
    tolerance: float | None = None  # for figures without answer counts
    values: tuple[float, float] | None = None  # (figure's, other's), as shown


def method_for(unit: str, source_kind: str) -> Method:
    """Which rule applies to an indicator: by its source and unit, never by the provider."""
    if source_kind == SourceKind.SURVEY and unit == Unit.PERCENT:
        return Method.SHARE
    if source_kind == SourceKind.SURVEY and unit == Unit.INDEX:
        return Method.INDEX
    return Method.TOLERANCE


def answer_count_unknown(figure: "Figure") -> bool:
    """A shown survey figure that a verdict would need n for (a share or an index), without n."""
    ind = figure.indicator
    return (
        method_for(ind.unit, ind.source_kind) != Method.TOLERANCE
        and figure.value is not None
        and figure.current is not None
        and figure.current.n_answers is None
    )


def figure_problem(figure: "Figure") -> Problem | None:
    """Why this figure cannot take part in any verdict, or None when it can."""
    ind = figure.indicator
    if ind.direction not in (Direction.HIGHER, Direction.LOWER):
        return Problem.NOT_RANKED
    if figure.discontinued:
        return Problem.DISCONTINUED
    current = figure.current
    if figure.status == ValueStatus.TOO_FEW:
        return Problem.TOO_FEW
    if current is None or figure.value is None:
        return Problem.MISSING
    n = current.n_answers
    if ind.min_n and n is not None and n < ind.min_n:
        return Problem.TOO_FEW  # a source that forgot to suppress: we suppress
    if method_for(ind.unit, ind.source_kind) != Method.TOLERANCE and not n:  # unknown (or 0)
        return Problem.NO_ANSWER_COUNT
    return None


def shown_value(figure: "Figure") -> float | None:
    """The value as the resident sees it: rounded to the indicator's decimals."""
    if figure.value is None:
        return None
    return round(figure.value, figure.indicator.decimals)


def judge(figure: "Figure", other: "Figure") -> Judgement:
    """Is `figure` clearly better than, clearly worse than, or not told apart from `other`?

    Both figures must be of the same indicator. See the module docstring for the rules.
    """
    ind = figure.indicator
    own, theirs = figure_problem(figure), figure_problem(other)
    if own or theirs:
        order = list(Problem)
        first = min((p for p in (own, theirs) if p), key=order.index)
        return Judgement(
            Outcome.NOT_COMPARABLE, problem=first, own_problem=own, other_problem=theirs
        )
    assert figure.current is not None and other.current is not None  # no problem: both set
    if abs(figure.current.year - other.current.year) > MAX_YEARS_APART:
        return Judgement(Outcome.NOT_COMPARABLE, problem=Problem.PERIODS_APART)

    a, b = shown_value(figure), shown_value(other)
    assert a is not None and b is not None
    method = method_for(ind.unit, ind.source_kind)
    intervals = None
    limit = None
    if method == Method.SHARE:
        intervals = (
            wilson(a, figure.current.n_answers or 0),
            wilson(b, other.current.n_answers or 0),
        )
        apart = not intervals[0].overlaps(intervals[1])
    elif method == Method.INDEX:
        intervals = (
            index_interval(a, figure.current.n_answers or 0),
            index_interval(b, other.current.n_answers or 0),
        )
        apart = not intervals[0].overlaps(intervals[1])
    else:
        limit = tolerance(a, b, ind.decimals)
        apart = beyond_tolerance(a, b, ind.decimals)

    if not apart:
        outcome = Outcome.SIMILAR
    elif (a > b) == (ind.direction == Direction.HIGHER):
        outcome = Outcome.BETTER
    else:
        outcome = Outcome.WORSE
    return Judgement(outcome, method=method, intervals=intervals, tolerance=limit, values=(a, b))
