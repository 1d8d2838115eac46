"""Opening a Mini App the bot offers (an inline button, a reply keyboard button, the menu button) and
what it sends back (sendData from a keyboard button's app, answerWebAppQuery for the others)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException

from telegram_emulator.control.service import user_message
from telegram_emulator.state.bots import BotState
from telegram_emulator.state.chats import ChatState, WebAppQuery
from telegram_emulator.state.world import World
from telegram_emulator.webapps.init_data import PLATFORM, THEMES, VERSION, init_data, launch_url

# The newest queries answerWebAppQuery can still answer, per bot.
MAX_QUERIES = 10_000


@dataclass(frozen=True)
class Button:
    """The button that opens a Mini App: its text, URL and where it is."""

    text: str
    url: str
    source: str  # "inline" | "keyboard" | "menu"


def _buttons(rows: list[list[dict[str, Any]]] | None, source: str) -> list[Button]:
    buttons = [button for row in rows or [] for button in row if "web_app" in button]
    return [Button(button["text"], button["web_app"]["url"], source) for button in buttons]


def offered_button(
    bot: BotState, chat: ChatState, source: str, url: str | None, message_id: int | None
) -> Button:
    """The Mini App button the user presses: the chat's menu button, or the button with `url` on bot
    message `message_id` or on the reply keyboard; 404 when the bot offers no such button."""
    if source == "menu":
        menu = bot.menu_button_of(chat)
        if menu.get("type") != "web_app":
            raise HTTPException(404, "the chat's menu button opens no Mini App")
        return Button(menu["text"], menu["web_app"]["url"], source)
    if source == "inline":
        record = chat.live(message_id or 0)
        if record is None or record.sender != "bot":
            raise HTTPException(404, f"bot message {message_id} not found in this chat")
        rows = (record.message.get("reply_markup") or {}).get("inline_keyboard")
    else:
        rows = (chat.reply_keyboard or {}).get("keyboard")
    found = next((b for b in _buttons(rows, source) if b.url == url), None)
    if found is None:
        raise HTTPException(404, f"no {source} button opens the Mini App {url}")
    return found


def new_query(bot: BotState, chat: ChatState) -> WebAppQuery:
    """A query id for a Mini App opened from an inline or the menu button (answerWebAppQuery's)."""
    query = WebAppQuery(id=secrets.token_urlsafe(24), user_id=chat.user.id)
    bot.web_app_queries[query.id] = query
    while len(bot.web_app_queries) > MAX_QUERIES:  # a load test opens apps by the thousand
        del bot.web_app_queries[next(iter(bot.web_app_queries))]
    return query


def open_web_app(bot: BotState, chat: ChatState, button: Button, theme: str = "light") -> dict[str, Any]:
    """Launch `button`'s Mini App: the URL with the launch parameters, and what it carries. A
    keyboard button's app gets no query_id (it answers with sendData), as in Telegram."""
    query_id = None if button.source == "keyboard" else new_query(bot, chat).id
    data = init_data(bot, chat.user, query_id=query_id)
    return {"url": launch_url(button.url, data, theme), "init_data": data, "query_id": query_id,
            "source": button.source, "button_text": button.text, "version": VERSION, "platform": PLATFORM,
            "theme_params": THEMES[theme]}


def send_data(world: World, bot: BotState, chat: ChatState, data: str, button_text: str) -> dict[str, Any]:
    """Telegram.WebApp.sendData from a keyboard button's app: the user's `web_app_data` service
    message, and the bot's `message` update carrying it."""
    return user_message(world, bot, chat, {"web_app_data": {"data": data, "button_text": button_text}})


def send_via_bot(
    world: World, bot: BotState, chat: ChatState, text: str, entities: list[dict[str, Any]]
) -> dict[str, Any]:
    """answerWebAppQuery's result: a text message from the user "via" the bot, which the bot gets
    like any message of its chat."""
    content: dict[str, Any] = {"text": text, "via_bot": bot.as_sender()}
    if entities:
        content["entities"] = entities
    return user_message(world, bot, chat, content)
