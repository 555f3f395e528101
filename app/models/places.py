from sqlmodel import Field, SQLModel, UniqueConstraint


class Kommun(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=4, description="SCB kommunkod")
    name: str
    slug: str = Field(unique=True, index=True, description="name folded to ASCII")


class ServiceType(SQLModel, table=True):
    """A kind of welfare service; new ones are added as data."""

    __tablename__ = "service_type"

    id: str = Field(primary_key=True, description="URL slug, e.g. hemtjanst")
    name_sv: str
    name_en: str
    description_sv: str = ""
    description_en: str = ""
    capacity_label_sv: str = Field(description="what capacity counts, e.g. 'Antal platser'")
    capacity_label_en: str
    # "area": the provider chooses the areas it serves (hemtjänst);
    # "distance": the resident chooses by proximity (boende, förskola, skola).
    choice_basis: str = "distance"
    sort_order: int = 0


class Area(SQLModel, table=True):
    """A part of a kommun (kommundel) that home-care providers choose to serve."""

    __table_args__ = (UniqueConstraint("kommun_code", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    kommun_code: str = Field(foreign_key="kommun.code", index=True)
    slug: str
    name: str
    lat: float
    lon: float


class PostalCode(SQLModel, table=True):
    __tablename__ = "postal_code"

    code: str = Field(primary_key=True, max_length=5)
    kommun_code: str = Field(foreign_key="kommun.code", index=True)
    area_id: int = Field(foreign_key="area.id", index=True)
    locality: str
    lat: float
    lon: float
