"""Bot Gateway settings: everything reads `BOT_*`, validated at start."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from shared.config import ENV_FILE, CommaList, ServiceSettings, split_commas
from shared.crypto import validate_fernet_key

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SUPPORTED_LANGUAGES = ("ru", "uz")


class Settings(ServiceSettings):
    """What the bot needs: Telegram, the backends it calls, limits, TTLs and switches."""

    model_config = SettingsConfigDict(env_prefix="BOT_", env_file=ENV_FILE, extra="ignore")

    service_name: str = "bot_gateway"
    port: int = Field(default=8002, ge=1, le=65535)
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/bot_gateway"
    tenant_id: str = "default"

    # Telegram
    telegram_token: str
    telegram_api_url: str = "https://api.telegram.org"
    telegram_timeout_seconds: float = Field(default=30.0, gt=0)
    mode: Literal["polling", "webhook"] = "polling"
    polling_timeout_seconds: int = Field(default=10, ge=0, le=50)
    webhook_url: str = ""
    # The console's Mini App (`<console>/app/`): the chat's menu button and an "Open app" button on
    # /start and /menu open it; empty: neither is offered.
    webapp_url: str = ""
    webhook_path: str = "/telegram/webhook"
    webhook_secret: str = ""
    webhook_drop_pending: bool = False
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    max_concurrent_updates: int = Field(default=200, ge=1)
    shutdown_grace_seconds: float = Field(default=10.0, ge=0)

    # Backends
    core_url: str = "http://127.0.0.1:8000"
    core_api_token: str = ""
    integration_url: str = "http://127.0.0.1:8001"
    integration_api_token: str = ""
    http_timeout_seconds: float = Field(default=5.0, gt=0)
    http_attempts: int = Field(default=3, ge=1, le=10)
    http_backoff_seconds: float = Field(default=0.2, ge=0)
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_cooldown_seconds: float = Field(default=30.0, gt=0)

    # Secrets at rest
    encryption_key: str = ""

    # TTLs
    fsm_state_ttl_seconds: int = Field(default=3600, ge=60)
    fsm_data_ttl_seconds: int = Field(default=3600, ge=60)
    session_ttl_seconds: int = Field(default=86_400, ge=60)
    token_refresh_margin_seconds: int = Field(default=60, ge=0)
    session_touch_interval_seconds: int = Field(default=300, ge=1)
    keyboard_cache_ttl_seconds: int = Field(default=86_400, ge=60)

    # Rate limits
    rate_limit_enabled: bool = True
    rate_limit_per_minute: int = Field(default=20, ge=1)
    rate_limit_per_hour: int = Field(default=100, ge=1)
    rate_limit_commands_per_minute: int = Field(default=5, ge=1)
    rate_limit_callbacks_per_minute: int = Field(default=60, ge=1)
    rate_limit_callbacks_per_hour: int = Field(default=600, ge=1)

    # Metrics
    metrics_flush_seconds: float = Field(default=2.0, gt=0)
    metrics_batch_size: int = Field(default=500, ge=1)
    metrics_rollup_seconds: float = Field(default=300.0, gt=0)
    metrics_raw_retention_days: int = Field(default=7, ge=1)

    # Announcements: the delivery worker's idle poll (Core's `announcement.published` wakes it
    # sooner), its share of the ~28 messages/s the sender allows, and Core's lease on a claimed batch
    announcement_poll_seconds: float = Field(default=30.0, gt=0, le=300)
    announcement_rate_per_second: float = Field(default=20.0, gt=0, le=28)
    announcement_lease_seconds: int = Field(default=60, ge=10, le=3600)

    # Languages and switches
    languages: CommaList = Field(default_factory=lambda: list(SUPPORTED_LANGUAGES))
    default_language: str = "ru"
    register_commands: bool = True
    feature_notifications: bool = True
    feature_announcements: bool = True

    _split_languages = field_validator("languages", mode="before")(split_commas)

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        if not _TOKEN.match(value):
            raise ValueError("must look like a Bot API token: <digits>:<letters, digits, _ or ->")
        return value

    @field_validator("telegram_api_url", "core_url", "integration_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("webhook_url", "webapp_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: str) -> str:
        if value and not _SECRET.match(value):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @field_validator("encryption_key")
    @classmethod
    def _fernet(cls, value: str) -> str:
        return validate_fernet_key(value) if value else value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in SUPPORTED_LANGUAGES]
        if unknown or not value:
            raise ValueError(f"must be a comma list of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.default_language not in self.languages:
            raise ValueError("BOT_DEFAULT_LANGUAGE must be one of BOT_LANGUAGES")
        if self.mode == "webhook" and not (self.webhook_url and self.webhook_secret):
            raise ValueError("webhook mode needs BOT_WEBHOOK_URL and BOT_WEBHOOK_SECRET")
        return self

    @property
    def bot_id(self) -> int:
        """The bot's numeric id (the token's prefix)."""
        return int(self.telegram_token.split(":", 1)[0])

    def fernet_key(self) -> str:
        """BOT_ENCRYPTION_KEY, or a key derived from the bot token so sessions survive restarts."""
        if self.encryption_key:
            return self.encryption_key
        digest = hashlib.sha256(b"bot-gateway-sessions:" + self.telegram_token.encode()).digest()
        return base64.urlsafe_b64encode(digest).decode()
