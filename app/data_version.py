"""The data version: one number that every committed change to public data increases.

Pages are cached against it (app.web.page_cache), so a change must never commit without
the bump, whoever makes it: an ingest, an approved presentation, a new level, an upload, a
choice guide, a widget website. Hence one rule here, on every SQLAlchemy session rather
than in each service: a session that inserts, updates or deletes a row of any table not
listed in PRIVATE_TABLES bumps the version in the same transaction, just before it commits.
A reader therefore never sees a change under the old number. Bumping too often costs only
a re-render; missing one would serve an old page, so the list is of tables that certainly
never show on a public page.

Writes through a bare connection (`engine.begin()`, raw SQL) are not seen: the app and the
ingest write through sessions (ORM objects or `session.execute(insert/update/delete)`).
"""

from datetime import UTC, datetime

from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session

from app.models import DataVersion

# Accounts, sign-in, the outbox, the audit trail and unapproved drafts: never public.
PRIVATE_TABLES = frozenset(
    {
        "app_user",
        "membership",
        "login_session",
        "login_attempt",
        "invitation",
        "outbox_message",
        "audit_entry",
        "presentation_draft",
        DataVersion.__tablename__,
    }
)
_CHANGED = "data_version_changed"


_VERSION = select(DataVersion.version).where(DataVersion.id == 1)


def read_version(session: Session) -> int:
    """The current number (0 before anything was ever bumped), read on the session's own
    connection and transaction but past the ORM's machinery, a third of the cost: a search
    or a page reads it once per request."""
    return session.connection().execute(_VERSION).scalar() or 0


def read_version_from(engine: Engine) -> int:
    """The same on a connection of its own, without a session (the page cache asks it once
    per request, so it is kept as cheap as a query can be)."""
    with engine.connect() as conn:
        return conn.execute(_VERSION).scalar() or 0


def _public(table_name: str | None) -> bool:
    return table_name is not None and table_name not in PRIVATE_TABLES


def _note_flush(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if _public(getattr(obj, "__tablename__", None)) and (
            obj not in session.dirty or session.is_modified(obj)
        ):
            session.info[_CHANGED] = True
            return


def _note_statement(state: ORMExecuteState):
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if not _public(getattr(getattr(state.statement, "table", None), "name", None)):
        return None
    # Run it here to see whether it touched a row: an UPDATE that matched none changes
    # nothing and must not make every cached page stale.
    result = state.invoke_statement()
    if getattr(result, "rowcount", -1) != 0:
        state.session.info[_CHANGED] = True
    return result


def _bump_before_commit(session: Session) -> None:
    session.flush()  # so that pending objects are seen (commit would flush after this hook)
    if not session.info.pop(_CHANGED, False):
        return
    now = datetime.now(UTC)
    bumped = session.execute(
        update(DataVersion)
        .where(DataVersion.id == 1)
        .values(version=DataVersion.version + 1, changed_at=now)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]  # a database made without migrations
        session.add(DataVersion(id=1, version=1, changed_at=now))
        session.flush()


def _forget(session: Session, *_args) -> None:
    session.info.pop(_CHANGED, None)


event.listen(Session, "before_flush", _note_flush)
event.listen(Session, "do_orm_execute", _note_statement)
event.listen(Session, "before_commit", _bump_before_commit)
event.listen(Session, "after_rollback", _forget)
