"""One pydantic model per sample-data file: what a row must look like (see data/README.md)."""

from datetime import date
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.models.indicators import LEVELS_SINCE
from app.models.vocab import (
    Direction,
    Driftsform,
    ReferenceBasis,
    SourceKind,
    Unit,
    ValueStatus,
)
from ingest.fields import (
    Count,
    Email,
    EmbedOrigin,
    Flag,
    FoundedYear,
    Items,
    KommunCode,
    Latitude,
    Longitude,
    Number,
    Percent,
    Phone,
    RuleError,
    SchoolYears,
    Slug,
    Steps,
    Text,
    Url,
    Year,
)


class CsvRow(BaseModel):
    """Blank cells are absent values, so optional fields take their defaults."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and v.strip() == "")}
        return data


class KommunRow(CsvRow):
    code: KommunCode
    name: Text
    slug: Slug


class ServiceTypeRow(CsvRow):
    id: Slug
    name_sv: Text
    name_en: Text
    description_sv: str = ""
    description_en: str = ""
    capacity_label_sv: Text
    capacity_label_en: Text
    choice_basis: Literal["area", "distance"]
    sort_order: int = 0

    def record(self) -> dict:
        """The row as a record for the ServiceType table."""
        return self.model_dump()


class AreaRow(CsvRow):
    kommun_code: KommunCode
    slug: Slug
    name: Text
    lat: Latitude
    lon: Longitude


class PostalCodeRow(CsvRow):
    code: str = Field(pattern=r"^\d{5}$")
    kommun_code: KommunCode
    area_slug: Slug
    locality: Text
    lat: Latitude
    lon: Longitude


class OrganisationRow(CsvRow):
    key: Slug
    name: Text
    org_nr: str | None = Field(default=None, pattern=r"^\d{6}-\d{4}$")
    driftsform: Driftsform


class UnitFacts(CsvRow):
    """The facts about a unit that every provider file can carry (sample or kommun's own)."""

    street: str | None = None
    postal_code: str | None = Field(default=None, pattern=r"^\d{3} ?\d{2}$")
    city: str | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None
    capacity: Count | None = None
    languages: Items = []
    profiles: Items = []
    areas: Items = []
    school_years: SchoolYears = []
    started_year: FoundedYear | None = None
    opening_hours: str | None = None
    phone: Phone | None = None
    email: Email | None = None
    website: Url | None = None
    presentation: str | None = None
    presentation_updated: date | None = None

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise RuleError("lon" if self.lon is None else "lat", "lat och lon anges tillsammans")
        return self


class ProviderRow(UnitFacts):
    slug: Slug
    name: Text
    service_type: Slug
    kommun_code: KommunCode
    organisation_key: Slug
    accepting_new: Flag


class IndicatorRow(CsvRow):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    service_type: Slug
    section: int = Field(ge=1, le=5)
    title_sv: Text
    title_en: Text
    short_title_sv: str = ""
    short_title_en: str = ""
    description_sv: str = ""
    description_en: str = ""
    unit: Unit
    direction: Direction
    source_kind: SourceKind
    source_name: Text
    min_n: int | None = Field(default=None, ge=1)
    key_rank: int | None = Field(default=None, ge=1, le=3)
    sort_order: int = 0
    decimals: int = Field(default=0, ge=0, le=3)
    discontinued_after: Year | None = None

    def record(self) -> dict:
        """The row as a record for the Indicator table."""
        return self.model_dump(exclude={"service_type"}) | {"service_type_id": self.service_type}


class FigureRow(CsvRow):
    """Fields every stored figure has, provider-level or reference."""

    year: Year
    period: Text
    value: Number | None = None
    n_answers: Count | None = None
    response_rate: Percent | None = None
    status: ValueStatus
    source: Text
    published: date | None = None
    fetched: date

    @model_validator(mode="after")
    def _status_matches_value(self) -> Self:
        if self.status == ValueStatus.OK and self.value is None:
            raise RuleError("value", "status ok kräver ett värde")
        if self.status != ValueStatus.OK and self.value is not None:
            raise RuleError("value", f"status {self.status.value} får inte ha något värde")
        return self


class ValueRow(FigureRow):
    provider_slug: Slug
    indicator_id: Text


class ReferenceValueRow(FigureRow):
    indicator_id: Text
    municipality_code: KommunCode
    basis: ReferenceBasis = ReferenceBasis.OFFICIAL


class EmbedOriginRow(CsvRow):
    """A website a kommun lets frame its widgets (app.embed.origins)."""

    kommun_code: KommunCode
    origin: EmbedOrigin


class LevelRow(CsvRow):
    """A kommun's level for an indicator, in force from `valid_from` (blank: from the first
    period, LEVELS_SINCE) until a later row for the same kommun and indicator."""

    kommun_code: KommunCode
    indicator_id: Text
    valid_from: Year = LEVELS_SINCE
    good: Number
    approved: Number
    decided_by: str | None = None
    decided_on: date | None = None


class ChoiceGuideRow(CsvRow):
    """How choosing works for one service in one kommun, in the kommun's words.

    `*_en` are optional English versions; a list in English has as many steps as the
    Swedish one, so the numbered steps say the same in both languages.
    """

    kommun_code: KommunCode
    service_type: Slug
    who_can_choose: Text
    who_can_choose_en: str | None = None
    apply_steps: Steps
    apply_steps_en: Steps | None = None
    apply_url: Url | None = None
    contact_name: Text
    contact_name_en: str | None = None
    contact_phone: Phone | None = None
    contact_email: Email | None = None
    contact_hours: str | None = None
    contact_hours_en: str | None = None
    if_no_choice: Text
    if_no_choice_en: str | None = None
    default_provider_slug: Slug | None = None
    change_steps: Steps
    change_steps_en: Steps | None = None
    change_takes: Text
    change_takes_en: str | None = None
    updated: date

    @model_validator(mode="after")
    def _english_steps_match(self) -> Self:
        for name in ("apply_steps", "change_steps"):
            sv, en = getattr(self, name), getattr(self, f"{name}_en")
            if en is not None and len(en) != len(sv):
                raise RuleError(
                    f"{name}_en", f"{len(en)} steg på engelska men {len(sv)} på svenska"
                )
        return self
