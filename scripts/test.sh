#!/usr/bin/env bash
# The whole suite: lint, then every test on SQLite, then again on PostgreSQL.
# Without a reachable PostgreSQL the second pass is skipped and says so; under CI
# (CI=true) that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
uv=$(command -v uv || echo "$HOME/.local/bin/uv")

started_here=false
[ -z "${MEILI_URL:-}" ] && started_here=true
set -a; eval "$(python3 scripts/meili.py ensure)"; set +a
# Under CI, leave nothing running; on a developer's machine the server is kept for the next run.
if [ "${CI:-}" = "true" ] && $started_here; then
  trap 'python3 scripts/meili.py stop >/dev/null 2>&1 || true' EXIT
fi

echo "== lint (ruff)"
"$uv" run ruff check .
"$uv" run ruff format --check .

echo "== dependency audit (pip-audit on uv.lock)"
"$uv" run python scripts/audit.py

PG_URL=${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}

echo "== tests on SQLite"
env -u DATABASE_URL "$uv" run pytest -n 2 -p no:cacheprovider "$@"

echo "== tests on PostgreSQL ($PG_URL)"
if "$uv" run python -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$PG_URL" 2>/dev/null; then
  DATABASE_URL=$PG_URL "$uv" run pytest -n 2 -p no:cacheprovider "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL at $PG_URL is unreachable; under CI that is a failure." >&2
  exit 1
else
  echo "SKIPPED: PostgreSQL at $PG_URL is unreachable, so the PostgreSQL pass did not run."
  echo "Start it with: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
fi
