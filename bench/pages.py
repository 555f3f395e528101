"""`pages`: each page's rate under wrk as a ratio to a static file from the same server;
`profile`: where the server's time goes while wrk loads a page."""

import threading
import time
from pathlib import Path

import httpx

from app.settings import Settings
from bench import profile as prof
from bench import report, wrk
from bench.report import Check, ms, ratio
from bench.run import (
    KOMMUN_SLUG,
    SERVICE,
    STATIC,
    Run,
    cache_text,
    expect_2xx,
    home_care_slugs,
    without_page_cache,
)
from bench.server import RssSampler, mib, serve, tree_kib, wait_idle

# The targets for the pages residents choose with.
MIN_RATIO = 0.5
MAX_P99_MS = 100.0
MAX_MS = 1000.0


def targets(run: Run) -> list[tuple[str, str, bool]]:
    """(name, path, held to the targets) in the order measured; the static file first."""
    slugs = home_care_slugs(run.sample())
    if len(slugs) < 4:
        raise RuntimeError(f"the sample has {len(slugs)} home-care providers in Täby; 4 needed")
    compare = "&".join(f"id={s}" for s in slugs[:4])
    return [
        ("static", STATIC, False),
        ("home", "/", False),
        ("list", f"/{KOMMUN_SLUG}/{SERVICE}", True),
        ("provider", f"/utforare/{slugs[0]}", True),
        ("compare4", f"/jamfor?{compare}", True),
        ("api_list", f"/api/v1/providers?municipality={KOMMUN_SLUG}&service_type={SERVICE}", False),
    ]


def _load_all(run: Run, settings: Settings, chosen: list, log: str) -> tuple[dict, int, int]:
    """wrk on each target in turn on one server: results, peak RSS sampled, high-water mark."""
    measured: dict[str, wrk.WrkResult] = {}
    with serve(settings, run.tmp / log, run.options.workers) as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for _, path, _ in chosen:
                expect_2xx(client, "GET", path)
        with RssSampler(server.pid) as rss:
            for name, path, _ in chosen:
                print(f"bench pages: {name} {path} ({cache_text(settings)})", flush=True)
                measured[name] = run.wrk(server.url, [wrk.Request(path)], pid=server.pid)
        peak = tree_kib(server.pid, "VmHWM")
    return measured, rss.peak_kib, peak


def pages(run: Run) -> list[str]:
    before = report.load_average()
    settings = run.sample()
    chosen = targets(run)
    measured, rss_peak, peak = _load_all(run, settings, chosen, "pages.log")
    # What a cache miss costs (the first visitor after an ingest): recorded, not held.
    uncached, has_cache = without_page_cache(settings)
    misses: list[tuple[str, str, bool]] = []
    if has_cache:
        misses = [t for t in chosen if t[0] == "static" or t[2]]
        missed, _, _ = _load_all(run, uncached, misses, "pages-uncached.log")
    static = measured["static"].rate
    checks: list[Check] = []
    rows = []
    for name, path, held in chosen:
        r = measured[name]
        share = r.rate / static if static else 0.0
        if held:
            checks += [
                Check(
                    f"{name}: rate ÷ static", ratio(share), f"≥ {MIN_RATIO}×", share >= MIN_RATIO
                ),
                Check(
                    f"{name}: p99",
                    f"{ms(r.p99_ms)} ms" if r.requests else "no request completed",
                    f"< {MAX_P99_MS:.0f} ms",
                    r.p99_ms < MAX_P99_MS and r.requests > 0,
                ),
                Check(
                    f"{name}: slowest request",
                    f"{ms(r.max_ms)} ms" if r.requests else "no request completed",
                    f"< {MAX_MS:.0f} ms",
                    r.max_ms < MAX_MS and r.requests > 0 and not r.errors["timeout"],
                ),
            ]
        checks.append(
            Check(f"{name}: errors, non-2xx", r.errors_text(), "0", r.error_count == 0)
            if r.requests
            else Check(f"{name}: errors, non-2xx", "no request completed", "0", False)
        )
        rows.append([name, f"`{path}`", f"{r.rate:.1f}", ratio(share), *report.latencies(r)])
    if has_cache:
        static_off = missed["static"].rate
        for name, path, _ in misses:
            r = missed[name]
            rows.append(
                [
                    f"{name} (cache off)",
                    f"`{path}`",
                    f"{r.rate:.1f}",
                    report.quotient(r.rate, static_off),
                    *report.latencies(r),
                ]
            )
    return [
        *report.section_head("pages", run.command, before),
        f"- result: **{report.verdict(checks)}**",
        f"- server: as `make run` serves it, on a new SQLite database with "
        f"{run.sample_data().describe()}; the search-only key; {cache_text(settings)}",
        f"- load: {run.options.load_text()}; one target after another on the same server",
        "- ratio: the target's requests/s ÷ the static file's (`/static/site.css`) in this run; "
        f"held to the targets: list, provider, compare4 (the issue: ≥ {MIN_RATIO}× static, p99 "
        f"< {MAX_P99_MS:.0f} ms at {run.options.connections} connections, none over "
        f"{MAX_MS / 1000:.0f} s); all: no errors. A request slower than wrk's timeout is a "
        "timeout error and not in the percentiles",
        f"- server memory: peak RSS {mib(rss_peak)} sampled, {mib(peak)} high-water mark",
        *(
            [
                "- `… (cache off)`: the same targets on a second server with the page cache off "
                "(what a cache miss costs, e.g. the first visitors after an ingest), against "
                "that server's own static file; recorded, not held to the targets"
            ]
            if has_cache
            else []
        ),
        "",
        *report.checks_table(checks),
        "",
        *report.table(
            [
                "target",
                "path",
                "req/s",
                "× static",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "max ms",
                "requests",
                "errors",
            ],
            rows,
        ),
    ]


