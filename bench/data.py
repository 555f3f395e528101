"""The benchmarks' data: fresh databases (SQLite, or PostgreSQL created and dropped here),
the sample data, the national dataset, and their search indexes (each run its own prefix)."""

import csv
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.search.client import make_client
from app.settings import Settings, get_settings
from ingest.runs import run_job
from ingest.sample import read_sample
from ingest.sample_loader import write_sample
from tests.support.databases import migrate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"
# The PostgreSQL server the ingest step creates its database on (and drops it after).
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_server() -> str:
    return (
        os.environ.get("BENCH_POSTGRES_URL")
        or os.environ.get("TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES
    )


def settings_for(tmp: Path, name: str, database_url: str | None = None) -> Settings:
    """Settings over a new, migrated database (SQLite in `tmp` unless a URL is given) and
    a search index prefix of its own."""
    base = get_settings()
    url = database_url or f"sqlite:///{tmp / f'{name}.db'}"
    migrate(url)
    return Settings(
        **{
            **base.model_dump(),
            "database_url": url,
            "meili_index_prefix": f"bench{uuid.uuid4().hex[:8]}",
        }
    )


def load(settings: Settings, data_dir: Path):
    """Load a sample-format directory in this process (SQL and the index)."""
    data = read_sample(data_dir)
    return run_job(settings, "sample", lambda s: write_sample(s, data))


def drop_indexes(settings: Settings) -> None:
    client = make_client(settings)
    for index in client.get_indexes({"limit": 1000})["results"]:
        if index.uid.startswith(settings.meili_index_prefix):
            client.delete_index(index.uid)


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on `server` (its URL), dropped afterwards."""
    name = f"vj_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_version(server: str) -> str | None:
    """The server's version, or None when it cannot be reached."""
    try:
        engine = create_engine(
            make_url(server).set(drivername="postgresql+psycopg"),
            connect_args={"connect_timeout": 3},
        )
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
        return str(version).split()[0]
    except Exception:
        return None


# --- the national dataset -------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    directory: Path
    units: int
    kommuner: int
    values: int  # rows of unit figures
    years: int  # distinct years among them
    generator: str  # how it was made

    def describe(self) -> str:
        return (
            f"{self.units} units in {self.kommuner} kommuner, {self.values} unit figures over "
            f"{self.years} years ({self.generator})"
        )


def describe(directory: Path, generator: str) -> Dataset:
    def rows(name: str) -> list[dict[str, str]]:
        path = directory / name
        if not path.exists():
            return []
        with path.open(newline="", encoding="utf-8") as file:
            return list(csv.DictReader(file))

    values = rows("values.csv")
    return Dataset(
        directory=directory,
        units=len(rows("providers.csv")),
        kommuner=len(rows("kommuner.csv")),
        values=len(values),
        years=len({v.get("year") for v in values}),
        generator=generator,
    )


def make_nation(out_dir: Path, units: int) -> Dataset:
    """Write a national dataset of about `units` units to `out_dir` (sample format): every
    kommun in data/kommuner.csv, ten years (scripts/sample_data, spec/nation.toml). In a
    process of its own, so its memory is not the benchmark's."""
    command = [sys.executable, "-m", "scripts.sample_data", "--nation", "--out", str(out_dir)]
    subprocess.run([*command, "--units", str(units)], cwd=ROOT, check=True)
    return describe(out_dir, f"scripts/sample_data --nation --units {units}")


def ingest_command(data_dir: Path) -> list[str]:
    """The real ingest of a dataset written by make_nation, as a command (SQL only: the
    index rebuild is timed on its own with `reindex_command`)."""
    return [
        sys.executable,
        "-m",
        "ingest",
        "--wait",
        "sample",
        "--data-dir",
        str(data_dir),
        "--no-reindex",
    ]


def reindex_command() -> list[str]:
    return [sys.executable, "-m", "ingest", "--wait", "reindex"]
