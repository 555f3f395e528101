from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel, UniqueConstraint


class Organisation(SQLModel, table=True):
    """The huvudman: the legal body responsible for one or more units."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True, description="stable key in the source data")
    name: str
    org_nr: str | None = Field(default=None, index=True)
    driftsform: str = Field(description="a Driftsform value")


class Provider(SQLModel, table=True):
    """One unit (enhet): a home-care team, a nursing home, a preschool, a school."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True)
    name: str
    service_type_id: str = Field(foreign_key="service_type.id", index=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)

    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    lat: float | None = None
    lon: float | None = None

    capacity: int | None = None
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    profiles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    accepting_new: bool = True
    # Schools: the årskurser taught, förskoleklass as 0 (Skolverket's schoolYears).
    school_years: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    started_year: int | None = None
    opening_hours: str | None = None

    phone: str | None = None
    email: str | None = None
    website: str | None = None

    # The provider's own words (section 1), shown as such with their date.
    presentation: str | None = None
    presentation_updated: date | None = None

    origin: str = Field(default="sample", description="sample, kolada, skolverket or kommun")
    updated_at: datetime | None = None


class ProviderArea(SQLModel, table=True):
    """Which areas of its kommun a provider serves (for area-based choice)."""

    __tablename__ = "provider_area"

    provider_id: int = Field(foreign_key="provider.id", primary_key=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="area.id", primary_key=True, index=True)


class ProviderSourceId(SQLModel, table=True):
    """A provider's id in an outside source (Kolada ou, Skolverket school unit code)."""

    __tablename__ = "provider_source_id"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True, ondelete="CASCADE")
    source: str
    external_id: str
