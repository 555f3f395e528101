"""Accounts (issue 12): signing in and out, sessions, CSRF, lockout, invitations, the
users and log pages of a kommun, and access decided on the server for every route."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.routing import iter_route_contexts
from sqlmodel import select
from typer.testing import CliRunner

from app.accounts.__main__ import cli
from app.accounts.guards import CSRF_COOKIE, SESSION_COOKIE
from app.models import AuditEntry, LoginSession, Membership, OutboxMessage, Role, User
from tests.support import accounts as acc
from tests.support import factories as f


def test_sign_in_sets_a_safe_cookie_and_stores_only_a_hash(built) -> None:
    s = built.session
    f.kommun(s, "0160")
    acc.user(s, "anna@taby.se", role=Role.KOMMUN_ADMIN, kommun_code="0160")
    with built.client() as client:
        response = acc.log_in(client, "Anna@Taby.se ")
        cookie = response.headers["set-cookie"]
        token = client.cookies.get(SESSION_COOKIE)
        assert response.status_code == 303 and response.headers["location"] == "/konto"
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie  # plain http in the test; https sets it (below)
        page = client.get("/konto")
    assert page.status_code == 200 and "Anna" in page.text
    assert page.headers["cache-control"] == "no-store"
    stored = s.exec(select(LoginSession)).all()
    assert len(stored) == 1 and token not in stored[0].token_hash
    assert s.exec(select(User)).one().password_hash.startswith("$argon2id$")


def test_cookie_is_secure_behind_tls(built) -> None:
    f.kommun(built.session, "0160")
    acc.user(built.session, "anna@taby.se", role=Role.KOMMUN_ADMIN, kommun_code="0160")
    with built.client() as client:
        client.base_url = "https://testserver"  # type: ignore[assignment]
        response = acc.log_in(client, "anna@taby.se")
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_says_nothing_about_the_account_and_locks_out(built) -> None:
    s = built.session
    acc.user(s, "anna@taby.se")
    with built.client() as client:
        unknown = acc.log_in(client, "ingen@taby.se", "fel lösenord här")
        wrong = acc.log_in(client, "anna@taby.se", "fel lösenord här")
        assert unknown.status_code == wrong.status_code == 400
        assert "E-postadressen eller lösenordet stämmer inte." in unknown.text
        assert "E-postadressen eller lösenordet stämmer inte." in wrong.text
        for _ in range(4):
            acc.log_in(client, "anna@taby.se", "fel lösenord här")
        # Five failures: even the right password is refused for a while.
        locked = acc.log_in(client, "anna@taby.se")
        assert locked.status_code == 400 and "För många misslyckade försök" in locked.text
        assert SESSION_COOKIE not in client.cookies


def test_lockout_ends_by_itself(built, settings) -> None:
    s = built.session
    acc.user(s, "anna@taby.se")
    with built.client() as client:
        for _ in range(5):
            acc.log_in(client, "anna@taby.se", "fel lösenord här")
    from app.models import LoginAttempt

    for attempt in s.exec(select(LoginAttempt)).all():
        attempt.at = datetime.now(UTC) - timedelta(minutes=16)
    s.commit()
    with built.client() as client:
        assert acc.log_in(client, "anna@taby.se").status_code == 303


def test_every_post_needs_the_form_token(built) -> None:
    s = built.session
    f.kommun(s, "0160")
    with built.client() as client:
        _user, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        invite = "/admin/taby/anvandare/bjud-in"
        data = {"email": "ny@taby.se", "role": Role.KOMMUN_ADMIN}
        missing = client.post(invite, data=data)
        wrong = client.post(invite, data=data | {"csrf": "x" * 43})
        foreign = client.post(
            invite, data=data | {"csrf": token}, headers={"Origin": "https://evil.example"}
        )
        cross = client.post(
            invite, data=data | {"csrf": token}, headers={"Sec-Fetch-Site": "cross-site"}
        )
        right = client.post(invite, data=data | {"csrf": token})
        # The sign-in form too (a login CSRF would sign a victim into the attacker's account).
        anon = client.post("/konto/logga-in", data={"email": "a@b.se", "password": "x"})
    for r in (missing, wrong, foreign, cross):
        assert r.status_code == 403 and "<h1>" in r.text
    assert right.status_code == 200
    assert anon.status_code == 403
    assert s.exec(select(OutboxMessage)).one().to == "ny@taby.se"


def test_log_out_and_log_out_everywhere(built) -> None:
    s = built.session
    f.kommun(s, "0160")
    with built.client() as first, built.client() as second:
        user, token = acc.sign_in(first, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        assert acc.log_in(second, user.email).status_code == 303
        assert second.get("/konto").status_code == 200
        out = first.post("/konto/logga-ut-overallt", data={"csrf": token}, follow_redirects=False)
        assert out.status_code == 303
        # The other device is signed out too.
        assert second.get("/konto", follow_redirects=False).status_code == 303
        assert first.get("/konto", follow_redirects=False).status_code == 303
    assert s.exec(select(LoginSession)).all() == []


def test_an_idle_session_ends(built) -> None:
    s = built.session
    f.kommun(s, "0160")
    with built.client() as client:
        acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        for row in s.exec(select(LoginSession)).all():
            row.last_seen_at = datetime.now(UTC) - timedelta(minutes=61)
        s.commit()
        response = client.get("/konto", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/konto/logga-in?nasta=/konto"


def test_invitation_creates_an_editor_who_can_use_it_once(built) -> None:
    s = built.session
    unit = f.provider(s, "Ängens omsorg")
    with built.client() as admin:
        _u, token = acc.sign_in(admin, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        page = admin.post(
            "/admin/taby/anvandare/bjud-in",
            data={
                "email": "Eva@Angen.se",
                "role": Role.PROVIDER_EDITOR,
                "provider": unit.slug,
                "csrf": token,
            },
        )
    link = re.search(r'value="(http://testserver/konto/inbjudan/[^"]+)"', page.text)
    assert link, "the link is shown on screen"
    mail = s.exec(select(OutboxMessage)).one()
    assert mail.to == "eva@angen.se" and link.group(1) in mail.body
    path = link.group(1).removeprefix("http://testserver")
    with built.client() as eva:
        form = eva.get(path)
        short = eva.post(
            path, data={"name": "Eva", "password": "kort", "csrf": acc.form_token(form.text)}
        )
        assert short.status_code == 400 and "minst 12 tecken" in short.text
        done = eva.post(
            path,
            data={
                "name": "Eva\x00 <b>E</b>",  # a control character is dropped (app.form_text)
                "password": acc.PASSWORD,
                "csrf": acc.form_token(form.text),
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
        account = eva.get("/konto")
        assert "Ängens omsorg" in account.text and "Eva &lt;b&gt;E&lt;/b&gt;" in account.text
        assert eva.get(path).status_code == 404  # used
    member = s.exec(select(Membership).where(Membership.role == Role.PROVIDER_EDITOR)).one()
    assert member.provider_id == unit.id


def test_an_expired_invitation_is_refused(built) -> None:
    s = built.session
    f.kommun(s, "0160")
    with built.client() as admin:
        _u, token = acc.sign_in(admin, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        page = admin.post(
            "/admin/taby/anvandare/bjud-in",
            data={"email": "ny@taby.se", "role": Role.KOMMUN_ADMIN, "csrf": token},
        )
    path = re.search(r'value="http://testserver(/konto/inbjudan/[^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    from app.models import Invitation

    row = s.exec(select(Invitation)).one()
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    s.commit()
    with built.client() as client:
        assert client.get(path).status_code == 404


def test_audit_log_records_who_did_what_and_only_the_kommun_reads_it(built) -> None:
    s = built.session
    f.kommun(s, "0160")
    f.kommun(s, "0187")
    with built.client() as admin:
        _u, token = acc.sign_in(
            admin, s, role=Role.KOMMUN_ADMIN, kommun_code="0160", email="anna@taby.se"
        )
        admin.post(
            "/admin/taby/anvandare/bjud-in",
            data={"email": "ny@taby.se", "role": Role.KOMMUN_ADMIN, "csrf": token},
        )
        log = admin.get("/admin/taby/logg")
        other = admin.get("/admin/vaxholm/logg")
    assert log.status_code == 200 and "invite" in log.text and "ny@taby.se" in log.text
    assert other.status_code == 404
    entry = s.exec(select(AuditEntry).where(AuditEntry.action == "invite")).one()
    assert entry.user_name == "Anna" and entry.after["email"] == "ny@taby.se"  # type: ignore[index]


# Every back-office route that needs only a kommun (and a user): the matrix below.
ADMIN_ROUTES = [
    ("GET", "/admin/{kommun_slug}/anvandare"),
    ("GET", "/admin/{kommun_slug}/logg"),
    ("POST", "/admin/{kommun_slug}/anvandare/bjud-in"),
    ("POST", "/admin/{kommun_slug}/anvandare/{user_id}/ta-bort"),
    ("GET", "/admin/{kommun_slug}/uppfoljning"),
    ("GET", "/admin/{kommun_slug}/uppfoljning/{tjanst}"),
    ("GET", "/admin/{kommun_slug}/uppfoljning/{tjanst}/export.csv"),
    ("GET", "/admin/{kommun_slug}/nivaer"),
    ("POST", "/admin/{kommun_slug}/nivaer"),
    ("GET", "/admin/{kommun_slug}/fullstandighet"),
    ("GET", "/admin/{kommun_slug}/granskning"),
    ("GET", "/admin/{kommun_slug}/webbplatser"),
    ("POST", "/admin/{kommun_slug}/webbplatser"),
    ("POST", "/admin/{kommun_slug}/webbplatser/ta-bort"),
    ("GET", "/admin/{kommun_slug}/filer"),
    ("POST", "/admin/{kommun_slug}/filer"),
    ("GET", "/admin/{kommun_slug}/filer/mall/{kind}.csv"),
    ("GET", "/admin/{kommun_slug}/valguider"),
    ("GET", "/admin/{kommun_slug}/valguider/{tjanst}"),
    ("POST", "/admin/{kommun_slug}/valguider/{tjanst}"),
]


@pytest.mark.parametrize(("method", "route"), ADMIN_ROUTES)
@pytest.mark.parametrize("who", ["anonymous", "admin-here", "admin-elsewhere", "editor-here"])
def test_access_matrix_for_the_kommuns_pages(built, method, route, who) -> None:
    """Anonymous: sent to sign in. Another kommun's admin, or an editor: 404 (nothing
    leaks). The kommun's own admin: allowed."""
    s = built.session
    f.kommun(s, "0187")
    unit = f.provider(s, "Ängens omsorg")
    target = acc.user(s, "target@taby.se", role=Role.PROVIDER_EDITOR, provider=unit)
    path = route.format(kommun_slug="taby", user_id=target.id, tjanst="hemtjanst", kind="providers")
    with built.client() as client:
        token = ""
        if who == "admin-here":
            _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0160")
        elif who == "admin-elsewhere":
            _u, token = acc.sign_in(client, s, role=Role.KOMMUN_ADMIN, kommun_code="0187")
        elif who == "editor-here":
            _u, token = acc.sign_in(client, s, role=Role.PROVIDER_EDITOR, provider=unit)
        data = {"csrf": token, "email": "x@taby.se", "role": Role.KOMMUN_ADMIN}
        response = (
            client.get(path, follow_redirects=False)
            if method == "GET"
            else client.post(path, data=data, follow_redirects=False)
        )
    if who == "anonymous":
        expected = 303 if method == "GET" else 403  # a POST without a session has no token
        assert response.status_code == expected
        if method == "GET":
            assert response.headers["location"].startswith("/konto/logga-in?nasta=")
    elif who == "admin-here":
        # Allowed: the page, a redirect, or a form error; never refused or hidden.
        assert response.status_code in (200, 303, 400), response.text[:300]
    else:
        assert response.status_code == 404


