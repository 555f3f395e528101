# Two commands matter on a fresh machine: `make run` and `make test`.
# Each installs what it needs first (uv, Python packages, Meilisearch, Chromium for tests).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
MEILI_ENV = set -a; eval "$$(python3 scripts/meili.py ensure)"; set +a

.PHONY: run test setup browser lint format migrate sample meili-stop bench translations clean

## run: install, start a local Meilisearch, load the sample data, serve on http://127.0.0.1:$(PORT)
run: setup
	@$(MEILI_ENV); \
	$(UV) run alembic upgrade head; \
	$(UV) run python -m ingest --wait repair; \
	$(UV) run python -m ingest --wait sample; \
	echo "Välfärdsjämföraren: http://127.0.0.1:$(PORT)"; \
	exec $(UV) run uvicorn app.main:create_app --factory --host 127.0.0.1 --port $(PORT)

## test: the whole suite (lint, SQLite, then PostgreSQL)
test: setup browser
	@bash scripts/test.sh

setup: .venv/.synced
.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || test -x $(UV) || python3 -m pip install --user --quiet uv
	$(UV) sync --frozen --python python3.11
	@touch $@

## browser: Debian's Chromium for the browser tests (Playwright drives it; never downloads its own)
browser:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium from Debian packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .

format: setup
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

migrate: setup
	$(UV) run alembic upgrade head

meili-stop:
	python3 scripts/meili.py stop

## bench: issue 13's measurements (pages, search, ingest, scale, profile), written to bench/RESULTS.md;
## one step or other options: `make bench BENCH="pages --duration 3"`; `make bench BENCH=load`: 300 clients
BENCH ?= all
bench: setup
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing wrk from Debian packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@$(MEILI_ENV); $(UV) run python -m bench $(BENCH)

clean:
	rm -rf var .venv .pytest_cache .ruff_cache test-artifacts

## translations: extract every Swedish UI string (and the importer's `msg` messages) and merge it into the English catalogue
translations: setup
	$(UV) run pybabel extract -F babel.cfg -k msg --no-location --sort-output -o app/translations/messages.pot app ingest
	@if [ -f app/translations/en/LC_MESSAGES/messages.po ]; then \
	  $(UV) run pybabel update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations -l en; \
	else \
	  $(UV) run pybabel init -i app/translations/messages.pot -d app/translations -l en; fi
