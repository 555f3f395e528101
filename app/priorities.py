"""My priorities: the resident's own ranking, which explains itself.

The resident picks indicators (nothing is picked for them) with a weight of 1–3 each, and
may set must-haves (a language, a profile, accepting new clients) and an address. Then:

- Candidates: the kommun's providers of the service (or those serving the address, via
  app.coverage) that meet every must-have. Driftsform is never an input.
- Each chosen indicator is scaled 0–100 among the candidates: the best value (in the
  indicator's direction) gets 100, the worst 0, the rest in proportion. If every candidate
  with a value has the same one, that value is the best and all of them get 100.
- A missing value, or one with too few answers, neither helps nor hurts: a provider's score
  is the weighted mean over the chosen indicators it has values for. With values for fewer
  than half of the chosen indicators a provider is not ranked but listed under "För lite
  underlag för att rangordna".
- A figure older than the newest period of its indicator in the kommun (Figure.is_old,
  "äldre uppgift") is marked wherever it is shown. It counts when it is at most
  MAX_YEARS_APART years older than the newest, the distance at which the site compares
  two figures at all (app.statistics.judge); an older one does not count, like a missing
  value, so a 2022 figure is never ranked among 2024 ones.
- Scores are shown as whole numbers; equal shown scores share a place ("delad plats") and
  are listed by name.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from math import floor

from sqlmodel import Session

from app.coverage import Place, serving
from app.figures import Figure, figures_for, still_published
from app.models import Indicator, Kommun, Organisation, Provider, ServiceType
from app.models.vocab import Direction
from app.providers import kommun_providers, organisations_of
from app.query_params import QueryLike
from app.search.text import swedish_sort_key
from app.statistics import MAX_YEARS_APART, Problem, figure_problem, shown_value

WEIGHTS = (1, 2, 3)
DEFAULT_WEIGHT = 1
ACCEPTING = "ja"


def scale(value: float, worst: float, best: float) -> float:
    """`value` on 0–100 between the worst (0) and best (100) values; works either way round,
    so a lower-is-better indicator passes its highest value as `worst`."""
    scaled = (value - worst) / (best - worst) * 100
    return max(0.0, min(100.0, scaled))  # also turns -0.0 (lower is better, the worst) into 0


@dataclass(frozen=True)
class PriorityForm:
    """Every choice on the page, read from and written to the URL (so it can be shared).

    Parameters: m (a chosen indicator, repeated), vikt-<indicator> (1–3, only when not 1),
    sprak, inriktning, nya=ja, postnummer, omrade.
    """

    chosen: dict[str, int] = field(default_factory=dict)  # indicator id -> weight, page order
    language: str = ""
    profile: str = ""
    accepting_new: bool = False
    postal_code: str = ""
    area: str = ""

    @classmethod
    def from_query(cls, params: QueryLike, indicators: Sequence[Indicator]) -> "PriorityForm":
        """From a request's query parameters; unknown indicators and weights are dropped, and
        so are measures no longer published (an old link's; nothing current to rank by)."""
        get = params.get
        picked = {m.strip() for m in params.getlist("m")}
        chosen = {}
        for ind in indicators:  # page order, whatever order the URL had
            if ind.id in picked and still_published(ind):
                raw = (get(f"vikt-{ind.id}") or "").strip()
                weight = int(raw) if raw.isdigit() and int(raw) in WEIGHTS else DEFAULT_WEIGHT
                chosen[ind.id] = weight
        return cls(
            chosen=chosen,
            language=(get("sprak") or "").strip()[:60],
            profile=(get("inriktning") or "").strip()[:60],
            accepting_new=(get("nya") or "") == ACCEPTING,
            postal_code=(get("postnummer") or "").strip()[:10],
            area=(get("omrade") or "").strip()[:60],
        )

    def query(self) -> list[tuple[str, str]]:
        """The shortest query that means the same: the URL to share."""
        out: list[tuple[str, str]] = []
        if self.postal_code:
            out.append(("postnummer", self.postal_code))
        if self.area:
            out.append(("omrade", self.area))
        if self.language:
            out.append(("sprak", self.language))
        if self.profile:
            out.append(("inriktning", self.profile))
        if self.accepting_new:
            out.append(("nya", ACCEPTING))
        for ind_id, weight in self.chosen.items():
            out.append(("m", ind_id))
            if weight != DEFAULT_WEIGHT:
                out.append((f"vikt-{ind_id}", str(weight)))
        return out


@dataclass(frozen=True)
class Contribution:
    """One chosen indicator for one provider."""

    indicator: Indicator
    figure: Figure
    weight: int
    scaled: float | None  # 0–100, None when it does not count for this provider
    part: float | None  # weight × scaled ÷ the provider's total weight: adds up to the score
    problem: Problem | None  # why there is no usable value (missing, too few answers)
    no_spread: bool  # every candidate with a value has the same one: 100 for each


@dataclass(frozen=True)
class Entry:
    provider: Provider
    organisation: Organisation
    distance_m: float | None
    contributions: list[Contribution]
    score: int | None  # whole points, 0–100; None when not ranked
    rank: int | None = None
    shared: bool = False

    @property
    def with_values(self) -> int:
        return sum(1 for c in self.contributions if c.problem is None)

    @property
    def chosen(self) -> int:
        return len(self.contributions)

    @property
    def old_counted(self) -> list[Contribution]:
        """Older figures that still count (at most MAX_YEARS_APART behind): the card says so."""
        return [c for c in self.contributions if c.figure.is_old and c.problem is None]


@dataclass(frozen=True)
class Ranking:
    indicators: list[Indicator]  # the chosen ones, page order
    weights: dict[str, int]
    offered: int  # providers before the must-haves (after the address)
    candidates: int  # providers meeting every must-have
    ranked: list[Entry]
    too_little: list[Entry]  # by name
    no_spread: list[Indicator]  # chosen indicators where every candidate had the same value


def offered_providers(
    session: Session, kommun: Kommun, service_type: ServiceType, place: Place | None
) -> list[tuple[Provider, float | None]]:
    """The kommun's providers of the service, or those serving `place`, with distances."""
    if place is None:
        return [(p, None) for p in kommun_providers(session, kommun, service_type)]
    return [(s.provider, s.distance_m) for s in serving(session, kommun, service_type, place)]


def meets(provider: Provider, form: PriorityForm) -> bool:
    """Every must-have: a language spoken, a profile, accepting new clients."""
    if form.language and form.language.casefold() not in {x.casefold() for x in provider.languages}:
        return False
    if form.profile and form.profile.casefold() not in {x.casefold() for x in provider.profiles}:
        return False
    return not (form.accepting_new and not provider.accepting_new)


def rank(
    session: Session,
    offered: Sequence[tuple[Provider, float | None]],
    indicators: Sequence[Indicator],
    form: PriorityForm,
) -> Ranking:
    """The ranking of the offered providers that meet the must-haves, by the chosen
    indicators and weights. See the module docstring for every rule."""
    chosen = [i for i in indicators if i.id in form.chosen]
    candidates = [(p, d) for p, d in offered if meets(p, form)]
    providers = [p for p, _d in candidates]
    figures = figures_for(session, providers, chosen)
    organisations = organisations_of(session, providers) if providers else {}

    usable: dict[tuple[int, str], float] = {}
    for p in providers:
        for ind in chosen:
            fig = figures[p.id][ind.id]  # type: ignore[index]
            value = shown_value(fig)
            if value is not None and problem(fig) is None:
                usable[(p.id, ind.id)] = value  # type: ignore[index]
    spans: dict[str, tuple[float, float] | None] = {}
    for ind in chosen:
        values = [v for (_pid, iid), v in usable.items() if iid == ind.id]
        lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
        if hi == lo:
            spans[ind.id] = None
        elif ind.direction == Direction.LOWER:
            spans[ind.id] = (hi, lo)  # (worst, best)
        else:
            spans[ind.id] = (lo, hi)

    entries = [
        _entry(p, organisations[p.organisation_id], d, chosen, form, figures[p.id], usable, spans)  # type: ignore[index]
        for p, d in candidates
    ]
    ranked = [e for e in entries if e.score is not None]
    too_little = sorted(
        (e for e in entries if e.score is None),
        key=lambda e: (swedish_sort_key(e.provider.name), e.provider.id),
    )
    return Ranking(
        indicators=chosen,
        weights=dict(form.chosen),
        offered=len(offered),
        candidates=len(candidates),
        ranked=_places(ranked),
        too_little=too_little,
        no_spread=[i for i in chosen if spans[i.id] is None],
    )


def too_old(fig: Figure) -> bool:
    """More than MAX_YEARS_APART behind the newest period of its indicator in the kommun."""
    return (
        fig.is_old
        and fig.current is not None
        and fig.newest_year is not None
        and fig.newest_year - fig.current.year > MAX_YEARS_APART
    )


def problem(fig: Figure) -> Problem | None:
    """Why a figure does not count in the ranking, or None when it does: missing, too few
    answers, or too old (Problem.PERIODS_APART). The number of answers is not needed here:
    the ranking judges no difference, it only orders."""
    found = figure_problem(fig)
    if found not in (None, Problem.NO_ANSWER_COUNT):
        return found
    return Problem.PERIODS_APART if too_old(fig) else None


def _entry(
    provider: Provider,
    organisation: Organisation,
    distance_m: float | None,
    chosen: Sequence[Indicator],
    form: PriorityForm,
    figures: Mapping[str, Figure],
    usable: Mapping[tuple[int, str], float],
    spans: Mapping[str, tuple[float, float] | None],
) -> Entry:
    scaled: dict[str, float | None] = {}
    problems: dict[str, Problem | None] = {}
    for ind in chosen:
        value = usable.get((provider.id, ind.id))  # type: ignore[arg-type]
        span = spans[ind.id]
        if value is None:  # missing, too few answers or too old (problem says which)
            problems[ind.id] = problem(figures[ind.id]) or Problem.MISSING
        else:
            problems[ind.id] = None
        if value is None:
            scaled[ind.id] = None
        else:  # no span: everyone with a value has the same one, the best there is
            scaled[ind.id] = scale(value, *span) if span else 100.0
    total_weight = sum(form.chosen[i.id] for i in chosen if scaled[i.id] is not None)
    with_values = sum(1 for i in chosen if problems[i.id] is None)
    enough = with_values * 2 >= len(chosen) and total_weight > 0  # (> 0 when chosen is empty)
    contributions = [
        Contribution(
            indicator=ind,
            figure=figures[ind.id],
            weight=form.chosen[ind.id],
            scaled=scaled[ind.id],
            part=(
                form.chosen[ind.id] * scaled[ind.id] / total_weight  # type: ignore[operator]
                if enough and scaled[ind.id] is not None
                else None
            ),
            problem=problems[ind.id],
            no_spread=spans[ind.id] is None,
        )
        for ind in chosen
    ]
    score = whole(sum(c.part for c in contributions if c.part is not None)) if enough else None
    return Entry(provider, organisation, distance_m, contributions, score)


def _places(entries: list[Entry]) -> list[Entry]:
    """Highest score first; equal scores share a place (1, 1, 3) and are listed by name."""
    ordered = sorted(
        entries, key=lambda e: (-(e.score or 0), swedish_sort_key(e.provider.name), e.provider.id)
    )
    out = []
    for e in ordered:
        place = 1 + sum(1 for o in ordered if (o.score or 0) > (e.score or 0))
        same = sum(1 for o in ordered if o.score == e.score)
        out.append(replace(e, rank=place, shared=same > 1))
    return out


def whole(x: float) -> int:
    """Rounded half up (72.5 -> 73), as people round; Python's round() would give 72."""
    return floor(x + 0.5)
