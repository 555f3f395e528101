"""`python -m bench load`: a bounded load test of the app as `make run` serves it, on loopback.

uvicorn (one process, SQLite, the sample data, only the search-only key) listens on
127.0.0.1; CLIENTS concurrent clients (asyncio + httpx) ask for a mix of pages for
DURATION_S seconds, never more than MAX_REQUESTS in all, then stop by themselves. Reported:
answers by status and p50/p95/p99 per page type, written to its section of bench/RESULTS.md.
Any 5xx, and any request without an answer, fails the run (exit 1).

Only 127.0.0.1 is ever asked: the server is started here, on that address.
"""

import asyncio
import random
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from sqlmodel import Session, select

from app.db import make_engine
from app.models import Provider
from app.settings import Settings
from bench import report
from bench.data import drop_indexes, load, settings_for
from tests.support.live_server import HOST, serve

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "make bench BENCH=load"

CLIENTS = 300
DURATION_S = 60.0
MAX_REQUESTS = 50_000  # a hard cap whatever the server's speed
REQUEST_TIMEOUT_S = 60.0
SEARCH_WORDS = ["omsorg", "hemtjänst", "trygg", "språk", "natt"]
FALLBACK_NOTICE = "Sökningen fungerar inte just nu"

# Page type -> share of requests: what residents mostly do is search and read providers.
MIX = {
    "home": 10,
    "list": 15,
    "search": 20,
    "provider": 30,
    "compare": 10,
    "about": 5,
    "static": 10,
}


@dataclass(frozen=True)
class Sample:
    page: str
    status: int | str  # an HTTP status, or "timeout" / "error" when no answer came
    seconds: float


class Targets:
    """The URL paths of each page type, over the providers in the database."""

    def __init__(self, settings: Settings) -> None:
        engine = make_engine(settings.database_url)
        with Session(engine) as session:
            self.providers = list(session.exec(select(Provider.slug)).all())
            self.taby_home_care = list(
                session.exec(
                    select(Provider.slug).where(
                        Provider.kommun_code == "0160", Provider.service_type_id == "hemtjanst"
                    )
                ).all()
            )
        engine.dispose()

    def path(self, page: str, rng: random.Random) -> str:
        if page == "home":
            return "/"
        if page == "list":
            return "/taby/hemtjanst"
        if page == "search":
            return f"/taby/hemtjanst?q={rng.choice(SEARCH_WORDS)}"
        if page == "provider":
            return f"/utforare/{rng.choice(self.providers)}"
        if page == "compare":
            chosen = rng.sample(self.taby_home_care, rng.choice((3, 4)))
            return "/jamfor?" + "&".join(f"id={slug}" for slug in chosen)
        if page == "about":
            return "/om-siffrorna"
        return "/static/site.css"


async def run_load(base: str, targets: Targets, clients: int, duration: float) -> list[Sample]:
    if urlsplit(base).hostname != HOST:
        raise SystemExit(f"refusing to load anything but {HOST}: {base}")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + duration
    sent = 0
    samples: list[Sample] = []
    errors: Counter[str] = Counter()
    pages, weights = list(MIX), list(MIX.values())
    # A new connection per request: a kept-alive one that the server closes after its idle
    # timeout just as a starved client reuses it is reset, which says nothing about the app.
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=0)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=REQUEST_TIMEOUT_S) as http:

        async def client(number: int) -> None:
            nonlocal sent
            rng = random.Random(number)
            while loop.time() < deadline and sent < MAX_REQUESTS:
                sent += 1
                page = rng.choices(pages, weights)[0]
                started = time.perf_counter()
                status: int | str
                try:
                    status = (await http.get(targets.path(page, rng))).status_code
                except httpx.TimeoutException:
                    status = "timeout"
                except httpx.TransportError as exc:
                    status = "error"
                    errors[type(exc).__name__] += 1
                samples.append(Sample(page, status, time.perf_counter() - started))

        # Requests still out at the deadline may take their timeout; not a second more.
        async with asyncio.timeout(duration + REQUEST_TIMEOUT_S + 5):
            await asyncio.gather(*(client(n) for n in range(clients)))
    if errors:
        print("requests without an answer:", dict(errors))
    return samples


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def status_class(status: int | str) -> str:
    return f"{status // 100}xx" if isinstance(status, int) else str(status)


