"""One run at a time per database: a second run is told who holds the lock, or waits for it;
the lock is the operating system's or the server's, so a killed run never leaves it held."""

import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from app.models import IngestRun, Provider
from app.settings import Settings
from ingest import lock
from ingest.lock import RunLocked, run_lock
from tests.support.cli import ROOT, environment, flat, invoke

HOLD = """
import sys, time
from app.settings import Settings
from ingest.lock import run_lock
with run_lock(Settings(database_url=sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@contextmanager
def held_by_process(settings: Settings, seconds: float = 120) -> Iterator[subprocess.Popen]:
    """Another process holding the run lock for `seconds` (killed afterwards if still alive)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, settings.database_url, str(seconds)],
        cwd=ROOT,
        env=environment(settings),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait()


@contextmanager
def held_by_thread(settings: Settings) -> Iterator[None]:
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with run_lock(settings):
            taken.set()
            release.wait(60)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert taken.wait(30)
        yield
    finally:
        release.set()
        thread.join()


def providers(settings: Settings) -> int:
    from app.db import make_engine

    engine = make_engine(settings.database_url)
    with Session(engine) as s:
        n = s.exec(select(func.count()).select_from(Provider)).one()
    engine.dispose()
    return n


def test_a_second_run_is_refused_naming_the_holder(settings, monkeypatch) -> None:
    with held_by_process(settings) as holder:
        result = invoke(monkeypatch, settings, "sample")

    out = flat(result.output)
    assert result.exit_code == 1, out
    assert re.search(rf"En annan inläsning pågår \(startad \d\d:\d\d av pid {holder.pid} på ", out)
    assert socket.gethostname()[:20] in out
    assert "försök igen när den är klar" in out and "--wait" in out
    assert "Traceback" not in out
    assert providers(settings) == 0


def test_a_killed_run_leaves_no_lock_behind(settings, monkeypatch) -> None:
    with held_by_process(settings) as holder:
        holder.kill()  # SIGKILL: no clean-up code runs
        holder.wait()
        result = invoke(monkeypatch, settings, "sample")

    assert result.exit_code == 0, result.output
    assert "Inläst: sample" in result.output
    assert providers(settings) > 0


def test_wait_runs_once_the_holder_is_done(settings, monkeypatch) -> None:
    monkeypatch.setattr(lock, "POLL_SECONDS", 0.1)
    with held_by_process(settings, seconds=2):
        result = invoke(monkeypatch, settings, "--wait", "sample")

    out = flat(result.output)
    assert result.exit_code == 0, out
    assert "Väntar på en annan inläsning (startad" in out
    assert "Inläst: sample" in out


def test_a_reindex_during_a_run_is_refused(settings, monkeypatch) -> None:
    """Two rebuilds at once deleted each other's temporary index; now the second one waits
    its turn or is refused, within one process (another thread) as across processes."""
    with held_by_thread(settings):
        for command in ("reindex", "repair"):
            result = invoke(monkeypatch, settings, command)
            assert result.exit_code == 1, result.output
            assert "En annan inläsning pågår" in flat(result.output)
            assert "Traceback" not in result.output


def test_a_run_already_holding_the_lock_may_take_it_again(settings) -> None:
    with run_lock(settings) as outer, run_lock(settings) as inner:
        assert (outer, inner) == (True, False)
    with run_lock(settings) as again:  # released by the outer one, not the inner one
        assert again


def test_dry_runs_neither_wait_nor_block(settings, monkeypatch) -> None:
    with held_by_process(settings):
        result = invoke(monkeypatch, settings, "sample", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Provkörning" in result.output


def test_the_lock_is_per_database(settings, tmp_path) -> None:
    from tests.support.databases import fresh_database

    with fresh_database(tmp_path) as other_url:
        other = settings.model_copy(update={"database_url": other_url})
        with held_by_thread(settings):
            with run_lock(other) as taken:
                assert taken
            with pytest.raises(RunLocked), run_lock(settings):
                pass


def test_run_job_records_nothing_while_locked(settings) -> None:
    from ingest.runs import run_job
    from ingest.sample import read_sample
    from ingest.sample_loader import write_sample

    data = read_sample(settings.data_dir)
    with held_by_thread(settings), pytest.raises(RunLocked):
        run_job(settings, "sample", lambda s: write_sample(s, data))
    from app.db import make_engine

    engine = make_engine(settings.database_url)
    with Session(engine) as s:
        assert s.exec(select(IngestRun)).all() == []
    engine.dispose()
