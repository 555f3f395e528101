from datetime import date

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class ChoiceGuide(SQLModel, table=True):
    """How choosing works for one service in one kommun, in the kommun's own words.

    Residents are to be told that they can choose, how, and what happens if they don't
    (SKL). The kommun writes these texts; pages show them as the kommun's, with the date
    it last updated them. Each text may have an English version (`*_en`); without one the
    Swedish text is shown, marked as Swedish.
    """

    __tablename__ = "choice_guide"

    kommun_code: str = Field(foreign_key="kommun.code", primary_key=True, max_length=4)
    service_type_id: str = Field(foreign_key="service_type.id", primary_key=True)

    # Lists are JSON; an absent English list is SQL NULL (none_as_null), not JSON null.
    # Vem kan välja?
    who_can_choose: str
    who_can_choose_en: str | None = None

    # Så ansöker du: numbered steps, where to apply, whom to ask.
    apply_steps: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    apply_steps_en: list[str] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    apply_url: str | None = None
    contact_name: str = Field(description="a unit or role: 'Kundvalskontoret'")
    contact_name_en: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    contact_hours: str | None = None
    contact_hours_en: str | None = None

    # Om du inte väljer: the ickevalsalternativ, and the unit it names if it names one.
    if_no_choice: str
    if_no_choice_en: str | None = None
    default_provider_slug: str | None = Field(default=None, description="a Provider.slug")

    # Byta utförare (omval)
    change_steps: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    change_steps_en: list[str] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    change_takes: str = Field(description="how long a change takes, in the kommun's words")
    change_takes_en: str | None = None

    updated: date = Field(description="when the kommun last updated these texts")
