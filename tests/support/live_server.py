"""The app served as `make run` serves it: uvicorn in its own process, on a free loopback port.

A real server, not TestClient: TestClient runs one request at a time, so it can never show
what concurrent requests do to the connection pool or the thread pool.
"""

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from threading import Barrier

import httpx

from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60.0  # a busy two-core machine can take long to import the app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as the environment variables pydantic-settings reads them from."""
    return {
        name.upper(): ",".join(value) if isinstance(value, list) else str(value)
        for name, value in settings.model_dump().items()
        if value is not None
    }


@contextmanager
def serve(settings: Settings, log_file: Path) -> Iterator[str]:
    """Start uvicorn over `settings`, yield its base URL, stop it afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "app.main:create_app",
        "--factory",
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    # The environment names every setting, so nothing leaks in from a developer's `.env`.
    env = {**os.environ, **settings_env(settings)}
    with log_file.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    url = f"http://{HOST}:{port}"
    try:
        wait_until_serving(process, url, log_file)
        yield url
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Ask a child process to end; kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_serving(
    process: subprocess.Popen, url: str, log_file: Path, timeout: float = START_TIMEOUT_SECONDS
) -> None:
    """Until uvicorn answers a static file; its log in the error if it exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited ({process.returncode}):\n{log_file.read_text()}")
        try:
            httpx.get(f"{url}/static/site.css", timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(
        f"uvicorn did not answer {url} within {timeout:.0f} s:\n" + log_file.read_text()
    )


@dataclass(frozen=True)
class Answer:
    url: str
    status: int
    seconds: float
    text: str


@dataclass(frozen=True)
class Burst:
    answers: list[Answer]

    @property
    def statuses(self) -> Counter[int]:
        return Counter(a.status for a in self.answers)

    @property
    def slowest_s(self) -> float:
        return max(a.seconds for a in self.answers)

    def to(self, url: str) -> list[Answer]:
        return [a for a in self.answers if a.url == url]


def burst(urls: list[str], timeout: float = 60.0) -> Burst:
    """One request per URL in `urls`, all released at the same moment, each on its own
    connection (a URL given 24 times is 24 concurrent requests)."""
    start_together = Barrier(len(urls))

    def one(url: str) -> Answer:
        with httpx.Client(timeout=timeout) as client:
            start_together.wait()
            started = time.perf_counter()
            response = client.get(url)
            return Answer(url, response.status_code, time.perf_counter() - started, response.text)

    with ThreadPoolExecutor(len(urls)) as pool:
        return Burst(list(pool.map(one, urls)))
