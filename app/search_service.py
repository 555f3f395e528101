"""The search page's data: the search index when it answers, a plain SQL listing when not.

Either way the cards are built from SQL in a constant number of queries, so a card looks
the same whichever path produced the list; the index only decides which providers and in
what order.
"""

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.coverage import (
    Place,
    PlaceInOtherKommun,
    PlaceNotFound,
    distance_m,
    resolve_place,
    serving,
)
from app.figures import Figure, figures_for, still_published
from app.level_summary import LevelSummary
from app.models import Area, Indicator, Kommun, Organisation, PostalCode, Provider, ServiceType
from app.models.vocab import Direction
from app.providers import areas_of, summaries_from, summary_indicators
from app.query_params import QueryLike
from app.search import InvalidSearch, SearchError, SearchParams, search_providers
from app.search.breaker import SearchPaused
from app.search.client import AppSearch
from app.search.text import swedish_sort_key
from app.settings import Settings
from app.versioned_cache import CacheView

log = logging.getLogger(__name__)

PER_PAGE = 20
MAX_CHOICES = 30  # per facet; more than any facet has, few enough to bound the filter
SORT_NAME = "namn"
SORT_DISTANCE = "avstand"
FACETS = ("driftsform", "languages", "profiles", "accepting_new", "areas")


