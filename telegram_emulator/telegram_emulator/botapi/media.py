"""sendPhoto, sendDocument (upload, file_id or URL) and getFile."""

from __future__ import annotations

from typing import Any

from telegram_emulator.botapi.common import MAX_CAPTION, bot_message, formatted, target_chat
from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.botapi.uploads import FILE_CONTENT


def _caption(call: Call) -> dict[str, Any]:
    caption, entities = formatted(call, "caption", MAX_CAPTION, required=False)
    content: dict[str, Any] = {}
    if caption:
        content["caption"] = caption
    if entities:
        content["caption_entities"] = entities
    return content


async def _send_file(call: Call, field: str) -> dict[str, Any]:
    chat = target_chat(call)
    caption = _caption(call)
    value = call.params.upload(field)
    if value is None:
        raise bad_request(f"there is no {field} in the request")
    content = await FILE_CONTENT[field](call.bot, value, call.world.settings.max_upload_bytes)
    return bot_message(call, chat, {**content, **caption}).message


@method("sendPhoto", flood=True)
async def send_photo(call: Call) -> dict[str, Any]:
    """Send a photo: an upload, a file_id this bot knows, or an HTTP URL."""
    return await _send_file(call, "photo")


@method("sendDocument", flood=True)
async def send_document(call: Call) -> dict[str, Any]:
    """Send a document: an upload, a file_id this bot knows, or an HTTP URL."""
    return await _send_file(call, "document")


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
