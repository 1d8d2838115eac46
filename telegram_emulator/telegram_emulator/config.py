"""Emulator settings (`EMULATOR_` prefix): where it listens, flood limits, webhook delivery."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.config import ENV_FILE, CommaList, ServiceSettings, split_commas

Count = Annotated[int, Field(ge=1)]
Seconds = Annotated[float, Field(gt=0)]
# The zone the bot writes times in (bot_gateway's texts): the chat page shows message times in it too,
# so a time on the page and a time in the bot's text agree.
TIME_ZONE = "Asia/Tashkent"


class Settings(ServiceSettings):
    """Everything has a default: the emulator starts with nothing configured."""

    model_config = SettingsConfigDict(env_prefix="EMULATOR_", env_file=ENV_FILE, extra="ignore")

    service_name: str = "telegram_emulator"
    port: int = Field(default=8081, ge=1, le=65535)
    # The token the chat page picks first (the one `make run` gives the bot).
    default_bot_token: str = "100000001:emulator-bot-token"  # noqa: S105 (emulator only)
    # Empty: any well-formed token is a bot. Otherwise only these tokens; others get 401.
    allowed_tokens: CommaList = Field(default_factory=list)
    bot_first_name: str = "UK Emulator Bot"

    flood_control: bool = False
    flood_chat_limit: Count = 1
    flood_chat_window_seconds: Seconds = 1.0
    flood_global_limit: Count = 30
    flood_global_window_seconds: Seconds = 1.0

    long_poll_max_seconds: Seconds = 50.0
    updates_max_pending: Count = 10_000
    webhook_timeout_seconds: Seconds = 10.0
    webhook_retry_seconds: Seconds = 1.0
    webhook_retry_max_seconds: Seconds = 30.0
    webhook_allow_http: bool = True
    # Like Telegram: a bot cannot write first to a user who never wrote to it (403). Off by default.
    require_start: bool = False
    callback_answer_ttl_seconds: Seconds = 60.0
    max_upload_bytes: Count = 20 * 1024 * 1024
    control_wait_max_seconds: Seconds = 60.0

    _split_allowed = field_validator("allowed_tokens", mode="before")(split_commas)

    @field_validator("workers")
    @classmethod
    def _one_process(cls, value: int) -> int:
        """One process: the chats, pending updates and waits live in its memory."""
        if value != 1:
            raise ValueError("must be 1: the emulator keeps its chats in memory, so it runs as one process")
        return value
