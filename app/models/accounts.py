"""People who sign in: kommun administrators and provider editors, their sessions,
invitations, the outbox the kommun's mail system reads, and the audit log."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel, UniqueConstraint


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True, max_length=254, description="lower case")
    name: str
    password_hash: str
    created_at: datetime
    disabled: bool = False
    # Sessions started before this are void: "log out everywhere" and a password change.
    sessions_valid_after: datetime | None = None


class Role:
    KOMMUN_ADMIN = "kommun_admin"  # of one kommun: levels, follow-up, moderation, users
    PROVIDER_EDITOR = "provider_editor"  # of one unit: its presentation and comments


class Membership(SQLModel, table=True):
    """One role over one object: a kommun (administrator) or a unit (editor)."""

    __table_args__ = (UniqueConstraint("user_id", "role", "kommun_code", "provider_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    role: str = Field(description="a Role value")
    kommun_code: str | None = Field(default=None, foreign_key="kommun.code", index=True)
    provider_id: int | None = Field(
        default=None, foreign_key="provider.id", index=True, ondelete="CASCADE"
    )


class LoginSession(SQLModel, table=True):
    """A signed-in browser. Only an HMAC of the cookie's token is stored."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime
    last_seen_at: datetime
    csrf_token: str = Field(max_length=64, description="the form token of this session")


class LoginAttempt(SQLModel, table=True):
    """A failed sign-in, for throttling and temporary lockout (by e-mail and by address)."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, max_length=254)
    client: str = Field(index=True, max_length=64)
    at: datetime = Field(index=True)


class Invitation(SQLModel, table=True):
    """A one-time link to create an account with one role. Only an HMAC of the token."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True, max_length=64)
    email: str = Field(max_length=254)
    role: str
    kommun_code: str | None = Field(default=None, foreign_key="kommun.code")
    provider_id: int | None = Field(default=None, foreign_key="provider.id", ondelete="CASCADE")
    invited_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class OutboxMessage(SQLModel, table=True):
    """Mail to send: the kommun's mail system reads this table (no mail server assumed)."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=254)
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, with the data before and after (NetBox's shape)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    user_name: str = Field(description="a snapshot: the log outlives renamed users")
    action: str = Field(description="e.g. 'login', 'invite', 'presentation.approve'")
    object_type: str
    object_id: str
    kommun_code: str | None = Field(default=None, index=True, description="whose log it is")
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
