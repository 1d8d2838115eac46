"""Core Service settings (`CORE_` prefix)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.config import ENV_FILE, CommaList, ServiceSettings, split_commas

MIN_SECRET_LENGTH = 32


class Settings(ServiceSettings):
    """Everything the Core Service reads from the environment."""

    model_config = SettingsConfigDict(env_prefix="CORE_", env_file=ENV_FILE, extra="ignore")

    service_name: str = "core"
    port: int = Field(default=8000, ge=1, le=65535)
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/core"
    jwt_secret: str
    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_days: int = Field(default=30, ge=1)
    # Tenants whose residents wait for the office to approve their apartment (new users `pending`)
    # and file requests only for approved apartments; `*` means all.
    approval_required_tenants: CommaList = Field(default_factory=list)
    integration_url: str | None = None
    integration_api_token: str | None = None
    geocode_timeout_seconds: float = Field(default=3.0, gt=0)
    geocode_retry_seconds: float = Field(default=60.0, gt=0)
    geocode_max_attempts: int = Field(default=10, ge=1)
    run_workers: bool = True
    numbering_pool_size: int = Field(default=4, ge=1)
    # Request numbers are per local day of the housing company.
    timezone: str = "Asia/Tashkent"
    events_stream: str = "stream:core"
    # Completed work its resident neither accepts nor returns is accepted for them after this.
    auto_accept_days: int = Field(default=3, ge=1)

    _split_tenants = field_validator("approval_required_tenants", mode="before")(split_commas)

    @field_validator("jwt_secret")
    @classmethod
    def _secret_strength(cls, value: str) -> str:
        if len(value) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("must be an IANA time zone such as Asia/Tashkent") from exc
        return value

    @field_validator("integration_url", "integration_api_token", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    def requires_approval(self, tenant: str) -> bool:
        """Whether new users of `tenant` start as `pending`."""
        return "*" in self.approval_required_tenants or tenant in self.approval_required_tenants
