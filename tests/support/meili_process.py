"""A Meilisearch of a test's own, to stop, freeze and thaw without touching the shared one.

Started the way scripts/meili.py starts the development server (its `spawn`), on a free
loopback port with a temporary data directory.
"""

import importlib.util
import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tests.support.live_server import free_port, stop

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "meili.py"


def load_meili_script() -> ModuleType:
    """scripts/meili.py as a module (it is a standalone script, not part of a package)."""
    spec = importlib.util.spec_from_file_location("meili_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class OwnMeili:
    process: subprocess.Popen
    url: str
    master_key: str
    search_key: str

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@contextmanager
def own_meili(tmp_path: Path) -> Iterator[OwnMeili]:
    script = load_meili_script()
    port = free_port()
    master_key = "test-master-key-" + os.urandom(8).hex()
    process = script.spawn(
        script.find_binary(), port, tmp_path / "meili-data", master_key, tmp_path / "meili.log"
    )
    url = f"http://{script.HOST}:{port}"
    try:
        yield OwnMeili(process, url, master_key, script.search_key(url, master_key))
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)  # a frozen process cannot act on SIGTERM
            stop(process)
