"""The rules of the provider's own words, below the web layer.

An editor of a unit submits a draft: its presentation (safe Markdown), profile tags,
languages, contact and opening hours, or a short comment beside one of its figures. A draft
waits for the administrators of the unit's kommun, who approve it (the values are copied
onto the public page, dated with the day of approval) or reject it with a reason the editor
sees. Only one draft is pending per unit (per figure, for comments): a new submission
replaces the pending one. Submitting, approving and rejecting are recorded in the audit log
with the values before and after. The kommun's own units go through the same steps.

Access is decided by the caller of these functions (app.accounts.guards for routes); the
functions that read a kommun's queue take the kommun code and never return another's.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts import audit
from app.accounts.audit import Actor
from app.clock import today_in_sweden
from app.figures import short_title
from app.form_text import plain_text
from app.i18n import gettext as _
from app.models import (
    DraftKind,
    DraftStatus,
    FigureComment,
    Indicator,
    IndicatorValue,
    PresentationDraft,
    Provider,
)
from ingest.fields import Email, Phone, Url

PRESENTATION_MAX = 5000
OPENING_HOURS_MAX = 500
COMMENT_MAX = 500
REASON_MAX = 1000
TAG_MAX = 60
TAGS_MAX = 20

# The fields a presentation draft carries, in the order they are shown.
FIELDS = (
    "presentation",
    "profiles",
    "languages",
    "phone",
    "email",
    "website",
    "opening_hours",
)

_PHONE: TypeAdapter[str] = TypeAdapter(Phone)
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
_URL: TypeAdapter[str] = TypeAdapter(Url)


def field_label(name: str) -> str:
    return {
        "presentation": _("Presentation"),
        "profiles": _("Inriktning"),
        "languages": _("Språk"),
        "phone": _("Telefon"),
        "email": _("E-post"),
        "website": _("Webbplats"),
        "opening_hours": _("Öppettider"),
        "text": _("Kommentar"),
        "reason": _("Skäl"),
    }.get(name, name)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class EditError(Exception):
    """A refusal to show the person, with the fields to correct."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)


def now() -> datetime:
    return datetime.now(UTC)


# --- reading the form ---------------------------------------------------------------------


def _text(raw: Mapping[str, str], name: str) -> str:
    """The field as written (app.form_text: no control characters or outer blanks)."""
    return plain_text(raw.get(name))


def split_tags(text: str) -> list[str]:
    """'Demens, somatik' or one per line: the tags in order, without duplicates or blanks."""
    seen: dict[str, str] = {}
    for part in text.replace("\n", ",").split(","):
        tag = " ".join(part.split())
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return list(seen.values())


def read_presentation(raw: Mapping[str, str]) -> dict[str, Any]:
    """The draft's values from a submitted form, or EditError naming every wrong field.

    Empty contact fields are allowed (None): a unit without a website says so on the page.
    Phone, e-mail and website follow the same rules as the kommun's files (ingest.fields).
    """
    errors: list[FieldError] = []
    data: dict[str, Any] = {}

    presentation = _text(raw, "presentation")
    if len(presentation) > PRESENTATION_MAX:
        errors.append(
            FieldError(
                "presentation",
                _("Presentationen får vara högst {n} tecken.").format(n=PRESENTATION_MAX),
            )
        )
    data["presentation"] = presentation or None

    for name in ("profiles", "languages"):
        tags = split_tags(_text(raw, name))
        if len(tags) > TAGS_MAX or any(len(t) > TAG_MAX for t in tags):
            errors.append(
                FieldError(
                    name,
                    _("Högst {n} ord eller uttryck, vart och ett högst {m} tecken.").format(
                        n=TAGS_MAX, m=TAG_MAX
                    ),
                )
            )
        # Languages are stored as lower-case Swedish words (app.labels translates them).
        data[name] = [t.lower() for t in tags] if name == "languages" else tags

    checks: list[tuple[str, TypeAdapter[str], str]] = [
        ("phone", _PHONE, _("Skriv ett telefonnummer, till exempel 08-123 456 78.")),
        ("email", _EMAIL, _("Skriv en e-postadress, till exempel namn@exempel.se.")),
        (
            "website",
            _URL,
            _("Skriv en webbadress som börjar med https://, till exempel https://exempel.se."),
        ),
    ]
    for name, adapter, message in checks:
        value = _text(raw, name)
        if not value:
            data[name] = None
            continue
        try:
            data[name] = adapter.validate_python(value)
        except ValidationError:
            errors.append(FieldError(name, message))
            data[name] = value

    hours = _text(raw, "opening_hours")
    if len(hours) > OPENING_HOURS_MAX:
        errors.append(
            FieldError(
                "opening_hours",
                _("Öppettiderna får vara högst {n} tecken.").format(n=OPENING_HOURS_MAX),
            )
        )
    data["opening_hours"] = hours or None

    if errors:
        raise EditError(errors)
    return data


