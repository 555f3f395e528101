"""Running the real ingest CLI in tests, in-process (CliRunner) or as a process of its own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def invoke(monkeypatch: pytest.MonkeyPatch, settings: Settings, *args: str) -> Result:
    from ingest import __main__ as cli_module

    monkeypatch.setattr(cli_module, "get_settings", lambda: settings)
    return CliRunner().invoke(cli_module.cli, list(args))


def flat(text: str) -> str:
    """Output with rich's line wrapping undone, so a sentence can be asserted whole."""
    return " ".join(text.split())


def environment(settings: Settings) -> dict[str, str]:
    """The environment a CLI process needs to use `settings`' database and indexes."""
    return dict(
        os.environ,
        DATABASE_URL=settings.database_url,
        MEILI_URL=settings.meili_url,
        MEILI_MASTER_KEY=settings.meili_master_key,
        MEILI_INDEX_PREFIX=settings.meili_index_prefix,
        DATA_DIR=str(settings.data_dir),
        COLUMNS="200",
    )


def run_process(
    settings: Settings, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=ROOT,
        env=environment(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
