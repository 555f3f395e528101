"""The rules of accounts, below the web layer: who a signed-in person is and may act for,
signing in (with throttling and temporary lockout), sessions, invitations and users.

Times are aware UTC. Tokens for cookies and links are random; only their HMAC is stored.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from app.accounts import audit
from app.accounts.passwords import hash_password, password_problem, verify
from app.accounts.tokens import new_token, token_hash
from app.form_text import one_line
from app.i18n import gettext as _
from app.models import (
    Invitation,
    Kommun,
    LoginAttempt,
    LoginSession,
    Membership,
    OutboxMessage,
    Provider,
    Role,
    User,
)

INVITATION_DAYS = 7
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often


def now() -> datetime:
    return datetime.now(UTC)


def aware(at: datetime) -> datetime:
    """SQLite gives back stored UTC times without their zone."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def normalise_email(text: str) -> str:
    return text.strip().lower()


class AccountError(Exception):
    """A refusal to show the person, naming the field when there is one. The message is in
    the language of the request (app.i18n.gettext, as other services write theirs); the
    CLI runs in Swedish."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Caller:
    """Who is acting, and for what: the one object every access decision reads."""

    user: User
    admin_kommuner: frozenset[str] = field(default_factory=frozenset)
    editor_providers: frozenset[int] = field(default_factory=frozenset)

    @property
    def user_id(self) -> int | None:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.name

    def is_admin_of(self, kommun_code: str) -> bool:
        return kommun_code in self.admin_kommuner

    def is_editor_of(self, provider_id: int | None) -> bool:
        return provider_id is not None and provider_id in self.editor_providers


def caller_for(session: Session, user: User) -> Caller:
    rows = session.exec(select(Membership).where(Membership.user_id == user.id)).all()
    return Caller(
        user=user,
        admin_kommuner=frozenset(
            m.kommun_code for m in rows if m.role == Role.KOMMUN_ADMIN and m.kommun_code
        ),
        editor_providers=frozenset(
            m.provider_id
            for m in rows
            if m.role == Role.PROVIDER_EDITOR and m.provider_id is not None
        ),
    )


# --- signing in ------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    idle: timedelta = timedelta(minutes=60)


def locked(session: Session, email: str, client: str, limits: Limits) -> bool:
    """Too many failures lately, for this e-mail address or from this client (whichever
    account it tried): a temporary lockout that ends by itself."""
    since = now() - limits.lockout
    by_email = session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.email == email, col(LoginAttempt.at) >= since)
    ).one()
    by_client = session.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.client == client, col(LoginAttempt.at) >= since)
    ).one()
    return by_email >= limits.max_failures or by_client >= 4 * limits.max_failures


def authenticate(session: Session, email: str, password: str, client: str, limits: Limits) -> User:
    """The user, or AccountError with a message that does not say which part was wrong
    (or whether the account exists). Failures are counted for the lockout."""
    email = normalise_email(email)
    if locked(session, email, client, limits):
        raise AccountError(
            _(
                "För många misslyckade försök. Vänta en stund och försök igen, eller be "
                "kommunens administratör om hjälp."
            )
        )
    user = session.exec(select(User).where(User.email == email)).first()
    ok, new_hash = verify(password, user.password_hash if user else None)
    if not ok or user is None or user.disabled:
        session.add(LoginAttempt(email=email[:254], client=client[:64], at=now()))
        session.commit()
        raise AccountError(_("E-postadressen eller lösenordet stämmer inte."))
    if new_hash:
        user.password_hash = new_hash
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.email) == email))  # type: ignore[call-overload]
    return user


def start_session(session: Session, key: bytes, user: User) -> tuple[str, LoginSession]:
    token = new_token()
    at = now()
    row = LoginSession(
        token_hash=token_hash(key, token),
        user_id=user.id,  # type: ignore[arg-type]
        created_at=at,
        last_seen_at=at,
        csrf_token=new_token(),
    )
    session.add(row)
    audit.record(session, caller_for(session, user), "login", "user", str(user.id), None)
    session.commit()
    return token, row


def session_for_token(
    session: Session, key: bytes, token: str, limits: Limits
) -> tuple[LoginSession, User] | None:
    """The live session of a cookie's token: not idle too long, its user enabled, and not
    ended by "log out everywhere"."""
    row = session.exec(
        select(LoginSession).where(LoginSession.token_hash == token_hash(key, token))
    ).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    at = now()
    stale = aware(row.last_seen_at) < at - limits.idle
    voided = (
        user is not None
        and user.sessions_valid_after is not None
        and aware(row.created_at) <= aware(user.sessions_valid_after)
    )
    if user is None or user.disabled or stale or voided:
        session.delete(row)
        session.commit()
        return None
    if aware(row.last_seen_at) < at - TOUCH_EVERY:
        row.last_seen_at = at
        session.commit()
    return row, user


def end_session(session: Session, key: bytes, token: str) -> None:
    session.exec(
        delete(LoginSession).where(col(LoginSession.token_hash) == token_hash(key, token))  # type: ignore[call-overload]
    )
    session.commit()


def end_all_sessions(session: Session, user: User) -> None:
    """Log out everywhere: every session of the user ends, here and on other devices."""
    user.sessions_valid_after = now()
    session.exec(delete(LoginSession).where(col(LoginSession.user_id) == user.id))  # type: ignore[call-overload]
    audit.record(
        session, caller_for(session, user), "logout_everywhere", "user", str(user.id), None
    )
    session.commit()


# --- users, memberships and invitations ------------------------------------------------


def _check_new_user(name: str, password: str) -> None:
    if not name or len(name) > 200:
        raise AccountError(_("Skriv ditt namn."), "name")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")


def create_admin(session: Session, email: str, name: str, password: str, kommun_code: str) -> User:
    """The first administrator of a kommun (the CLI): no one is there to invite them."""
    if session.get(Kommun, kommun_code) is None:
        raise AccountError(
            _("Kommunen {code} finns inte i databasen.").format(code=kommun_code), "kommun"
        )
    email = normalise_email(email)
    name = one_line(name)
    _check_new_user(name, password)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        user = User(email=email, name=name, password_hash=hash_password(password), created_at=now())
        session.add(user)
        session.flush()
    _add_membership(session, user, Role.KOMMUN_ADMIN, kommun_code, None)
    audit.record(
        session,
        None,
        "admin.create",
        "user",
        str(user.id),
        kommun_code,
        after={"email": email, "role": Role.KOMMUN_ADMIN},
    )
    session.commit()
    return user


def _add_membership(
    session: Session, user: User, role: str, kommun_code: str | None, provider_id: int | None
) -> None:
    exists = session.exec(
        select(Membership).where(
            Membership.user_id == user.id,
            Membership.role == role,
            Membership.kommun_code == kommun_code,
            Membership.provider_id == provider_id,
        )
    ).first()
    if exists is None:
        session.add(
            Membership(
                user_id=user.id,  # type: ignore[arg-type]
                role=role,
                kommun_code=kommun_code,
                provider_id=provider_id,
            )
        )


def invite(
    session: Session,
    key: bytes,
    inviter: Caller,
    kommun: Kommun,
    email: str,
    role: str,
    provider: Provider | None,
    link_base: str,
) -> tuple[str, Invitation]:
    """A one-time link for `email` to join with one role. The link is returned (shown on
    screen) and written to the outbox for the kommun's mail system."""
    if not inviter.is_admin_of(kommun.code):
        raise AccountError(_("Du kan bara bjuda in till din egen kommun."))
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(_("Skriv en e-postadress, till exempel namn@kommun.se."), "email")
    if role == Role.PROVIDER_EDITOR:
        if provider is None or provider.kommun_code != kommun.code:
            raise AccountError(_("Välj en av kommunens utförare."), "provider")
    elif role != Role.KOMMUN_ADMIN:
        raise AccountError(_("Välj en roll."), "role")
    token = new_token()
    at = now()
    row = Invitation(
        token_hash=token_hash(key, token),
        email=email,
        role=role,
        kommun_code=kommun.code if role == Role.KOMMUN_ADMIN else None,
        provider_id=provider.id if provider is not None and role == Role.PROVIDER_EDITOR else None,
        invited_by=inviter.user_id,
        created_at=at,
        expires_at=at + timedelta(days=INVITATION_DAYS),
    )
    session.add(row)
    link = f"{link_base}/konto/inbjudan/{token}"
    what = (
        f"administratör för {kommun.name}"
        if role == Role.KOMMUN_ADMIN
        else f"redaktör för {provider.name if provider else ''}"
    )
    session.add(
        OutboxMessage(
            to=email,
            subject="Inbjudan till Välfärdsjämföraren",
            body=(
                f"{inviter.name} bjuder in dig som {what} i Välfärdsjämföraren.\n\n"
                f"Öppna länken inom {INVITATION_DAYS} dagar för att skapa ditt konto:\n{link}\n"
            ),
            created_at=at,
        )
    )
    audit.record(
        session,
        inviter,
        "invite",
        "invitation",
        email,
        kommun.code,
        after={"email": email, "role": role, "provider": provider.slug if provider else None},
    )
    session.commit()
    return link, row


