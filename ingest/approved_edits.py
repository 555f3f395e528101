"""A provider's own words that the kommun approved in the back office outlive older files.

An approved presentation draft (app.presentation_edits) writes the presentation, profiles,
languages, contact details and opening hours onto the unit and dates them. A provider file
(the kommun's, or the sample) carries the same columns; re-reading a file whose
presentation is older, or undated, must not quietly put back what the provider replaced.
So those fields of such a row are left as stored, and the run says how many rows that was.
A row dated later than the approval replaces them as before: the kommun's newer word.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.clock import today_in_sweden
from app.models import PresentationDraft
from app.models.presentation_edits import DraftKind, DraftStatus
from app.presentation_edits.service import FIELDS

GROUP = (*FIELDS, "presentation_updated")
KEPT = "utförarens godkända presentation är nyare än filens och behölls"


def approved_on(session: Session, provider_ids: Iterable[int]) -> dict[int, date]:
    """The Swedish date of each unit's latest approved presentation, for those with one."""
    ids = list(provider_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(PresentationDraft.provider_id, func.max(PresentationDraft.decided_at))
        .where(
            col(PresentationDraft.provider_id).in_(ids),
            PresentationDraft.kind == DraftKind.PRESENTATION,
            PresentationDraft.status == DraftStatus.APPROVED,
        )
        .group_by(col(PresentationDraft.provider_id))
    ).all()
    return {pid: today_in_sweden(at) for pid, at in rows if at is not None}


def keep_approved(record: dict[str, Any], approved: date | None) -> tuple[dict[str, Any], bool]:
    """`record` without the presentation's fields when an approval is newer than its date;
    and whether they were left out."""
    if approved is None or not any(name in record for name in GROUP):
        return record, False
    dated = record.get("presentation_updated")
    if dated is not None and dated > approved:
        return record, False
    return {k: v for k, v in record.items() if k not in GROUP}, True
