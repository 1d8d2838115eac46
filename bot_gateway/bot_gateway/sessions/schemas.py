"""A signed-in user's session as the bot keeps it (tokens are plaintext only in memory)."""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field

from bot_gateway.i18n import normalize

ROLES = ("applicant", "executor", "manager", "admin")


class UserSession(BaseModel):
    """Who the Telegram user is in Core, their tokens, role and language."""

    telegram_id: int
    core_user_id: str
    access_token: str
    refresh_token: str
    access_expires_at: float
    role: str = "applicant"
    roles: list[str] = Field(default_factory=lambda: ["applicant"])
    language: str = "ru"
    status: str = "active"
    user: dict[str, Any] = Field(default_factory=dict)
    expires_at: float
    touched_at: float = 0.0
    new: bool = Field(default=False, exclude=True)  # signed in during this update

    def needs_refresh(self, margin: float, now: float | None = None) -> bool:
        """Whether the access token expires within `margin` seconds."""
        return self.access_expires_at - margin <= (now or time.time())

    @property
    def access_valid(self) -> bool:
        """Whether the access token has not expired yet."""
        return self.access_expires_at > time.time()

    @property
    def active(self) -> bool:
        """Whether the account may use the bot."""
        return self.status == "active"

    def with_user(self, user: dict[str, Any]) -> UserSession:
        """A copy updated from a Core user object."""
        roles = [r for r in user.get("roles") or self.roles if r in ROLES] or ["applicant"]
        role = user.get("active_role") or self.role
        return self.model_copy(update={
            "user": user, "roles": roles, "role": role if role in roles else roles[0],
            "language": normalize(user.get("language") or self.language),
            "status": user.get("status") or self.status,
        })

    def with_tokens(self, tokens: dict[str, Any]) -> UserSession:
        """A copy with the tokens of an auth answer."""
        return self.model_copy(update={
            "access_token": tokens["access_token"],
            "refresh_token": tokens.get("refresh_token") or self.refresh_token,
            "access_expires_at": time.time() + float(tokens.get("expires_in") or 900),
        })


def session_from_auth(answer: dict[str, Any], telegram_id: int, ttl: float) -> UserSession:
    """A new session from a `POST /api/v1/auth/telegram` answer."""
    user = answer.get("user") or {}
    blank = UserSession(
        telegram_id=telegram_id, core_user_id=str(user.get("id", "")), access_token="",
        refresh_token="", access_expires_at=0, expires_at=time.time() + ttl,
    )
    return blank.with_user(user).with_tokens(answer)
