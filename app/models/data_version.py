from datetime import datetime

from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    """One row: a number that every committed change to what the public sees increases.

    Rendered pages are cached against it (app.web.page_cache); app.data_version bumps it in
    the same transaction as the change, so no reader can see the change under the old number.
    """

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    changed_at: datetime | None = None
