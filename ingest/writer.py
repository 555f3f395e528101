"""The one shared writer: upsert records by their natural key and count what changed.

Every ingest job validates first, then hands plain dicts to a Writer inside one
transaction. Records equal to what is stored are left alone, so re-running an
ingest with the same input changes nothing.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlmodel import Session, SQLModel, delete, select

T = TypeVar("T", bound=SQLModel)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class Writer:
    session: Session
    counts: dict[str, Counts] = field(default_factory=dict)
    # Records the source delivered that the job chose not to store, by reason (for the summary).
    rejected: dict[str, int] = field(default_factory=dict)

    def reject(self, reason: str, n: int = 1) -> None:
        if n:
            self.rejected[reason] = self.rejected.get(reason, 0) + n

    def total(self) -> Counts:
        out = Counts()
        for c in self.counts.values():
            out.created += c.created
            out.updated += c.updated
            out.unchanged += c.unchanged
            out.deleted += c.deleted
        return out

    def sync(
        self,
        model: type[T],
        key: Sequence[str],
        records: Iterable[dict[str, Any]],
        existing: Iterable[T] | None = None,
        bulk: bool = False,
    ) -> dict[tuple, T]:
        """Create or update one row per record; return the rows by key.

        `existing` narrows what is compared against (a query's rows) when the table is
        large; by default the whole table is read once, never a query per record.
        `bulk` inserts new rows with one executemany instead of ORM objects (ten times
        faster for value tables); those rows are then not in the returned mapping.
        """
        counts = self.counts.setdefault(model.__tablename__, Counts())  # type: ignore[arg-type]
        rows = existing if existing is not None else self.session.exec(select(model)).all()
        by_key: dict[tuple, T] = {tuple(getattr(r, k) for k in key): r for r in rows}
        out: dict[tuple, T] = {}
        now = datetime.now(UTC)
        fresh: list[dict[str, Any]] = []
        for record in records:
            k = tuple(record[f] for f in key)
            obj = by_key.get(k)
            if obj is None and bulk:
                fresh.append(record | _stamp(model, now))
                counts.created += 1
                continue
            if obj is None:
                obj = model(**record)
                _touch(obj, now)
                self.session.add(obj)
                counts.created += 1
            else:
                changed = {f: v for f, v in record.items() if getattr(obj, f) != v}
                if changed:
                    for f, v in changed.items():
                        setattr(obj, f, v)
                    _touch(obj, now)
                    counts.updated += 1
                else:
                    counts.unchanged += 1
            out[k] = obj
        self.session.flush()
        if fresh:
            self.session.execute(insert(model), fresh)  # type: ignore[call-overload]
        return out

    def delete(self, model: type[T], rows: Iterable[T]) -> None:
        """Remove rows the source says are gone (e.g. Kolada's is_deleted)."""
        counts = self.counts.setdefault(model.__tablename__, Counts())  # type: ignore[arg-type]
        for row in rows:
            self.session.delete(row)
            counts.deleted += 1
        self.session.flush()

    def sync_links(
        self, model: type[T], owner_field: str, other_field: str, wanted: dict[Any, set[Any]]
    ) -> None:
        """Make the many-to-many links of each owner exactly the wanted set."""
        counts = self.counts.setdefault(model.__tablename__, Counts())  # type: ignore[arg-type]
        owner_col = getattr(model, owner_field)
        rows = self.session.exec(select(model).where(owner_col.in_(list(wanted)))).all()
        have: dict[Any, set[Any]] = {}
        for row in rows:
            have.setdefault(getattr(row, owner_field), set()).add(getattr(row, other_field))
        for owner, targets in wanted.items():
            current = have.get(owner, set())
            for target in targets - current:
                self.session.add(model(**{owner_field: owner, other_field: target}))
                counts.created += 1
            gone = current - targets
            if gone:
                self.session.exec(
                    delete(model).where(owner_col == owner, getattr(model, other_field).in_(gone))
                )  # type: ignore[call-overload]
                counts.deleted += len(gone)
            counts.unchanged += len(current & targets)
        self.session.flush()


def _stamp(model: type[SQLModel], now: datetime) -> dict[str, Any]:
    return {"updated_at": now} if "updated_at" in model.model_fields else {}


def _touch(obj: SQLModel, now: datetime) -> None:
    if hasattr(obj, "updated_at"):
        obj.updated_at = now  # type: ignore[attr-defined]
