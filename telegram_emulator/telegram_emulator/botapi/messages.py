"""sendMessage, editMessageText/Caption/ReplyMarkup, deleteMessage(s)."""

from __future__ import annotations

from typing import Any

from telegram_emulator.botapi.common import (
    MAX_CAPTION,
    MAX_TEXT,
    bot_message,
    formatted,
    now,
    target_chat,
    target_message,
)
from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.markup import inline_only, validate_markup
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.state.chats import ChatState, MessageRecord

NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message")


@method("sendMessage", flood=True)
async def send_message(call: Call) -> dict[str, Any]:
    """Send a text message to a private chat."""
    chat = target_chat(call)
    text, entities = formatted(call, "text", MAX_TEXT, required=True)
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    return bot_message(call, chat, content).message


def _editable(call: Call) -> tuple[ChatState, MessageRecord]:
    chat = target_chat(call)
    record = target_message(call, chat, "message to edit not found")
    if record.sender != "bot":
        raise bad_request("message can't be edited")
    return chat, record


def _new_inline_markup(call: Call) -> dict[str, Any] | None:
    markup = validate_markup(call.params.obj("reply_markup"))
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return inline_only(markup)


def _apply_edit(chat: ChatState, record: MessageRecord, changes: dict[str, Any]) -> dict[str, Any]:
    message = record.message
    before = {key: message.get(key) for key in changes}
    after = changes
    if before == after:
        raise bad_request(NOT_MODIFIED)
    for key, value in after.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    message["edit_date"] = now()
    record.edits += 1
    record.markup = message.get("reply_markup")
    chat.touch(record)
    return message


@method("editMessageText")
async def edit_message_text(call: Call) -> dict[str, Any]:
    """Replace a bot message's text (and inline keyboard: none given means none kept)."""
    chat, record = _editable(call)
    if "text" not in record.message:
        raise bad_request("there is no text in the message to edit")
    text, entities = formatted(call, "text", MAX_TEXT, required=True)
    changes = {"text": text, "entities": entities or None, "reply_markup": _new_inline_markup(call)}
    return _apply_edit(chat, record, changes)


@method("editMessageCaption")
async def edit_message_caption(call: Call) -> dict[str, Any]:
    """Replace a bot media message's caption (and inline keyboard)."""
    chat, record = _editable(call)
    if "text" in record.message:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = formatted(call, "caption", MAX_CAPTION, required=False)
    changes = {"caption": caption, "caption_entities": entities or None,
               "reply_markup": _new_inline_markup(call)}
    return _apply_edit(chat, record, changes)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> dict[str, Any]:
    """Replace (or, with none given, remove) a bot message's inline keyboard."""
    chat, record = _editable(call)
    return _apply_edit(chat, record, {"reply_markup": _new_inline_markup(call)})


@method("deleteMessage")
async def delete_message(call: Call) -> bool:
    """Delete a message of the chat (the bot's or the user's); it stays marked in the transcript."""
    chat = target_chat(call)
    record = target_message(call, chat, "message to delete not found")
    record.deleted = True
    chat.touch(record)
    return True


@method("deleteMessages")
async def delete_messages(call: Call) -> bool:
    """Delete several messages; ids that do not exist are skipped, like Telegram."""
    chat = target_chat(call)
    ids = call.params.obj("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must be a list of 1-100 identifiers")
    deleted = [record for message_id in ids if (record := chat.live(int(message_id))) is not None]
    for record in deleted:
        record.deleted = True
    chat.touch(*deleted)
    return True
