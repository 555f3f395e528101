"""Why a command failed, in one short Swedish sentence that says what to do.

The CLI turns every exception into one of these (ingest.__main__), so no command catches
errors of its own and no person sees a traceback unless they ask with --debug.
"""

import errno
import sqlite3

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.search.errors import SearchError, SearchIndexError, SearchUnavailable
from app.search.indexer import RebuildRaced
from app.settings import Settings
from ingest.errors import IngestFailed
from ingest.lock import RunLocked

DEBUG_HINT = "kör med --debug för detaljer"
MIGRATE = "kör `uv run alembic upgrade head` (i Docker: `alembic upgrade head` i app-behållaren)"
REPAIR = "`python -m ingest repair`"


def explain(exc: BaseException, settings: Settings | None) -> str:
    """One line (IngestFailed: one per input error) for any exception."""
    if isinstance(exc, IngestFailed | RunLocked):
        return str(exc)
    if isinstance(exc, SearchError):
        return f"{search_reason(exc, settings)}. {_search_advice(exc)}"
    if isinstance(exc, DBAPIError):
        return _database(exc, settings)
    if isinstance(exc, OSError):
        return _os(exc)
    if isinstance(exc, ValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return f"Ogiltig inställning ({problems}); rätta miljövariabeln eller .env."
    return f"Oväntat fel: {type(exc).__name__}: {_first_line(exc)}; {DEBUG_HINT}."


def search_reason(exc: SearchError, settings: Settings | None) -> str:
    """What went wrong with search, without advice (the caller knows what was at stake)."""
    where = f" {settings.meili_url}" if settings else ""
    if isinstance(exc, SearchUnavailable):
        return f"sökservern{where} svarar inte"
    if isinstance(exc, RebuildRaced):
        return "ett annat ombygge av sökindexet pågick samtidigt och tog bort detta byggs index"
    if isinstance(exc, SearchIndexError):
        return f"sökservern vägrade bygga indexet ({_first_line(exc)})"
    return f"sökservern svarade med ett fel ({_first_line(exc)})"


def _search_advice(exc: SearchError) -> str:
    if isinstance(exc, SearchUnavailable):
        return f"Starta sökservern (Meilisearch) och kör sedan {REPAIR}."
    return f"Det gamla sökindexet används tills vidare; kör {REPAIR} igen."


def _database(exc: DBAPIError, settings: Settings | None) -> str:
    where = _where(settings)
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or ""
    said = _first_line(orig) if orig is not None else _first_line(exc)
    low = said.lower()
    if "no such table" in low or code == "42P01":
        return f"Databasen{where} saknar tabeller ({said}); {MIGRATE} först."
    if "no such column" in low or code == "42703":
        return f"Databasen{where} har ett äldre schema ({said}); {MIGRATE}."
    if "database is locked" in low or code in ("55P03", "40P01"):
        return (
            f"Databasen{where} är låst av ett annat program som skriver i den; "
            "försök igen när det är klart."
        )
    if "readonly" in low or "read-only" in low or code == "25006":
        return (
            f"Databasen{where} är skrivskyddad och går inte att ändra; kontrollera filens och "
            "katalogens rättigheter (eller DATABASE_URL)."
        )
    if "unable to open database" in low:
        return (
            f"Databasfilen{where} går inte att öppna; kontrollera att katalogen finns och att "
            "du får skriva i den."
        )
    if isinstance(exc, IntegrityError):
        return (
            f"Databasen{where} vägrade ändringen ({said}); inget har ändrats. Skrev något annat "
            "samtidigt? Försök igen."
        )
    if _unreachable(orig, code):
        return (
            f"Databasen{where} går inte att nå ({said}); kontrollera DATABASE_URL och att "
            "servern är igång."
        )
    return f"Databasfel{where}: {said}; {DEBUG_HINT}."


def _unreachable(orig: BaseException | None, code: str) -> bool:
    # psycopg raises OperationalError without a SQLSTATE when it never got a connection;
    # 08: connection exceptions, 28: authentication, 3D000: no such database, 57P: shutdown.
    if isinstance(orig, sqlite3.Error):
        return False
    return code == "" or code.startswith(("08", "28", "3D", "57P"))


_OS_REASONS = {
    errno.EACCES: "åtkomst nekad",
    errno.EPERM: "åtkomst nekad",
    errno.ENOENT: "finns inte",
    errno.EISDIR: "är en katalog, inte en fil",
    errno.ENOTDIR: "en del av sökvägen är inte en katalog",
    errno.ENOSPC: "disken är full",
    errno.EROFS: "filsystemet är skrivskyddat",
}


def _os(exc: OSError) -> str:
    reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or _first_line(exc))
    target = f" {exc.filename}" if exc.filename else ""
    return f"Kan inte läsa eller skriva{target}: {reason}."


def _where(settings: Settings | None) -> str:
    """The database as a person would name it: its file, or host and name (no password)."""
    if settings is None:
        return ""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return f" {(url.database or ':memory:').removeprefix('file:')}"
    port = f":{url.port}" if url.port else ""
    return f" {url.host or 'localhost'}{port}/{url.database}"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__
