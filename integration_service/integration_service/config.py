"""Integration Service settings (`INTEGRATION_` prefix)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.config import ENV_FILE, ServiceSettings
from shared.crypto import validate_fernet_key


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
    # Published and filtered webhook events older than this are deleted by `prune-events`.
    event_retention_days: int = Field(default=30, ge=1)
    cache_ttl_seconds: int = Field(default=300, ge=1)
    health_check_timeout_seconds: float = Field(default=5.0, gt=0)
    # Health checks refuse loopback, private and link-local addresses unless this is on (local stand-ins).
    health_check_allow_private: bool = False
    # Outbound call log writer: flushed every interval or batch, whichever comes first.
    call_log_flush_seconds: float = Field(default=0.5, gt=0)
    call_log_batch_size: int = Field(default=200, ge=1, le=2000)
    call_log_queue_size: int = Field(default=10_000, ge=1)
    run_worker: bool = True

    # Google Sheets adapter: Google allows 60 requests/min per user per project.
    google_sheets_rate_limit_per_minute: int = Field(default=60, ge=1)
    google_sheets_rate_window_seconds: float = Field(default=60.0, gt=0)
    google_sheets_max_wait_seconds: float = Field(default=2.0, ge=0)
    google_sheets_attempts: int = Field(default=3, ge=1, le=10)
    google_sheets_concurrency: int = Field(default=8, ge=1)
    sheets_cache_ttl_seconds: int = Field(default=300, ge=1)
    # Geocoding: providers tried in this order (comma list of google, yandex).
    geocoding_providers: str = Field(default="google,yandex", pattern=r"^(google|yandex)(,(google|yandex))*$")
    geocoding_cache_ttl_seconds: int = Field(default=3600, ge=1)
    google_geocoding_rate_limit_per_minute: int = Field(default=3000, ge=1)
    yandex_geocoder_rate_limit_per_minute: int = Field(default=600, ge=1)
    geocoding_denied_cooldown_seconds: float = Field(default=300.0, ge=0)
    # Requests log: consumes core events into each configured tenant's spreadsheet.
    run_requests_log: bool = True
    requests_log_stream: str = "stream:core"
    requests_log_group: str = "integration-requests-log"

    _fernet = field_validator("encryption_key")(lambda cls, v: validate_fernet_key(v))
