"""`python -m ingest ...`: load data into SQL and the search index."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.settings import get_settings
from ingest.errors import IngestFailed
from ingest.runs import RunResult, run_job
from ingest.sample import read_sample
from ingest.sample_loader import write_sample

cli = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
console = Console(stderr=True)

DryRun = Annotated[bool, typer.Option("--dry-run", help="Validera och räkna, men skriv inget.")]


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
def reindex() -> None:
    """Rebuild the search index from the database."""
    from app.search.indexer import rebuild_providers_index
    from sqlmodel import Session

    from app.db import make_engine
    from app.search.client import make_client

    settings = get_settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        report = rebuild_providers_index(make_client(settings), settings, session)
    console.print(f"Sökindexet byggt: {report.documents} utförare")


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


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
    if result.indexed is not None:
        console.print(f"Sökindexet byggt: {result.indexed} utförare")
    elif result.index_note:
        console.print(f"Sökindexet: {result.index_note}")


if __name__ == "__main__":
    cli()
