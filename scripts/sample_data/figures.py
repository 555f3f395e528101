"""The figures: each unit's values per indicator and year, and the kommun and national
reference values, drawn as indicators.csv says (kind, mean, sd, …)."""

from __future__ import annotations

import math
import random
import zlib
from collections import defaultdict
from collections.abc import Iterator

from .common import clip, fmt, poisson
from .spec import Indicator, Kommun, Spec
from .world import Provider

VALUE_COLUMNS = (
    "provider_slug", "indicator_id", "year", "period", "value", "n_answers", "response_rate",
    "status", "source", "published", "fetched",
)  # fmt: skip
REFERENCE_COLUMNS = ("indicator_id", "municipality_code", *VALUE_COLUMNS[2:], "basis")
RIKET = "0000"
MEAN_YEAR = 2022  # the year an indicator's mean and national level describe
Figure = tuple[float | None, str, int | None, float | None]  # value, status, answers, rate


class Figures:
    """Values are written as they are drawn; per kommun, indicator and year only sums are
    kept for the kommun's reference value: [figures, Σ value, Σ answers, Σ value × answers,
    Σ response rate × answers], summed in unit order as the first generator did."""

    def __init__(self, rng: random.Random, spec: Spec, years: list[int], nation: bool) -> None:
        self.rng, self.spec, self.years = rng, spec, years
        self.respondents = spec.units["respondents"]
        self.indicators = [i for i in spec.indicators if nation or i.sample]
        self.by_type: dict[str, list[Indicator]] = defaultdict(list)
        for ind in self.indicators:
            self.by_type[ind.service_type].append(ind)
        self.labels = {  # (indicator, year) -> (period, published)
            (ind.id, y): (
                f"{y - 1}/{str(y)[2:]}" if ind.period == "school" else str(y),
                f"{y + ind.published_lag}-{ind.published_day}",
            )
            for ind in self.indicators
            for y in years
        }
        self.sums: dict[tuple[str, str, int], list] = {}

    def values(self, providers: list[Provider], kommuner: list[Kommun]) -> Iterator[list[str]]:
        """The rows of values.csv for `providers` (the units of `kommuner`)."""
        # How each kommun's units of a service type differ from the rest.
        shifts = {
            (k.code, st): self.rng.gauss(0, 0.3) for k in kommuner for st in self.spec.services
        }
        for p in providers:
            yield from self.unit_values(p, shifts[(p.kommun.code, p.service_type)])

    def unit_values(self, p: Provider, shift: float) -> Iterator[list[str]]:
        rng = self.rng
        samples: dict[tuple[str, int], tuple[int, float]] = {}  # one per survey group and year
        for ind in self.by_type[p.service_type]:
            years = self.years_of(p, ind)
            truth = self.true_series(p, ind, years, shift)
            for year in years:
                value, n, rate, status = truth[year], None, None, "ok"
                if ind.source_kind == "survey":
                    if (ind.respondents, year) not in samples:
                        samples[(ind.respondents, year)] = self.survey_sample(p, ind, year)
                    asked, rate = samples[(ind.respondents, year)]
                    n = max(0, asked - rng.randint(0, 1))  # each question loses a few
                    if ind.min_n and n < ind.min_n:
                        status = "too_few"
                roll = rng.random()
                if status == "ok" and ind.grade9 and few_in_year9(p, year):
                    status = "too_few"
                elif status == "ok" and roll < ind.p_missing:
                    status = "missing"
                elif ind.kind == "normal" and roll > 0.99:
                    continue  # no row at all: the source simply has nothing
                key = (p.kommun.code, ind.id, year)
                s = self.sums.get(key) or self.sums.setdefault(key, [0, 0.0, 0, 0.0, 0.0])
                s[0] += 1
                s[1] += value
                s[2] += n or 0
                s[3] += value * (n or 0)
                s[4] += (rate or 0) * (n or 0)
                if published(ind, year):
                    figure = (value, status, n, rate)
                    yield [p.slug, ind.id, *self.cells(ind, year, figure, ind.decimals)]

    def years_of(self, p: Provider, ind: Indicator) -> list[int]:
        if ind.grade9 and p.grades == "F–6":
            return []
        if ind.kind == "hours" and not p.weekly_hours:
            return []
        if ind.share is not None and zlib.crc32(p.slug.encode()) % 1000 >= ind.share * 1000:
            return []  # e.g. anpassad grundskola: only some schools have one
        first = max(ind.first_year or self.years[0], p.started_year)
        return [y for y in self.years if y >= first]

    def true_series(
        self, p: Provider, ind: Indicator, years: list[int], shift: float
    ) -> dict[int, float]:
        """The unit's real (unpublished) value per year, by the indicator's kind:
        normal (mean, sd, clipped to lo..hi), capacity (the unit's size), per_size (a count
        in proportion to size, `mean` per 100), rolling3 (events in the last three years,
        `mean` = the yearly chance of one), hours (the unit's weekly opening hours)."""
        rng = self.rng
        if ind.kind == "capacity":
            return {y: float(p.capacity_by_year[y]) for y in years}
        if ind.kind == "hours":
            return {y: p.weekly_hours for y in years}
        if ind.kind == "per_size":  # better units get fewer complaints, but size matters most
            rate = ind.mean * math.exp(-0.25 * p.quality)
            return {y: float(poisson(rng, p.capacity_by_year[y] / 100 * rate)) for y in years}
        if ind.kind == "rolling3":
            chance = ind.mean * math.exp(-0.4 * p.quality)
            span = range(self.years[0] - 2, self.years[-1] + 1)
            events = {y: int(rng.random() < chance) for y in span}
            return {y: float(events[y] + events[y - 1] + events[y - 2]) for y in years}
        base = (
            ind.mean
            + ind.sign * p.quality * ind.sd * 0.55
            + shift * ind.sd
            + rng.gauss(0, ind.sd * 0.75)
        )
        slope = rng.gauss(0, ind.trend)
        return {
            y: clip(base + slope * (y - MEAN_YEAR) + rng.gauss(0, ind.noise), ind.lo, ind.hi)
            for y in years
        }

    def survey_sample(self, p: Provider, ind: Indicator, year: int) -> tuple[int, float]:
        """Number of answers and response rate for one unit, survey group and year."""
        asked = p.capacity_by_year[year] * self.respondents[ind.respondents]["asked"]
        rate = clip(self.rng.gauss(66, 10), 45, 85)
        n = max(0, round(asked * rate / 100) - self.rng.randint(0, 2))
        return n, round(rate, 1)

    def references(self, kommuner: list[Kommun]) -> Iterator[list[str]]:
        """Kommun values from their units' figures; Sweden's from the national level."""
        for ind in self.indicators:
            # A kommun average of counts keeps one decimal: 0.4 complaints per unit.
            decimals = max(ind.decimals, 1) if ind.unit == "count" else ind.decimals
            # The source's own figure (surveys weighted by answers, the national registers),
            # or a mean of the units' figures (the kommun's follow-up, inspections, …).
            official = ind.source_kind == "survey" or (
                ind.source_kind == "register" and not ind.source_name.startswith("Kommunens")
            )
            for year in self.years:
                for code in [*(k.code for k in kommuner), RIKET]:
                    figure = self.national(ind) if code == RIKET else self.kommun(ind, code, year)
                    if published(ind, year):  # drawn all the same, so later draws stay put
                        cells = self.cells(ind, year, figure, decimals)
                        yield [ind.id, code, *cells, "official" if official else "unit_mean"]

    def kommun(self, ind: Indicator, code: str, year: int) -> Figure:
        count, total, answers, weighted, rates = self.sums.get((code, ind.id, year)) or [0] * 5
        if not count or (ind.source_kind == "survey" and not answers):
            return None, "missing", None, None
        if ind.source_kind == "survey":
            status = "too_few" if ind.min_n and answers < ind.min_n else "ok"
            return weighted / answers, status, answers, rates / answers
        value = total / count
        if ind.kind == "normal":  # the kommun also counts units not listed here
            value = clip(value + self.rng.gauss(0, ind.noise * 0.3), ind.lo, ind.hi)
        return value, "ok", None, None

    def national(self, ind: Indicator) -> Figure:
        if ind.national is None:  # the kommun's follow-up and own surveys, the providers'
            return None, "missing", None, None
        value = ind.national + self.rng.gauss(0, ind.noise * 0.25)
        if ind.source_kind != "survey":
            return value, "ok", None, None
        n = self.respondents[ind.respondents]["national"] + self.rng.randint(-3000, 3000)
        return value, "ok", n, round(self.rng.uniform(52, 64), 1)

    def cells(self, ind: Indicator, year: int, figure: Figure, decimals: int) -> list[str]:
        """The columns from `year` to `fetched`, the same in values and reference values."""
        value, status, n, rate = figure
        if ind.unit == "percent" and value is not None:
            value = clip(value, 0, 100)
        period, when = self.labels[(ind.id, year)]
        return [
            str(year), period, fmt(value if status == "ok" else None, decimals),
            "" if n is None else str(n), fmt(rate, 1), status, ind.source,
            "" if status == "missing" else when, ind.fetched,
        ]  # fmt: skip


def published(ind: Indicator, year: int) -> bool:
    """Whether the source published the indicator for `year`. Figures for later years are
    still drawn (and dropped) so that every other figure stays the same for a given seed."""
    return ind.discontinued_after is None or year <= ind.discontinued_after


def few_in_year9(p: Provider, year: int) -> bool:
    """Skolverket withholds year-9 results based on few pupils."""
    return p.grades != "F–6" and p.capacity_by_year[year] / (9 if p.grades == "F–9" else 3) < 15
