"""The app served as `make run` serves it, for the benchmarks: uvicorn on a free loopback
port, with a chosen number of worker processes; and the memory of that process tree."""

import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from app.settings import Settings
from tests.support.live_server import (
    HOST,
    ROOT,
    free_port,
    settings_env,
    stop,
    wait_until_serving,
)

START_TIMEOUT_S = 90.0  # a busy two-core machine can take long to import the app


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    workers: int


@contextmanager
def serve(settings: Settings, log_file: Path, workers: int = 1) -> Iterator[Server]:
    """uvicorn over `settings` as in production (ENVIRONMENT=production: templates are not
    checked for changes, the search-only key, a Host list and a secret), until the end."""
    served = settings.model_copy(
        update={
            "meili_master_key": "",
            "environment": "production",
            "allowed_hosts": [HOST],
            "secret_key": secrets.token_urlsafe(32),
        }
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory"]
    command += ["--host", HOST, "--port", str(port), "--log-level", "warning"]
    if workers > 1:
        command += ["--workers", str(workers)]
    env = {**os.environ, **settings_env(served)}
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    url = f"http://{HOST}:{port}"
    try:
        wait_until_serving(process, url, log_file, START_TIMEOUT_S)
        yield Server(url, process.pid, workers)
    finally:
        stop(process)


# --- memory ---------------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn --workers N: the supervisor and its workers)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return out


def status_kib(pid: int, field: str) -> int:
    """A `/proc/<pid>/status` memory field (VmRSS now, VmHWM the peak) in KiB; 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_kib(pid: int, field: str) -> int:
    return sum(status_kib(p, field) for p in process_tree(pid))


class RssSampler:
    """The largest summed RSS of a process tree, sampled every `interval` s while running."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, tree_kib(self.pid, "VmRSS"))
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of the process tree so far."""
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, timeout: float = 60.0, window: float = 0.5, busy: float = 0.05) -> float:
    """Wait until the server has worked off what an earlier load left queued (wrk stops,
    the requests it had sent are still answered): under `busy` of a core for `window` s.
    Returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pid)
        time.sleep(window)
        if cpu_seconds(pid) - before < busy * window:
            break
    return time.monotonic() - started


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"
