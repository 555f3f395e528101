"""The audit log: who changed what, when, with the data before and after."""

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlmodel import Session

from app.models import AuditEntry


class Actor(Protocol):
    @property
    def user_id(self) -> int | None: ...

    @property
    def name(self) -> str: ...


def record(
    session: Session,
    caller: Actor | None,
    action: str,
    obj_type: str,
    obj_id: str,
    kommun_code: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the session (the caller's transaction commits it with the change)."""
    entry = AuditEntry(
        at=datetime.now(UTC),
        user_id=caller.user_id if caller else None,
        user_name=caller.name if caller else "system",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        kommun_code=kommun_code,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry
