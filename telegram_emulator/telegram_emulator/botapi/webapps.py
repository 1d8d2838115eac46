"""answerWebAppQuery: a Mini App opened from an inline or the menu button answers with a message the
user sends via the bot."""

from __future__ import annotations

from typing import Any

from telegram_emulator.botapi.common import MAX_TEXT
from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.formatting import parse_text
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.webapps.service import send_via_bot


@method("answerWebAppQuery")
async def answer_web_app_query(call: Call) -> dict[str, Any]:
    """Answer a Mini App's query once: the result's text goes to the chat as the user's message "via"
    the bot (only results with an `input_message_content` text are emulated)."""
    query = call.bot.web_app_queries.get(call.params.text("web_app_query_id") or "")
    user = call.world.users.get(query.user_id) if query else None
    if query is None or query.answered or user is None:
        raise bad_request("QUERY_ID_INVALID")
    result = call.params.obj("result")
    content = result.get("input_message_content") if isinstance(result, dict) else None
    if not isinstance(content, dict) or not str(content.get("message_text") or "").strip():
        raise bad_request("RESULT_TYPE_INVALID")  # hypothetical wording: no text to send
    text, entities = parse_text(str(content["message_text"]), content.get("parse_mode"))
    if len(text) > MAX_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    send_via_bot(call.world, call.bot, call.bot.chat(user), text, entities)
    return {}
