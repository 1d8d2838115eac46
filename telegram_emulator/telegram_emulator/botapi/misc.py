"""getMe, answerCallbackQuery, sendChatAction, close, logOut."""

from __future__ import annotations

import time
from typing import Any

from telegram_emulator.botapi.common import target_chat
from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.registry import Call, method

CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                "upload_document", "choose_sticker", "find_location", "record_video_note",
                "upload_video_note"}
ACTION_SECONDS = 5.0
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


@method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    """The bot's own `User`."""
    return call.bot.as_user()


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> bool:
    """Answer a button press once, within the answer window; the answer shows in the transcript."""
    query_id = call.params.text("callback_query_id")
    record = call.bot.callbacks.get(query_id or "")
    ttl = call.world.settings.callback_answer_ttl_seconds
    if record is None or record.answered or time.monotonic() - record.created_at > ttl:
        raise bad_request(QUERY_TOO_OLD)
    text = call.params.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer = {"text": text, "show_alert": call.params.flag("show_alert"),
                     "url": call.params.text("url"), "cache_time": call.params.integer("cache_time", 0)}
    user = call.world.users.get(record.user_id)
    if user is not None:
        call.bot.chat(user).touch(record)
    return True


@method("sendChatAction")
async def send_chat_action(call: Call) -> bool:
    """Show "typing..." (or another action) in the chat for 5 seconds."""
    chat = target_chat(call)
    action = call.params.text("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.action = action
    chat.action_until = time.monotonic() + ACTION_SECONDS
    chat.touch()
    return True


@method("close")
async def close(call: Call) -> bool:
    """Nothing to close locally; answers like Telegram."""
    return True


@method("logOut")
async def log_out(call: Call) -> bool:
    """Nothing to log out of locally; answers like Telegram."""
    return True
