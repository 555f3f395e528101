# Production image: the app only. Meilisearch and PostgreSQL run as their own services
# (see docker-compose.yml).
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /srv/app

COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY alembic.ini ./
COPY alembic ./alembic
COPY app ./app
COPY ingest ./ingest
COPY data ./data

RUN useradd --system --uid 10001 valfard && mkdir -p /srv/app/var && chown valfard /srv/app/var
USER valfard
# ALLOWED_HOSTS (required) and FORWARDED_ALLOW_IPS (the proxy's address; default 127.0.0.1)
# come from the deployment; see README's Configuration.
ENV PATH="/srv/app/.venv/bin:$PATH" ENVIRONMENT=production PORT=8000
EXPOSE 8000
# Sent with an allowed Host name, or the app would refuse it (`*.x` becomes `healthcheck.x`).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import urllib.request as u,os; h=os.environ['ALLOWED_HOSTS'].split(',')[0].strip().replace('*','healthcheck',1); u.urlopen(u.Request(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', headers={'Host': h}), timeout=4)"
# Migrate, then serve. Several replicas may start at once: Alembic's migration is
# transactional on PostgreSQL, and a replica that loses the race sees "head" already.
# The app itself applies X-Forwarded-* from FORWARDED_ALLOW_IPS only (app/web/security.py),
# so uvicorn's own proxy handling is off: one place decides whom to believe.
CMD ["sh", "-c", "alembic upgrade head && exec uvicorn app.main:create_app --factory --host 0.0.0.0 --port ${PORT} --no-proxy-headers"]
