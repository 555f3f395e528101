"""The day as a Swedish reader would name it: pages, caches and records agree on when a day
turns, whatever the server's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def today_in_sweden(at: datetime | None = None) -> date:
    return (at or datetime.now(UTC)).astimezone(SWEDEN).date()
