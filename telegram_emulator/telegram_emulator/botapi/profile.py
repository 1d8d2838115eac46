"""The bot's profile texts per language (name, description, short description) and menu button."""

from __future__ import annotations

from typing import Any

from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.registry import Call, method

LIMITS = {"name": 64, "description": 512, "short_description": 120}


def _set(call: Call, field: str) -> bool:
    value = call.params.text(field) or ""
    if len(value) > LIMITS[field]:
        raise bad_request(f"{field.upper()}_INVALID")
    language = call.params.text("language_code") or ""
    texts = call.bot.profile.setdefault(field, {})
    if value:
        texts[language] = value
    else:
        texts.pop(language, None)
    return True


def _get(call: Call, field: str) -> dict[str, str]:
    texts = call.bot.profile.get(field, {})
    language = call.params.text("language_code") or ""
    fallback = call.bot.first_name if field == "name" else ""
    return {field: texts.get(language, texts.get("", fallback))}


@method("setMyName")
async def set_my_name(call: Call) -> bool:
    """The bot's name for a language (empty: back to the default)."""
    return _set(call, "name")


@method("getMyName")
async def get_my_name(call: Call) -> dict[str, str]:
    """The bot's name for a language."""
    return _get(call, "name")


@method("setMyDescription")
async def set_my_description(call: Call) -> bool:
    """The description shown in an empty chat."""
    return _set(call, "description")


@method("getMyDescription")
async def get_my_description(call: Call) -> dict[str, str]:
    """The description for a language."""
    return _get(call, "description")


@method("setMyShortDescription")
async def set_my_short_description(call: Call) -> bool:
    """The short description on the bot's profile."""
    return _set(call, "short_description")


@method("getMyShortDescription")
async def get_my_short_description(call: Call) -> dict[str, str]:
    """The short description for a language."""
    return _get(call, "short_description")


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    """The menu button (default, commands or web_app)."""
    button = call.params.obj("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    call.bot.menu_button = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    """The menu button set with setChatMenuButton."""
    return call.bot.menu_button
