"""Request bodies of the control API (validated: 422 with field errors that say what is wanted)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

UZ_PHONE = re.compile(r"^998\d{9}$")
E164_DIGITS = re.compile(r"^[1-9]\d{7,14}$")
# Telegram's deep-link payload: what `t.me/<bot>?start=<payload>` may carry.
START_PAYLOAD = r"^[A-Za-z0-9_-]{1,64}$"
START_PAYLOAD_WANTED = "up to 64 characters: Latin letters, digits, _ or -"
PHONE_WANTED = ("a phone number with its country code: +998 and 9 digits in Uzbekistan (+998901234567), "
                "elsewhere + and 8 to 15 digits")


def _matching(pattern: str, wanted: str) -> Callable[[str], str]:
    """A check that refuses a value not matching `pattern`, saying `wanted` instead of the pattern."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise PydanticCustomError("invalid_format", wanted)
        return value

    return check


def phone_number(value: str) -> str:
    """`+` and the digits of an Uzbek (+998 and 9 digits) or other E.164 number; spaces, dashes and
    brackets are dropped."""
    digits = re.sub(r"[\s()-]", "", value).removeprefix("+")
    uzbek = digits.startswith("998")
    if (uzbek and not UZ_PHONE.match(digits)) or not E164_DIGITS.match(digits):
        raise PydanticCustomError("phone_number", PHONE_WANTED)
    return "+" + digits


Username = Annotated[str, AfterValidator(_matching(
    r"^[A-Za-z][A-Za-z0-9_]{4,31}$",
    "5 to 32 characters: Latin letters, digits or _, starting with a letter"))]
LanguageCode = Annotated[str, AfterValidator(_matching(
    r"^[a-z]{2}(-[A-Za-z]{2,4})?$",
    "a two-letter language code such as ru or uz (a region may follow: pt-BR)"))]
Phone = Annotated[str, Field(max_length=32), AfterValidator(phone_number)]
StartPayload = Annotated[str, AfterValidator(_matching(START_PAYLOAD, START_PAYLOAD_WANTED))]


class UserIn(BaseModel):
    """A user to create; `id` is chosen when omitted."""

    id: int | None = Field(default=None, gt=0, lt=2**52)
    first_name: str = Field(min_length=1, max_length=64)
    last_name: str | None = Field(default=None, max_length=64)
    username: Username | None = None
    language_code: LanguageCode | None = None
    phone_number: Phone | None = None
    # A label for people reading the user list (the stack runner sets the demo staff's Core role);
    # the emulator tells nobody, Telegram has no roles.
    role: str | None = Field(default=None, max_length=32)


class TextIn(BaseModel):
    """A text the user sends (commands get `bot_command` entities)."""

    text: str = Field(min_length=1, max_length=4096)
    reply_to_message_id: int | None = Field(default=None, gt=0)


class StartIn(BaseModel):
    """The user starts the bot, with the payload of a `t.me/<bot>?start=<payload>` link if any."""

    payload: StartPayload | None = None


class LinkIn(BaseModel):
    """A link the user clicks: `https://t.me/<bot>?start=<payload>` or `tg://resolve?domain=<bot>&...`."""

    url: str = Field(min_length=1, max_length=2048)


class CallbackIn(BaseModel):
    """A press of the inline button with `data` on bot message `message_id`."""

    message_id: int = Field(gt=0)
    data: str = Field(min_length=1, max_length=64)


class ContactIn(BaseModel):
    """The user shares a phone number (theirs by default)."""

    phone_number: Phone | None = None


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


class WebAppOpenIn(BaseModel):
    """The user presses a button that opens a Mini App: the menu button, an inline button (on bot
    message `message_id`) or a reply keyboard button, with the `url` it opens."""

    source: Literal["menu", "inline", "keyboard"]
    url: str | None = Field(default=None, max_length=2048)
    message_id: int | None = Field(default=None, gt=0)
    theme: Literal["light", "dark"] = "light"

    @model_validator(mode="after")
    def _button_named(self) -> WebAppOpenIn:
        if self.source != "menu" and not self.url:
            raise PydanticCustomError("url_missing", "the url of the button's Mini App is needed")
        if self.source == "inline" and self.message_id is None:
            raise PydanticCustomError("message_id_missing", "the message_id of the inline button's message")
        return self


class WebAppDataIn(BaseModel):
    """What a keyboard button's Mini App sends with Telegram.WebApp.sendData (up to 4096 bytes)."""

    data: str = Field(min_length=1, max_length=4096)
    button_text: str = Field(min_length=1, max_length=256)

    @field_validator("data")
    @classmethod
    def _at_most_4096_bytes(cls, value: str) -> str:
        if len(value.encode()) > 4096:
            raise PydanticCustomError("data_too_long", "at most 4096 bytes (UTF-8)")
        return value
