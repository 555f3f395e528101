from datetime import date

from sqlmodel import Field, SQLModel, UniqueConstraint


class Indicator(SQLModel, table=True):
    """The definition of one figure, the same for every provider of a service type."""

    id: str = Field(primary_key=True, description="the national id where one exists")
    service_type_id: str = Field(foreign_key="service_type.id", index=True)
    section: int = Field(description="a Section value, 1–5")
    title_sv: str
    title_en: str
    # Plain words for cards and table rows ("Nöjd med hemtjänsten som helhet"); the
    # official title and the source stay in the detail. Empty: the title is used.
    short_title_sv: str = ""
    short_title_en: str = ""
    description_sv: str = ""
    description_en: str = ""
    unit: str = Field(description="a Unit value")
    direction: str = Field(description="a Direction value")
    source_kind: str = Field(description="a SourceKind value")
    source_name: str = Field(description="who publishes it, e.g. 'Socialstyrelsen'")
    min_n: int | None = Field(default=None, description="below this many answers: no number")
    key_rank: int | None = Field(default=None, description="1–3: shown on result cards")
    sort_order: int = 0
    decimals: int = 0
    discontinued_after: int | None = Field(
        default=None, description="the last year the source published it; later: history only"
    )


class _Figure(SQLModel):
    """What every stored figure carries: value, reliability and provenance."""

    year: int = Field(index=True, description="the calendar year the period ends in")
    period: str = Field(description="the period as the source names it: '2023', '2023/24'")
    value: float | None = None
    n_answers: int | None = None
    response_rate: float | None = Field(default=None, description="percent, 0–100")
    status: str = Field(default="ok", description="a ValueStatus value")
    source: str = Field(description="who the figure comes from")
    source_ref: str | None = Field(default=None, description="request URL, or file and row")
    published: date | None = None
    fetched: date
    revised: bool = False


class IndicatorValue(_Figure, table=True):
    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("provider_id", "indicator_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True, ondelete="CASCADE")
    indicator_id: str = Field(foreign_key="indicator.id", index=True)


class ReferenceValue(_Figure, table=True):
    """The same indicator for a whole kommun, or for Sweden (municipality_code '0000')."""

    __tablename__ = "reference_value"
    __table_args__ = (UniqueConstraint("indicator_id", "municipality_code", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: str = Field(foreign_key="indicator.id", index=True)
    municipality_code: str = Field(max_length=4, index=True)
    basis: str = Field(default="official", description="a ReferenceBasis value")


# The first period any level applies from, for levels decided before their history was kept
# (migration 0008 gives every earlier level this year).
LEVELS_SINCE = 2000


class Level(SQLModel, table=True):
    """The kommun's own bar for an indicator: bra / godkänt / underkänt, from a period on.

    `good` and `approved` are thresholds read in the indicator's direction: for a
    higher-is-better indicator a value >= good is bra, >= approved is godkänt.

    A kommun may raise or lower its bar: each decision is a row of its own, in force for the
    periods from `valid_from` until the next row's `valid_from`. A figure is judged by the
    level in force for its own period (app.figures.level_in_force), never by a later one.
    """

    kommun_code: str = Field(foreign_key="kommun.code", primary_key=True)
    indicator_id: str = Field(foreign_key="indicator.id", primary_key=True)
    valid_from: int = Field(
        default=LEVELS_SINCE, primary_key=True, description="the first period (year) it applies to"
    )
    good: float
    approved: float
    decided_by: str | None = Field(default=None, description="who decided, e.g. 'Socialnämnden'")
    decided_on: date | None = Field(default=None, description="the day of the decision")
