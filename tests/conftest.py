"""Shared fixtures. Databases are real (SQLite, or PostgreSQL when DATABASE_URL names one);
search is a real Meilisearch given by MEILI_URL / MEILI_MASTER_KEY / MEILI_SEARCH_KEY (`make test`
starts one)."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import meilisearch
import pytest
from sqlalchemy.engine import Engine

from app.db import make_engine
from app.settings import Settings
from tests.support.databases import fresh_database

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"


def _settings(database_url: str, index_prefix: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        meili_url=os.environ.get("MEILI_URL", "http://127.0.0.1:7700"),
        meili_master_key=os.environ.get("MEILI_MASTER_KEY", ""),
        # The app searches with the search-only key, as in production.
        meili_search_key=os.environ.get("MEILI_SEARCH_KEY", ""),
        meili_index_prefix=index_prefix,
        data_dir=DATA_DIR,
    )


@pytest.fixture(scope="session")
def meili_client() -> meilisearch.Client:
    client = meilisearch.Client(
        os.environ.get("MEILI_URL", "http://127.0.0.1:7700"),
        os.environ.get("MEILI_MASTER_KEY") or None,
    )
    try:
        client.health()
    except Exception as exc:
        pytest.fail(
            f"No Meilisearch at MEILI_URL ({exc}); run the suite with `make test`, "
            "which starts one."
        )
    return client


@pytest.fixture
def index_prefix(meili_client: meilisearch.Client) -> Iterator[str]:
    """A unique index prefix for one test; its indexes are deleted afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    yield prefix
    _delete_indexes(meili_client, prefix)


def _delete_indexes(client: meilisearch.Client, prefix: str) -> None:
    for index in client.get_indexes({"limit": 1000})["results"]:
        if index.uid.startswith(prefix):
            client.delete_index(index.uid)


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A new database migrated to head, for tests that write."""
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(db_url: str, index_prefix: str) -> Settings:
    """Settings for one test: its own database and its own search indexes."""
    return _settings(db_url, index_prefix)


@pytest.fixture(scope="session")
def sample_settings(
    tmp_path_factory: pytest.TempPathFactory, meili_client: meilisearch.Client
) -> Iterator[Settings]:
    """One database and index per test process, loaded with the sample data. Read-only."""
    from ingest.runs import run_job
    from ingest.sample import read_sample
    from ingest.sample_loader import write_sample

    prefix = f"s{uuid.uuid4().hex[:10]}"
    with fresh_database(tmp_path_factory.mktemp("sample")) as url:
        settings = _settings(url, prefix)
        data = read_sample(DATA_DIR)
        run_job(settings, "sample", lambda session: write_sample(session, data))
        yield settings
    _delete_indexes(meili_client, prefix)


@pytest.fixture(scope="session")
def sample_app(sample_settings: Settings):
    from app.main import create_app

    app = create_app(sample_settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def slug(sample_app) -> str:
    """The first sample provider's slug, for tests that need any provider."""
    from sqlmodel import Session, select

    from app.models import Provider

    with Session(sample_app.state.engine) as session:
        found = session.exec(select(Provider.slug).order_by(Provider.slug)).first()
    assert found
    return found


@pytest.fixture
def client(sample_app):
    """An HTTP client for the app over the sample data."""
    from fastapi.testclient import TestClient

    with TestClient(sample_app) as test_client:
        yield test_client


@pytest.fixture
def built(settings, engine):
    """A fresh database the test fills through `built.session`, then `built.client()`."""
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from app.main import create_app

    class Built:
        def __init__(self) -> None:
            self.session = Session(engine)

        def client(self) -> TestClient:
            self.session.commit()
            return TestClient(create_app(settings))

    b = Built()
    yield b
    b.session.close()