def open_invitation(session: Session, key: bytes, token: str) -> Invitation | None:
    row = session.exec(
        select(Invitation).where(Invitation.token_hash == token_hash(key, token))
    ).first()
    if row is None or row.used_at is not None or aware(row.expires_at) < now():
        return None
    return row


def accept_invitation(session: Session, key: bytes, token: str, name: str, password: str) -> User:
    """Create the account (or, for an existing one, check its password) and add the role."""
    row = open_invitation(session, key, token)
    if row is None:
        raise AccountError(_("Inbjudan gäller inte längre. Be om en ny."))
    user = session.exec(select(User).where(User.email == row.email)).first()
    if user is None:
        name = one_line(name)
        _check_new_user(name, password)
        user = User(
            email=row.email,
            name=name,
            password_hash=hash_password(password),
            created_at=now(),
        )
        session.add(user)
        session.flush()
    else:
        ok, _new_hash = verify(password, user.password_hash)
        if not ok:
            raise AccountError(
                _("Det finns redan ett konto för e-postadressen: skriv dess lösenord."),
                "password",
            )
    _add_membership(session, user, row.role, row.kommun_code, row.provider_id)
    row.used_at = now()
    kommun_code = row.kommun_code
    if kommun_code is None and row.provider_id is not None:
        provider = session.get(Provider, row.provider_id)
        kommun_code = provider.kommun_code if provider else None
    audit.record(
        session,
        caller_for(session, user),
        "invitation.accept",
        "user",
        str(user.id),
        kommun_code,
        after={"role": row.role},
    )
    session.commit()
    return user


