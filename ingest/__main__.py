"""`python -m ingest ...`: load data into SQL and the search index."""

import re
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from app.settings import get_settings
from ingest.errors import IngestFailed
from ingest.http import HttpClient, RetryPolicy
from ingest.kommun_files import Kind
from ingest.runs import RunResult, run_job
from ingest.sample import read_sample
from ingest.sample_loader import write_sample

cli = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
console = Console(stderr=True)

DryRun = Annotated[bool, typer.Option("--dry-run", help="Validera och räkna, men skriv inget.")]
Reindex = Annotated[bool, typer.Option(help="Bygg om sökindexet efteråt")]
Kommun = Annotated[str, typer.Option("--kommun", help="Kommunkod, fyra siffror (t.ex. 0160)")]
# Tests replace this to retry without sleeping; None means the default policy.
RETRY_POLICY: RetryPolicy | None = None


@cli.command()
def sample(
    data_dir: Annotated[Path | None, typer.Option(help="Katalog med exempeldata")] = None,
    dry_run: DryRun = False,
    reindex: Annotated[bool, typer.Option(help="Bygg om sökindexet efteråt")] = True,
) -> None:
    """Load the fictional sample data set (data/sample/)."""
    settings = get_settings()
    directory = data_dir or settings.data_dir
    with _progress() as progress:
        task = progress.add_task(f"Läser och validerar {directory}", total=None)
        try:
            data = read_sample(directory)
        except IngestFailed as exc:
            progress.stop()
            _fail(exc)
        progress.update(task, description="Skriver till databasen och bygger sökindexet")
        result = run_job(
            settings, "sample", lambda s: write_sample(s, data), dry_run=dry_run, reindex=reindex
        )
    _summary(result)


@cli.command()
def kolada(
    kommun: Kommun,
    from_date: Annotated[
        datetime | None,
        typer.Option(
            "--from-date",
            formats=["%Y-%m-%d"],
            help="Bara det som ändrats sedan detta datum (ÅÅÅÅ-MM-DD); nattlig körning.",
        ),
    ] = None,
    years: Annotated[
        str | None,
        typer.Option(help="År att hämta: 2019-2024 eller 2022,2023 (standard: senaste sex)"),
    ] = None,
    dry_run: DryRun = False,
    reindex: Reindex = True,
) -> None:
    """Units, unit values and the kommun's and Sweden's values from Kolada (Källa: Kolada)."""
    from ingest.kolada import ingest_kolada

    code = _kommun_code(kommun)
    settings = get_settings()
    with _progress(bar=True) as progress, HttpClient(settings, policy=RETRY_POLICY) as http:
        try:
            result = ingest_kolada(
                settings,
                code,
                years=_years(years),
                from_date=from_date.date() if from_date else None,
                dry_run=dry_run,
                reindex=reindex,
                http=http,
                steps=_Bar(progress),
            )
        except IngestFailed as exc:
            progress.stop()
            _fail(exc)
    _summary(result)
    console.print("Källa: Kolada")


@cli.command()
def skolverket(kommun: Kommun, dry_run: DryRun = False, reindex: Reindex = True) -> None:
    """The kommun's grundskolor, their statistics and Skolenkäten from Skolverket."""
    from ingest.skolverket import ingest_skolverket, skolverket_client

    code = _kommun_code(kommun)
    settings = get_settings()
    with (
        _progress(bar=True) as progress,
        skolverket_client(settings, policy=RETRY_POLICY) as http,
    ):
        try:
            result = ingest_skolverket(
                settings,
                code,
                dry_run=dry_run,
                reindex=reindex,
                http=http,
                steps=_Bar(progress),
            )
        except IngestFailed as exc:
            progress.stop()
            _fail(exc)
    _summary(result)


@cli.command("file")
def kommun_file(
    path: Annotated[Path, typer.Argument(help="CSV- eller Excel-fil (.xlsx)")],
    kind: Annotated[Kind, typer.Option("--kind", help="Vad filen innehåller")],
    dry_run: DryRun = False,
    reindex: Reindex = True,
) -> None:
    """One of the kommun's own files (format and templates: data/README.md)."""
    from ingest.kommun_files import ingest_file

    settings = get_settings()
    with _progress() as progress:
        progress.add_task(f"Läser och validerar {path}", total=None)
        try:
            result = ingest_file(settings, path, kind, dry_run=dry_run, reindex=reindex)
        except IngestFailed as exc:
            progress.stop()
            _fail(exc)
    _summary(result)


class _Bar:
    """ingest.external.Steps on a rich progress bar: one line per step."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def step(self, description: str, total: int | None = None) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(description, total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)


def _kommun_code(value: str) -> str:
    if not re.fullmatch(r"\d{4}", value):
        raise typer.BadParameter("fyra siffror, t.ex. 0160", param_hint="--kommun")
    return value


def _years(value: str | None) -> list[int] | None:
    if not value:
        return None
    if m := re.fullmatch(r"(\d{4})-(\d{4})", value.strip()):
        first, last = int(m.group(1)), int(m.group(2))
        if first <= last:
            return list(range(first, last + 1))
    elif re.fullmatch(r"\d{4}(,\d{4})*", value.strip()):
        return [int(y) for y in value.split(",")]
    raise typer.BadParameter("t.ex. 2019-2024 eller 2022,2023", param_hint="--years")


@cli.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    from sqlmodel import Session

    from app.db import make_engine
    from app.search.client import make_client
    from app.search.indexer import rebuild_providers_index

    settings = get_settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        report = rebuild_providers_index(make_client(settings), settings, session)
    console.print(f"Sökindexet byggt: {report.documents} utförare")


def _progress(bar: bool = False) -> Progress:
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if bar:
        columns += [BarColumn(), MofNCompleteColumn()]
    return Progress(*columns, TimeElapsedColumn(), console=console, transient=True)


def _fail(exc: IngestFailed) -> None:
    console.print(f"[bold red]Avbrutet:[/] {exc}")
    raise typer.Exit(code=1)


def _summary(result: RunResult) -> None:
    title = "Provkörning (inget skrivet)" if result.dry_run else f"Inläst: {result.source}"
    table = Table(title=title)
    for column in ("tabell", "nya", "ändrade", "oförändrade", "borttagna"):
        table.add_column(column, justify="left" if column == "tabell" else "right")
    for name, c in result.counts.items():
        table.add_row(name, str(c.created), str(c.updated), str(c.unchanged), str(c.deleted))
    t = result.total
    table.add_row("[b]totalt", str(t.created), str(t.updated), str(t.unchanged), str(t.deleted))
    console.print(table)
    if result.rejected:
        rejected = sum(result.rejected.values())
        console.print(f"Avvisade (lästes men sparades inte): {rejected}")
        for reason, n in sorted(result.rejected.items()):
            console.print(f"  {n} {reason}")
    else:
        console.print("Avvisade: 0")
    if result.indexed is not None:
        console.print(f"Sökindexet byggt: {result.indexed} utförare")
    elif result.index_note:
        console.print(f"Sökindexet: {result.index_note}")


if __name__ == "__main__":
    cli()
