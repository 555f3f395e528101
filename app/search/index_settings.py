"""The providers index's settings: what is searched, filtered, sorted and shown."""

from collections.abc import Iterable
from typing import Any

# Place fields rank before the organisation on purpose: with the organisation first, a search
# for "Täby" would rank the kommun's own units (organisation "Täby kommun") above private
# ones in Täby, and ownership must never decide the order. Each folded copy sits right
# after its original so both spellings weigh the same.
SEARCHABLE_ATTRIBUTES = [
    "name",
    "name_folded",
    "kommun_name",
    "kommun_name_folded",
    "city",
    "city_folded",
    "area_names",
    "area_names_folded",
    "organisation",
    "organisation_folded",
    "profiles",
    "languages",
    "presentation",
]

FACETS = ["driftsform", "languages", "profiles", "accepting_new", "areas"]

FILTERABLE_ATTRIBUTES = [
    "service_type",
    "kommun_slug",
    "kommun_code",
    *FACETS,
    "school_years",
    "_geo",
]

# What a hit carries: the folded copies, the sort key and the full presentation are
# index internals.
DISPLAYED_ATTRIBUTES = [
    "id",
    "slug",
    "name",
    "service_type",
    "kommun_code",
    "kommun_slug",
    "kommun_name",
    "organisation",
    "driftsform",
    "street",
    "postal_code",
    "city",
    "areas",
    "area_names",
    "languages",
    "profiles",
    "accepting_new",
    "capacity",
    "started_year",
    "presentation_excerpt",
    "_geo",
    "figures",
    "figure_years",
    "figure_current",
    "school_years",
]

# Enough for the largest kommun's units of one service type, with room to spare;
# page/hitsPerPage counts are exact up to this many hits.
MAX_TOTAL_HITS = 5000
MAX_VALUES_PER_FACET = 300

# Meilisearch 1.21 on its own strips diacritics from Latin text, so å/ä become a and ö
# becomes o ("mal" finds "mål"; names sort Åby, Äby among the A's). With locale "swe" it
# keeps å, ä and ö as letters of their own (charabia's Swedish recomposition), which is
# right for Swedish but means "taby" no longer finds "Täby": the *_folded copies restore that.
LOCALES = ["swe"]


def figure_attribute(indicator_id: str) -> str:
    return f"figures.{indicator_id}"


def figure_current_attribute(indicator_id: str) -> str:
    """1 when the provider's figure is from the indicator's newest period in the kommun."""
    return f"figure_current.{indicator_id}"


def providers_index_settings(indicator_ids: Iterable[str]) -> dict[str, Any]:
    figure_sorts = [
        attribute(indicator_id)
        for indicator_id in sorted(indicator_ids)
        for attribute in (figure_current_attribute, figure_attribute)
    ]
    return {
        "searchableAttributes": SEARCHABLE_ATTRIBUTES,
        "displayedAttributes": DISPLAYED_ATTRIBUTES,
        "filterableAttributes": FILTERABLE_ATTRIBUTES,
        # id breaks ties so equal names keep one stable order, whoever runs the unit.
        "sortableAttributes": ["name_sort", "id", "_geo", *figure_sorts],
        "localizedAttributes": [{"attributePatterns": ["*"], "locales": LOCALES}],
        "typoTolerance": {"enabled": True},
        "faceting": {
            "maxValuesPerFacet": MAX_VALUES_PER_FACET,
            "sortFacetValuesBy": {"*": "alpha"},
        },
        "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
    }
