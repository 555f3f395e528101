"""bench/RESULTS.md: a header (the command, the machine, the versions) and one section per
step, each with its checks against the issue's targets (PASS/FAIL) and its measurements.

A step run alone rewrites its own section and the header and keeps the other sections, so
the file always holds the latest measurement of every step; each section says when it ran
and the machine's load average just before.
"""

import os
import platform
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.wrk import WrkResult

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
STEPS = ["pages", "search", "ingest", "scale", "profile", "load"]
TITLES = {
    "pages": "Pages under load, against the static file",
    "search": "Search through the app against Meilisearch directly",
    "ingest": "The national dataset: ingest, index rebuild, memory",
    "scale": "The same pages at kommun and at national scale",
    "profile": "Where the time goes (profile under load)",
    "load": "Resilience: many clients at once (bench/load.py)",
}


@dataclass(frozen=True)
class Check:
    what: str
    measured: str
    target: str  # "" when only recorded
    passed: bool | None  # None: recorded, no target; or not measured (see `measured`)

    @property
    def result(self) -> str:
        if self.passed is None:
            return "—" if self.target == "" else "SKIPPED"
        return "PASS" if self.passed else "FAIL"


def verdict(checks: list[Check]) -> str:
    results = {c.result for c in checks}
    if "FAIL" in results:
        return "FAIL"
    if "PASS" in results:
        return "PASS" + (" (some SKIPPED)" if "SKIPPED" in results else "")
    return "SKIPPED" if "SKIPPED" in results else "—"


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return lines


def checks_table(checks: list[Check]) -> list[str]:
    return table(
        ["check", "measured", "target", "result"],
        [[c.what, c.measured, c.target or "(recorded)", f"**{c.result}**"] for c in checks],
    )


def ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def latencies(r: "WrkResult") -> list[str]:
    """A wrk run's table cells: p50, p95, p99 and max in ms, requests, errors."""
    return [
        ms(r.p50_ms),
        ms(r.p95_ms),
        ms(r.p99_ms),
        ms(r.max_ms),
        str(r.requests),
        r.errors_text(),
    ]


def ratio(value: float) -> str:
    return f"{value:.2f}×"


def quotient(a: float, b: float) -> str:
    """a ÷ b as a ratio, or n/a when either side measured nothing."""
    return ratio(a / b) if a and b else "n/a (nothing measured)"


# --- the machine ----------------------------------------------------------------------------


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min)"


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def code_version() -> str:
    """The commit, and how many files differ from it: the working tree is what ran."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "?"
    changed = [line for line in git("status", "--porcelain").splitlines() if line.strip()]
    return f"{commit}" + (f" + {len(changed)} uncommitted changed files" if changed else "")


def machine_lines(versions: dict[str, str]) -> list[str]:
    packages = ", ".join(
        f"{name} {_package(name)}"
        for name in ("fastapi", "starlette", "uvicorn", "sqlalchemy", "jinja2", "py-spy")
    )
    extra = ", ".join(f"{k} {v}" for k, v in versions.items())
    return [
        f"- machine: {os.cpu_count()} CPUs (nproc) {cpu_model()}, {memory_total()} memory, "
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"- software: Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{packages}" + (f", {extra}" if extra else ""),
        f"- code: {code_version()}",
    ]


def section_head(step: str, command: str, load_before: str) -> list[str]:
    return [
        f"## {TITLES[step]}",
        "",
        f"- run: `{command}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"load average before: {load_before}",
    ]


# --- the file -------------------------------------------------------------------------------

SECTION = re.compile(r"<!-- bench:(\w+) -->\n(.*?)<!-- /bench:\1 -->\n?", re.S)
RESULT = re.compile(r"^- result: \*\*([A-Z—][^*]*)\*\*", re.M)


def read_sections(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in SECTION.finditer(text)}


def render(header: list[str], sections: dict[str, str]) -> str:
    summary = []
    for step in STEPS:
        if step in sections:
            found = RESULT.search(sections[step])
            when = re.search(r"^- run: `[^`]*`, ([^;]*);", sections[step], re.M)
            summary.append(
                [
                    f"[{step}](#{_anchor(TITLES[step])})",
                    found.group(1) if found else "?",
                    when.group(1) if when else "?",
                ]
            )
    out = [*header, "", *table(["step", "result", "measured"], summary), ""]
    for step in STEPS:
        if step in sections:
            out += [
                f"<!-- bench:{step} -->",
                sections[step].rstrip("\n"),
                f"<!-- /bench:{step} -->",
                "",
            ]
    return "\n".join(out)


def _anchor(title: str) -> str:
    """GitHub's heading anchor."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def write(new_sections: dict[str, list[str]], header: list[str], path: Path = RESULTS) -> None:
    """Replace the sections in `new_sections` (and the header), keep the others."""
    old = read_sections(path.read_text()) if path.exists() else {}
    merged = {**old, **{k: "\n".join(v) + "\n" for k, v in new_sections.items()}}
    path.write_text(render(header, merged))