# --- profile --------------------------------------------------------------------------------


def profile(run: Run) -> list[str]:
    before_load = report.load_average()
    served = run.sample()
    paths = {name: path for name, path, _ in targets(run) if name in ("provider", "list")}
    # As served; and, when the app caches pages, with the cache off: the render behind it.
    variants = [("", served)]
    uncached, has_cache = without_page_cache(served)
    if has_cache:
        variants.append(("-render", uncached))
    seconds = run.options.profile_seconds
    results: list[tuple[str, str, prof.Profile, Path]] = []
    for suffix, settings in variants:
        context = (
            f"sample data on SQLite, {cache_text(settings)}, "
            f"{run.options.load_text(duration=False)}; "
            f"code {report.code_version()}"
        )
        with serve(settings, run.tmp / f"profile{suffix}.log", run.options.workers) as server:
            for page, path in paths.items():
                name = page + suffix
                print(f"bench profile: {name} {path}", flush=True)
                try:
                    p = _profile_under_wrk(run, server.url, server.pid, name, path, seconds)
                except PermissionError as exc:
                    print(f"bench profile: {exc}; falling back to cProfile", flush=True)
                    p = _profile_in_process(settings, name, path, run.options.rounds)
                results.append((name, path, p, prof.save(p, f"{path}; {context}")))
    lines = [
        *report.section_head("profile", run.command, before_load),
        "- result: **—** (recorded; no target)",
        f"- how: py-spy samples the uvicorn process for {seconds:g} s (`--gil`: the thread "
        "holding the GIL, i.e. the Python work that bounds one process's rate) while wrk "
        f"loads one page ({run.options.load_text(duration=False)}); sample data on SQLite. "
        "Own: the function itself was running; cumulative: it was on the stack (threads, "
        "event loop, server, routing and middleware wrappers left out); as shares of the "
        "samples",
        "- `provider`, `list`: as served; `provider-render`, `list-render` (when the app has a "
        "page cache): with the cache off, i.e. the rendering a cache miss costs",
        "- before: the oldest profile of the same target committed under bench/profiles/ "
        "(until one is committed, the oldest on disk); after: this run's",
    ]
    for name, path, p, saved in results:
        old = prof.before(name, saved)
        old_profile, meta = prof.from_text(old.read_text()) if old else (None, {})
        lines += ["", f"### {name}: `{path}`", ""]
        if old_profile is not None and old is not None:
            lines.append(
                f"- before: `{old.relative_to(prof.ROOT)}` ({meta.get('when', '?')}; "
                f"{old_profile.sampler}; {meta.get('context', '')})"
            )
        else:
            lines.append("- before: none yet (this run's profile is the first)")
        lines += [f"- after: `{saved.relative_to(prof.ROOT)}` ({p.sampler})", ""]
        lines += prof.before_after_md(old_profile, p)
    return lines


def _profile_under_wrk(run: Run, base: str, pid: int, name: str, path: str, seconds: float):
    o = run.options
    load_seconds = seconds + 3
    failure: list[BaseException] = []

    def load() -> None:
        try:
            wrk.run(
                base,
                [wrk.Request(path)],
                duration=load_seconds,
                threads=o.threads,
                connections=o.connections,
                timeout=o.timeout,
                work_dir=run.tmp,
            )
        except BaseException as exc:
            failure.append(exc)

    wait_idle(pid)
    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(1.5)  # let the load reach its steady state
    try:
        collapsed = prof.py_spy_record(pid, seconds, run.tmp / f"py-spy-{name}.txt")
    finally:
        loader.join()
    if failure:
        raise failure[0]
    return prof.from_collapsed(name, collapsed, 100, seconds)


def _profile_in_process(settings: Settings, name: str, path: str, rounds: int) -> prof.Profile:
    from fastapi.testclient import TestClient

    from app.main import create_app

    with TestClient(create_app(settings)) as client:
        return prof.cprofile_requests(name, client.get, path, max(50, rounds * 5))
