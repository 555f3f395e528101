"""Passwords hashed with Argon2id (pwdlib), and a dummy hash to verify against for unknown
e-mail addresses so that the time taken does not tell whether an account exists."""

from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.i18n import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 200


@cache
def hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def hash_password(password: str) -> str:
    return hasher().hash(password)


@cache
def _dummy() -> str:
    return hasher().hash("not anyone's password, only for timing")


def verify(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(valid, a new hash when the stored one should be upgraded)."""
    if password_hash is None:
        hasher().verify(password, _dummy())
        return False, None
    return hasher().verify_and_update(password, password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (in the request's language), or None."""
    if len(password) < MIN_LENGTH:
        return _("Lösenordet behöver minst {n} tecken.").format(n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Lösenordet får vara högst {n} tecken.").format(n=MAX_LENGTH)
    return None