def read_comment(text: str) -> str:
    """A comment beside a figure: at most 500 characters; empty means 'remove my comment'."""
    text = plain_text(text)
    if len(text) > COMMENT_MAX:
        raise EditError(
            [FieldError("text", _("Kommentaren får vara högst {n} tecken.").format(n=COMMENT_MAX))]
        )
    return text


def current_values(provider: Provider) -> dict[str, Any]:
    """The public values of the fields a presentation draft changes."""
    return {name: getattr(provider, name) for name in FIELDS}


# --- submitting ---------------------------------------------------------------------------


def _pending(
    session: Session, provider_id: int, kind: str, indicator_id: str | None
) -> list[PresentationDraft]:
    query = select(PresentationDraft).where(
        PresentationDraft.provider_id == provider_id,
        PresentationDraft.kind == kind,
        PresentationDraft.status == DraftStatus.PENDING,
    )
    if indicator_id is not None:
        query = query.where(PresentationDraft.indicator_id == indicator_id)
    return list(session.exec(query).all())


def _submit(
    session: Session,
    caller: Actor,
    provider: Provider,
    kind: str,
    indicator_id: str | None,
    data: dict[str, Any],
    before: dict[str, Any] | None,
) -> PresentationDraft:
    assert provider.id is not None
    for attempt in (1, 2):
        for old in _pending(session, provider.id, kind, indicator_id):
            old.status = DraftStatus.REPLACED
            session.add(old)
        draft = PresentationDraft(
            provider_id=provider.id,
            kind=kind,
            indicator_id=indicator_id,
            data=data,
            submitted_at=now(),
            submitted_by=caller.user_id,
            submitted_by_name=caller.name,
        )
        session.add(draft)
        try:
            session.flush()
            break
        except IntegrityError:
            # Another submission for the unit committed between our read and our write
            # (the database keeps one pending, migration 0010): once more, replacing it.
            session.rollback()
            if attempt == 2:
                raise
    audit.record(
        session,
        caller,
        f"{kind}.submit",
        "provider",
        str(provider.id),
        provider.kommun_code,
        before=before,
        after={"draft_id": draft.id, **_audit_values(kind, indicator_id, data)},
    )
    session.commit()
    return draft


def _audit_values(kind: str, indicator_id: str | None, data: dict[str, Any]) -> dict[str, Any]:
    return {"indicator_id": indicator_id, **data} if kind == DraftKind.COMMENT else dict(data)


def submit_presentation(
    session: Session, caller: Actor, provider: Provider, raw: Mapping[str, str]
) -> PresentationDraft:
    """A new pending draft of the presentation (replacing a pending one); EditError when a
    field is wrong. The public page is unchanged until the kommun approves."""
    data = read_presentation(raw)
    return _submit(
        session, caller, provider, DraftKind.PRESENTATION, None, data, current_values(provider)
    )


def commentable_indicators(session: Session, provider: Provider) -> list[Indicator]:
    """The figures the unit has on its page, which it may comment on."""
    ids = select(IndicatorValue.indicator_id).where(IndicatorValue.provider_id == provider.id)
    return list(
        session.exec(
            select(Indicator)
            .where(col(Indicator.id).in_(ids))
            .order_by(col(Indicator.section), col(Indicator.id))
        ).all()
    )


