"""The geometry of a figure's small trend chart, so the template only draws it.

Periods without a usable value (too few answers, missing) are skipped: the line breaks
there instead of inventing a value, and the chart spans every year the figure has.
"""

from dataclasses import dataclass

from app.figures import Figure, Point
from app.models.vocab import Unit, ValueStatus

WIDTH = 160
HEIGHT = 40
PAD = 5  # room for the dots at the edges

# The smallest value range drawn at full height, in the indicator's unit, so a change
# of one percentage point does not look like a collapse.
MIN_SPAN = {Unit.PERCENT: 10.0, Unit.INDEX: 1.0, Unit.POINTS: 20.0}


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    latest: bool


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    lines: list[str]  # SVG polyline point lists, one per run of periods with values
    dots: list[Dot]
    first_year: int
    last_year: int


def _has_value(p: Point) -> bool:
    return p.status == ValueStatus.OK and p.value is not None


def trend_chart(figure: Figure) -> TrendChart | None:
    """None when fewer than two periods have a value: one dot is not a trend."""
    values = [p.value for p in figure.trend if _has_value(p) and p.value is not None]
    if len(values) < 2:
        return None
    first = min(p.year for p in figure.trend)
    last = max(p.year for p in figure.trend)
    lo, hi = min(values), max(values)
    min_span = MIN_SPAN.get(Unit(figure.indicator.unit), max(abs(hi) * 0.1, 1.0))
    span = max(hi - lo, min_span)
    bottom = (lo + hi - span) / 2

    def xy(p: Point) -> tuple[float, float]:
        x = PAD + (p.year - first) / max(last - first, 1) * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - ((p.value or 0) - bottom) / span * (HEIGHT - 2 * PAD)
        return round(x, 1), round(y, 1)

    runs: list[list[str]] = [[]]
    dots: list[Dot] = []
    for p in figure.trend:
        if not _has_value(p):
            if runs[-1]:
                runs.append([])  # a period without a value breaks the line
            continue
        x, y = xy(p)
        runs[-1].append(f"{x},{y}")
        dots.append(Dot(x, y, latest=False))
    dots[-1] = Dot(dots[-1].x, dots[-1].y, latest=True)
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        lines=[" ".join(run) for run in runs if len(run) > 1],
        dots=dots,
        first_year=first,
        last_year=last,
    )
