"""Helpers the methods share: the target chat, message skeletons, replies, formatted text."""

from __future__ import annotations

import time
from typing import Any

from telegram_emulator.botapi.errors import ApiError, bad_request
from telegram_emulator.botapi.formatting import parse_text
from telegram_emulator.botapi.markup import inline_only, validate_markup
from telegram_emulator.botapi.registry import Call
from telegram_emulator.state.chats import ChatState, MessageRecord

MAX_TEXT = 4096
MAX_CAPTION = 1024


def now() -> int:
    """Unix time, as in every `date` field."""
    return int(time.time())


def target_chat(call: Call) -> ChatState:
    """The private chat named by `chat_id`; 400 `chat not found` like Telegram."""
    raw = call.params.text("chat_id")
    if raw is None or not raw.strip():
        raise bad_request("chat_id is empty")
    try:
        chat_id = int(raw)
    except ValueError:
        raise bad_request("chat not found") from None
    user = call.world.users.get(chat_id)
    if user is None:
        raise bad_request("chat not found")
    chat = call.bot.chat(user)
    if chat.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    if call.world.settings.require_start and not chat.started:
        raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
    return chat


def target_message(call: Call, chat: ChatState, missing: str) -> MessageRecord:
    """The live message named by `message_id`; 400 `<missing>` when there is none."""
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    message_id = call.params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    record = chat.live(message_id)
    if record is None:
        raise bad_request(missing)
    return record


def formatted(
    call: Call, field: str, limit: int, *, required: bool
) -> tuple[str | None, list[dict[str, Any]]]:
    """`text`/`caption` after parse_mode (or explicit entities), with Telegram's length checks."""
    raw = call.params.text(field)
    if raw is None or not raw.strip():
        if required:
            raise bad_request("message text is empty")
        return None, []
    text, entities = parse_text(raw, call.params.text("parse_mode"))
    explicit = call.params.obj("entities" if field == "text" else "caption_entities")
    if explicit is not None and not call.params.has("parse_mode"):
        if not isinstance(explicit, list):
            raise bad_request(f"can't parse {field} entities")
        entities = explicit
    if required and not text.strip():
        raise bad_request("message text is empty")
    if len(text) > limit:
        raise bad_request("message is too long" if field == "text" else "message caption is too long")
    return text, entities


def bot_message(call: Call, chat: ChatState, content: dict[str, Any]) -> MessageRecord:
    """Store and return a new bot message with `content`, reply markup and reply applied."""
    markup = validate_markup(call.params.obj("reply_markup"))
    replied = _replied(call, chat)
    message: dict[str, Any] = {"message_id": chat.take_message_id(), "from": call.bot.as_sender(),
                               "chat": chat.user.as_chat(), "date": now()}
    if replied is not None:
        message["reply_to_message"] = replied
    message.update(content)
    inline = inline_only(markup)
    if inline:
        message["reply_markup"] = inline
    _apply_keyboard(chat, markup)
    return chat.add(MessageRecord(message=message, sender="bot", markup=markup))


def _replied(call: Call, chat: ChatState) -> dict[str, Any] | None:
    params = call.params.obj("reply_parameters") or {}
    if not isinstance(params, dict):
        raise bad_request("can't parse reply parameters JSON object")
    message_id = params.get("message_id") or call.params.integer("reply_to_message_id")
    if not message_id:
        return None
    record = chat.live(int(message_id))
    if record is None:
        allow = params.get("allow_sending_without_reply") or call.params.flag("allow_sending_without_reply")
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return {k: v for k, v in record.message.items() if k != "reply_to_message"}


def _apply_keyboard(chat: ChatState, markup: dict[str, Any] | None) -> None:
    if markup is None:
        return
    if "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup.get("remove_keyboard"):
        chat.reply_keyboard = None
