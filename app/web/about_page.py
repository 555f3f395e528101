"""Om siffrorna, `/om-siffrorna`: where the figures come from and how the pages judge them,
in plain words. The worked examples are computed here with the rules the pages use
(app.statistics, app.priorities), so the page cannot drift from the code."""

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from app.deps import SessionDep, TemplatesDep
from app.figures import Figure, reference_label
from app.formatting import number, value_range, with_unit
from app.i18n import current_lang
from app.i18n import gettext as _
from app.models import Indicator, IndicatorValue, Kommun, ServiceType
from app.models.vocab import Direction, ReferenceBasis, SourceKind, Unit, ValueStatus
from app.priorities import scale, whole
from app.statistics import (
    INDEX_SD,
    MAX_YEARS_APART,
    RELATIVE_TOLERANCE,
    UNKNOWN_N_EXAMPLE,
    Interval,
    Judgement,
    beyond_tolerance,
    index_interval,
    judge,
    tolerance,
    wilson,
)

router = APIRouter(default_response_class=HTMLResponse)

# (value, answers) pairs: the examples the page walks through.
SHARE_EXAMPLES = (((80, 40), (90, 50)), ((70, 200), (85, 200)))
INDEX_EXAMPLES = (((7.2, 60), (8.0, 60)), ((7.2, 200), (8.0, 200)))
TOLERANCE_EXAMPLES = ((15, 12), (15, 14), (1, 0), (2, 0))  # counts, lower is better
SCALE_EXAMPLE = (70, 80, 90)  # percent, higher is better
WEIGHT_EXAMPLE = ((100, 2), (50, 1))  # (points, weight)


@dataclass(frozen=True)
class IntervalExample:
    """Two survey figures, their intervals and whether they can be told apart."""

    a: float
    n_a: int
    b: float
    n_b: int
    interval_a: Interval
    interval_b: Interval
    unit: str
    decimals: int  # of the values; the intervals get one more

    @property
    def apart(self) -> bool:
        return not self.interval_a.overlaps(self.interval_b)

    def value(self, v: float) -> str:
        return with_unit(v, self.unit, self.decimals)

    def span(self, interval: Interval) -> str:
        return value_range(interval.low, interval.high, self.unit, self.decimals + 1)


@dataclass(frozen=True)
class ToleranceExample:
    a: float
    b: float
    limit: float
    apart: bool


def share_examples() -> list[IntervalExample]:
    return [
        IntervalExample(a, n_a, b, n_b, wilson(a, n_a), wilson(b, n_b), Unit.PERCENT, 0)
        for (a, n_a), (b, n_b) in SHARE_EXAMPLES
    ]


def index_examples() -> list[IntervalExample]:
    return [
        IntervalExample(
            a, n_a, b, n_b, index_interval(a, n_a), index_interval(b, n_b), Unit.INDEX, 1
        )
        for (a, n_a), (b, n_b) in INDEX_EXAMPLES
    ]


def tolerance_examples() -> list[ToleranceExample]:
    return [
        ToleranceExample(a, b, tolerance(a, b), beyond_tolerance(a, b))
        for a, b in TOLERANCE_EXAMPLES
    ]


@dataclass(frozen=True)
class UnknownNExample:
    """Two survey shares without their number of answers: what the rule decides, and the
    intervals they would have if only `n_if` people had answered each."""

    example: IntervalExample  # the shares with n_if answers each
    judgement: Judgement  # judge() on the same shares with n unknown

    @property
    def gap(self) -> float:
        return abs(self.example.a - self.example.b)


def unknown_n_example() -> UnknownNExample:
    a, b, n_if = UNKNOWN_N_EXAMPLE
    indicator = Indicator(
        id="exempel",
        service_type_id="hemtjanst",
        section=5,
        title_sv="",
        title_en="",
        unit=Unit.PERCENT,
        direction=Direction.HIGHER,
        source_kind=SourceKind.SURVEY,
        source_name="",
    )

    def unknown(value: float) -> Figure:
        current = IndicatorValue(
            provider_id=0,
            indicator_id=indicator.id,
            year=2024,
            period="2024",
            value=value,
            n_answers=None,
            status=ValueStatus.OK,
            source="",
            fetched=date(2024, 1, 1),
        )
        return Figure(indicator=indicator, current=current)

    example = IntervalExample(a, n_if, b, n_if, wilson(a, n_if), wilson(b, n_if), Unit.PERCENT, 0)
    return UnknownNExample(example, judge(unknown(a), unknown(b)))


def minimum_answers(session: Session) -> list[tuple[ServiceType, str, int]]:
    """(service type, publisher, minimum answers) for every survey with a minimum."""
    rows = session.exec(
        select(ServiceType, Indicator.source_name, Indicator.min_n)
        .join(Indicator, col(Indicator.service_type_id) == ServiceType.id)
        .where(Indicator.source_kind == SourceKind.SURVEY, col(Indicator.min_n).is_not(None))
        .distinct()
        .order_by(ServiceType.sort_order, ServiceType.id, Indicator.source_name, Indicator.min_n)
    ).all()
    return [(st, source, n) for st, source, n in rows if n is not None]


def reference_labels(session: Session) -> dict[str, str]:
    """The three names a kommun reference can have, by basis, as the pages write them
    (app.figures.reference_label), for a kommun of ours ("Täby" when there is one)."""
    names = list(session.exec(select(Kommun.name).order_by(Kommun.name)).all())
    place = "Täby" if "Täby" in names else (names[0] if names else _("kommunen"))
    return {basis.value: reference_label(basis.value, place) for basis in ReferenceBasis}


@router.get("/om-siffrorna", name="about_figures")
def about_figures(request: Request, session: SessionDep, templates: TemplatesDep) -> HTMLResponse:
    lo, _mid, hi = SCALE_EXAMPLE
    (p1, w1), (p2, w2) = WEIGHT_EXAMPLE
    return templates.render(
        request,
        "about_figures.html",
        share_examples=share_examples(),
        index_examples=index_examples(),
        tolerance_examples=tolerance_examples(),
        unknown_n=unknown_n_example(),
        scale_example=[(v, whole(scale(v, lo, hi))) for v in SCALE_EXAMPLE],
        weight_example={
            "p1": p1,
            "w1": w1,
            "p2": p2,
            "w2": w2,
            "sum": w1 + w2,
            "total": whole((p1 * w1 + p2 * w2) / (w1 + w2)),
        },
        minimum_answers=minimum_answers(session),
        reference_labels=reference_labels(session),
        english=current_lang.get() == "en",
        max_years_apart=MAX_YEARS_APART,
        relative_tolerance=round(RELATIVE_TOLERANCE * 100),
        index_sd=number(INDEX_SD, 1),
        number=number,
        with_unit=with_unit,
    )