def submit_comment(
    session: Session, caller: Actor, provider: Provider, indicator_id: str, text: str
) -> PresentationDraft | None:
    """A pending comment beside one of the unit's figures; None when the unit has no such
    figure (the route answers 404). An empty text asks the kommun to remove the comment."""
    if indicator_id not in {i.id for i in commentable_indicators(session, provider)}:
        return None
    text = read_comment(text)
    existing = approved_comment(session, provider.id, indicator_id)
    before = {"indicator_id": indicator_id, "text": existing.text} if existing else None
    return _submit(
        session, caller, provider, DraftKind.COMMENT, indicator_id, {"text": text}, before
    )


# --- moderation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    draft: PresentationDraft
    provider: Provider
    indicator_title: str | None  # the figure a comment belongs to


def queue(session: Session, kommun_code: str) -> list[QueueItem]:
    """The kommun's pending drafts, oldest first (their own units' included)."""
    rows = session.exec(
        select(PresentationDraft, Provider)
        .join(Provider, col(Provider.id) == col(PresentationDraft.provider_id))
        .where(
            Provider.kommun_code == kommun_code,
            PresentationDraft.status == DraftStatus.PENDING,
        )
        .order_by(col(PresentationDraft.submitted_at), col(PresentationDraft.id))
    ).all()
    return [QueueItem(d, p, _indicator_title(session, d.indicator_id)) for d, p in rows]


def _indicator_title(session: Session, indicator_id: str | None) -> str | None:
    if indicator_id is None:
        return None
    indicator = session.get(Indicator, indicator_id)
    return short_title(indicator) if indicator else indicator_id


def draft_in_kommun(session: Session, kommun_code: str, draft_id: int) -> QueueItem | None:
    """One draft of a unit in the kommun (any status), or None: another kommun's drafts do
    not exist for this kommun's administrators."""
    row = session.exec(
        select(PresentationDraft, Provider)
        .join(Provider, col(Provider.id) == col(PresentationDraft.provider_id))
        .where(PresentationDraft.id == draft_id, Provider.kommun_code == kommun_code)
    ).first()
    if row is None:
        return None
    draft, provider = row
    return QueueItem(draft, provider, _indicator_title(session, draft.indicator_id))


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    current: Any
    proposed: Any

    @property
    def changed(self) -> bool:
        return (self.current or None) != (self.proposed or None)


def changes(session: Session, item: QueueItem) -> list[Change]:
    """The public value beside the proposed one, field by field, for the kommun's review."""
    draft, provider = item.draft, item.provider
    if draft.kind == DraftKind.COMMENT:
        assert draft.indicator_id is not None
        existing = approved_comment(session, provider.id, draft.indicator_id)
        current = existing.text if existing else None
        return [Change("text", field_label("text"), current, draft.data.get("text") or None)]
    now_values = current_values(provider)
    return [
        Change(name, field_label(name), now_values[name], draft.data.get(name)) for name in FIELDS
    ]


class NotPending(Exception):
    """The draft was already decided or replaced (e.g. by another administrator)."""


def approve(session: Session, caller: Actor, item: QueueItem, at: datetime | None = None) -> None:
    """Publish the draft: its values go onto the public page, dated with today's date."""
    draft, provider = item.draft, item.provider
    at = at or now()
    _claim(session, draft, caller, DraftStatus.APPROVED, at, None)
    on = today_in_sweden(at)
    if draft.kind == DraftKind.COMMENT:
        before, after = _publish_comment(session, provider, draft, on)
    else:
        before = {**current_values(provider), "presentation_updated": _iso(provider)}
        for name in FIELDS:
            value = draft.data.get(name)
            setattr(
                provider, name, list(value or []) if name in ("profiles", "languages") else value
            )
        provider.presentation_updated = on
        provider.updated_at = at
        session.add(provider)
        after = {**current_values(provider), "presentation_updated": on.isoformat()}
    audit.record(
        session,
        caller,
        f"{draft.kind}.approve",
        "provider",
        str(provider.id),
        provider.kommun_code,
        before={"draft_id": draft.id, **(before or {})},
        after={"draft_id": draft.id, **after},
    )
    session.commit()


def _iso(provider: Provider) -> str | None:
    updated = provider.presentation_updated
    return updated.isoformat() if updated else None