def test_every_back_office_route_is_in_an_access_matrix(sample_app) -> None:
    """A new /admin, /konto or editor route must be in an access matrix (Notify's
    meta-test): here, or in tests/test_presentation_edits.py's ACCESS_ROUTES."""
    from tests import test_presentation_edits

    covered = {r for _m, r in ADMIN_ROUTES} | {r for _m, r in test_presentation_edits.ACCESS_ROUTES}
    public = {
        "/konto/logga-in",
        "/konto/logga-ut",
        "/konto/logga-ut-overallt",
        "/konto",
        "/konto/inbjudan/{token}",
    }
    paths = [route.path or "" for route in iter_route_contexts(sample_app.routes)]
    assert "/admin/{kommun_slug}/anvandare" in paths  # the walk sees included routers
    for path in paths:
        if path.startswith(("/admin/", "/utforare/{slug}/redigera")):
            assert path in covered, f"{path} is in no access matrix"
        elif path.startswith("/konto"):
            assert path in public, f"{path} is not covered"


def test_cli_creates_the_first_admin(built, settings, monkeypatch) -> None:
    f.kommun(built.session, "0160")
    built.session.commit()
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ADMIN_PASSWORD", acc.PASSWORD)
    from app.settings import get_settings

    get_settings.cache_clear()
    try:
        ok = CliRunner().invoke(
            cli, ["create-admin", "--kommun", "0160", "--email", "Chef@Taby.se", "--name", "Chef"]
        )
        bad = CliRunner().invoke(
            cli, ["create-admin", "--kommun", "9999", "--email", "x@y.se", "--name", "X"]
        )
    finally:
        get_settings.cache_clear()
    assert ok.exit_code == 0, ok.output
    assert bad.exit_code == 1 and "Kommunen 9999 finns inte" in bad.output
    assert "Traceback" not in bad.output
    with built.client() as client:
        assert acc.log_in(client, "chef@taby.se").status_code == 303
        assert client.get("/admin/taby/anvandare").status_code == 200


def test_anonymous_csrf_cookie_is_set_with_the_form(client) -> None:
    page = client.get("/konto/logga-in")
    assert CSRF_COOKIE in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    assert acc.form_token(page.text)
