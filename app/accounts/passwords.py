"""Passwords hashed with Argon2id (pwdlib), and a dummy hash to verify against for unknown
e-mail addresses so that the time taken does not tell whether an account exists."""

from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_LENGTH = 12


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
    """Why a new password is refused (in Swedish), or None."""
    if len(password) < MIN_LENGTH:
        return f"Lösenordet behöver minst {MIN_LENGTH} tecken."
    if len(password) > 200:
        return "Lösenordet får vara högst 200 tecken."
    return None
