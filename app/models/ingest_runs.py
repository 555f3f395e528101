from datetime import datetime

from sqlmodel import Field, SQLModel


class IngestRun(SQLModel, table=True):
    """One run of an ingest job, kept as an audit trail."""

    __tablename__ = "ingest_run"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    started_at: datetime
    finished_at: datetime | None = None
    # index_pending: data committed, index not yet rebuilt from it; index_failed: data
    # committed, rebuilding the index failed (see message); ok: data and index done.
    # A run whose data write fails leaves no row (ingest.runs).
    status: str = Field(default="index_pending")
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    message: str | None = None
