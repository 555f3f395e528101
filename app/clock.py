"""The day as a Swedish reader would name it: pages, caches and records agree on when a day
turns, whatever the server's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def today_in_sweden(at: datetime | None = None) -> date:
    """The Swedish date now, or at `at`; a naive `at` is UTC (what SQLite gives back of the
    UTC times stored), never the server's local time."""
    at = at or datetime.now(UTC)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(SWEDEN).date()
