"""Pages are kept against the data version (app/web/page_cache.py, app/data_version.py):
served again while nothing changed, and fresh right after anything that changes what the
public sees — an ingest, an approved edit, a new level, a change written by another process
— but not after a change nobody sees (a sign-in) or an ingest that failed. Real database,
real pages through HTTP."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from app.data_version import read_version
from app.models import (
    AuditEntry,
    Indicator,
    LoginAttempt,
    PresentationDraft,
    Provider,
    ProviderSourceId,
    Role,
)
from ingest.errors import IngestFailed
from ingest.kommun_files import Kind, ingest_file
from tests.support import accounts as acc
from tests.support import factories as f
from tests.support.html import dom
from tests.test_ingest_kommun_files import edited

CACHE = "x-page-cache"


@pytest.fixture
def unit(built) -> Provider:
    """Täby's förskola that the kommun's file template describes (FS-03), with a figure."""
    s = built.session
    f.kommun(s, "0160")
    f.kommun(s, "0162")
    unit = f.provider(
        s,
        "Förskolan Exempelgården",
        service_type_id="forskola",
        origin="kommun",
        presentation="Gammal text.",
        presentation_updated=date(2024, 1, 10),
    )
    s.add(ProviderSourceId(provider_id=unit.id, source="kommun", external_id="0160:FS-03"))
    nojd = f.indicator(s, "kommun-forskola-nojdhet", "forskola", min_n=5, source_kind="register")
    f.indicator_value(s, unit, nojd, 2024, 80.0)
    s.commit()
    return unit


def version(engine) -> int:
    with Session(engine) as s:
        return read_version(s)


def test_a_page_is_served_again_until_the_data_changes(built, unit) -> None:
    with built.client() as client:
        first = client.get(f"/utforare/{unit.slug}")
        second = client.get(f"/utforare/{unit.slug}")
        revalidated = client.get(
            f"/utforare/{unit.slug}", headers={"if-none-match": second.headers["etag"]}
        )
    assert (first.status_code, first.headers[CACHE]) == (200, "MISS")
    assert (second.status_code, second.headers[CACHE]) == (200, "HIT")
    assert second.text == first.text and second.headers["etag"] == first.headers["etag"]
    # The stored page keeps its headers: security, caching, gzip as asked.
    assert second.headers["cache-control"] == "private, no-cache"
    assert "frame-ancestors" in second.headers["content-security-policy"]
    assert (revalidated.status_code, revalidated.content) == (304, b"")


def test_what_the_page_depends_on_is_in_the_key(built, unit) -> None:
    """The language, the comparison basket and the query string each give their own page."""
    with built.client() as client:
        swedish = client.get(f"/utforare/{unit.slug}")
        english = client.get(f"/en/utforare/{unit.slug}")
        client.cookies.set("jamfor", unit.slug)
        in_basket = client.get(f"/utforare/{unit.slug}")
        client.cookies.clear()
        without = client.get(f"/utforare/{unit.slug}")
        listed = client.get("/taby/forskola")
        sorted_list = client.get("/taby/forskola?sortera=namn")
        partial = client.get("/taby/forskola", headers={"x-partial": "1"})  # the JS update
    assert english.headers[CACHE] == "MISS" and 'lang="en"' in english.text
    assert in_basket.headers[CACHE] == "MISS"
    assert "Jämförelse" in dom(in_basket.text).first("header").text
    assert without.headers[CACHE] == "HIT" and without.text == swedish.text
    assert listed.headers[CACHE] == "MISS" and sorted_list.headers[CACHE] == "MISS"
    assert partial.headers[CACHE] == "MISS" and "<html" not in partial.text


def test_an_ingest_shows_at_once(built, unit, settings, tmp_path) -> None:
    path = edited(tmp_path, Kind.PROVIDERS, presentation="Ny text från kommunens fil.")
    with built.client() as client:
        client.get(f"/utforare/{unit.slug}")
        assert client.get(f"/utforare/{unit.slug}").headers[CACHE] == "HIT"
        ingest_file(settings, path, Kind.PROVIDERS, reindex=False)
        after = client.get(f"/utforare/{unit.slug}")
    assert after.headers[CACHE] == "MISS"
    assert "Ny text från kommunens fil." in after.text and "Gammal text." not in after.text


def test_a_failed_ingest_leaves_every_kept_page_valid(built, unit, settings, engine, tmp_path):
    bad = edited(tmp_path, Kind.PROVIDERS, org_nr="inte ett nummer")
    with built.client() as client:
        client.get(f"/utforare/{unit.slug}")
        before = version(engine)
        with pytest.raises(IngestFailed):
            ingest_file(settings, bad, Kind.PROVIDERS, reindex=False)
        again = client.get(f"/utforare/{unit.slug}")
    assert version(engine) == before
    assert again.headers[CACHE] == "HIT"


def test_an_approved_edit_shows_at_once(built, unit) -> None:
    s = built.session
    with built.client() as client:
        client.follow_redirects = False
        client.get(f"/utforare/{unit.slug}")
        _u, token = acc.sign_in(client, s, role=Role.PROVIDER_EDITOR, provider=unit)
        sent = client.post(
            f"/utforare/{unit.slug}/redigera",
            data={"csrf": token, "presentation": "Vi är **nya** här.", "phone": "08-765 43 21"},
        )
        assert sent.status_code == 303
        pending = client.get(f"/utforare/{unit.slug}")
        client.cookies.clear()
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        draft = s.exec(select(PresentationDraft)).one()
        done = client.post(f"/admin/taby/granskning/{draft.id}/godkann", data={"csrf": token})
        assert done.status_code == 303
        published = client.get(f"/utforare/{unit.slug}")
    # A draft waiting for the kommun is no change to the public page...
    assert pending.headers[CACHE] == "HIT" and "Gammal text." in pending.text
    # ...its approval is, at once.
    assert published.headers[CACHE] == "MISS"
    assert "08-765 43 21" in published.text and "Gammal text." not in published.text


def test_a_new_level_and_a_change_by_another_process_show_at_once(built, unit, engine) -> None:
    with built.client() as client:
        client.get(f"/utforare/{unit.slug}")
        assert client.get(f"/utforare/{unit.slug}").headers[CACHE] == "HIT"
        with Session(engine) as other:  # as another worker or the CLI would
            f.level(other, other.get(Indicator, "kommun-forskola-nojdhet"), 90, 85)
            other.commit()
        after_level = client.get(f"/utforare/{unit.slug}")
    assert after_level.headers[CACHE] == "MISS"
    assert "Underkänt" in after_level.text  # 80 % against a new bar of 85


def test_changes_nobody_sees_leave_the_version_alone(built, unit, engine) -> None:
    """Sign-in, sessions and the audit log are private; a value set to what it was, or a
    change rolled back, is no change. A real change is one bump."""
    s = built.session
    before = version(engine)
    with built.client() as client:
        _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        client.post("/konto/logga-ut", data={"csrf": token}, follow_redirects=False)
    with Session(engine) as other:
        other.add(LoginAttempt(email="x@taby.se", client="test", at=datetime.now(UTC)))
        other.add(
            AuditEntry(
                at=datetime.now(UTC), user_name="Test", action="t", object_type="t", object_id="1"
            )
        )
        other.commit()
        same = other.get(Provider, unit.id)
        same.name = unit.name
        other.commit()
        assert read_version(other) == before
        other.get(Provider, unit.id).phone = "08-1"
        other.flush()
        other.rollback()
        assert read_version(other) == before
        other.get(Provider, unit.id).phone = "08-1"
        other.commit()
    assert version(engine) == before + 1


def test_private_pages_are_never_kept(built, unit) -> None:
    s = built.session
    with built.client() as client:
        acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        first = client.get("/admin/taby/uppfoljning")
        second = client.get("/admin/taby/uppfoljning")
    assert first.status_code == second.status_code == 200
    assert second.headers[CACHE] == "MISS"


def test_a_list_shown_from_sql_while_search_is_down_is_not_kept(built, unit, settings) -> None:
    from fastapi.testclient import TestClient

    from app.main import create_app

    built.session.commit()
    down = settings.model_copy(update={"meili_url": "http://127.0.0.1:9"})
    with TestClient(create_app(down)) as client:
        first = client.get("/taby/forskola")
        second = client.get("/taby/forskola")
    assert first.status_code == second.status_code == 200
    assert "Förskolan Exempelgården" in second.text
    assert second.headers[CACHE] == "MISS"


def test_an_unreachable_database_is_answered_as_without_the_cache(settings) -> None:
    """The version cannot be read: the routes answer as they always did (/healthz: 503)."""
    from fastapi.testclient import TestClient

    from app.main import create_app

    gone = settings.model_copy(update={"database_url": "postgresql://postgres@127.0.0.1:9/none"})
    with TestClient(create_app(gone), raise_server_exceptions=False) as client:
        health = client.get("/healthz")
        page = client.get("/om-siffrorna")
    assert health.status_code == 503
    assert health.json()["database"]["status"] != "ok"
    assert page.status_code >= 500 and "Traceback" not in page.text
