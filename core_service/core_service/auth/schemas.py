"""Auth API bodies and answers."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core_service.users.schemas import UserOut
from shared.schemas import ApiModel, BigId


class TelegramLogin(ApiModel):
    """What the bot gateway knows about a Telegram user."""

    telegram_id: BigId
    first_name: str | None = Field(default=None, max_length=128)
    last_name: str | None = Field(default=None, max_length=128)
    username: str | None = Field(default=None, max_length=64)
    language_code: str | None = Field(default=None, max_length=16)


class RefreshBody(ApiModel):
    """A refresh token to rotate."""

    refresh_token: str = Field(min_length=1, max_length=4096)


class LogoutBody(ApiModel):
    """Optionally the refresh token of the session being closed."""

    refresh_token: str | None = Field(default=None, max_length=4096)


class TokenPair(BaseModel):
    """Tokens for a signed-in user."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    user: UserOut


class PermissionQuery(ApiModel):
    """May the caller do `action` (on request `request_number`)?"""

    action: str = Field(min_length=1, max_length=64)
    request_number: str | None = Field(default=None, max_length=16)


class PermissionAnswer(BaseModel):
    """The verdict and why."""

    allowed: bool
    reason: str