@dataclass(frozen=True)
class SearchForm:
    """What the GET form asks for, read leniently: a bad value is ignored, never a 422.

    The URL uses Swedish parameter names: q, driftsform, sprak, inriktning, nya=ja, omrade
    (where units work or are), arskurs (F or 1–9: schools teaching it), sortera (namn, avstand
    or an indicator id), postnummer and fran (where the resident lives: a postal code, or
    else a kommundel), sida.
    """

    q: str = ""
    driftsform: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    accepting_new: bool = False
    area: str | None = None
    school_year: int | None = None  # förskoleklass = 0
    sort: str = SORT_NAME
    origin_area: str | None = None
    postal_code: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, params: QueryLike) -> "SearchForm":
        def many(name: str) -> tuple[str, ...]:
            values = (v.strip() for v in params.getlist(name))
            return tuple(dict.fromkeys(v for v in values if v and len(v) <= 100))[:MAX_CHOICES]

        def one(name: str) -> str:
            values = params.getlist(name)
            return values[-1].strip() if values else ""

        page = one("sida")
        return cls(
            q=" ".join(one("q").split())[:200],
            driftsform=many("driftsform"),
            languages=many("sprak"),
            profiles=many("inriktning"),
            accepting_new=one("nya") == "ja",
            area=one("omrade") or None,
            school_year=_school_year(one("arskurs")),
            sort=one("sortera") or SORT_NAME,
            origin_area=one("fran") or None,
            postal_code=one("postnummer")[:10],
            page=int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1,
        )

    def pairs(self) -> list[tuple[str, str]]:
        """The form as query pairs, leaving out defaults so links stay short."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        out += [("driftsform", v) for v in self.driftsform]
        out += [("sprak", v) for v in self.languages]
        out += [("inriktning", v) for v in self.profiles]
        if self.accepting_new:
            out.append(("nya", "ja"))
        if self.area:
            out.append(("omrade", self.area))
        if self.school_year is not None:
            out.append(("arskurs", "F" if self.school_year == 0 else str(self.school_year)))
        if self.sort != SORT_NAME:
            out.append(("sortera", self.sort))
        if self.origin_area:
            out.append(("fran", self.origin_area))
        if self.postal_code:
            out.append(("postnummer", self.postal_code))
        if self.page != 1:
            out.append(("sida", str(self.page)))
        return out

    def query_string(self, **changes) -> str:
        """'?q=…&sida=2' for this form with `changes` applied (and page 1 unless given)."""
        changes.setdefault("page", 1)
        pairs = replace(self, **changes).pairs()
        return "?" + urlencode(pairs) if pairs else ""

    @property
    def has_filters(self) -> bool:
        return bool(
            self.driftsform
            or self.languages
            or self.profiles
            or self.accepting_new
            or self.area
            or self.school_year is not None
        )


def _school_year(text: str) -> int | None:
    """'F' (förskoleklass) is 0, '1'–'9' the årskurs; anything else is no filter."""
    if text.upper() == "F":
        return 0
    return int(text) if text in {str(n) for n in range(1, 10)} else None


@dataclass(frozen=True)
class PlaceLookup:
    """Where the resident said they live, or why we could not tell."""

    place: Place | None = None
    unknown_postal_code: bool = False
    other_kommun: Kommun | None = None  # the postal code is in this other kommun of ours
    postal_code: str = ""  # the postal code as five digits, when it was one we know


@dataclass(frozen=True)
class ResultCard:
    provider: Provider
    organisation: Organisation
    areas: list[Area]
    figures: list[Figure]
    distance_m: float | None = None
    # The kommun's levels summed up, as on the provider page (app.level_summary).
    summary: LevelSummary | None = None


@dataclass(frozen=True)
class SearchOutcome:
    cards: list[ResultCard]
    total: int
    page: int
    pages: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    search_available: bool = True

    @property
    def sources(self) -> list[str]:
        """Who the figures on the cards come from, for the credit under the list."""
        return sorted({f.current.source for c in self.cards for f in c.figures if f.current})


def find_kommun(session: Session, slug: str) -> Kommun | None:
    return session.exec(select(Kommun).where(Kommun.slug == slug)).first()


def kommun_areas(session: Session, kommun: Kommun) -> list[Area]:
    rows = session.exec(select(Area).where(Area.kommun_code == kommun.code)).all()
    return sorted(rows, key=lambda a: swedish_sort_key(a.name))


def sortable_indicators(indicators: Sequence[Indicator]) -> list[Indicator]:
    """The indicators it makes sense to order by: those where more (or less) is better, and
    still published (a discontinued measure's last value is history, not a current figure)."""
    return [
        i
        for i in indicators
        if i.direction in (Direction.HIGHER, Direction.LOWER) and still_published(i)
    ]


def best_first(indicator: Indicator) -> str:
    return "desc" if indicator.direction == Direction.HIGHER else "asc"


def find_place(session: Session, kommun: Kommun, form: SearchForm) -> PlaceLookup:
    """The resident's place from the form, through app.coverage: a postal code wins over
    a kommundel, being the more precise of the two."""
    try:
        place = resolve_place(
            session,
            kommun,
            postal_code=form.postal_code or None,
            area_slug=form.origin_area or None,
        )
    except PlaceInOtherKommun as exc:
        return PlaceLookup(other_kommun=exc.kommun, postal_code=exc.postal_code)
    except PlaceNotFound:
        # A kommundel we don't know can only come from an old or edited link: ignore it.
        return PlaceLookup(unknown_postal_code=bool(form.postal_code))
    return PlaceLookup(place=place, postal_code=place.postal_code if place else "")


def example_postal_code(session: Session, kommun: Kommun) -> str:
    """A real postal code of the kommun, for the hint under the field."""
    code = session.exec(
        select(PostalCode.code)
        .where(PostalCode.kommun_code == kommun.code)
        .order_by(PostalCode.code)
    ).first()
    return code or "18365"


def search(
    session: Session,
    index: AppSearch,
    settings: Settings,
    *,
    kommun: Kommun,
    service_type: ServiceType,
    form: SearchForm,
    place: Place | None,
    sort_indicator: Indicator | None,
    card_indicators: Sequence[Indicator],
    cache: CacheView | None = None,
    facets: bool = True,
) -> SearchOutcome:
    """One page of results with facet counts (unless `facets` is false: the API has no use
    for them); the SQL listing when search is unavailable.

    With a place, an area-based service lists only the providers serving the place's area
    (the resident's coverage), and distances are measured from the place. No database
    connection is held while the search server answers: the session gives it back first.
    With a `cache`, cards already read at this data version are not read again.
    """
    sort, lat, lon = "name", None, None
    if form.sort == SORT_DISTANCE and place is not None:
        sort, lat, lon = "distance", place.lat, place.lon
    elif sort_indicator is not None:
        sort = f"figure:{sort_indicator.id}:{best_first(sort_indicator)}"
    try:
        params = SearchParams(
            q=form.q,
            kommun_slug=kommun.slug,
            service_type=service_type.id,
            driftsform=list(form.driftsform),
            languages=list(form.languages),
            profiles=list(form.profiles),
            accepting_new=True if form.accepting_new else None,
            area=covered_area(service_type, place) or form.area,
            school_year=form.school_year,
            sort=sort,
            lat=lat,
            lon=lon,
            page=form.page,
            per_page=PER_PAGE,
            facets=facets,
        )
    except ValidationError:
        # Only an odd indicator id can get here; order by name rather than fail.
        params = SearchParams(
            q=form.q,
            kommun_slug=kommun.slug,
            service_type=service_type.id,
            per_page=PER_PAGE,
            facets=facets,
        )
    by_name = params.model_copy(update={"sort": "name"})
    session.commit()  # read-only: this only returns the connection to the pool
    try:
        try:
            result = index.run(lambda client: search_providers(client, settings, params))
        except InvalidSearch:
            # The index was built before this indicator existed: name order still works.
            result = index.run(lambda client: search_providers(client, settings, by_name))
    except SearchError as exc:
        # Unreachable, slow, not built yet or refusing us: residents still get the list.
        if not isinstance(exc, SearchPaused):  # said once, when it failed
            log.warning("search failed, listing from SQL instead: %s", exc)
        return sql_listing(
            session,
            kommun=kommun,
            service_type=service_type,
            form=form,
            place=place,
            card_indicators=card_indicators,
            sort_indicator=sort_indicator,
        )
    distances = {hit["id"]: hit.get("distance_m") for hit in result.hits}
    cards = _cards_of(session, list(distances), card_indicators, cache)
    return SearchOutcome(
        cards=[_placed(card, place, distances) for card in cards],
        total=result.total,
        page=result.page,
        pages=result.pages,
        facets={name: result.facets.get(name, {}) for name in FACETS},
    )


def covered_area(service_type: ServiceType, place: Place | None) -> str | None:
    """The area whose providers alone a resident at `place` can choose, if choice goes by area."""
    if place is not None and service_type.choice_basis == "area":
        return place.area.slug
    return None


def sql_listing(
    session: Session,
    *,
    kommun: Kommun,
    service_type: ServiceType,
    form: SearchForm,
    place: Place | None,
    card_indicators: Sequence[Indicator],
    sort_indicator: Indicator | None = None,
) -> SearchOutcome:
    """Every provider of the kommun and service type that passes the filters, by name or,
    from a place, nearest first, or by a figure as the index orders it (figure_order);
    with a place, only those app.coverage says serve it.

    Free text needs the index. One kommun's providers of one service
    type are few enough to filter and count here, which keeps the list attributes (stored
    as JSON) portable between SQLite and PostgreSQL.
    """
    rows = session.exec(
        select(Provider, Organisation)
        .join(Organisation, col(Organisation.id) == Provider.organisation_id)
        .where(Provider.kommun_code == kommun.code)
        .where(Provider.service_type_id == service_type.id)
    ).all()
    distances: dict[int, float | None] = {}
    if place is not None:
        distances = {
            s.provider.id: s.distance_m  # type: ignore[misc]
            for s in serving(session, kommun, service_type, place)
        }
        rows = [(p, o) for p, o in rows if p.id in distances]
    areas = areas_of(session, [p.id for p, _ in rows])  # type: ignore[misc]
    values = {p.id: _facet_values(p, o, areas[p.id]) for p, o in rows}  # type: ignore[index]
    wanted = {
        "driftsform": set(form.driftsform),
        "languages": set(form.languages),
        "profiles": set(form.profiles),
        "accepting_new": {"true"} if form.accepting_new else set(),
        "areas": {form.area} if form.area else set(),
    }

    def passes(provider_id: int, skip: str | None = None) -> bool:
        return all(
            not want or want & values[provider_id][facet]
            for facet, want in wanted.items()
            if facet != skip
        )

    # Like the index: a chosen facet is counted without its own filter, so the other
    # values of that facet stay visible and can be added.
    facets: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        counts: dict[str, int] = {}
        for p, _ in rows:
            if passes(p.id, skip=facet if wanted[facet] else None):  # type: ignore[arg-type]
                for value in values[p.id][facet]:  # type: ignore[index]
                    counts[value] = counts.get(value, 0) + 1
        facets[facet] = counts

    matching = [(p, o) for p, o in rows if passes(p.id)]  # type: ignore[arg-type]
    if form.school_year is not None:
        matching = [(p, o) for p, o in matching if form.school_year in (p.school_years or [])]
    matching.sort(key=lambda row: (swedish_sort_key(row[0].name), row[0].id))
    if form.sort == SORT_DISTANCE and place is not None:
        # Stable: equal distances (and units without coordinates, last) stay by name.
        matching.sort(key=lambda row: _nearest_first(distances.get(row[0].id)))  # type: ignore[arg-type]
    elif sort_indicator is not None:
        matching = figure_order(session, matching, sort_indicator)
    total = len(matching)
    pages = math.ceil(total / PER_PAGE)
    start = (form.page - 1) * PER_PAGE
    shown = matching[start : start + PER_PAGE]
    return SearchOutcome(
        cards=[
            _placed(card, place, distances)
            for card in _cards(session, shown, card_indicators, areas)
        ],
        total=total,
        page=form.page,
        pages=pages,
        facets=facets,
        search_available=False,
    )


def figure_order(
    session: Session, rows: list[tuple[Provider, Organisation]], indicator: Indicator
) -> list[tuple[Provider, Organisation]]:
    """`rows` (in name order) ordered by a figure as the index orders it: current figures
    best first, then older ones ("äldre uppgift", Figure.is_old) best first, then those
    without a value; equal values stay by name. Read through figures_for, so the order is
    the cards' own."""
    figures = figures_for(session, [p for p, _ in rows], [indicator])
    sign = -1 if best_first(indicator) == "desc" else 1

    def key(row: tuple[Provider, Organisation]) -> tuple[int, float]:
        figure = figures.get(row[0].id, {}).get(indicator.id)  # type: ignore[arg-type]
        if figure is None or figure.value is None:
            return (2, 0.0)
        return (1 if figure.is_old else 0, sign * figure.value)

    return sorted(rows, key=key)


def _nearest_first(metres: float | None) -> tuple[bool, float]:
    return (metres is None, metres or 0.0)


def _facet_values(provider: Provider, organisation: Organisation, areas: list[Area]) -> dict:
    return {
        "driftsform": {organisation.driftsform},
        "languages": set(provider.languages),
        "profiles": set(provider.profiles),
        "accepting_new": {"true" if provider.accepting_new else "false"},
        "areas": {a.slug for a in areas},
    }


def _providers_with_organisation(
    session: Session, ids: list[int]
) -> list[tuple[Provider, Organisation]]:
    """In the order of `ids`; ids no longer in the database (index not yet rebuilt) drop out."""
    if not ids:
        return []
    rows = session.exec(
        select(Provider, Organisation)
        .join(Organisation, col(Organisation.id) == Provider.organisation_id)
        .where(col(Provider.id).in_(ids))
    ).all()
    by_id = {p.id: (p, o) for p, o in rows}
    return [by_id[i] for i in ids if i in by_id]


def _cards_of(
    session: Session,
    ids: list[int],
    indicators: Sequence[Indicator],
    cache: CacheView | None,
) -> list[ResultCard]:
    """The cards of `ids` in their order, without distances; ids no longer in the database
    (the index not yet rebuilt) drop out."""
    shown = tuple(i.id for i in indicators)

    def load(keys: list) -> dict:
        rows = _providers_with_organisation(session, [provider_id for _, provider_id, _ in keys])
        return {("card", c.provider.id, shown): c for c in _cards(session, rows, indicators)}

    keys = [("card", provider_id, shown) for provider_id in ids]
    cards = cache.get_many(keys, load) if cache is not None else load(keys)
    return [cards[key] for key in keys if key in cards]


def _cards(
    session: Session,
    rows: Sequence[tuple[Provider, Organisation]],
    indicators: Sequence[Indicator],
    areas: dict[int, list[Area]] | None = None,
) -> list[ResultCard]:
    providers = [p for p, _ in rows]
    if areas is None:
        areas = areas_of(session, [p.id for p in providers])  # type: ignore[misc]
    # One read of the figures for the cards and for their level summaries.
    by_type = summary_indicators(session, providers)
    wanted = {i.id: i for i in indicators} | {i.id: i for group in by_type.values() for i in group}
    figures = figures_for(session, providers, list(wanted.values()))
    summaries = summaries_from(providers, by_type, figures)
    cards = []
    for provider, organisation in rows:
        per = figures.get(provider.id, {})  # type: ignore[arg-type]
        cards.append(
            ResultCard(
                provider=provider,
                organisation=organisation,
                areas=areas.get(provider.id, []),  # type: ignore[arg-type]
                figures=[per[i.id] for i in indicators if i.id in per],
                summary=summaries.get(provider.id),  # type: ignore[arg-type]
            )
        )
    return cards


def _placed(
    card: ResultCard, place: Place | None, distances: dict[int, float | None]
) -> ResultCard:
    """The card with its distance: the index's, else measured from the place."""
    provider = card.provider
    metres = distances.get(provider.id)  # type: ignore[arg-type]
    if metres is None and place and provider.lat is not None and provider.lon is not None:
        metres = distance_m(place.lat, place.lon, provider.lat, provider.lon)
    return replace(card, distance_m=metres) if metres is not None else card
