"""The provider's own words on their way to the public page: drafts an editor submits and
the kommun approves or rejects, and the approved replies beside figures."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel, UniqueConstraint


class DraftKind:
    PRESENTATION = "presentation"  # presentation, profiles, languages, contact, opening hours
    COMMENT = "comment"  # "utförarens kommentar" beside one figure


class DraftStatus:
    PENDING = "pending"  # waiting for the kommun
    APPROVED = "approved"  # copied onto the public page
    REJECTED = "rejected"  # with the kommun's reason, shown to the editor
    REPLACED = "replaced"  # a newer submission took its place before a decision


PENDING_PRESENTATION = "status = 'pending' AND indicator_id IS NULL"
PENDING_COMMENT = "status = 'pending' AND indicator_id IS NOT NULL"


class PresentationDraft(SQLModel, table=True):
    """One submission. At most one is pending per unit and kind (and figure, for comments):
    the service marks the older one replaced when a new one comes in."""

    __tablename__ = "presentation_draft"
    # At most one pending per unit and kind (and figure): the database holds to it too, so
    # two submissions at the same moment cannot both wait for the kommun.
    __table_args__ = (
        Index(
            "one_pending_presentation",
            "provider_id",
            "kind",
            unique=True,
            sqlite_where=text(PENDING_PRESENTATION),
            postgresql_where=text(PENDING_PRESENTATION),
        ),
        Index(
            "one_pending_comment",
            "provider_id",
            "kind",
            "indicator_id",
            unique=True,
            sqlite_where=text(PENDING_COMMENT),
            postgresql_where=text(PENDING_COMMENT),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True, ondelete="CASCADE")
    kind: str = Field(description="a DraftKind value")
    indicator_id: str | None = Field(
        default=None, description="the figure a comment belongs to; None for a presentation"
    )
    status: str = Field(default=DraftStatus.PENDING, index=True, description="a DraftStatus")
    # The proposed values: the presentation's fields, or {"text": …} for a comment.
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    submitted_at: datetime
    submitted_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    submitted_by_name: str = Field(description="a snapshot, as in the audit log")
    decided_at: datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    decided_by_name: str | None = None
    reason: str | None = Field(default=None, description="why the kommun rejected it")


class FigureComment(SQLModel, table=True):
    """An approved reply beside one figure of a unit, shown as the provider's own words."""

    __tablename__ = "figure_comment"
    __table_args__ = (UniqueConstraint("provider_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True, ondelete="CASCADE")
    # No foreign key: a re-import may replace indicators; a comment on a figure that no
    # longer exists is simply not shown.
    indicator_id: str = Field(index=True)
    text: str
    approved_on: date = Field(description="the date shown beside the comment")
