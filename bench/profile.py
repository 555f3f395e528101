"""Where the server's time goes under load: py-spy samples the uvicorn process while wrk
loads one page, keeping the samples of the thread that holds the GIL (the Python work, which
bounds one process's rate); they are summed per function, by own time (the function was
running) and by cumulative time (it was on the stack).

Each profile is kept as bench/profiles/<UTC time>-<target>.txt (the top entries, a few KB).
RESULTS.md shows, per target, the oldest one committed to git as "before" and this run's as
"after", so one file shows the effect of a change. Without ptrace (py-spy refused), the
fallback is cProfile around N requests through the ASGI app in this process.
"""

import cProfile
import pstats
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "bench" / "profiles"
KEEP = 40  # entries per table in a profile file
SHOW = 15  # entries per table in RESULTS.md
# On the stack of nearly every sample, so left out of the cumulative table in RESULTS.md:
# threads, the event loop, the server, routing and middleware wrappers.
PLUMBING = re.compile(
    "|".join(
        [
            r"\((threading\.py|<frozen runpy>|asyncio/|anyio/|click/)",
            r"\(uvicorn/(main|server|__main__|_compat|middleware/\w+)\.py\)",
            r"^RequestResponseCycle\.run_asgi ",
            r"\((starlette|fastapi)/(applications|routing|_exception_handler)\.py\)",
            r"\(starlette/middleware/\w+\.py\)",
            r"\(fastapi/(_body_limit\.py|telemetry/)",
        ]
    )
)


@dataclass(frozen=True)
class Entry:
    function: str
    own: float  # share of samples (0..1) in which it was the running frame
    cumulative: float  # share in which it was anywhere on the stack


@dataclass(frozen=True)
class Profile:
    target: str
    sampler: str  # "py-spy 100 Hz, 9 s, 812 samples" or "cProfile, 200 requests"
    by_own: list[Entry]
    by_cumulative: list[Entry]


def short(frame: str) -> str:
    """`render (jinja2/environment.py)` stays; absolute paths lose their prefix."""
    frame = re.sub(r"\((?:.*/site-packages/|.*/lib/python3\.\d+/)", "(", frame)
    return frame.replace(f"({ROOT}/", "(")


def summarise_collapsed(text: str) -> tuple[list[Entry], int]:
    """Top functions from py-spy's raw (collapsed) output: `f (file);g (file) <count>`."""
    own: Counter[str] = Counter()
    cumulative: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        # --subprocesses puts the process (pid and command line) at the root: not a function.
        frames = [short(f) for f in stack.split(";") if not f.startswith("process ")]
        if not frames:
            continue
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            cumulative[frame] += n
    entries = [Entry(f, own[f] / total, cumulative[f] / total) for f in cumulative] if total else []
    return entries, total


def top(entries: list[Entry], key: str, n: int) -> list[Entry]:
    return sorted(entries, key=lambda e: (-getattr(e, key), e.function))[:n]


