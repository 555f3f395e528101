"""Signing a TestClient in as someone with one role (through the real sign-in form)."""

import re
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.accounts.passwords import hash_password
from app.models import LoginSession, Membership, Provider, Role, User

PASSWORD = "en lång och bra mening"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def user(
    session: Session,
    email: str,
    *,
    role: str | None = None,
    kommun_code: str | None = None,
    provider: Provider | None = None,
    name: str | None = None,
    password: str = PASSWORD,
) -> User:
    row = User(
        email=email.lower(),
        name=name or email.split("@")[0].title(),
        password_hash=hash_password(password),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    if role == Role.KOMMUN_ADMIN:
        session.add(Membership(user_id=row.id, role=role, kommun_code=kommun_code))  # type: ignore[arg-type]
    elif role == Role.PROVIDER_EDITOR:
        assert provider is not None
        session.add(Membership(user_id=row.id, role=role, provider_id=provider.id))  # type: ignore[arg-type]
    session.commit()
    return row


def form_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has a form with a csrf field"
    return found.group(1)


def log_in(client, email: str, password: str = PASSWORD):
    page = client.get("/konto/logga-in")
    return client.post(
        "/konto/logga-in",
        data={"email": email, "password": password, "csrf": form_token(page.text)},
        follow_redirects=False,
    )


def sign_in(
    client,
    session: Session,
    *,
    role: str,
    kommun_code: str | None = None,
    provider: Provider | None = None,
    email: str | None = None,
) -> tuple[User, str]:
    """A new user with one role, signed in on `client`; returns (user, the form token)."""
    email = email or f"{role}-{kommun_code or (provider.slug if provider else 'x')}@exempel.se"
    row = user(session, email, role=role, kommun_code=kommun_code, provider=provider)
    response = log_in(client, email)
    assert response.status_code == 303, response.text
    login = session.exec(
        select(LoginSession)
        .where(LoginSession.user_id == row.id)
        .order_by(col(LoginSession.id).desc())
    ).first()
    assert login is not None
    return row, login.csrf_token
