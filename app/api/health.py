from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.deps import SearchDep, SessionDep, SettingsDep
from app.search.client import search_status

router = APIRouter()


@router.get("/healthz", tags=["health"])
def healthz(session: SessionDep, search: SearchDep, settings: SettingsDep) -> JSONResponse:
    """Database and search status; 503 when either is down, so load balancers can tell.

    Fast whatever the search server does: one query bounded by the search timeout, none
    while the circuit breaker is open.
    """
    try:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        database = {"status": "ok", "backend": session.get_bind().dialect.name}
    except Exception as exc:
        database = {"status": "unavailable", "detail": type(exc).__name__}
    finally:
        session.close()  # the connection is not needed while search answers
    search_state = search_status(search, settings.providers_index)
    ok = database["status"] == "ok" and search_state["status"] == "ok"
    body = {"status": "ok" if ok else "degraded", "database": database, "search": search_state}
    return JSONResponse(body, status_code=200 if ok else 503)
