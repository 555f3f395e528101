"""`ingest`: the national dataset through the real ingest (a subprocess, so its time and
peak memory are its own) on SQLite and on PostgreSQL, then a full index rebuild;
`scale`: the same pages on the kommun-sized sample and on the national database."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, func, select

from app.db import make_engine
from app.models import IndicatorValue, Provider
from app.settings import Settings
from bench import report, wrk
from bench.data import (
    Dataset,
    drop_indexes,
    ingest_command,
    make_nation,
    postgres_database,
    postgres_server,
    postgres_version,
    reindex_command,
    settings_for,
)
from bench.report import Check, ms, quotient, ratio
from bench.run import (
    KOMMUN_CODE,
    KOMMUN_SLUG,
    SERVICE,
    Run,
    cache_text,
    expect_2xx,
    home_care_slugs,
    sequential_ms,
    without_page_cache,
)
from bench.server import RssSampler, mib, serve, tree_kib
from tests.support.live_server import ROOT, settings_env, stop

MAX_INGEST_S = 10 * 60
MAX_REBUILD_S = 60
# Per-request time of the same page at national scale over kommun scale. 1.2: sequential
# medians of one page on two databases in one run differ by up to ~10 % on this shared
# machine, so 1.2 leaves room for that noise, while a query or loop over the whole nation
# (here N× the units of the sample) would show as a multiple.
MAX_SCALE_RATIO = 1.2


@dataclass(frozen=True)
class Child:
    seconds: float
    peak_kib: int  # the child's own peak RSS (wait4)
    code: int
    tail: str  # the last lines of its output

    @property
    def ok(self) -> bool:
        return self.code == 0


# Runs the command and writes its peak RSS (KiB) to a file. Linux carries the parent's RSS
# high-water mark into an exec'd child's ru_maxrss, so the parent must be a small process.
PEAK_WRAPPER = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "try:\n"
    "    _, status, usage = os.wait4(p.pid, 0)\n"
    "except BaseException:\n"
    "    p.terminate(); p.wait(); raise\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run_child(command: list[str], settings: Settings, log: Path) -> Child:
    """Run `command` with `settings` in its environment; its wall time and peak RSS."""
    env = {**os.environ, **settings_env(settings), "COLUMNS": "120"}
    peak_file = log.with_suffix(".peak")
    wrapped = [sys.executable, "-S", "-c", PEAK_WRAPPER, str(peak_file), *command]
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(wrapped, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            code = process.wait()
        except BaseException:  # interrupted: do not leave the ingest running
            stop(process)
            raise
        seconds = time.perf_counter() - started
    peak = int(peak_file.read_text()) if peak_file.exists() else 0
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    tail = " / ".join(lines[-3:]).replace(f"{log.parent}/", "")  # the temporary directory
    return Child(seconds, peak, code, tail)


def _timed(what: str, child: Child, limit: float | None) -> Check:
    if not child.ok:
        return Check(
            what,
            f"failed (exit {child.code}): {child.tail[:300]}",
            f"< {limit:.0f} s" if limit else "",
            False,
        )
    target = f"< {limit:.0f} s" if limit else ""
    return Check(what, f"{child.seconds:.1f} s", target, child.seconds < limit if limit else None)


def _peak(what: str, child: Child) -> Check:
    return Check(f"{what}: peak memory (RSS)", mib(child.peak_kib), "", None)


def build_nation(run: Run, database_url: str | None, name: str) -> tuple[Settings, list[Child]]:
    """A migrated database with the nation ingested and indexed: (settings, [ingest,
    rebuild]); stops after a failed child."""
    settings = settings_for(run.tmp, name, database_url)
    run.to_drop.append(settings)
    assert run.nation_data is not None
    children = [
        run_child(
            ingest_command(run.nation_data.directory), settings, run.tmp / f"{name}-ingest.log"
        )
    ]
    if children[0].ok:
        children.append(run_child(reindex_command(), settings, run.tmp / f"{name}-reindex.log"))
    return settings, children


def nation_data(run: Run) -> Dataset:
    if run.nation_data is None:
        print(f"bench: writing a national dataset of {run.options.units} units", flush=True)
        run.nation_data = make_nation(run.tmp / "nation", run.options.units)
    return run.nation_data


def ingest(run: Run) -> list[str]:
    before = report.load_average()
    data = nation_data(run)
    checks: list[Check] = []
    notes: list[str] = []

    print("bench ingest: SQLite", flush=True)
    settings = settings_for(run.tmp, "nation")
    run.to_drop.append(settings)
    first = run_child(ingest_command(data.directory), settings, run.tmp / "nation-ingest.log")
    checks.append(_timed("SQLite: ingest (SQL)", first, MAX_INGEST_S))
    if first.ok:
        checks.append(_peak("SQLite: ingest", first))
        # Before the rebuild, so the index is built from what the database ends up holding.
        rerun = run_child(ingest_command(data.directory), settings, run.tmp / "rerun.log")
        rebuild = run_child(reindex_command(), settings, run.tmp / "nation-reindex.log")
        checks.append(_timed("SQLite: full index rebuild", rebuild, MAX_REBUILD_S))
        if rebuild.ok:
            checks.append(_peak("SQLite: rebuild", rebuild))
            run.nation = settings
        else:
            run.nation_problem = f"the index rebuild failed: {rebuild.tail[:300]}"
        checks.append(
            Check(
                "SQLite: re-run of the same data ÷ first run",
                ratio(rerun.seconds / first.seconds) if rerun.ok else f"failed: {rerun.tail}",
                "",
                None,
            )
        )
        quarter_dir = run.tmp / "nation-quarter"
        quarter = make_nation(quarter_dir, max(1, run.options.units // 4))
        q_settings = settings_for(run.tmp, "nation-quarter")
        q = run_child(ingest_command(quarter_dir), q_settings, run.tmp / "quarter.log")
        if q.ok and quarter.units:
            per_unit = (first.seconds / data.units) / (q.seconds / quarter.units)
            checks.append(
                Check(
                    f"SQLite: time per unit, {data.units} ÷ {quarter.units} units",
                    ratio(per_unit),
                    "",
                    None,
                )
            )
        notes.append(
            "re-run and time per unit: on SQLite, the same data again (before the rebuild), "
            "and a quarter-sized dataset: a re-run should cost less than the first run, and a "
            "ratio near 1 per unit means the ingest grows linearly"
        )
    else:
        run.nation_problem = f"the ingest failed on SQLite: {first.tail[:300]}"

    server = postgres_server()
    version = postgres_version(server)
    if version is None:
        checks.append(
            Check(
                "PostgreSQL: ingest (SQL)",
                f"no server at {server}",
                f"< {MAX_INGEST_S:.0f} s",
                None,
            )
        )
        notes.append(
            "PostgreSQL was not reachable (BENCH_POSTGRES_URL or TEST_POSTGRES_URL names it); "
            "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main "
            "start`"
        )
    else:
        print("bench ingest: PostgreSQL", flush=True)
        with postgres_database(server) as url:
            pg_settings, pg = build_nation(run, url, "nation-pg")
            checks.append(_timed("PostgreSQL: ingest (SQL)", pg[0], MAX_INGEST_S))
            if pg[0].ok:
                checks.append(_peak("PostgreSQL: ingest", pg[0]))
                checks.append(_timed("PostgreSQL: full index rebuild", pg[1], MAX_REBUILD_S))
            run.to_drop.remove(pg_settings)
            _drop(pg_settings)
        notes.append(
            f"PostgreSQL {version}: a new database on {_server_name(server)}, dropped after"
        )

    return [
        *report.section_head("ingest", run.command, before),
        f"- result: **{report.verdict(checks)}**",
        f"- dataset: {data.describe()}",
        f"- ingest: `{' '.join(['python', *ingest_command(Path('DIR'))[1:]])}` in a process of "
        "its own on a new, migrated database; rebuild: `python -m ingest --wait reindex` (every "
        "provider into a new index, swapped in). Times include starting Python; memory is each "
        "process's peak RSS (wait4)",
        *(f"- {n}" for n in notes),
        "- the app's memory under load on the national database: see the scale step",
        "",
        *report.checks_table(checks),
    ]


def _drop(settings: Settings) -> None:
    try:
        drop_indexes(settings)
    except Exception as exc:
        print(f"bench: could not drop indexes {settings.meili_index_prefix}*: {exc}")


def _server_name(url: str) -> str:
    u = make_url(url)
    return f"{u.host}:{u.port or 5432}"


# --- scale ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageCost:
    provider_slug: str
    figures: int  # the provider's rows of figures
    listed: int  # home-care providers of the kommun
    medians: dict[str, float]  # ms, one request at a time
    rates: dict[str, wrk.WrkResult]
    rss_peak_kib: int
    rss_hwm_kib: int


def _figures(settings: Settings, slug: str) -> int:
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return session.exec(
                select(func.count(col(IndicatorValue.id)))
                .join(Provider, col(Provider.id) == col(IndicatorValue.provider_id))
                .where(Provider.slug == slug)
            ).one()
    finally:
        engine.dispose()


def _measure(run: Run, served: Settings, slug: str, listed: int, name: str) -> PageCost:
    settings, _ = without_page_cache(served)  # the render, not a cache hit
    paths = {"provider": f"/utforare/{slug}", "list": f"/{KOMMUN_SLUG}/{SERVICE}"}
    with serve(settings, run.tmp / f"scale-{name}.log", run.options.workers) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for path in paths.values():
                expect_2xx(client, "GET", path)
            medians = sequential_ms(
                {page: (lambda p=path: client.get(p)) for page, path in paths.items()},
                run.options.rounds,
            )
        with RssSampler(server.pid) as rss:
            rates = {
                page: run.wrk(server.url, [wrk.Request(p)], pid=server.pid)
                for page, p in paths.items()
            }
        hwm = tree_kib(server.pid, "VmHWM")
    return PageCost(slug, _figures(settings, slug), listed, medians, rates, rss.peak_kib, hwm)


def national_database(run: Run, step: str) -> Settings | None:
    """The nation on SQLite with its index: the ingest step's, else built here once."""
    if run.nation is None and not run.nation_problem:
        nation_data(run)
        print(f"bench {step}: ingesting the nation on SQLite", flush=True)
        settings, children = build_nation(run, None, "nation")
        if all(c.ok for c in children):
            run.nation = settings
        else:
            run.nation_problem = f"the ingest failed: {children[-1].tail[:300]}"
    return run.nation