COLUMNS = ["2xx", "3xx", "4xx", "5xx", "timeout", "error"]


def table(samples: list[Sample]) -> list[str]:
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_page[sample.page].append(sample)
    head = ["page", "requests", *COLUMNS, "p50 ms", "p95 ms", "p99 ms"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for page, rows in [*((p, by_page[p]) for p in MIX if p in by_page), ("all", samples)]:
        counts = Counter(status_class(s.status) for s in rows)
        times = sorted(s.seconds * 1000 for s in rows if isinstance(s.status, int))
        cells = [page, str(len(rows)), *(str(counts.get(c, 0)) for c in COLUMNS)]
        cells += [f"{percentile(times, p):.0f}" for p in (50, 95, 99)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def reading(samples: list[Sample], clients: int, elapsed: float) -> list[str]:
    """What the numbers say: with every client always waiting for an answer, the time a
    request takes is mostly its place in the queue (Little's law: clients ÷ throughput)."""
    pages = sorted(s.seconds for s in samples if s.page != "static")
    rate = len(samples) / elapsed
    return [
        "### Reading it",
        "",
        f"{clients} clients ÷ {rate:.1f} requests/s = {clients / rate:.1f} s: the expected wait "
        "when every client always has a request out; the pages' p50 is "
        f"{percentile(pages, 50):.1f} s. The time is queueing for the one process's CPU "
        "(page rendering is CPU-bound, and one Python process uses one core), not errors and "
        "not waiting on the database pool: static files, which need no database session, "
        "are answered in a fraction of it. More throughput means cheaper pages or more "
        "processes (`uvicorn --workers`, each with its own DB_POOL_SIZE connections).",
        "",
    ]


def section(
    samples: list[Sample],
    clients: int,
    duration: float,
    elapsed: float,
    notes: list[str],
    command: str,
    load_before: str,
) -> tuple[list[str], str]:
    server_errors = sum(1 for s in samples if isinstance(s.status, int) and s.status >= 500)
    unanswered = sum(1 for s in samples if not isinstance(s.status, int))
    verdict = "PASS" if server_errors == unanswered == 0 else "FAIL"
    lines = [
        *report.section_head("load", command, load_before),
        f"- result: **{verdict}**: {len(samples)} requests in {elapsed:.1f} s "
        f"({len(samples) / elapsed:.1f}/s), {server_errors} × 5xx, "
        f"{unanswered} without an answer",
        "- what: a bounded loopback load test of the app as `make run` serves it: one uvicorn "
        "process on 127.0.0.1, SQLite, the sample data, the search-only Meilisearch key. "
        "Requires 0 × 5xx and an answer to every request",
        f"- load: {clients} concurrent clients (asyncio + httpx), {duration:.0f} s, "
        f"at most {MAX_REQUESTS} requests, {REQUEST_TIMEOUT_S:.0f} s timeout per request, "
        "a new connection per request",
        "- mix: " + ", ".join(f"{page} {share} %" for page, share in MIX.items()),
        *(f"- {note}" for note in notes),
        "",
        *table(samples),
        "",
        *reading(samples, clients, elapsed),
    ]
    return lines, verdict


def main(
    clients: int = CLIENTS,
    duration: float = DURATION_S,
    command: str = COMMAND,
    header: list[str] | None = None,
) -> int:
    load_before = report.load_average()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = settings_for(tmp, "load")
        try:
            load(settings, settings.data_dir)
            targets = Targets(settings)
            # As in production, the app gets the search-only key and no master key.
            served = settings.model_copy(update={"meili_master_key": ""})
            with serve(served, tmp / "uvicorn.log") as base:
                search = httpx.get(f"{base}/taby/hemtjanst?q=omsorg", timeout=30)
                notes = [
                    f"database pool: {settings.db_pool_size} connections (DB_POOL_SIZE), "
                    "1 uvicorn worker",
                    "search answered by "
                    + ("the SQL fallback" if FALLBACK_NOTICE in search.text else "Meilisearch"),
                ]
                started = time.perf_counter()
                samples = asyncio.run(run_load(base, targets, clients, duration))
                elapsed = time.perf_counter() - started
        finally:
            drop_indexes(settings)
    lines, verdict = section(samples, clients, duration, elapsed, notes, command, load_before)
    report.write({"load": lines}, header or [])
    print("\n".join(lines))
    return 0 if verdict == "PASS" else 1
