"""The shapes of the open API (v1). Field names are English; texts come in Swedish and
English where the service has both. Every figure carries its provenance."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

LevelKey = Literal["good", "approved", "failed"]
ChangeKey = Literal["better", "same", "worse"]


class Links(BaseModel):
    self: str = Field(examples=["/api/v1/providers/aurora-hemtjanst-taby"])
    html: str | None = Field(default=None, examples=["/utforare/aurora-hemtjanst-taby"])


class PageInfo(BaseModel):
    """Paging as Open Referral HSDS 3.0 does it; `Link` headers carry the same links."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool


class Municipality(BaseModel):
    code: str = Field(examples=["0160"], description="SCB kommunkod")
    name: str = Field(examples=["Täby"])
    slug: str = Field(examples=["taby"])
    links: Links


class ServiceType(BaseModel):
    id: str = Field(examples=["hemtjanst"])
    name_sv: str = Field(examples=["Hemtjänst"])
    name_en: str = Field(examples=["Home care"])
    description_sv: str
    description_en: str
    choice_basis: Literal["area", "distance"] = Field(
        description="area: providers choose the areas they serve; distance: residents "
        "choose by proximity"
    )


class IndicatorDefinition(BaseModel):
    id: str = Field(examples=["U21468"])
    service_type: str
    section: int = Field(ge=1, le=5, description="1 presentation … 5 perceived quality")
    title_sv: str
    title_en: str
    short_title_sv: str
    short_title_en: str
    description_sv: str
    description_en: str
    unit: Literal["percent", "count", "ratio", "points", "index"]
    direction: Literal["higher", "lower", "none"]
    source_kind: Literal["register", "inspection", "survey", "provider"]
    source_name: str
    min_n: int | None = Field(description="below this many answers no value is shown")
    decimals: int
    discontinued_after: int | None = Field(
        description="the last year the source published it; later values are history"
    )


class Reference(BaseModel):
    value: float
    period: str
    basis: Literal["official", "unit_mean", "total"] = Field(
        description="official: the source's own figure; unit_mean: a mean of the units' "
        "figures; total: their sum"
    )


class Level(BaseModel):
    key: LevelKey
    rule_sv: str = Field(description="the kommun's rule in words, with who decided it")


class Figure(BaseModel):
    indicator: str = Field(examples=["U21468"])
    status: Literal["ok", "too_few", "missing"]
    value: float | None = Field(
        description="null unless status is ok and the measure is still published"
    )
    period: str | None = Field(examples=["2024"])
    year: int | None
    n_answers: int | None
    answers_unknown: bool = Field(description="a survey figure whose n the source did not give")
    response_rate: float | None
    level: Level | None = Field(description="the kommun's level for this value")
    change: ChangeKey | None = Field(
        description="against the period before, by the 'clearly better' rule; null when "
        "that cannot be said"
    )
    old: bool = Field(description="older than the newest period published in the kommun")
    discontinued: bool
    kommun: Reference | None
    country: Reference | None
    source: str | None = Field(examples=["Kolada"])
    source_ref: str | None
    published: date | None
    fetched: date | None


class SectionLevels(BaseModel):
    section: int
    good: int
    approved: int
    failed: int
    status: LevelKey | None
    trend: ChangeKey | None


class LevelSummary(BaseModel):
    """The kommun's levels summed up, as on the pages (rule: /om-siffrorna#nivaer)."""

    good: int
    approved: int
    failed: int
    status: LevelKey | None
    red_flag: bool
    trend: ChangeKey | None
    sections: list[SectionLevels]


class Organisation(BaseModel):
    name: str
    org_nr: str | None
    driftsform: Literal["kommunal", "privat", "ideburen", "okand"]


class Address(BaseModel):
    street: str | None
    postal_code: str | None
    city: str | None
    lat: float | None
    lon: float | None


class ProviderListItem(BaseModel):
    id: str = Field(description="the provider's slug", examples=["aurora-hemtjanst-taby"])
    name: str
    service_type: str
    municipality: str = Field(description="kommunkod", examples=["0160"])
    organisation: Organisation
    address: Address
    areas: list[str] = Field(description="the kommun areas (slugs) it serves or is in")
    accepting_new: bool
    capacity: int | None
    languages: list[str]
    profiles: list[str]
    school_years: list[int] = Field(description="årskurser taught, förskoleklass as 0")
    key_figures: list[Figure]
    levels: LevelSummary
    links: Links


class ProviderPage(BaseModel):
    contents: list[ProviderListItem]
    page: PageInfo
    search_available: bool = Field(
        description="false when free text search was unavailable and the list comes from "
        "the database in name order"
    )


class Section(BaseModel):
    section: int
    title_sv: str
    title_en: str
    figures: list[Figure]


class Presentation(BaseModel):
    """The provider's own words, shown as such with their date, as approved by the kommun."""

    text: str = Field(description="Markdown (a safe subset: paragraphs, emphasis, lists, links)")
    updated: date | None


class Contact(BaseModel):
    phone: str | None
    email: str | None
    website: str | None
    opening_hours: str | None


class Provider(ProviderListItem):
    presentation: Presentation | None
    contact: Contact
    started_year: int | None
    sections: list[Section]


class ComparisonCell(BaseModel):
    provider: str
    figure: Figure
    best: bool = Field(description="'Bäst i jämförelsen': clearly better than all others")


class ComparisonRow(BaseModel):
    indicator: str
    section: int
    cells: list[ComparisonCell]
    no_mark: str | None = Field(description="why no cell is marked best, when none is")
    best_failed: bool = Field(description="the best value is underkänt by the kommun's level")
    all_failed: bool


class Comparison(BaseModel):
    service_type: str
    providers: list[ProviderListItem]
    rows: list[ComparisonRow]


class ApiRoot(BaseModel):
    version: str = Field(examples=["1"])
    openapi_url: str
    licence: str
    attribution: list[str]
    links: dict[str, str]
