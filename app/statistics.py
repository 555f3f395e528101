"""When two survey shares can honestly be told apart.

Survey figures are shares of n answers. With few answers a share is uncertain, so we
compare 95 % Wilson score intervals: two shares are told apart only when their
intervals do not overlap. That is deliberately cautious: a verdict shown to a
resident should hold up. See the "Om siffrorna" page for the plain-Swedish version.
"""

from dataclasses import dataclass
from math import sqrt

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


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
    ia, ib = wilson(a, n_a), wilson(b, n_b)
    return ia.low > ib.high or ib.low > ia.high
