"""`python -m ingest ...`: load data into SQL and the search index."""

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
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
from typer.core import TyperCommand, TyperGroup

from app.settings import Settings, get_settings
from ingest.failures import REPAIR, explain, search_reason
from ingest.http import HttpClient, RetryPolicy
from ingest.kommun_files import Kind
from ingest.kommuner import kommuner
from ingest.lock import Holder
from ingest.runs import RunResult, exclusive, run_job
from ingest.sample import read_sample
from ingest.sample_loader import write_sample

console = Console(stderr=True)


class _Commands(TyperGroup):
    """The one place failures become a short message and exit 1 (--debug: the traceback)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            message = escape(explain(exc, _settings()))
            console.print(f"[bold red]Avbrutet:[/] {message}", soft_wrap=True)
            raise typer.Exit(code=1) from None


def _settings() -> Settings | None:
    try:
        return get_settings()
    except Exception:  # the settings themselves are what failed; explain() says so
        return None


cli = typer.Typer(
    cls=_Commands,
    no_args_is_help=True,
    add_completion=False,
    help=__doc__,
    pretty_exceptions_show_locals=False,  # locals would print the settings, keys included
)


@cli.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Visa hela felet (traceback) om något går fel.")
    ] = False,
    wait: Annotated[
        bool,
        typer.Option("--wait", help="Vänta på en pågående inläsning i stället för att avbryta."),
    ] = False,
) -> None:
    """Load data into SQL and the search index."""


class _Exclusive(TyperCommand):
    """A command that writes: it holds the run lock throughout, and first repairs an index an
    earlier run left stale. Dry runs write nothing and take no lock; --no-reindex leaves the
    index alone."""

    def invoke(self, ctx: Any) -> Any:
        if ctx.params.get("dry_run"):
            return super().invoke(ctx)
        with exclusive(
            get_settings(),
            wait=ctx.find_root().params.get("wait", False),
            # Only loading commands repair first; reindex and repair are the repair.
            repair=ctx.params.get("reindex", False),
            on_wait=_waiting,
        ):
            return super().invoke(ctx)


def _waiting(holder: Holder | None) -> None:
    who = f" ({holder})" if holder else ""
    console.print(f"Väntar på en annan inläsning{who}…")


DryRun = Annotated[bool, typer.Option("--dry-run", help="Validera och räkna, men skriv inget.")]
Reindex = Annotated[bool, typer.Option(help="Bygg om sökindexet efteråt")]
Kommun = Annotated[
    str,
    typer.Option(
        "--kommun",
        help="Kommunkod, fyra siffror (t.ex. 0160), flera med komma (0160,0180) eller all",
    ),
]
# Tests replace this to retry without sleeping; None means the default policy.
RETRY_POLICY: RetryPolicy | None = None


@cli.command(cls=_Exclusive)
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
        data: list = [read_sample(directory)]  # the small files; the figures are streamed
        progress.update(task, description="Skriver till databasen och bygger sökindexet")
        # The data is let go once written, so the index rebuild can reuse its memory.
        result = run_job(
            settings,
            "sample",
            lambda s: write_sample(s, data.pop()),
            dry_run=dry_run,
            reindex=reindex,
        )
    _finish(result)


@cli.command(cls=_Exclusive)
def kolada(
    ctx: typer.Context,
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

    codes = _kommun_codes(kommun)
    year_list = _years(years)
    settings = get_settings()

    def one(code: str) -> RunResult:
        with _progress(bar=True) as progress, HttpClient(settings, policy=RETRY_POLICY) as http:
            result = ingest_kolada(
                settings,
                code,
                years=year_list,
                from_date=from_date.date() if from_date else None,
                dry_run=dry_run,
                reindex=reindex,
                http=http,
                steps=_Bar(progress),
            )
        console.print("Källa: Kolada")
        return result

    _each_kommun(ctx, codes, one)


@cli.command(cls=_Exclusive)
def skolverket(
    ctx: typer.Context, kommun: Kommun, dry_run: DryRun = False, reindex: Reindex = True
) -> None:
    """The kommun's grundskolor, their statistics and Skolenkäten from Skolverket."""
    from ingest.skolverket import ingest_skolverket, skolverket_client

    codes = _kommun_codes(kommun)
    settings = get_settings()

    def one(code: str) -> RunResult:
        with (
            _progress(bar=True) as progress,
            skolverket_client(settings, policy=RETRY_POLICY) as http,
        ):
            return ingest_skolverket(
                settings,
                code,
                dry_run=dry_run,
                reindex=reindex,
                http=http,
                steps=_Bar(progress),
            )

    _each_kommun(ctx, codes, one)


