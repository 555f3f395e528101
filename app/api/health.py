from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.clock import today_in_sweden
from app.deps import SearchDep, SessionDep, SettingsDep, TemplatesDep
from app.freshness import freshness
from app.search.client import search_status

router = APIRouter()


@router.get("/healthz", tags=["health"])
def healthz(
    session: SessionDep, search: SearchDep, settings: SettingsDep, templates: TemplatesDep
) -> JSONResponse:
    """Database and search status; 503 when either is down, so load balancers can tell.
    Also when each outside source was last fetched, and whether that is older than its
    publication cycle (`stale`; informative, never a 503).

    Fast whatever the search server does: one query bounded by the search timeout, none
    while the circuit breaker is open; the fetch dates come from the pages' 30 s cache.
    """
    try:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        database = {"status": "ok", "backend": session.get_bind().dialect.name}
    except Exception as exc:
        database = {"status": "unavailable", "detail": type(exc).__name__}
    try:
        # The pages' cache: re-read at most every 30 s, else no query at all.
        dataset = templates.dataset.get(session if database["status"] == "ok" else None)
    except Exception:  # e.g. not migrated yet: the sources are unknown, the database is up
        dataset = None
    finally:
        session.close()  # the connection is not needed while search answers
    search_state = search_status(search, settings.providers_index)
    ok = database["status"] == "ok" and search_state["status"] == "ok"
    sources = {
        f.source: {"fetched": f.fetched.isoformat() if f.fetched else None, "stale": f.stale}
        for f in freshness(dataset.fetched if dataset else {}, today_in_sweden())
    }
    body = {
        "status": "ok" if ok else "degraded",
        "database": database,
        "search": search_state,
        "sources": sources,
    }
    return JSONResponse(body, status_code=200 if ok else 503)
