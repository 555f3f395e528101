"""A run that dies between its commit and the index swap leaves the new data with the old
index; that is noticed (`index_state`) and repaired by `repair` or by the next run."""

import subprocess
import sys
from pathlib import Path

import meilisearch
from sqlmodel import Session, select

from app.models import IngestRun, Provider
from app.search.client import make_client
from app.search.indexer import index_state
from app.settings import Settings
from ingest.runs import run_job
from ingest.sample import read_sample
from ingest.sample_loader import write_sample
from ingest.writer import Writer
from tests.conftest import DATA_DIR
from tests.support import factories as f
from tests.support.cli import ROOT, environment, flat, invoke
from tests.support.csvedit import copy_sample, set_cell
from tests.support.search import index_uids, wait_for

RENAMED = "Omdöpta hemtjänsten"
# Dies as a crash would (SIGKILL, no clean-up) after the new index is built, before the swap.
KILLED_BEFORE_SWAP = """
import os, signal, sys
from app.search import indexer
indexer._ensure_exists = lambda client, uid: os.kill(os.getpid(), signal.SIGKILL)
from ingest.__main__ import cli
cli(sys.argv[1:])
"""


def load(settings: Settings, data_dir: Path = DATA_DIR, **kwargs):
    data = read_sample(data_dir)
    return run_job(settings, "sample", lambda s: write_sample(s, data), **kwargs)


def tiny_run(settings: Settings, slug: str, **kwargs):
    """A run that adds one provider: quick, for what needs a data version, not the sample."""

    def write(session: Session) -> Writer:
        f.provider(session, slug.title(), slug=slug, lat=59.4, lon=18.0)
        return Writer(session)

    return run_job(settings, "test", write, **kwargs)


def renamed_sample(tmp_path: Path) -> Path:
    data = copy_sample(DATA_DIR, tmp_path / "renamed")
    set_cell(data / "providers.csv", 0, "name", RENAMED)
    return data


def state(settings: Settings, engine, client: meilisearch.Client | None = None, **kwargs):
    with Session(engine) as s:
        return index_state(client or make_client(settings), settings, s, **kwargs)


def indexed_names(settings: Settings) -> set[str]:
    index = make_client(settings).index(settings.providers_index)
    return {d.name for d in index.get_documents({"limit": 10_000, "fields": ["name"]}).results}


def statuses(engine) -> list[str]:
    with Session(engine) as s:
        return [r.status for r in s.exec(select(IngestRun).order_by(IngestRun.id)).all()]


def test_a_run_killed_before_the_swap_is_noticed_and_repaired(
    settings, engine, meili_client, tmp_path, monkeypatch
) -> None:
    load(settings)
    assert state(settings, engine).status == "current"

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_BEFORE_SWAP,
            "sample",
            "--data-dir",
            str(renamed_sample(tmp_path)),
        ],
        cwd=ROOT,
        env=environment(settings),
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == -9, proc.stderr

    # The new data is committed, the live index is the old one, its replacement left behind.
    with Session(engine) as s:
        assert s.exec(select(Provider).where(Provider.name == RENAMED)).one()
    assert RENAMED not in indexed_names(settings)
    found = state(settings, engine)
    assert found.status == "stale" and found.needs_repair and len(found.leftovers) == 1
    assert statuses(engine) == ["ok", "index_pending"]

    result = invoke(monkeypatch, settings, "repair")  # the killed run held the lock: released

    out = flat(result.output)
    assert result.exit_code == 0, out
    assert f"Kvarlämnade tillfälliga sökindex borttagna: {found.leftovers[0]}" in out
    assert "Sökindexet var inaktuellt; ombyggt:" in out
    assert RENAMED in indexed_names(settings)
    repaired = state(settings, engine)
    assert (repaired.status, repaired.leftovers) == ("current", ())
    assert index_uids(meili_client, settings.meili_index_prefix) == {settings.providers_index}
    assert statuses(engine) == ["ok", "ok"]

    again = invoke(monkeypatch, settings, "repair")
    assert again.exit_code == 0 and flat(again.output) == "Sökindexet är aktuellt."


def test_the_next_run_repairs_first_even_if_it_fails(
    settings, engine, meili_client, tmp_path, monkeypatch
) -> None:
    load(settings)
    load(settings, renamed_sample(tmp_path), reindex=False)  # stands in for a crash
    leftover = f"{settings.providers_index}_20240101000000_0123abcd"
    wait_for(meili_client, meili_client.create_index(leftover))
    assert state(settings, engine).leftovers == (leftover,)

    broken = copy_sample(DATA_DIR, tmp_path / "broken")
    set_cell(broken / "providers.csv", 0, "lon", "öster")
    result = invoke(monkeypatch, settings, "sample", "--data-dir", str(broken))

    assert result.exit_code == 1 and "fält 'lon'" in result.output  # nothing of it stored
    assert RENAMED in indexed_names(settings)  # but the earlier run's data is searchable now
    repaired = state(settings, engine)
    assert (repaired.status, repaired.leftovers) == ("current", ())
    assert statuses(engine) == ["ok", "ok"]


def test_an_unchanged_rerun_keeps_the_index_current_without_rebuilding(settings, engine) -> None:
    tiny_run(settings, "enhet-a")
    again = run_job(settings, "test", Writer)  # changes nothing
    assert again.index_note == "oförändrat"  # one small write, no rebuild
    found = state(settings, engine)
    assert found.status == "current" and found.index_version == found.data_version
    assert found.data_version is not None and found.data_version.startswith("2@")


def test_a_new_database_never_passes_for_the_one_the_index_was_built_from(
    settings, tmp_path
) -> None:
    """Run ids start over in a new database; the version also names the run's start time."""
    from app.db import make_engine
    from tests.support.databases import fresh_database

    tiny_run(settings, "enhet-a")
    with fresh_database(tmp_path) as url:
        other = settings.model_copy(update={"database_url": url})
        tiny_run(other, "enhet-b", reindex=False)
        other_engine = make_engine(url)
        found = state(other, other_engine)
        other_engine.dispose()
    assert found.status == "stale"
    assert found.data_version.split("@")[0] == found.index_version.split("@")[0] == "1"


def test_the_state_is_readable_with_a_search_only_key(settings, engine, meili_client) -> None:
    """What the health endpoint can call with the app's key (it cannot list indexes)."""
    key = meili_client.create_key(
        {"actions": ["search"], "indexes": [f"{settings.meili_index_prefix}*"], "expiresAt": None}
    )
    try:
        searcher = meilisearch.Client(settings.meili_url, key.key)
        tiny_run(settings, "enhet-a")
        assert state(settings, engine, searcher, leftovers=False).status == "current"
        tiny_run(settings, "enhet-b", reindex=False)
        assert state(settings, engine, searcher, leftovers=False).status == "stale"
        # Listing leftovers needs more than search: it says so instead of guessing.
        assert state(settings, engine, searcher).status == "unavailable"
    finally:
        meili_client.delete_key(key.key)


def test_no_data_and_no_index_is_current(settings, engine) -> None:
    found = state(settings, engine)
    assert (found.status, found.data_version, found.index_version) == ("current", None, None)
