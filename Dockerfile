# Production image: the app only. Meilisearch and PostgreSQL run as their own services
# (see docker-compose.yml). Two stages: the build stage has uv and compiles the virtual
# environment; the runtime stage gets only that environment and the code, runs as a
# non-root user, and has no build tools.
FROM python:3.11-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/srv/app/.venv
RUN pip install --no-cache-dir uv
WORKDIR /srv/app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/app
RUN useradd --system --uid 10001 valfard && mkdir -p /srv/app/var && chown valfard /srv/app/var
COPY --from=build /srv/app/.venv /srv/app/.venv
COPY alembic.ini ./
COPY alembic ./alembic
COPY app ./app
COPY ingest ./ingest
COPY data ./data
USER valfard
# ALLOWED_HOSTS, SECRET_KEY and MEILI_SEARCH_KEY (required) and FORWARDED_ALLOW_IPS (the
# proxy's address; default 127.0.0.1) come from the deployment; see README's Configuration.
# WEB_CONCURRENCY: uvicorn worker processes per container (pages are CPU-bound: about one
# per core; scale further with replicas).
ENV PATH="/srv/app/.venv/bin:$PATH" ENVIRONMENT=production PORT=8000 WEB_CONCURRENCY=2
EXPOSE 8000
# Sent with an allowed Host name, or the app would refuse it (`*.x` becomes `healthcheck.x`).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request as u,os; h=os.environ['ALLOWED_HOSTS'].split(',')[0].strip().replace('*','healthcheck',1); u.urlopen(u.Request(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', headers={'Host': h}), timeout=4)"
# Migrations run once, in the compose `prestart` service, before any replica starts.
# The app itself applies X-Forwarded-* from FORWARDED_ALLOW_IPS only (app/web/security.py),
# so uvicorn's own proxy handling is off: one place decides whom to believe.
CMD ["sh", "-c", "exec uvicorn app.main:create_app --factory --host 0.0.0.0 --port ${PORT} --workers ${WEB_CONCURRENCY} --no-proxy-headers"]
