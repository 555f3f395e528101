"""The application factory: settings in, a fully wired FastAPI app out."""

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from app.accounts import views as accounts
from app.api import health
from app.api.v1 import routes as api_v1
from app.choice_guides import views as choice_guides
from app.db import make_engine
from app.embed import admin as embed_admin
from app.embed import views as embed
from app.followup import views as followup
from app.i18n import LanguagePrefixMiddleware
from app.kommun_files import views as kommun_files
from app.opendata import views as open_data
from app.presentation_edits import views as presentation_edits
from app.search.client import make_app_search
from app.settings import Settings, get_settings
from app.templating import Templates
from app.versioned_cache import VersionedCache
from app.web import (
    about_page,
    choice_page,
    compare_page,
    errors,
    pages,
    priorities_page,
    provider_page,
    rechoose_page,
    search_page,
    security,
)
from app.web.http_cache import HttpCache
from app.web.page_cache import PageCache, cacheable
from app.web.params import plain_address

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Välfärdsjämföraren",
        description="Jämför hemtjänst, särskilt boende, förskola och grundskola i din kommun.",
        version="0.1.0",
        # The open API's schema is public; it lists the API only (pages are left out below).
        # The interactive docs are off in production unless API_DOCS=true.
        docs_url="/api/docs" if settings.api_docs_enabled else None,
        openapi_url="/api/openapi.json",
        redoc_url=None,
        dependencies=[Depends(plain_address)],
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url, settings.db_pool_size)
    app.state.search = make_app_search(settings)
    app.state.cache = VersionedCache(settings.data_cache_entries)
    app.state.templates = Templates(auto_reload=settings.environment != "production")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Public pages and the open API may be stored by the page cache (app/web/page_cache.py);
    # the back office, sign-in and health never are.
    public = {"include_in_schema": False, "dependencies": [Depends(cacheable)]}
    app.include_router(health.router)
    app.include_router(api_v1.router, dependencies=[Depends(cacheable)])
    app.include_router(pages.router, **public)
    app.include_router(compare_page.router, **public)
    app.include_router(provider_page.router, **public)
    app.include_router(choice_page.router, **public)
    app.include_router(rechoose_page.router, **public)
    app.include_router(priorities_page.router, **public)
    app.include_router(about_page.router, **public)
    app.include_router(open_data.router, **public)
    app.include_router(embed.router, **public)
    app.include_router(embed_admin.router, include_in_schema=False)
    app.include_router(accounts.router, include_in_schema=False)
    app.include_router(presentation_edits.router, include_in_schema=False)
    app.include_router(followup.router, include_in_schema=False)
    app.include_router(kommun_files.router, include_in_schema=False)
    app.include_router(choice_guides.router, include_in_schema=False)
    # Last: `/{kommun}/{tjanst}` would otherwise shadow two-segment paths of other routers.
    app.include_router(search_page.router, **public)
    errors.install(app)
    app.add_middleware(HttpCache)  # inside gzip: the ETag is the uncompressed body's
    # Level 6, zlib's default: 9 (Starlette's) took a fifth longer to compress a list page,
    # for 2% fewer bytes.
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=6)
    app.add_middleware(LanguagePrefixMiddleware)
    # Outside gzip and the ETag (a stored page is sent as it was, not compressed again) and
    # outside the language prefix (the key is the address as asked, /en included).
    app.add_middleware(PageCache, max_bytes=settings.page_cache_mb * 1024 * 1024)
    security.install(app, settings)  # last: outermost, so it covers every response
    return app