@dataclass(frozen=True)
class KommunUser:
    user: User
    roles: list[str]  # words for the roles in this kommun


def users_of(session: Session, kommun_code: str) -> list[KommunUser]:
    """Everyone with a role in the kommun: its administrators and its units' editors."""
    providers = {
        p.id: p
        for p in session.exec(select(Provider).where(Provider.kommun_code == kommun_code)).all()
    }
    rows = session.exec(
        select(Membership, User)
        .join(User, col(User.id) == Membership.user_id)
        .where(
            or_(
                col(Membership.kommun_code) == kommun_code,
                col(Membership.provider_id).in_(list(providers)),
            )
        )
        .order_by(col(User.name))
    ).all()
    by_user: dict[int, KommunUser] = {}
    for m, u in rows:
        entry = by_user.setdefault(u.id, KommunUser(u, []))  # type: ignore[arg-type]
        if m.role == Role.KOMMUN_ADMIN:
            entry.roles.append(_("Administratör"))
        elif m.provider_id in providers:
            entry.roles.append(
                _("Redaktör: {provider}").format(provider=providers[m.provider_id].name)
            )
    return list(by_user.values())


def remove_from_kommun(session: Session, caller: Caller, kommun_code: str, user_id: int) -> None:
    """Take away every role the user has in this kommun (and nothing elsewhere)."""
    if not caller.is_admin_of(kommun_code):
        raise AccountError(_("Du kan bara ändra i din egen kommun."))
    if caller.user_id == user_id:
        raise AccountError(_("Du kan inte ta bort dig själv."))
    provider_ids = list(
        session.exec(select(Provider.id).where(Provider.kommun_code == kommun_code)).all()
    )
    rows: Sequence[Membership] = session.exec(
        select(Membership).where(
            Membership.user_id == user_id,
            or_(
                col(Membership.kommun_code) == kommun_code,
                col(Membership.provider_id).in_(provider_ids),
            ),
        )
    ).all()
    before = [{"role": m.role, "kommun": m.kommun_code, "provider": m.provider_id} for m in rows]
    for m in rows:
        session.delete(m)
    audit.record(
        session,
        caller,
        "membership.remove",
        "user",
        str(user_id),
        kommun_code,
        before={"memberships": before},
        after={"memberships": []},
    )
    session.commit()
