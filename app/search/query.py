"""Searching providers: free text, filters, neutral sorting and facet counts."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import meilisearch
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.search.errors import translated_errors
from app.search.index_settings import (
    FACETS,
    LOCALES,
    figure_attribute,
    figure_current_attribute,
)
from app.settings import Settings

MAX_PER_PAGE = 100
# An indicator id as it may appear in a sort: no spaces, colons or quotes can get through.
SORT_PATTERN = r"^(name|distance|figure:[A-Za-z0-9_.\-]{1,64}:(asc|desc))$"

# The neutral default: by name, equal names by id, never by ownership.
NAME_ORDER = ["name_sort:asc", "id:asc"]


class SearchParams(BaseModel):
    """What a resident asks for. Blank form fields count as not given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str = Field(default="", max_length=200)
    kommun_slug: str | None = None
    service_type: str | None = None
    driftsform: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    profiles: list[str] = Field(default_factory=list)
    accepting_new: bool | None = None
    area: str | None = None
    # An årskurs the school teaches (förskoleklass = 0): a filter, not a counted facet.
    school_year: int | None = Field(default=None, ge=0, le=9)
    sort: str = Field(default="name", pattern=SORT_PATTERN)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=MAX_PER_PAGE)
    # Facet counts: the pages show them beside the filters; the API has no use for them,
    # and without them a search is one query instead of one plus one per active filter.
    facets: bool = True

    @field_validator("kommun_slug", "service_type", "area", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("driftsform", "languages", "profiles", mode="before")
    @classmethod
    def _drop_blanks(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            return list(
                dict.fromkeys(v for v in value if not (isinstance(v, str) and not v.strip()))
            )
        return value

    @model_validator(mode="after")
    def _distance_needs_a_point(self) -> "SearchParams":
        if self.sort == "distance" and (self.lat is None or self.lon is None):
            raise ValueError("sort=distance needs lat and lon")
        return self


@dataclass(frozen=True)
class SearchResult:
    hits: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    pages: int
    facets: dict[str, dict[str, int]]


def search_providers(
    client: meilisearch.Client,
    settings: Settings,
    params: SearchParams,
    *,
    retrieve: Sequence[str] = ("id",),
) -> SearchResult:
    """One round trip: the page of hits plus, with facets, one facet query per active facet
    filter.

    Hits carry the `retrieve` attributes of their documents (by default only the id: the
    cards are read from SQL, and a whole document is many times the bytes to send and
    parse) and `distance_m` when sorted by distance.

    Raises SearchUnavailable when the server or the index is missing, InvalidSearch when
    the index cannot sort as asked.
    """
    base = _base_filter(params)
    facet_filters = _facet_filters(params)
    common = {"indexUid": settings.providers_index, "q": params.q, "locales": LOCALES}
    main = {
        **common,
        "filter": [*base, *facet_filters.values()],
        **({"facets": FACETS} if params.facets else {}),
        "sort": _sort(params),
        "page": params.page,
        "hitsPerPage": params.per_page,
        # Meilisearch gives a hit its _geoDistance only when _geo is among these.
        "attributesToRetrieve": [*retrieve, *(["_geo"] if params.sort == "distance" else [])],
    }
    # Each active facet is counted without its own filter (and with all the others), so
    # after choosing "privat" the kommunal and idéburen counts are still there to choose.
    disjunctive = [
        {
            **common,
            "filter": [*base, *(f for name, f in facet_filters.items() if name != facet)],
            "facets": [facet],
            "limit": 0,
        }
        for facet in (facet_filters if params.facets else ())
    ]
    with translated_errors():
        results = client.multi_search([main, *disjunctive])["results"]

    facets = {facet: {} for facet in FACETS} | results[0].get("facetDistribution", {})
    for facet, result in zip(facet_filters if params.facets else (), results[1:], strict=True):
        facets[facet] = result.get("facetDistribution", {}).get(facet, {})
    first = results[0]
    return SearchResult(
        hits=[_hit(raw, retrieve) for raw in first["hits"]],
        total=first.get("totalHits", 0),
        page=first.get("page", params.page),
        per_page=first.get("hitsPerPage", params.per_page),
        pages=first.get("totalPages", 0),
        facets=facets,
    )


def quote(value: str) -> str:
    """A filter string literal: user input can neither end it early nor add operators."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _base_filter(params: SearchParams) -> list[str]:
    base = []
    if params.kommun_slug:
        base.append(f"kommun_slug = {quote(params.kommun_slug)}")
    if params.service_type:
        base.append(f"service_type = {quote(params.service_type)}")
    if params.school_year is not None:
        base.append(f"school_years = {params.school_year}")
    return base


def _facet_filters(params: SearchParams) -> dict[str, str]:
    """The active facet filters by facet; values within one facet are alternatives."""
    filters: dict[str, str] = {}
    for facet, values in (
        ("driftsform", params.driftsform),
        ("languages", params.languages),
        ("profiles", params.profiles),
    ):
        if values:
            filters[facet] = f"{facet} IN [{', '.join(quote(v) for v in values)}]"
    if params.accepting_new is not None:
        filters["accepting_new"] = f"accepting_new = {str(params.accepting_new).lower()}"
    if params.area:
        filters["areas"] = f"areas = {quote(params.area)}"
    return filters


def _sort(params: SearchParams) -> list[str]:
    if params.sort == "distance":
        return [f"_geoPoint({params.lat:.6f}, {params.lon:.6f}):asc", *NAME_ORDER]
    if params.sort.startswith("figure:"):
        _, indicator_id, direction = params.sort.split(":")
        # Current figures first (figure_current 1 before 0), best first within each; a
        # provider without a value has neither field and comes last.
        return [
            f"{figure_current_attribute(indicator_id)}:desc",
            f"{figure_attribute(indicator_id)}:{direction}",
            *NAME_ORDER,
        ]
    return NAME_ORDER


def _hit(raw: dict[str, Any], retrieve: Sequence[str]) -> dict[str, Any]:
    hit = dict(raw)
    if "_geo" not in retrieve and "*" not in retrieve:
        hit.pop("_geo", None)  # asked for only to get the distance
    distance = hit.pop("_geoDistance", None)
    if distance is not None:
        hit["distance_m"] = round(distance)
    return hit
