"""Integration Service settings (`INTEGRATION_` prefix)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.crypto import validate_fernet_key
from shared.settings import ENV_FILE, ServiceSettings


class Settings(ServiceSettings):
    """Everything the Integration Service reads from the environment."""

    model_config = SettingsConfigDict(env_prefix="INTEGRATION_", env_file=ENV_FILE, extra="ignore")

    service_name: str = "integration"
    port: int = Field(default=8001, ge=1, le=65535)
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/integration"
    encryption_key: str

    google_geocoding_url: str = "https://maps.googleapis.com/maps/api/geocode/json"
    yandex_geocoder_url: str = "https://geocode-maps.yandex.ru/1.x/"
    google_sheets_url: str = "https://sheets.googleapis.com"
    google_api_key: str | None = None
    yandex_api_key: str | None = None
    google_service_account_file: str | None = None

    outbound_timeout_seconds: float = Field(default=10.0, gt=0)
    log_retention_days: int = Field(default=30, ge=1)
    cache_ttl_seconds: int = Field(default=300, ge=1)
    run_worker: bool = True

    _fernet = field_validator("encryption_key")(lambda cls, v: validate_fernet_key(v))
