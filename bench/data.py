"""The benchmarks' data: a fresh SQLite database with the sample data and its own index."""

import uuid
from pathlib import Path

from app.search.client import make_client
from app.settings import Settings, get_settings
from ingest.runs import run_job
from ingest.sample import read_sample
from ingest.sample_loader import write_sample
from tests.support.databases import migrate


def settings_for(tmp: Path, name: str) -> Settings:
    base = get_settings()
    url = f"sqlite:///{tmp / f'{name}.db'}"
    migrate(url)
    return Settings(
        **{
            **base.model_dump(),
            "database_url": url,
            "meili_index_prefix": f"bench{uuid.uuid4().hex[:8]}",
        }
    )


def load(settings: Settings, data_dir: Path):
    data = read_sample(data_dir)
    return run_job(settings, "sample", lambda s: write_sample(s, data))


def drop_indexes(settings: Settings) -> None:
    client = make_client(settings)
    for index in client.get_indexes({"limit": 1000})["results"]:
        if index.uid.startswith(settings.meili_index_prefix):
            client.delete_index(index.uid)
