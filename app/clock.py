"""The day as a Swedish reader would name it: pages, caches and records agree on when a day
turns, whatever the server's time zone."""

import time
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def today_in_sweden(at: datetime | None = None) -> date:
    """The Swedish date now, or at `at`; a naive `at` is UTC (what SQLite gives back of the
    UTC times stored), never the server's local time."""
    if at is None:
        return _day_of_minute(int(time.time() // 60))
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(SWEDEN).date()


@lru_cache(maxsize=2)
def _day_of_minute(minute: int) -> date:
    # Asked on every request (the caches' keys): worked out once a minute, which is exact,
    # as Swedish midnight always falls on a whole minute of UTC.
    return datetime.fromtimestamp(minute * 60, SWEDEN).date()
