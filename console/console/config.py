"""Console settings (`CONSOLE_` prefix): the Core Service it calls, the bot it signs in with, sessions."""

from __future__ import annotations

import re

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.config import ENV_FILE, ServiceSettings

_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class Settings(ServiceSettings):
    """Everything but the Core token has a default that works with `make run`."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_", env_file=ENV_FILE, extra="ignore")

    service_name: str = "console"
    port: int = Field(default=8003, ge=1, le=65535)
    tenant_id: str = "default"
    # Where people open the console; an https:// address makes the session cookie `Secure`.
    public_url: str = "http://127.0.0.1:8003"

    core_url: str = "http://127.0.0.1:8000"
    core_api_token: str = ""
    http_timeout_seconds: float = Field(default=5.0, gt=0)

    # The bot whose `?start=login_<nonce>` link signs people in, and its token for file downloads.
    bot_username: str = "uk_emulator_100000001_bot"
    bot_token: str = ""
    telegram_api_url: str = "https://api.telegram.org"

    # Telegram's Mini App script (the emulator serves one at `<emulator>/js/telegram-web-app.js`); its
    # origin is allowed to run scripts in, and to frame, the Mini App's pages (`/app/`).
    telegram_web_app_js: str = "https://telegram.org/js/telegram-web-app.js"

    session_ttl_seconds: int = Field(default=8 * 3600, ge=300, le=30 * 24 * 3600)

    @field_validator("public_url", "core_url", "telegram_api_url", "telegram_web_app_js")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("bot_username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.removeprefix("@")
        if not _USERNAME.match(value):
            raise ValueError("must be the bot's username: letters, digits and _")
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: str) -> str:
        if value and not _TOKEN.match(value):
            raise ValueError("must look like a Bot API token: <digits>:<letters, digits, _ or ->")
        return value

    @property
    def secure_cookies(self) -> bool:
        """Whether the console is served over HTTPS, so its cookies may only travel over it."""
        return self.public_url.startswith("https://")