@cli.command("file", cls=_Exclusive)
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
        result = ingest_file(settings, path, kind, dry_run=dry_run, reindex=reindex)
    _finish(result)


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


def _kommun_codes(value: str) -> list[str]:
    """`all` (every kommun in data/kommuner.csv), or one code, or codes separated by commas."""
    if value.strip().lower() == "all":
        return list(kommuner())
    codes = [c.strip() for c in value.split(",")]
    if not all(re.fullmatch(r"\d{4}", c) for c in codes):
        raise typer.BadParameter(
            "fyra siffror (t.ex. 0160), flera med komma (0160,0180) eller all",
            param_hint="--kommun",
        )
    return list(dict.fromkeys(codes))


def _each_kommun(ctx: typer.Context, codes: list[str], run: Callable[[str], RunResult]) -> None:
    """One kommun: its run as before. Several: each its own run (own transaction; the
    command holds the run lock throughout, so nothing interleaves), a failure reported in
    one line without undoing the others, then a table of how each went; exit 1 if any failed.
    """
    if len(codes) == 1:
        _finish(run(codes[0]))
        return
    debug = ctx.find_root().params.get("debug", False)
    settings = _settings()
    outcomes: dict[str, str] = {}
    for n, code in enumerate(codes, 1):
        name = kommuner().get(code, {}).get("name", "okänd kommunkod")
        console.rule(f"{code} {escape(name)} ({n}/{len(codes)})")
        try:
            result = run(code)
        except Exception as exc:
            if debug:
                raise
            console.print(f"[bold red]Fel:[/] {escape(explain(exc, settings))}", soft_wrap=True)
            outcomes[code] = "fel"
            continue
        try:
            _finish(result)
        except typer.Exit:  # stored, but the index was not rebuilt: said by _finish
            outcomes[code] = "fel (sökindexet)"
        else:
            outcomes[code] = "ok"
    table = Table(title="Kommuner")
    table.add_column("kommun")
    table.add_column("resultat")
    for code, outcome in outcomes.items():
        name = kommuner().get(code, {}).get("name", "")
        style = "" if outcome == "ok" else "[bold red]"
        table.add_row(f"{code} {escape(name)}", f"{style}{outcome}")
    console.print(table)
    failed = sum(outcome != "ok" for outcome in outcomes.values())
    console.print(f"{len(codes) - failed} av {len(codes)} kommuner klara, {failed} med fel.")
    if failed:
        raise typer.Exit(code=1)


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


@cli.command(cls=_Exclusive)
def reindex() -> None:
    """Rebuild the search index from the database."""
    from app.db import make_engine
    from ingest.runs import rebuild_index

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        report = rebuild_index(settings, engine)
    finally:
        engine.dispose()
    assert report is not None  # always built when not asked to skip an unchanged one
    console.print(f"Sökindexet byggt: {report.documents} utförare")


@cli.command(cls=_Exclusive)
def repair() -> None:
    """Rebuild the search index if it is stale and remove leftover temporary indexes.

    Cheap when all is well; run on start (make run, docker compose) and after a failed run.
    """
    from app.db import make_engine
    from ingest.runs import repair_index

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        state, report = repair_index(settings, engine)
    finally:
        engine.dispose()
    if state.leftovers:
        console.print(f"Kvarlämnade tillfälliga sökindex borttagna: {', '.join(state.leftovers)}")
    if state.status == "current":
        console.print("Sökindexet är aktuellt.")
    elif report is None:
        console.print("Sökindexet hade redan rätt innehåll; nu markerat som aktuellt.")
    else:
        console.print(f"Sökindexet var inaktuellt; ombyggt: {report.documents} utförare")


def _progress(bar: bool = False) -> Progress:
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if bar:
        columns += [BarColumn(), MofNCompleteColumn()]
    return Progress(*columns, TimeElapsedColumn(), console=console, transient=True)


def _finish(result: RunResult) -> None:
    """The summary; then, if the index could not be rebuilt, say so and exit non-zero."""
    _summary(result)
    if result.index_error is not None:
        reason = search_reason(result.index_error, get_settings())
        console.print(
            f"[bold red]Sökindexet kunde inte byggas:[/] {escape(reason)}. Uppgifterna ovan är "
            "sparade, men sökningen på sidorna visar gamla uppgifter tills "
            f"{REPAIR} har körts (nästa inläsning lagar det också).",
            soft_wrap=True,
        )
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
