"""Which websites may frame a kommun's widgets, and the policy that says so.

An origin is `scheme://host[:port]`: a path never matches anything (browsers compare
origins), `https://*.taby.se` covers taby.se's subdomains only, and plain http is only for
the machine itself (localhost, 127.0.0.0/8) so a kommun can try a widget locally.
"""

import ipaddress
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from app.clock import today_in_sweden
from app.models import EmbedOrigin

LOOPBACK_NAMES = {"localhost"}


def _loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalise_origin(text: str) -> str | None:
    """'https://www.taby.se/' -> 'https://www.taby.se'; None for anything that is not an
    origin we would let frame us."""
    text = text.strip()
    if not text or any(c.isspace() or ord(c) < 32 for c in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    wildcard = host.startswith("*.")
    name = host[2:] if wildcard else host
    labels = name.split(".")
    if not all(label and all(c.isalnum() or c == "-" for c in label) for label in labels):
        return None
    if parts.scheme == "http" and not _loopback(name):
        return None
    if wildcard and (len(labels) < 2 or _loopback(name)):
        return None  # '*.se' would be every Swedish site
    if not wildcard and "." not in name and not _loopback(name):
        return None
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def origins_for(session: Session, kommun_code: str) -> list[str]:
    return list(
        session.exec(
            select(EmbedOrigin.origin)
            .where(EmbedOrigin.kommun_code == kommun_code)
            .order_by(col(EmbedOrigin.origin))
        ).all()
    )


def frame_ancestors(origins: list[str]) -> str:
    """The CSP value: our own pages (the builder's preview) and the registered sites."""
    return " ".join(["'self'", *origins])


def allowed(origin: str, registered: list[str]) -> bool:
    """Is `origin` (as a browser sends it) one of the registered ones, wildcards included?"""
    candidate = normalise_origin(origin)
    if candidate is None or "*" in candidate:
        return False
    for entry in registered:
        if entry == candidate:
            return True
        scheme, _, host = entry.partition("://")
        if host.startswith("*."):
            mine_scheme, _, mine = candidate.partition("://")
            if mine_scheme == scheme and mine.endswith(host[1:]):
                return True
    return False


class OriginError(ValueError):
    """A website that cannot be registered, said in Swedish."""


def add_origin(session: Session, kommun_code: str, text: str) -> tuple[str, bool]:
    """Register a website for the kommun's widgets; (the normalised origin, newly added).
    Does not commit: the caller records the change and commits both together."""

    origin = normalise_origin(text)
    if origin is None:
        raise OriginError(
            "Skriv webbplatsens adress som https://www.kommun.se (utan sökväg), eller "
            "https://*.kommun.se för alla underdomäner."
        )
    if session.get(EmbedOrigin, (kommun_code, origin)) is not None:
        return origin, False
    session.add(EmbedOrigin(kommun_code=kommun_code, origin=origin, added=today_in_sweden()))
    return origin, True


def remove_origin(session: Session, kommun_code: str, origin: str) -> bool:
    row = session.get(EmbedOrigin, (kommun_code, origin))
    if row is None:
        return False
    session.delete(row)
    return True
