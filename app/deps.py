"""Request dependencies as type aliases, so routes read `session: SessionDep`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from weakref import WeakKeyDictionary

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, FastAPI, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.search.client import AppSearch
from app.settings import Settings
from app.templating import Templates
from app.versioned_cache import CacheView

# request.state's name for the data version the page cache read as the request came in.
DATA_VERSION = "data_version"

# Per event loop (TestClient starts one per client), per engine: how many sessions may be out.
_session_slots: RunVar[WeakKeyDictionary[Engine, anyio.Semaphore]] = RunVar("session_slots")


def _slots(engine: Engine, size: int) -> anyio.Semaphore:
    by_engine = _session_slots.get(None)
    if by_engine is None:
        by_engine = WeakKeyDictionary()
        _session_slots.set(by_engine)
    if engine not in by_engine:
        by_engine[engine] = anyio.Semaphore(size)
    return by_engine[engine]


@asynccontextmanager
async def session_slot(app: FastAPI) -> AsyncIterator[None]:
    """Hold one of the app's DB_POOL_SIZE slots (for a connection used outside a route)."""
    async with _slots(app.state.engine, app.state.settings.db_pool_size):
        yield


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's one session, handed out only while the pool has a connection for it.

    Waiting here costs no thread and no connection, so requests queue instead of holding
    connections while they wait for more (DB_POOL_SIZE sessions at most, one per request).
    Not expiring on commit lets search release the connection while it waits on the index.
    """
    engine: Engine = request.app.state.engine
    async with _slots(engine, request.app.state.settings.db_pool_size):
        session = Session(engine, expire_on_commit=False)
        request.state.session = session
        try:
            yield session
        finally:
            del request.state.session
            if session.in_transaction():
                # Closing returns the connection, which resets it: a database round trip.
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(session.close)
            else:
                session.close()  # holds no connection (search gave it back): nothing to wait on


# Dependencies that wait on nothing are `async def`: FastAPI runs a plain `def` in a worker
# thread, a trip there and back for every request (measured, bench/RESULTS.md).
async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_search(request: Request) -> AppSearch:
    return request.app.state.search


async def get_templates(request: Request) -> Templates:
    return request.app.state.templates


# Closed as soon as the route returns (the page is rendered by then), not after sending it.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SearchDep = Annotated[AppSearch, Depends(get_search)]
TemplatesDep = Annotated[Templates, Depends(get_templates)]


async def get_cache(request: Request, session: SessionDep) -> CacheView:
    """The app's versioned cache (app.versioned_cache) at the version this request reads:
    the one the page cache read as it came in, else read on first use."""
    return request.app.state.cache.at(session, getattr(request.state, DATA_VERSION, None))


CacheDep = Annotated[CacheView, Depends(get_cache)]
