"""Audit the locked Python packages for known vulnerabilities: `uv run python scripts/audit.py`.

Runs pip-audit on exactly what uv.lock pins (hashes included, nothing resolved again).
Exit 1 when any package has a known vulnerability. pip-audit asks PyPI's JSON API for
advisories; where that is out of reach (a registry mirror without it, no network), every
package comes back "not audited", and this script says plainly that the audit was skipped.
Set AUDIT_REQUIRED=true to make that a failure, as a CI with network access should.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where `make` installs uv when it is not on PATH (as on a fresh machine).
UV = os.environ.get("UV") or shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")


UNREACHABLE = re.compile(r"ConnectionError|SSLError|MaxRetryError|NameResolution|[Tt]imed? ?out")


def skipped(why: str) -> int:
    print(f"SKIPPED: pip-audit could not reach a vulnerability database ({why}).")
    return 1 if os.environ.get("AUDIT_REQUIRED") == "true" else 0


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        report = Path(tmp) / "audit.json"
        subprocess.run(
            [UV, "export", "--frozen", "--format", "requirements-txt", "--no-emit-project",
             "--quiet", "-o", str(requirements)],
            cwd=ROOT, check=True,
        )  # fmt: skip
        audit = subprocess.run(
            [sys.executable, "-m", "pip_audit", "--requirement", str(requirements),
             "--require-hashes", "--disable-pip", "--no-deps", "--progress-spinner", "off",
             "--format", "json", "--output", str(report)],
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        if not report.exists():
            if UNREACHABLE.search(audit.stderr):
                # No network, a proxy's certificate, no DNS: the database is out of reach.
                return skipped(audit.stderr.strip().splitlines()[-1])
            print(f"pip-audit failed:\n{audit.stderr.strip()}", file=sys.stderr)
            return 1
        dependencies = json.loads(report.read_text())["dependencies"]

    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        print("Upgrade these in uv.lock (uv lock --upgrade-package NAME), then run the tests.")
        return 1
    if not audited:
        return skipped(f"none of the {len(dependencies)} locked packages was found there")
    unaudited = len(dependencies) - len(audited)
    print(f"pip-audit: no known vulnerabilities in {len(audited)} locked packages"
          + (f" ({unaudited} not audited)" if unaudited else ""))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