def scale(run: Run) -> list[str]:
    before = report.load_average()
    head = report.section_head("scale", run.command, before)
    if national_database(run, "scale") is None:
        return [*head, "- result: **SKIPPED**", f"- no national database: {run.nation_problem}"]
    sample_slugs = home_care_slugs(run.sample())
    nation_slugs = home_care_slugs(run.nation)
    if not nation_slugs:
        return [
            *head,
            "- result: **SKIPPED**",
            f"- the national dataset has no home care in kommun {KOMMUN_CODE} ({KOMMUN_SLUG}), "
            "so the sample's pages have no counterpart in it",
        ]
    shared = sorted(set(sample_slugs) & set(nation_slugs))
    sample_slug = shared[0] if shared else sample_slugs[0]
    nation_slug = shared[0] if shared else nation_slugs[0]
    print("bench scale: kommun scale", flush=True)
    small = _measure(run, run.sample(), sample_slug, len(sample_slugs), "sample")
    print("bench scale: national scale", flush=True)
    big = _measure(run, run.nation, nation_slug, len(nation_slugs), "nation")
    checks = []
    for page in ("provider", "list"):
        r = big.medians[page] / small.medians[page]
        checks.append(
            Check(
                f"{page}: time national ÷ kommun (one at a time)",
                ratio(r),
                f"≤ {MAX_SCALE_RATIO}×",
                r <= MAX_SCALE_RATIO,
            )
        )
    for page in ("provider", "list"):
        a, b = small.rates[page].rate, big.rates[page].rate
        checks.append(Check(f"{page}: rate kommun ÷ national (wrk)", quotient(a, b), "", None))
    checks.append(
        Check(
            "app memory under load, national database",
            f"{mib(big.rss_peak_kib)} peak RSS sampled, {mib(big.rss_hwm_kib)} high-water mark",
            "",
            None,
        )
    )
    checks.append(
        Check(
            "app memory under load, kommun database",
            f"{mib(small.rss_peak_kib)} peak RSS sampled, {mib(small.rss_hwm_kib)} high-water mark",
            "",
            None,
        )
    )
    rows = []
    for label, cost in (("kommun (sample)", small), ("national", big)):
        for page in ("provider", "list"):
            r = cost.rates[page]
            rows.append(
                [
                    label,
                    page,
                    ms(cost.medians[page]),
                    f"{r.rate:.1f}",
                    ms(r.p50_ms),
                    ms(r.p99_ms),
                    ms(r.max_ms),
                    r.errors_text(),
                ]
            )
    notes = [
        f"- kommun scale: {run.sample_data().describe()}",
        f"- national scale: {run.nation_data.describe() if run.nation_data else '?'}",
        f"- pages: `/utforare/{sample_slug}` ({small.figures} figure rows) and "
        f"`/utforare/{nation_slug}` ({big.figures}) — "
        + ("the same slug in both" if shared else "no slug in both: each database's first")
        + f"; `/{KOMMUN_SLUG}/{SERVICE}` lists {small.listed} and {big.listed} providers "
        "(20 per page)",
        f"- target ≤ {MAX_SCALE_RATIO}× on the median of {run.options.rounds} requests one at "
        "a time (sequential medians of one page on two databases in one run differ by up to "
        "~10 % here; a query over the whole nation would show as a multiple); wrk rates "
        f"({run.options.load_text()}) recorded; "
        f"{cache_text(without_page_cache(run.sample())[0])}: the cost of rendering the page, "
        "which a cache would hide",
    ]
    return [
        *head,
        f"- result: **{report.verdict(checks)}**",
        *notes,
        "",
        *report.checks_table(checks),
        "",
        *report.table(
            [
                "database",
                "page",
                "one at a time ms",
                "wrk req/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "errors",
            ],
            rows,
        ),
    ]
