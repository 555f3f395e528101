"""All configuration, read once from the environment (and `.env`)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: str = Field("development", description="development, test or production")
    database_url: str = f"sqlite:///{ROOT / 'var' / 'valfard.db'}"
    meili_url: str = "http://127.0.0.1:7700"
    meili_master_key: str = ""
    # Tests give each run its own prefix so parallel runs never share an index.
    meili_index_prefix: str = "valfard"
    data_dir: Path = ROOT / "data" / "sample"
    default_lang: str = "sv"

    kolada_base_url: str = "https://api.kolada.se/v2"
    skolverket_base_url: str = "https://api.skolverket.se/planned-educations/v4"
    http_user_agent: str = "Valfardsjamforaren/0.1 (+https://github.com/valfardsjamforaren)"
    http_timeout_seconds: float = 20.0
    http_max_concurrency: int = 4

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.environment == "production" and len(self.meili_master_key) < 16:
            raise ValueError("MEILI_MASTER_KEY must be at least 16 characters in production")
        return self

    @property
    def providers_index(self) -> str:
        return f"{self.meili_index_prefix}_providers"


@lru_cache
def get_settings() -> Settings:
    return Settings()
