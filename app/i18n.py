"""Language selection and gettext. Swedish is the source language; English is a catalogue.

The language is part of the URL: `/en/...` is English, everything else Swedish. A tiny
ASGI middleware strips the prefix and records the language in a context variable, so
routes are written once and templates build links with `link()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from app.messages import Message

LANGS = ("sv", "en")
DEFAULT_LANG = "sv"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"

current_lang: ContextVar[str] = ContextVar("current_lang", default=DEFAULT_LANG)


@cache
def translations(lang: str) -> NullTranslations:
    """Read the .po catalogue directly so no compiled .mo file has to be kept in sync."""
    po = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT_LANG or not po.exists():
        return NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


@contextmanager
def use_lang(lang: str) -> Iterator[None]:
    """Run a block in `lang` (for code outside a request: the CLI, exports, tests)."""
    token = current_lang.set(lang)
    try:
        yield
    finally:
        current_lang.reset(token)


def gettext(message: str) -> str:
    return translations(current_lang.get()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_lang.get()).ungettext(singular, plural, n)


def in_current_lang(text: str, lang: str = DEFAULT_LANG) -> tuple[str, str]:
    """A message from below the web layer, written in `lang`, as the current language shows
    it: (text, the language it is in). The importer's `msg` messages are looked up in the
    catalogue, their values too; other text is shown as written."""
    if not isinstance(text, Message):
        return str(text), lang
    now = current_lang.get()
    # Asked of the catalogue itself (gettext's own dict), as a translation may equal its msgid.
    if now != DEFAULT_LANG and text.template not in getattr(translations(now), "_catalog", {}):
        return str(text), DEFAULT_LANG  # not in the catalogue yet
    template = gettext(text.template)
    params = {
        k: in_current_lang(v)[0] if isinstance(v, Message) else v for k, v in text.params.items()
    }
    return (template % params if params else template), now


def link(path: str, lang: str | None = None) -> str:
    """The URL of `path` in the current (or given) language."""
    lang = lang or current_lang.get()
    if lang == DEFAULT_LANG:
        return path
    return f"/{lang}" + (path if path != "/" else "/")


def split_lang(path: str) -> tuple[str, str]:
    """The language a URL path asks for, and the path without its prefix."""
    for candidate in LANGS:
        prefix = f"/{candidate}"
        if candidate != DEFAULT_LANG and (path == prefix or path.startswith(prefix + "/")):
            return candidate, path[len(prefix) :] or "/"
    return DEFAULT_LANG, path


class LanguagePrefixMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang, path = split_lang(scope["path"])
        if path != scope["path"]:
            scope = dict(scope, path=path, raw_path=path.encode())
        token = current_lang.set(lang)
        try:
            await self.app(scope, receive, send)
        finally:
            current_lang.reset(token)
