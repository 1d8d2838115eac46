"""The bot's profile texts per language (name, description, short description) and its menu button."""

from __future__ import annotations

from typing import Any

from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.registry import Call, method

# Method suffix, the profile field it sets and gets, and the field's longest value.
TEXTS = [("Name", "name", 64), ("Description", "description", 512),
         ("ShortDescription", "short_description", 120)]


def _register_texts(suffix: str, field: str, limit: int) -> None:
    """setMy<suffix> (a text per language; empty: back to the default) and getMy<suffix>."""

    async def set_text(call: Call) -> bool:
        value = call.params.text(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field.upper()}_INVALID")
        language = call.params.text("language_code") or ""
        texts = call.bot.profile.setdefault(field, {})
        if value:
            texts[language] = value
        else:
            texts.pop(language, None)
        return True

    async def get_text(call: Call) -> dict[str, str]:
        texts = call.bot.profile.get(field, {})
        language = call.params.text("language_code") or ""
        fallback = call.bot.first_name if field == "name" else ""
        return {field: texts.get(language, texts.get("", fallback))}

    method(f"setMy{suffix}")(set_text)
    method(f"getMy{suffix}")(get_text)


for _suffix, _field, _limit in TEXTS:
    _register_texts(_suffix, _field, _limit)


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
