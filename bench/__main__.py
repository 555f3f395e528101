"""`python -m bench [STEP ...] [options]`: the measurements of issue 13, written to
bench/RESULTS.md.

Steps (default `all`, which is what `make bench` runs):
  pages    each page's rate under wrk against a static file from the same server
  search   search through our API and the list page against Meilisearch asked directly,
           at kommun and at national scale
  ingest   the national dataset through the real ingest on SQLite and PostgreSQL, rebuild
  scale    the same pages on the kommun-sized sample and on the national database
  profile  py-spy under wrk: the top functions by own and cumulative time, before/after
  load     the 300-client resilience test (bench/load.py); not part of `all`

The machine is noisy, so every target is a ratio measured within one run. A step run alone
rewrites its own section of RESULTS.md and keeps the others.
"""

import argparse
import os
import shlex
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import report, wrk
from bench.data import postgres_server, postgres_version
from bench.run import Options, Run

ALL = ["pages", "ingest", "search", "scale", "profile"]


def steps() -> dict[str, Callable[[Run], list[str]]]:
    from bench.nation import ingest, scale
    from bench.pages import pages, profile
    from bench.search import search

    return {"pages": pages, "search": search, "ingest": ingest, "scale": scale, "profile": profile}


def parse(argv: list[str]) -> argparse.Namespace:
    d = Options()
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    p.add_argument("steps", nargs="*", default=["all"], choices=[*ALL, "all", "load"])
    p.add_argument("--duration", type=float, default=d.duration, help="wrk seconds per target")
    p.add_argument("--warmup", type=float, default=d.warmup, help="wrk seconds before each")
    p.add_argument("--threads", type=int, default=d.threads)
    p.add_argument("--connections", type=int, default=d.connections)
    p.add_argument("--timeout", type=float, default=d.timeout, help="wrk's request timeout")
    p.add_argument("--workers", type=int, default=d.workers, help="uvicorn worker processes")
    p.add_argument("--units", type=int, default=d.units, help="size of the national dataset")
    p.add_argument("--rounds", type=int, default=d.rounds, help="sequential requests per page")
    p.add_argument("--profile-seconds", type=float, default=d.profile_seconds)
    p.add_argument("--clients", type=int, default=300, help="load: concurrent clients")
    p.add_argument("--load-seconds", type=float, default=60.0, help="load: its duration")
    return p.parse_args(argv)


def command_line(argv: list[str]) -> str:
    args = shlex.join(argv)
    if os.environ.get("MAKELEVEL"):
        return "make bench" + (f" BENCH={shlex.quote(args)}" if argv and argv != ["all"] else "")
    return "uv run python -m bench" + (f" {args}" if args else "")


def header(command: str) -> list[str]:
    versions = {"wrk": wrk.version().removeprefix("wrk ")}
    meili = _meili_version()
    if meili:
        versions["Meilisearch"] = meili
    pg = postgres_version(postgres_server())
    versions["PostgreSQL"] = pg or "not reachable"
    return [
        "# Benchmarks (bench/)",
        "",
        "Issue 13's measurements. `make bench` runs them all with one command "
        "(= `uv run python -m bench all`) and rewrites this file; `uv run python -m bench STEP` "
        "runs one step (pages, search, ingest, scale, profile; `load` is the 300-client "
        "resilience test) and rewrites only its section. The machine is shared and noisy, "
        "so every target is a ratio measured within one run: a page against a static file "
        "from the same server, search against Meilisearch asked directly, the national "
        "database against the kommun-sized one.",
        "",
        f"- last command: `{command}`",
        *report.machine_lines(versions),
    ]


def _meili_version() -> str | None:
    try:
        import httpx

        from app.settings import get_settings

        s = get_settings()
        key = s.meili_master_key
        response = httpx.get(
            f"{s.meili_url.rstrip('/')}/version",
            headers={"Authorization": f"Bearer {key}"} if key else {},
            timeout=3,
        )
        return response.json().get("pkgVersion") if response.status_code == 200 else None
    except Exception:
        return None


def main(argv: list[str]) -> int:
    args = parse(argv)
    command = command_line(argv)
    chosen = ALL if "all" in args.steps else list(dict.fromkeys(args.steps))
    if "load" in chosen:
        from bench.load import main as load_test

        if len(chosen) > 1:
            print("bench: `load` runs on its own", file=sys.stderr)
            return 2
        return load_test(args.clients, args.load_seconds, command, header(command))
    options = Options(
        duration=args.duration,
        warmup=args.warmup,
        threads=args.threads,
        connections=args.connections,
        timeout=args.timeout,
        workers=args.workers,
        units=args.units,
        rounds=args.rounds,
        profile_seconds=args.profile_seconds,
    )
    if not wrk.available() and set(chosen) & {"pages", "search", "scale", "profile"}:
        print("bench: wrk is missing: apt-get install -y wrk (make bench does it)", file=sys.stderr)
        return 2
    sections: dict[str, list[str]] = {}
    failed = False  # a step that could not run at all
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        run = Run(options, Path(tmp), command)
        try:
            for name in chosen:
                print(f"== bench {name}", flush=True)
                try:
                    sections[name] = steps()[name](run)
                except Exception as exc:
                    traceback.print_exc()
                    failed = True
                    sections[name] = [
                        *report.section_head(name, command, report.load_average()),
                        "- result: **FAIL** (the step could not run)",
                        f"- error: {type(exc).__name__}: {str(exc)[:500]}",
                    ]
                report.write(sections, header(command))
        finally:
            run.cleanup()
    text = report.RESULTS.read_text()
    print(text)
    results = {name: report.RESULT.search("\n".join(s)) for name, s in sections.items()}
    missed = [name for name, r in results.items() if r and r.group(1).startswith("FAIL")]
    print(f"written to {report.RESULTS.relative_to(report.ROOT)}")
    if failed or missed:
        print(f"bench: FAIL in {', '.join(missed) or 'a step that could not run'} (exit 1)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
