"""The Swedish day (app/clock.py): it turns at Swedish midnight, winter and summer, whatever
the server's zone; a stored naive time is UTC."""

from datetime import UTC, date, datetime

import pytest

from app import clock
from app.clock import today_in_sweden


@pytest.mark.parametrize(
    ("utc", "day"),
    [
        (datetime(2026, 12, 2, 22, 59, 59, tzinfo=UTC), date(2026, 12, 2)),  # 23:59:59 CET
        (datetime(2026, 12, 2, 23, 0, 0, tzinfo=UTC), date(2026, 12, 3)),  # midnight CET
        (datetime(2026, 7, 1, 21, 59, 59, tzinfo=UTC), date(2026, 7, 1)),  # 23:59:59 CEST
        (datetime(2026, 7, 1, 22, 0, 0, tzinfo=UTC), date(2026, 7, 2)),  # midnight CEST
    ],
)
def test_the_day_turns_at_swedish_midnight(monkeypatch, utc: datetime, day: date) -> None:
    assert today_in_sweden(utc) == day
    assert today_in_sweden(utc.replace(tzinfo=None)) == day  # as SQLite gives it back
    # Now, as the caches ask it: the clock read once a minute gives the same day.
    monkeypatch.setattr(clock.time, "time", lambda: utc.timestamp())
    assert today_in_sweden() == day
