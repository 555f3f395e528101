"""What the steps share within one `python -m bench` run: the options, a temporary
directory, the databases built so far (each built once, dropped at the end), and the ways
to load a server (wrk) or time requests one at a time."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlmodel import Session, col, select

from app.db import make_engine
from app.models import Provider
from app.settings import Settings
from bench import wrk
from bench.data import SAMPLE_DIR, Dataset, describe, drop_indexes, load, settings_for
from bench.server import wait_idle

# The kommun and service whose pages are measured (in the sample and, by name, the nation).
KOMMUN_CODE, KOMMUN_SLUG, SERVICE = "0160", "taby", "hemtjanst"
STATIC = "/static/site.css"


@dataclass
class Options:
    duration: float = 10.0  # seconds of wrk per target
    warmup: float = 2.0  # seconds of wrk before each target's measured run
    threads: int = 4
    connections: int = 32
    timeout: float = 5.0  # wrk's per-request timeout: slower requests count as errors
    workers: int = 1  # uvicorn worker processes, the same for every target
    units: int = 30_000  # size of the national dataset
    rounds: int = 20  # sequential measurements: requests per page (and query)
    profile_seconds: float = 10.0
    postgres: str = ""  # the PostgreSQL server for the ingest step ("" = default)

    def load_text(self, duration: bool = True) -> str:
        timing = f"{self.duration:g} s per target after {self.warmup:g} s warm-up, "
        return (
            f"wrk {self.threads} threads × {self.connections} connections, "
            f"{timing if duration else ''}"
            f"{self.timeout:g} s timeout; uvicorn with {self.workers} worker process"
            + ("es" if self.workers != 1 else "")
            + ", loopback"
        )


@dataclass
class Run:
    options: Options
    tmp: Path
    command: str
    _sample: Settings | None = None
    nation: Settings | None = None  # the national dataset on SQLite, once the ingest built it
    nation_data: Dataset | None = None
    nation_problem: str = ""  # why there is no nation database
    to_drop: list[Settings] = field(default_factory=list)

    def sample(self) -> Settings:
        """A SQLite database with the sample data and its index, built once per run."""
        if self._sample is None:
            self._sample = settings_for(self.tmp, "sample")
            self.to_drop.append(self._sample)
            load(self._sample, self._sample.data_dir)
        return self._sample

    def sample_data(self) -> Dataset:
        return describe(SAMPLE_DIR, "the committed sample, data/sample/")

    def cleanup(self) -> None:
        for settings in self.to_drop:
            try:
                drop_indexes(settings)
            except Exception as exc:  # the server may be gone; say so, do not mask the run
                print(f"bench: could not drop indexes {settings.meili_index_prefix}*: {exc}")

    def wrk(
        self,
        base: str,
        requests: list[wrk.Request],
        *,
        duration: float | None = None,
        headers: dict[str, str] | None = None,
        warm: bool = True,
        pid: int | None = None,
    ) -> wrk.WrkResult:
        """wrk on `requests`, after a warm-up; with the server's `pid`, first wait until it
        has answered what an earlier target left queued, so no target pays for another."""
        o = self.options
        if pid is not None:
            wait_idle(pid)
        common = dict(
            threads=o.threads,
            connections=o.connections,
            timeout=o.timeout,
            work_dir=self.tmp,
            headers=headers,
        )
        if warm and o.warmup > 0:
            wrk.run(base, requests, duration=o.warmup, **common)
        return wrk.run(base, requests, duration=duration or o.duration, **common)


def expect_2xx(client: httpx.Client, method: str, url: str, **kwargs) -> None:
    """Refuse to measure a target that does not answer 2xx: wrk counts only >= 400."""
    response = client.request(method, url, **kwargs)
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"{method} {url} answered {response.status_code}: {response.text[:300]}")


def sequential_ms(calls: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """The median time of each call, one request at a time, the calls interleaved round by
    round (a shift in the machine's load then hits all of them alike)."""
    for call in calls.values():
        call()  # warm up
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def home_care_slugs(settings: Settings, kommun_code: str = KOMMUN_CODE) -> list[str]:
    """The kommun's home-care providers, by slug."""
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return list(
                session.exec(
                    select(Provider.slug)
                    .where(Provider.kommun_code == kommun_code, Provider.service_type_id == SERVICE)
                    .order_by(col(Provider.slug))
                ).all()
            )
    finally:
        engine.dispose()


def without_page_cache(settings: Settings) -> tuple[Settings, bool]:
    """The settings with the app's page cache off, and whether the app has one at all."""
    if "page_cache_mb" in type(settings).model_fields:
        return settings.model_copy(update={"page_cache_mb": 0}), True
    return settings, False


def cache_text(settings: Settings) -> str:
    size = getattr(settings, "page_cache_mb", None)
    if size is None:
        return "no page cache in this version of the app"
    return f"page cache {'on' if size else 'off'} (PAGE_CACHE_MB={size})"