def _publish_comment(
    session: Session, provider: Provider, draft: PresentationDraft, on: date
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    assert draft.indicator_id is not None and provider.id is not None
    existing = approved_comment(session, provider.id, draft.indicator_id)
    before = (
        {
            "indicator_id": draft.indicator_id,
            "text": existing.text,
            "on": existing.approved_on.isoformat(),
        }
        if existing
        else None
    )
    text = draft.data.get("text") or ""
    if not text:  # a request to remove the comment
        if existing:
            session.delete(existing)
        return before, {"indicator_id": draft.indicator_id, "text": None}
    comment = existing or FigureComment(
        provider_id=provider.id, indicator_id=draft.indicator_id, text=text, approved_on=on
    )
    comment.text, comment.approved_on = text, on
    session.add(comment)
    return before, {"indicator_id": draft.indicator_id, "text": text, "on": on.isoformat()}


def reject(
    session: Session, caller: Actor, item: QueueItem, reason: str, at: datetime | None = None
) -> None:
    """Turn the draft down with a reason the editor reads; the public page is unchanged."""
    draft, provider = item.draft, item.provider
    if draft.status != DraftStatus.PENDING:
        raise NotPending
    reason = plain_text(reason)
    if not reason:
        raise EditError([FieldError("reason", _("Skriv varför ändringen inte godkänns."))])
    if len(reason) > REASON_MAX:
        raise EditError(
            [FieldError("reason", _("Skälet får vara högst {n} tecken.").format(n=REASON_MAX))]
        )
    _claim(session, draft, caller, DraftStatus.REJECTED, at or now(), reason)
    audit.record(
        session,
        caller,
        f"{draft.kind}.reject",
        "provider",
        str(provider.id),
        provider.kommun_code,
        before={"draft_id": draft.id, "status": DraftStatus.PENDING},
        after={"draft_id": draft.id, "status": DraftStatus.REJECTED, "reason": reason},
    )
    session.commit()


def _claim(
    session: Session,
    draft: PresentationDraft,
    caller: Actor,
    status: str,
    at: datetime,
    reason: str | None,
) -> None:
    """Decide the draft only if it is still pending, in one statement: when two
    administrators decide at once, the second gets NotPending instead of a second change."""
    result = session.connection().execute(
        update(PresentationDraft)
        .where(col(PresentationDraft.id) == draft.id)
        .where(col(PresentationDraft.status) == DraftStatus.PENDING)
        .values(
            status=status,
            decided_at=at,
            decided_by=caller.user_id,
            decided_by_name=caller.name,
            reason=reason,
        )
    )
    if result.rowcount != 1:
        session.rollback()
        raise NotPending
    session.refresh(draft)


# --- what the editor and the public see ---------------------------------------------------


def latest_draft(
    session: Session, provider_id: int | None, kind: str, indicator_id: str | None = None
) -> PresentationDraft | None:
    """The newest submission that was not replaced: pending, or the last decision."""
    query = select(PresentationDraft).where(
        PresentationDraft.provider_id == provider_id,
        PresentationDraft.kind == kind,
        PresentationDraft.status != DraftStatus.REPLACED,
    )
    if indicator_id is not None:
        query = query.where(PresentationDraft.indicator_id == indicator_id)
    return session.exec(
        query.order_by(col(PresentationDraft.submitted_at).desc(), col(PresentationDraft.id).desc())
    ).first()


def latest_comment_drafts(
    session: Session, provider_id: int | None
) -> dict[str, PresentationDraft]:
    """Per figure, the newest comment submission that was not replaced."""
    rows = session.exec(
        select(PresentationDraft)
        .where(
            PresentationDraft.provider_id == provider_id,
            PresentationDraft.kind == DraftKind.COMMENT,
            PresentationDraft.status != DraftStatus.REPLACED,
        )
        .order_by(col(PresentationDraft.submitted_at), col(PresentationDraft.id))
    ).all()
    return {d.indicator_id: d for d in rows if d.indicator_id}  # the newest wins


def approved_comment(
    session: Session, provider_id: int | None, indicator_id: str
) -> FigureComment | None:
    return session.exec(
        select(FigureComment).where(
            FigureComment.provider_id == provider_id, FigureComment.indicator_id == indicator_id
        )
    ).first()


def approved_comments(session: Session, provider_id: int | None) -> dict[str, FigureComment]:
    """The approved comments of a unit by indicator id, for its public page."""
    rows = session.exec(select(FigureComment).where(FigureComment.provider_id == provider_id))
    return {c.indicator_id: c for c in rows.all()}
