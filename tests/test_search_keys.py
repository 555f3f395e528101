"""The app searches with a search-only key; the master key is for ingest alone."""

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session, func, select

from app.db import make_engine
from app.main import create_app
from app.models import Provider
from app.search.client import make_client
from app.settings import Settings

PRODUCTION = {"environment": "production", "allowed_hosts": "valfard.example.se"}


def test_production_app_refuses_to_start_without_a_search_key() -> None:
    settings = Settings(**PRODUCTION, meili_master_key="m" * 24, meili_search_key="")
    with pytest.raises(ValueError, match="MEILI_SEARCH_KEY is required in production"):
        create_app(settings)


def test_production_ingest_runs_with_the_master_key_alone() -> None:
    """The CLI jobs build indexes; they have no use for the app's search key."""
    settings = Settings(**PRODUCTION, meili_master_key="m" * 24, meili_search_key="")
    assert make_client(settings).config.api_key == "m" * 24


def test_the_search_key_may_not_be_the_master_key() -> None:
    with pytest.raises(ValidationError, match="search-only key, not the master key"):
        Settings(**PRODUCTION, meili_master_key="m" * 24, meili_search_key="m" * 24)


def test_production_app_needs_only_the_search_key() -> None:
    settings = Settings(**PRODUCTION, meili_master_key="", meili_search_key="s" * 24)
    assert settings.meili_search_key and not settings.meili_master_key


@pytest.mark.search
def test_health_counts_the_index_with_only_the_search_key(sample_settings: Settings) -> None:
    """A search-only key may not read index stats: the count comes from a search."""
    engine = make_engine(sample_settings.database_url)
    with Session(engine) as session:
        providers = session.exec(select(func.count()).select_from(Provider)).one()
    engine.dispose()
    app = create_app(sample_settings.model_copy(update={"meili_master_key": ""}))
    try:
        with TestClient(app) as client:
            health = client.get("/healthz")
    finally:
        app.state.engine.dispose()
    assert health.status_code == 200, health.json()
    assert health.json()["search"] == {"status": "ok", "documents": providers}
