"""How old a provider's own presentation is, in words a resident can weigh.

The text is the provider's, and only the provider keeps it current: one not updated in
twelve months says so beside its date, on every page that shows it. `own_words` gives the
approved presentation as safe HTML and the approved comments beside figures.
"""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlmodel import Session

from app.clock import today_in_sweden
from app.formatting import day
from app.i18n import gettext as _
from app.models import Provider
from app.presentation_edits.markdown import render
from app.presentation_edits.service import approved_comments

STALE_AFTER_MONTHS = 12


@dataclass(frozen=True)
class PresentationAge:
    updated: date | None
    stale: bool  # not updated in the last twelve months

    @property
    def date_text(self) -> str:
        return day(self.updated) if self.updated else ""

    @property
    def text(self) -> str:
        """'Uppdaterad 6 mars 2025', '… – mer än ett år sedan' when stale; '' without a date."""
        if self.updated is None:
            return ""
        text = _("Uppdaterad {date}").format(date=self.date_text)
        if self.stale:
            text += " – " + _("mer än ett år sedan")
        return text


def year_before(today: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def presentation_age(updated: date | None, today: date | None = None) -> PresentationAge:
    """Stale when the last update is more than twelve months before `today`: a text from
    exactly a year ago is still within the year."""
    today = today or today_in_sweden()
    return PresentationAge(updated, updated is not None and updated < year_before(today))


@dataclass(frozen=True)
class Comment:
    """The provider's approved reply beside one figure, with the day it was approved."""

    text: str
    on: date

    @property
    def paragraphs(self) -> list[str]:
        return [t.strip() for t in self.text.split("\n\n") if t.strip()]

    @property
    def date_text(self) -> str:
        return day(self.on)


@dataclass(frozen=True)
class OwnWords:
    """What the provider says itself on its public page, as the kommun approved it: the
    presentation as safe HTML (app.presentation_edits.markdown) and the figure comments."""

    html: Markup
    comments: dict[str, Comment]  # by indicator id


def own_words(session: Session, provider: Provider) -> OwnWords:
    comments = {
        indicator_id: Comment(c.text, c.approved_on)
        for indicator_id, c in approved_comments(session, provider.id).items()
    }
    return OwnWords(render(provider.presentation), comments)
