"""Where a form may send the resident back to: a path on this site, never anywhere else.

Forms name the page to return to (`next`, `tillbaka`). Browsers read `//host`, `/\\host`
and `\\t//host` as other sites, and decoding or our own language prefix can turn a harmless
looking value into one (`/en//evil.example` became `//evil.example`), so the checks run on
the decoded path, after the prefix is taken off.
"""

from urllib.parse import unquote, urlsplit, urlunsplit

from app.i18n import link, split_lang

MAX_LENGTH = 2000


def safe_next(target: str) -> str | None:
    """`target` as a path on this site in the current language, or None if it points away."""
    if not target or len(target) > MAX_LENGTH or not _plain(target):
        return None
    parts = urlsplit(target)
    # The path as written, too: urlsplit reads '///host' as an empty host and a path.
    if parts.scheme or parts.netloc or not _local_path(target.split("?")[0].split("#")[0]):
        return None
    path = split_lang(parts.path)[1]
    if not _local_path(path):
        return None
    return urlunsplit(("", "", link(path), parts.query, parts.fragment))


def _plain(text: str) -> bool:
    """No backslash, control or other invisible character anywhere, encoded or not."""
    decoded = _decode(text)
    return "\\" not in decoded and decoded.isprintable()


def _local_path(path: str) -> bool:
    """One leading slash and no empty segment: `//` anywhere could become the start."""
    decoded = _decode(path)
    return path.startswith("/") and "//" not in decoded


def _decode(text: str) -> str:
    """Percent-decoded until nothing changes (`%252F` is `/` after two rounds)."""
    for _ in range(5):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text
