from datetime import datetime

from sqlmodel import Field, SQLModel


class IngestRun(SQLModel, table=True):
    """One run of an ingest job, kept as an audit trail."""

    __tablename__ = "ingest_run"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    started_at: datetime
    finished_at: datetime | None = None
    status: str = Field(default="running", description="running, ok or failed")
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    message: str | None = None
