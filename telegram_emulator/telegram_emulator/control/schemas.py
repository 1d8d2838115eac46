"""Request bodies of the control API (validated: 422 with field errors)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class UserIn(BaseModel):
    """A user to create; `id` is chosen when omitted."""

    id: int | None = Field(default=None, gt=0, lt=2**52)
    first_name: str = Field(min_length=1, max_length=64)
    last_name: str | None = Field(default=None, max_length=64)
    username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{4,31}$")
    language_code: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
    phone_number: str | None = Field(default=None, pattern=r"^\+?[0-9]{5,15}$")
    role: str | None = Field(default=None, max_length=32)


class TextIn(BaseModel):
    """A text the user sends (commands get `bot_command` entities)."""

    text: str = Field(min_length=1, max_length=4096)
    reply_to_message_id: int | None = Field(default=None, gt=0)


class CallbackIn(BaseModel):
    """A press of the inline button with `data` on bot message `message_id`."""

    message_id: int = Field(gt=0)
    data: str = Field(min_length=1, max_length=64)


class ContactIn(BaseModel):
    """The user shares a phone number (theirs by default)."""

    phone_number: str | None = Field(default=None, pattern=r"^\+?[0-9]{5,15}$")


class LocationIn(BaseModel):
    """The user shares a location."""

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class BlockIn(BaseModel):
    """Whether the user has blocked the bot."""

    blocked: bool


class FloodIn(BaseModel):
    """The flood switch and, optionally, new limits."""

    enabled: bool
    chat_limit: int | None = Field(default=None, ge=1)
    chat_window_seconds: float | None = Field(default=None, gt=0)
    global_limit: int | None = Field(default=None, ge=1)
    global_window_seconds: float | None = Field(default=None, gt=0)
