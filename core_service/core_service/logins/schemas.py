"""Console sign-in bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas import NO_NUL, ApiModel

LoginState = Literal["pending", "confirmed", "declined", "claimed", "expired"]
# 24 random bytes are 32 url-safe characters: `login_<nonce>` fits Telegram's 64-character start parameter.
Nonce = Field(min_length=1, max_length=64, pattern=NO_NUL)


class LoginIn(ApiModel):
    """What the console says of the browser that waits (shown to the person in the bot)."""

    browser: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


class LoginCreated(BaseModel):
    """A new sign-in's nonce (shown only here) and when it stops being usable."""

    nonce: str
    expires_at: datetime


class LoginOut(BaseModel):
    """A sign-in as the bot shows it before the person decides."""

    model_config = ConfigDict(from_attributes=True)

    browser: str
    created_at: datetime
    expires_at: datetime
    state: LoginState


class LoginPending(BaseModel):
    """The claim's answer while nobody has decided yet."""

    state: Literal["pending"] = "pending"