def py_spy_record(pid: int, seconds: float, out: Path, rate: int = 100) -> str:
    """Sample `pid` (and its worker processes) for `seconds`; return the collapsed stacks."""
    command = [_py_spy()]
    command += ["record", "--pid", str(pid), "--rate", str(rate), "--duration"]
    command += [str(max(1, int(seconds))), "--format", "raw", "--nolineno", "--subprocesses"]
    # Only threads holding the GIL: the Python work, which one process does on one core at a
    # time. (py-spy's idle detection does not see threads parked in Condition.wait here.)
    command += ["--gil", "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0 or not out.exists():
        raise PermissionError(f"py-spy failed: {(done.stderr or done.stdout).strip()[-500:]}")
    return out.read_text()


def _py_spy() -> str:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else "py-spy"


def from_collapsed(target: str, text: str, rate: int, seconds: float) -> Profile:
    entries, total = summarise_collapsed(text)
    sampler = f"py-spy --gil {rate} Hz for {seconds:.0f} s, {total} samples holding the GIL"
    return Profile(target, sampler, top(entries, "own", KEEP), top(entries, "cumulative", KEEP))


def cprofile_requests(target: str, get, path: str, requests: int) -> Profile:
    """The fallback: cProfile around `requests` GETs through the ASGI app (TestClient)."""
    get(path)  # warm up
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt or 1.0  # type: ignore[attr-defined]
    entries = []
    for (file, _line, name), (_cc, _nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        entries.append(Entry(short(f"{name} ({file})"), tt / total, min(ct / total, 1.0)))
    sampler = f"cProfile (py-spy unavailable), {requests} requests in this process"
    return Profile(target, sampler, top(entries, "own", KEEP), top(entries, "cumulative", KEEP))


# --- files: before and after ----------------------------------------------------------------


def to_text(profile: Profile, when: datetime, context: str) -> str:
    lines = [
        f"# profile: {profile.target}",
        f"# when: {when:%Y-%m-%d %H:%M} UTC",
        f"# sampler: {profile.sampler}",
        f"# context: {context}",
        "",
        "## own",
        *(f"{e.own * 100:6.1f} {e.cumulative * 100:6.1f}  {e.function}" for e in profile.by_own),
        "",
        "## cumulative",
        *(
            f"{e.own * 100:6.1f} {e.cumulative * 100:6.1f}  {e.function}"
            for e in profile.by_cumulative
        ),
        "",
    ]
    return "\n".join(lines)


def from_text(text: str) -> tuple[Profile, dict[str, str]]:
    meta: dict[str, str] = {}
    tables: dict[str, list[Entry]] = {"own": [], "cumulative": []}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        elif line.startswith("# ") and ":" in line:
            key, _, value = line[2:].partition(":")
            meta[key.strip()] = value.strip()
        elif current in tables and line.strip():
            own, cumulative, function = line.split(maxsplit=2)
            tables[current].append(Entry(function, float(own) / 100, float(cumulative) / 100))
    profile = Profile(
        meta.get("profile", "?"), meta.get("sampler", "?"), tables["own"], tables["cumulative"]
    )
    return profile, meta


def save(profile: Profile, context: str, directory: Path = PROFILES) -> Path:
    when = datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{when:%Y%m%dT%H%M%S}-{profile.target}.txt"
    path.write_text(to_text(profile, when, context))
    return path


def committed(directory: Path = PROFILES) -> set[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--", str(directory)], cwd=ROOT, capture_output=True, text=True
    ).stdout
    return {ROOT / line for line in out.splitlines() if line.strip()}


def before(target: str, current: Path, directory: Path = PROFILES) -> Path | None:
    """The oldest committed profile of `target`; if none is committed yet, the oldest other
    one on disk; None when this run's is the first."""
    candidates = sorted(p for p in directory.glob(f"*-{target}.txt") if p != current)
    tracked = [p for p in candidates if p in committed(directory)]
    return (tracked or candidates or [None])[0]


def before_after_md(old: Profile | None, new: Profile, n: int = SHOW) -> list[str]:
    """Two tables, by own and by cumulative time: rank, before, after."""

    def cell(entries: list[Entry], i: int, key: str) -> list[str]:
        if i >= len(entries):
            return ["", ""]
        e = entries[i]
        return [f"`{e.function}`", f"{getattr(e, key) * 100:.1f} %"]

    out: list[str] = []

    def shown(entries: list[Entry], key: str) -> list[Entry]:
        if key == "own":
            return entries
        return [e for e in entries if not PLUMBING.search(e.function)]

    for key, title in (("own", "By own time"), ("cumulative", "By cumulative time")):
        before = shown((old.by_own if key == "own" else old.by_cumulative) if old else [], key)
        after = shown(new.by_own if key == "own" else new.by_cumulative, key)
        out += [f"{title} (top {n}):", ""]
        if old is None:
            out += ["| # | after | % |", "|---|---|---|"]
            out += [
                f"| {i + 1} | " + " | ".join(cell(after, i, key)) + " |"
                for i in range(n)
                if i < len(after)
            ]
        else:
            out += ["| # | before | % | after | % |", "|---|---|---|---|---|"]
            out += [
                f"| {i + 1} | " + " | ".join(cell(before, i, key) + cell(after, i, key)) + " |"
                for i in range(min(n, max(len(before), len(after))))
            ]
        out.append("")
    return out[:-1]
