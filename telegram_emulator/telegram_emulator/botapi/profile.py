"""The bot's profile texts per language (name, description, short description) and its menu button
(the bot's default and per chat)."""

from __future__ import annotations

from typing import Any

from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.markup import web_app_info
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.state.chats import ChatState

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
    """The menu button (default, commands or web_app) of one private chat, or the bot's default."""
    button = _menu_button(call.params.obj("menu_button") or {"type": "default"})
    chat = _menu_chat(call)
    if chat is None:
        call.bot.menu_button = button
        for each in call.bot.chats.values():
            each.touch()  # the chat page shows the button next to the input
    else:
        chat.menu_button = button
        chat.touch()
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> dict[str, Any]:
    """The chat's menu button (the default one when the chat has none), or the bot's default."""
    chat = _menu_chat(call)
    return call.bot.menu_button_of(chat) if chat else call.bot.menu_button


def _menu_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    if button["type"] != "web_app":
        return {"type": button["type"]}
    text = button.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")  # hypothetical wording; Telegram wants a text
    return {"type": "web_app", "text": text, "web_app": web_app_info(button.get("web_app"))}


def _menu_chat(call: Call) -> ChatState | None:
    """The private chat `chat_id` names; None without one (the bot's default button)."""
    chat_id = call.params.integer("chat_id")
    if chat_id is None:
        return None
    user = call.world.users.get(chat_id)
    if user is None:
        raise bad_request("chat not found")
    return call.bot.chat(user)
