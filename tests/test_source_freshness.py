"""When each outside source was last fetched, in /healthz and the footer, and when that is
longer ago than the source's publication cycle (Kolada, Skolverket: yearly; 13 months)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlmodel import Session

from app.freshness import freshness
from app.models import IngestRun

SWEDEN = ZoneInfo("Europe/Stockholm")
NOW = datetime.now(UTC)
LONG_AGO = NOW - timedelta(days=500)  # more than 13 months
RECENT = NOW - timedelta(days=3)


def run(session: Session, source: str, started: datetime, status: str = "ok") -> None:
    session.add(IngestRun(source=source, started_at=started, finished_at=started, status=status))


def day(at: datetime, locale: str = "sv") -> str:
    """As a Swedish reader's calendar has it."""
    return format_date(at.astimezone(SWEDEN).date(), format="long", locale=locale)


def test_stale_after_thirteen_months_to_the_day():
    fetched = datetime(2025, 1, 31, 12, tzinfo=UTC)
    # 13 months after 31 January is the last day of February
    [kolada, skolverket] = freshness({"kolada": fetched}, date(2026, 2, 28))
    assert (kolada.source, kolada.fetched, kolada.stale) == ("kolada", fetched, False)
    assert (skolverket.fetched, skolverket.stale) == (None, False)  # never fetched
    [kolada, _] = freshness({"kolada": fetched}, date(2026, 3, 1))
    assert kolada.stale


def test_healthz_gives_the_latest_run_with_committed_data_per_source(built):
    s = built.session
    run(s, "kolada", LONG_AGO - timedelta(days=30))
    run(s, "kolada", LONG_AGO, status="index_failed")  # data committed: fetched
    run(s, "skolverket", LONG_AGO)
    run(s, "skolverket", RECENT, status="index_pending")
    run(s, "sample", RECENT)  # not an outside source with a cycle

    with built.client() as client:
        sources = client.get("/healthz").json()["sources"]

    assert sources == {
        "kolada": {"fetched": LONG_AGO.isoformat(), "stale": True},
        "skolverket": {"fetched": RECENT.isoformat(), "stale": False},
    }


def test_healthz_without_runs_says_never_fetched(built):
    with built.client() as client:
        sources = client.get("/healthz").json()["sources"]
    assert sources == {
        "kolada": {"fetched": None, "stale": False},
        "skolverket": {"fetched": None, "stale": False},
    }


def test_the_footer_says_when_each_source_was_fetched_and_marks_the_stale_one(built):
    run(built.session, "kolada", LONG_AGO)
    run(built.session, "skolverket", RECENT)

    with built.client() as client:
        swedish = client.get("/om-siffrorna").text
        english = client.get("/en/om-siffrorna").text

    assert f"Kolada: senast hämtad {day(LONG_AGO)} (äldre än väntat)" in swedish
    assert f"Skolverket: senast hämtad {day(RECENT)}</p>" in swedish
    assert f"Skolverket: last fetched {day(RECENT, 'en_GB')}</p>" in english
    assert "Kolada: last fetched" in english and "(older than expected)" in english


def test_a_run_that_lands_shows_in_the_footer_at_once_on_pages_already_cached(built, engine):
    """The footer's facts are cached against the data version, as the pages are: a run that
    lands bumps it, so the next page is fresh (before, it took up to 30 s)."""
    run(built.session, "kolada", LONG_AGO)
    with built.client() as client:
        first = client.get("/om-siffrorna")
        again = client.get("/om-siffrorna")
        with Session(engine) as s:
            run(s, "kolada", RECENT)
            s.commit()
        second = client.get("/om-siffrorna")
    assert f"Kolada: senast hämtad {day(LONG_AGO)}" in first.text
    assert again.headers["x-page-cache"] == "HIT" and again.text == first.text
    assert second.headers["x-page-cache"] == "MISS"
    assert f"Kolada: senast hämtad {day(RECENT)}" in second.text


def test_no_footer_line_for_a_source_never_fetched(built):
    with built.client() as client:
        page = client.get("/om-siffrorna").text
    assert "senast hämtad" not in page
