"""sendPhoto, sendDocument (upload, file_id or URL) and getFile."""

from __future__ import annotations

from typing import Any

from telegram_emulator.botapi.common import MAX_CAPTION, bot_message, formatted, target_chat
from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.botapi.registry import Call, method
from telegram_emulator.botapi.uploads import WRONG_FILE, read_input, store_document, store_photo
from telegram_emulator.state.files import StoredFile


def _caption(call: Call) -> dict[str, Any]:
    caption, entities = formatted(call, "caption", MAX_CAPTION, required=False)
    content: dict[str, Any] = {}
    if caption:
        content["caption"] = caption
    if entities:
        content["caption_entities"] = entities
    return content


async def _photo_sizes(call: Call) -> list[StoredFile]:
    value = call.params.upload("photo")
    if value is None:
        raise bad_request("there is no photo in the request")
    if isinstance(value, str) and not value.startswith(("http://", "https://")):
        group = call.bot.photo_groups.get(value)
        if group is None:
            raise bad_request(WRONG_FILE)
        return [call.bot.files[file_id] for file_id in group]
    data, _, _ = await read_input(value, call.world.settings.max_upload_bytes)
    return store_photo(call.bot, data)


@method("sendPhoto", flood=True)
async def send_photo(call: Call) -> dict[str, Any]:
    """Send a photo: an upload, a file_id this bot knows, or an HTTP URL."""
    chat = target_chat(call)
    caption = _caption(call)
    sizes = await _photo_sizes(call)
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
    if isinstance(value, str) and not value.startswith(("http://", "https://")):
        stored = call.bot.files.get(value)
        if stored is None:
            raise bad_request(WRONG_FILE)
    else:
        data, name, mime = await read_input(value, call.world.settings.max_upload_bytes)
        stored = store_document(call.bot, data, name, mime)
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
