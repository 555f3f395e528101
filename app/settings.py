"""All configuration, read once from the environment (and `.env`)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
# ENVIRONMENT is read case-insensitively, so `Production` or `prod` cannot skip its checks.
ENVIRONMENTS = {"development": "development", "dev": "development", "test": "test",
                "production": "production", "prod": "production"}  # fmt: skip
# Host names a development or test run answers to when ALLOWED_HOSTS is not set.
LOCAL_HOSTS = ["localhost", "127.0.0.1", "testserver"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development", description="development, test or production (also dev, prod)"
    )
    database_url: str = f"sqlite:///{ROOT / 'var' / 'valfard.db'}"
    meili_url: str = "http://127.0.0.1:7700"
    meili_master_key: str = ""  # ingest only: building and swapping indexes
    meili_search_key: str = ""  # the app's key: searching is all it may do
    # Tests give each run its own prefix so parallel runs never share an index.
    meili_index_prefix: str = "valfard"
    # A slow search server costs only search: a short wait, then the SQL listing; after
    # SEARCH_BREAKER_FAILURES failures in a row, no waiting at all for the cool-down.
    meili_timeout_seconds: float = 1.5
    search_breaker_failures: int = Field(3, ge=1)
    search_breaker_cooldown_seconds: float = 15.0
    # Database connections per process, and so requests at work at once (others queue
    # without a thread). Pages are CPU-bound: more would only contend for the GIL, and
    # measured slower (bench/RESULTS.md); scale with processes (uvicorn --workers) instead.
    db_pool_size: int = Field(8, ge=1)
    # Rendered public pages kept per process against the data version (app/web/page_cache.py);
    # 0 turns the cache off.
    page_cache_mb: int = Field(64, ge=0)
    # What many answers share (cards ~25 kB, provider pages ~70 kB each), kept per process
    # against the data version (app/versioned_cache.py); 0 turns it off.
    data_cache_entries: int = Field(2000, ge=0)
    data_dir: Path = ROOT / "data" / "sample"
    default_lang: str = "sv"

    kolada_base_url: str = "https://api.kolada.se/v3"  # v2 answers 410 Gone since 2026-03-31
    skolverket_base_url: str = "https://api.skolverket.se/planned-educations/v4"
    http_user_agent: str = "Valfardsjamforaren/0.1 (+https://github.com/valfardsjamforaren)"
    http_timeout_seconds: float = 20.0
    http_max_concurrency: int = 4

    # The web layer (app/web/security.py). Lists are comma-separated in the environment.
    allowed_hosts: Annotated[list[str], NoDecode] = []  # empty: LOCAL_HOSTS outside production
    public_base_url: str = ""  # e.g. https://valfard.example.se; else the (allowed) Host
    forwarded_allow_ips: str = "127.0.0.1"  # proxies whose X-Forwarded-* we believe
    api_docs: bool | None = None  # /api/docs and /api/openapi.json; default: off in production
    # Signs session, invitation and form tokens (HMAC). Production needs its own, 32+ chars.
    secret_key: str = ""
    # Sign-in: a session idle longer than this ends; failures before a temporary lockout.
    session_idle_minutes: int = Field(60, ge=5)
    login_max_failures: int = Field(5, ge=1)
    login_lockout_minutes: int = Field(15, ge=1)

    @field_validator("environment", mode="before")
    @classmethod
    def _normalise_environment(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        name = value.strip().lower()
        if name not in ENVIRONMENTS:
            raise ValueError(
                f"ENVIRONMENT={value!r} is unknown; use development, test or production"
            )
        return ENVIRONMENTS[name]

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [h.strip().lower() for h in value.split(",") if h.strip()]
        return value

    @field_validator("public_base_url")
    @classmethod
    def _check_public_base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        bad = parts.scheme not in ("http", "https") or not parts.hostname
        if value and (bad or parts.path or parts.query or parts.fragment):
            raise ValueError(f"PUBLIC_BASE_URL={value!r} must look like https://host[:port]")
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment == "production" and 0 < len(self.meili_master_key) < 16:
            raise ValueError("MEILI_MASTER_KEY must be at least 16 characters in production")
        if self.meili_search_key and self.meili_search_key == self.meili_master_key:
            raise ValueError("MEILI_SEARCH_KEY must be a search-only key, not the master key")
        return self

    @property
    def trusted_hosts(self) -> list[str]:
        """The Host names the web app answers to; production must name its own (the ingest
        CLI, which serves nothing, runs without)."""
        if self.allowed_hosts:
            return self.allowed_hosts
        if self.environment == "production":
            raise ValueError("ALLOWED_HOSTS is required in production (e.g. valfard.example.se)")
        return LOCAL_HOSTS

    @property
    def app_search_key(self) -> str | None:
        """The web app's Meilisearch key; production must give a search-only one (the ingest
        CLI, which builds indexes with the master key, runs without)."""
        if not self.meili_search_key and self.environment == "production":
            raise ValueError(
                "MEILI_SEARCH_KEY is required in production: the app searches with a "
                "search-only key, never the master key (scripts/meili.py ensure prints one)"
            )
        return self.meili_search_key or None

    @property
    def signing_key(self) -> bytes:
        """The key for HMACs; outside production a fixed development key if none is set."""
        if len(self.secret_key) >= 32:
            return self.secret_key.encode()
        if self.environment == "production":
            raise ValueError("SECRET_KEY (at least 32 characters) is required in production")
        return b"development-only-key-never-used-in-production-000"

    @property
    def api_docs_enabled(self) -> bool:
        return self.api_docs if self.api_docs is not None else self.environment != "production"

    @property
    def providers_index(self) -> str:
        return f"{self.meili_index_prefix}_providers"


@lru_cache
def get_settings() -> Settings:
    return Settings()
