"""What users do: send texts, files, contacts, locations, start bots, press buttons; each becomes an
update."""

from __future__ import annotations

import copy
import secrets
from typing import Any

from fastapi import HTTPException

from telegram_emulator.botapi.commands_text import command_entities
from telegram_emulator.botapi.common import now
from telegram_emulator.state.bots import BotState
from telegram_emulator.state.chats import CallbackRecord, ChatState, MessageRecord
from telegram_emulator.state.world import World


def user_message(
    world: World, bot: BotState, chat: ChatState, content: dict[str, Any], reply_to: int | None = None
) -> dict[str, Any]:
    """Store a message from the user and queue the `message` update for the bot."""
    if chat.blocked:
        set_blocked(world, bot, chat, False)  # writing to a bot unblocks it, as in Telegram
    message: dict[str, Any] = {
        "message_id": chat.take_message_id(),
        "from": chat.user.as_user(),
        "chat": chat.user.as_chat(),
        "date": now(),
    }
    if reply_to is not None:
        replied = chat.live(reply_to)
        if replied is None:
            raise HTTPException(404, f"message {reply_to} not found in this chat")
        message["reply_to_message"] = {k: v for k, v in replied.message.items() if k != "reply_to_message"}
    message.update(content)
    keyboard = chat.reply_keyboard
    if keyboard and keyboard.get("one_time_keyboard"):
        chat.reply_keyboard = None
    chat.started = True
    chat.add(MessageRecord(message=message, sender="user"))
    bot.enqueue("message", copy.deepcopy(message), world.settings.updates_max_pending)
    return message


def text_content(text: str) -> dict[str, Any]:
    """A text message's fields, with `bot_command` entities for /commands."""
    content: dict[str, Any] = {"text": text}
    entities = command_entities(text)
    if entities:
        content["entities"] = entities
    return content


def start_bot(world: World, bot: BotState, chat: ChatState, payload: str | None) -> dict[str, Any]:
    """What a click on `t.me/<bot>?start=<payload>` sends: `/start <payload>`, the command an entity."""
    text = f"/start {payload}" if payload else "/start"
    return user_message(world, bot, chat, text_content(text))


def _has_button(record: MessageRecord, data: str) -> bool:
    rows = (record.message.get("reply_markup") or {}).get("inline_keyboard", [])
    return any(button.get("callback_data") == data for row in rows for button in row)


def press_button(world: World, bot: BotState, chat: ChatState, message_id: int, data: str) -> CallbackRecord:
    """A press of an inline button: a `callback_query` update carrying the message as it is now."""
    record = chat.live(message_id)
    if record is None or record.sender != "bot":
        raise HTTPException(404, f"bot message {message_id} not found in this chat")
    if not _has_button(record, data):
        raise HTTPException(404, f"message {message_id} has no inline button with this callback_data")
    callback = CallbackRecord(
        id=str(secrets.randbits(63)), message_id=message_id, data=data, user_id=chat.user.id
    )
    bot.callbacks[callback.id] = callback
    chat.callbacks.append(callback)
    chat.touch(callback)
    query = {
        "id": callback.id,
        "from": chat.user.as_user(),
        "message": copy.deepcopy(record.message),
        "chat_instance": bot.chat_instance(chat.user.id),
        "data": data,
    }
    bot.enqueue("callback_query", query, world.settings.updates_max_pending)
    return callback


def set_blocked(world: World, bot: BotState, chat: ChatState, blocked: bool) -> None:
    """The user blocks (or unblocks) the bot: sends then get 403; the bot gets `my_chat_member`."""
    if chat.blocked == blocked:
        return
    chat.blocked = blocked
    chat.touch()
    bot_user = bot.as_sender()
    old = (
        {"status": "kicked", "user": bot_user, "until_date": 0}
        if not blocked
        else {"status": "member", "user": bot_user}
    )
    new = (
        {"status": "kicked", "user": bot_user, "until_date": 0}
        if blocked
        else {"status": "member", "user": bot_user}
    )
    update = {
        "chat": chat.user.as_chat(),
        "from": chat.user.as_user(),
        "date": now(),
        "old_chat_member": old,
        "new_chat_member": new,
    }
    bot.enqueue("my_chat_member", update, world.settings.updates_max_pending)


def edit_user_message(
    world: World, bot: BotState, chat: ChatState, message_id: int, text: str
) -> dict[str, Any]:
    """The user edits one of their text messages; the bot gets an `edited_message` update."""
    record = chat.live(message_id)
    if record is None or record.sender != "user" or "text" not in record.message:
        raise HTTPException(404, f"user text message {message_id} not found in this chat")
    message = record.message
    message.pop("entities", None)
    message.update(text_content(text))
    message["edit_date"] = now()
    record.edits += 1
    chat.touch(record)
    bot.enqueue("edited_message", copy.deepcopy(message), world.settings.updates_max_pending)
    return message
