"""The comparison basket: up to six provider slugs in a cookie, so adding to a comparison
works from any page with plain forms (no JavaScript needed)."""

import re

from fastapi import Request

from app.comparison import MAX_ITEMS

COOKIE = "jamfor"
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def read_basket(request: Request) -> list[str]:
    raw = request.cookies.get(COOKIE, "")
    slugs = [s for s in raw.split(".") if _SLUG.match(s)]
    return list(dict.fromkeys(slugs))[:MAX_ITEMS]


def encode_basket(slugs: list[str]) -> str:
    # '.' cannot occur in a slug, and needs no quoting in a cookie value.
    return ".".join(list(dict.fromkeys(slugs))[:MAX_ITEMS])
