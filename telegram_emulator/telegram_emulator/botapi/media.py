"""sendPhoto, sendDocument (upload, file_id or URL) and getFile."""

from __future__ import annotations

from typing import Any

from telegram_emulator.botapi.common import MAX_CAPTION, bot_message, formatted, target_chat
from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.botapi.uploads import document_input, photo_input


def _caption(call: Call) -> dict[str, Any]:
    caption, entities = formatted(call, "caption", MAX_CAPTION, required=False)
    content: dict[str, Any] = {}
    if caption:
        content["caption"] = caption
    if entities:
        content["caption_entities"] = entities
    return content


@method("sendPhoto", flood=True)
async def send_photo(call: Call) -> dict[str, Any]:
    """Send a photo: an upload, a file_id this bot knows, or an HTTP URL."""
    chat = target_chat(call)
    caption = _caption(call)
    value = call.params.upload("photo")
    if value is None:
        raise bad_request("there is no photo in the request")
    sizes = await photo_input(call.bot, value, call.world.settings.max_upload_bytes)
    content = {"photo": [f.as_photo_size() for f in sizes], **caption}
    return bot_message(call, chat, content).message


@method("sendDocument", flood=True)
async def send_document(call: Call) -> dict[str, Any]:
    """Send a document: an upload, a file_id this bot knows, or an HTTP URL."""
    chat = target_chat(call)
    caption = _caption(call)
    value = call.params.upload("document")
    if value is None:
        raise bad_request("there is no document in the request")
    stored = await document_input(call.bot, value, call.world.settings.max_upload_bytes)
    return bot_message(call, chat, {"document": stored.as_document(), **caption}).message


@method("getFile")
async def get_file(call: Call) -> dict[str, Any]:
    """A file's path for download at `/file/bot<token>/<file_path>`."""
    file_id = call.params.text("file_id")
    if not file_id:
        raise bad_request("file_id is empty")
    stored = call.bot.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.as_file()
