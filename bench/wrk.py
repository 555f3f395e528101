"""wrk as the load generator: a Lua script whose `done()` prints the run as one JSON line.

wrk (Debian's 4.1.0) is a C client with its own threads, so the client costs the server's
machine little next to a Python client. Percentiles come from wrk's own latency histogram.
Only HTTP status >= 400 counts as a wrk "status" error, so every target is first checked
to answer 2xx once (see `bench.pages`); under load a page either answers as it did or fails.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

MARKER = "WRK_JSON "

# `done` runs once, after every thread has finished; latency and summary are in microseconds.
DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


@dataclass(frozen=True)
class Request:
    path: str  # with its query string
    method: str = "GET"
    body: str | None = None


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors: dict[str, int]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float = 0.0
    bytes: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def errors_text(self) -> str:
        """`0`, or e.g. `3 (timeout 2, status 1)`."""
        if not self.error_count:
            return "0"
        parts = ", ".join(f"{k} {v}" for k, v in self.errors.items() if v)
        return f"{self.error_count} ({parts})"


def parse_output(stdout: str) -> WrkResult:
    """The result from wrk's output: the line the script's `done()` printed."""
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            raw = json.loads(line[len(MARKER) :])
            latency = raw["latency_us"]
            return WrkResult(
                requests=int(raw["requests"]),
                seconds=raw["duration_us"] / 1e6,
                errors={k: int(v) for k, v in raw["errors"].items()},
                p50_ms=latency["p50"] / 1000,
                p95_ms=latency["p95"] / 1000,
                p99_ms=latency["p99"] / 1000,
                max_ms=latency["max"] / 1000,
                mean_ms=latency["mean"] / 1000,
                bytes=int(raw.get("bytes", 0)),
            )
    raise ValueError(f"no {MARKER.strip()} line in wrk's output:\n{stdout[-2000:]}")


def lua_string(value: str) -> str:
    """A Lua long-bracket literal that no content can end early."""
    level = 0
    # The closing bracket must not occur inside, nor be completed by a `]=*` at the end.
    while f"]{'=' * level}]" in value + "]":
        level += 1
    eq = "=" * level
    # A long bracket drops a newline right after the opening bracket; there never is one here.
    return f"[{eq}[{value}]{eq}]"


def script(requests: list[Request], headers: dict[str, str]) -> str:
    """The Lua script: one request as wrk's own (no Lua per request), several in turn."""
    head = "".join(
        f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}\n" for k, v in headers.items()
    )
    if len(requests) == 1:
        r = requests[0]
        body = f"wrk.body = {lua_string(r.body)}\n" if r.body is not None else ""
        return f"wrk.method = {lua_string(r.method)}\n{body}{head}{DONE}"
    items = ",\n".join(
        "  {"
        + ", ".join(
            [lua_string(r.method), lua_string(r.path), lua_string(r.body) if r.body else "nil"]
        )
        + "}"
        for r in requests
    )
    return (
        f"{head}local requests_ = {{\n{items}\n}}\n"
        "local formatted = {}\nlocal n = 0\n"
        "init = function(args)\n"
        "  for i, r in ipairs(requests_) do formatted[i] = wrk.format(r[1], r[2], nil, r[3]) end\n"
        "end\n"
        "request = function()\n  n = n % #formatted + 1\n  return formatted[n]\nend\n"
        f"{DONE}"
    )


def available() -> bool:
    return shutil.which("wrk") is not None


def version() -> str:
    try:
        out = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=5).stdout
    except OSError:
        return "not installed"
    return out.split("Copyright")[0].strip() or "?"


def run(
    base_url: str,
    requests: list[Request],
    *,
    duration: float,
    threads: int,
    connections: int,
    timeout: float,
    work_dir: Path,
    headers: dict[str, str] | None = None,
) -> WrkResult:
    """Load `base_url` with `requests` (in turn) for `duration` seconds."""
    if not available():
        raise RuntimeError("wrk is not installed: apt-get install -y wrk (make bench does it)")
    lua = work_dir / "wrk-done.lua"
    lua.write_text(script(requests, headers or {}))
    url = base_url.rstrip("/") + (requests[0].path if len(requests) == 1 else "/")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{max(connections, threads)}",
        f"-d{max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        "-s",
        str(lua),
        url,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + timeout + 60, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_output(done.stdout)
