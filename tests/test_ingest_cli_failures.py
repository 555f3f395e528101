"""Every failure of the ingest CLI is one short Swedish message and a non-zero exit code,
never a traceback (unless asked for with --debug)."""

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from app.models import IngestRun, Provider
from tests.support.cli import flat, invoke, run_process
from tests.support.databases import backend_name, fresh_database

CLOSED = "http://127.0.0.1:1"  # nothing listens on port 1


def refused(result) -> str:
    out = flat(result.output)
    assert result.exit_code == 1, out
    assert "Traceback" not in out and "sqlalche.me" not in out
    assert out.startswith("Avbrutet:"), out
    return out


def test_a_database_without_tables_says_to_migrate(settings, tmp_path, monkeypatch) -> None:
    with fresh_database(tmp_path, migrated=False) as url:
        bare = settings.model_copy(update={"database_url": url})
        for command in (["sample"], ["reindex"], ["repair"]):
            out = refused(invoke(monkeypatch, bare, *command))
            assert "saknar tabeller" in out and "alembic upgrade head" in out


def test_an_unreachable_database_is_named_without_its_password(settings, monkeypatch) -> None:
    gone = settings.model_copy(
        update={"database_url": "postgresql://valfard:hemligt@127.0.0.1:1/valfard"}
    )
    out = refused(invoke(monkeypatch, gone, "sample"))
    assert "Databasen 127.0.0.1:1/valfard går inte att nå" in out
    assert "kontrollera DATABASE_URL" in out and "hemligt" not in out


def test_a_read_only_database_is_refused_and_unchanged(settings, engine, monkeypatch) -> None:
    with read_only(settings.database_url, engine):
        out = refused(invoke(monkeypatch, settings, "sample", "--no-reindex"))

    assert "är skrivskyddad och går inte att ändra" in out
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Provider)).one() == 0


@contextmanager
def read_only(database_url: str, engine) -> Iterator[None]:
    url = make_url(database_url)
    if backend_name() == "sqlite":
        # Immutable: even root (who ignores file modes) cannot write it.
        subprocess.run(["chattr", "+i", url.database], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", url.database], check=True)
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            text(f'ALTER DATABASE "{url.database}" SET default_transaction_read_only = on')
        )
    yield


@pytest.mark.skipif(backend_name() != "sqlite", reason="SQLite's own write lock")
def test_a_database_locked_by_another_program(settings, monkeypatch) -> None:
    other = sqlite3.connect(make_url(settings.database_url).database)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock (5 s timeout)
    try:
        out = refused(invoke(monkeypatch, settings, "sample", "--no-reindex"))
    finally:
        other.rollback()
        other.close()
    assert "är låst av ett annat program" in out and "försök igen" in out


def test_search_down_after_the_commit_keeps_the_data_and_says_so(
    settings, engine, monkeypatch
) -> None:
    down = settings.model_copy(update={"meili_url": CLOSED})

    result = invoke(monkeypatch, down, "sample")

    out = flat(result.output)
    assert result.exit_code == 1, out
    assert "Traceback" not in out
    assert "Inläst: sample" in out and "totalt" in out  # the summary of what was stored
    assert f"Sökindexet kunde inte byggas: sökservern {CLOSED} svarar inte" in out
    assert "gamla uppgifter tills `python -m ingest repair` har körts" in out
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Provider)).one() > 0
        [run] = s.exec(select(IngestRun)).all()
        assert run.status == "index_failed" and "unreachable" in (run.message or "")

    # Once search is back, repair builds the index and the run is complete.
    repaired = invoke(monkeypatch, settings, "repair")
    assert repaired.exit_code == 0, repaired.output
    assert "Sökindexet var inaktuellt; ombyggt:" in flat(repaired.output)
    with Session(engine) as s:
        assert s.exec(select(IngestRun)).one().status == "ok"


def test_reindex_with_search_down(settings, monkeypatch) -> None:
    down = settings.model_copy(update={"meili_url": CLOSED})
    for command in ("reindex", "repair"):
        out = refused(invoke(monkeypatch, down, command))
        assert f"sökservern {CLOSED} svarar inte" in out and "Starta sökservern" in out


def test_an_unexpected_error_is_one_line_and_debug_shows_it(settings, monkeypatch) -> None:
    from ingest import __main__ as cli_module

    def broken(_directory):
        raise RuntimeError("något gick sönder\nmed fler rader")

    monkeypatch.setattr(cli_module, "read_sample", broken)
    result = invoke(monkeypatch, settings, "sample")
    out = refused(result)
    assert out == (
        "Avbrutet: Oväntat fel: RuntimeError: något gick sönder; kör med --debug för detaljer."
    )

    debug = invoke(monkeypatch, settings, "--debug", "sample")
    assert debug.exit_code == 1 and isinstance(debug.exception, RuntimeError)


def test_a_real_process_prints_no_traceback(settings, tmp_path) -> None:
    """The same through `python -m ingest` (not only CliRunner): stderr is the message."""
    with fresh_database(tmp_path, migrated=False) as url:
        proc = run_process(settings.model_copy(update={"database_url": url}), "sample")
    assert proc.returncode == 1
    assert proc.stderr.startswith("Avbrutet: Databasen") and "saknar tabeller" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) <= 2


def test_a_directory_as_the_database_file(settings, tmp_path, monkeypatch) -> None:
    if backend_name() != "sqlite":
        pytest.skip("a file path")
    (tmp_path / "db").mkdir()
    as_dir = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'db'}"})
    out = refused(invoke(monkeypatch, as_dir, "sample", "--no-reindex"))
    assert "Databasfilen" in out and "går inte att öppna" in out


def test_settings_that_fail_to_load_are_explained() -> None:
    from pydantic import ValidationError

    from app.settings import Settings
    from ingest.failures import explain

    with pytest.raises(ValidationError) as failure:
        Settings(environment="nonsense")
    assert explain(failure.value, None).startswith("Ogiltig inställning (environment:")
