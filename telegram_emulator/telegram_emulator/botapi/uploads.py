"""Turning uploaded bytes into stored files: photos in several sizes, documents as they are."""

from __future__ import annotations

import mimetypes
from typing import Any

import httpx
from starlette.datastructures import UploadFile

from telegram_emulator.botapi.errors import bad_request
from telegram_emulator.state.bots import BotState
from telegram_emulator.state.files import StoredFile, image_size, new_file_id, new_unique_id, photo_dimensions

WRONG_FILE = "wrong file identifier/HTTP URL specified"
_EXT = {"image/png": "png", "image/gif": "gif", "image/jpeg": "jpg"}
GENERIC_MIME = "application/octet-stream"
# Office types a slim image's mimetypes may not know (no /etc/mime.types): the reports the bot sends.
_OFFICE = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def store_photo(bot: BotState, data: bytes) -> list[StoredFile]:
    """Keep a photo; one file per size (all of them the original bytes: nothing is rescaled)."""
    size = image_size(data)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    mime = _sniff_mime(data)
    files = []
    for width, height in photo_dimensions(*size):
        number = len(bot.files) + 1
        stored = StoredFile(file_id=new_file_id("photo"), file_unique_id=new_unique_id(), data=data,
                            file_path=f"photos/file_{number}.{_EXT.get(mime, 'jpg')}", mime_type=mime,
                            width=width, height=height)
        files.append(bot.add_file(stored))
    group = [f.file_id for f in files]
    for stored in files:
        bot.photo_groups[stored.file_id] = group
    return files


def store_document(bot: BotState, data: bytes, file_name: str | None, mime: str | None) -> StoredFile:
    """Keep a document with its name and MIME type."""
    if not mime or mime == GENERIC_MIME:  # an HTTP client's default says nothing: go by the name
        mime = _guess_mime(file_name) or GENERIC_MIME
    ext = (file_name or "").rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
    stored = StoredFile(file_id=new_file_id("document"), file_unique_id=new_unique_id(), data=data,
                        file_path=f"documents/file_{len(bot.files) + 1}.{ext}", mime_type=mime,
                        file_name=file_name or "document")
    return bot.add_file(stored)


def _known_id(value: UploadFile | str) -> str | None:
    """The file_id `value` names; None for an upload or an HTTP(S) URL."""
    return value if isinstance(value, str) and not value.startswith(("http://", "https://")) else None


async def photo_content(bot: BotState, value: UploadFile | str, max_bytes: int) -> dict[str, Any]:
    """A message's `photo` (its sizes), sent as an upload, an HTTP(S) URL or a file_id this bot knows."""
    if (file_id := _known_id(value)) is not None:
        group = bot.photo_groups.get(file_id)
        if group is None:
            raise bad_request(WRONG_FILE)
        sizes = [bot.files[member] for member in group]
    else:
        data, _, _ = await read_input(value, max_bytes)
        sizes = store_photo(bot, data)
    return {"photo": [f.as_photo_size() for f in sizes]}


async def document_content(bot: BotState, value: UploadFile | str, max_bytes: int) -> dict[str, Any]:
    """A message's `document`, sent as an upload, an HTTP(S) URL or a file_id this bot knows."""
    stored: StoredFile | None
    if (file_id := _known_id(value)) is not None:
        stored = bot.files.get(file_id)
        if stored is None:
            raise bad_request(WRONG_FILE)
    else:
        data, name, mime = await read_input(value, max_bytes)
        stored = store_document(bot, data, name, mime)
    return {"document": stored.as_document()}


# The file a message carries, by its field: what sendPhoto, sendDocument and sendMediaGroup send.
FILE_CONTENT = {"photo": photo_content, "document": document_content}


async def read_input(value: UploadFile | str, max_bytes: int) -> tuple[bytes, str | None, str | None]:
    """The bytes of an upload or of an HTTP(S) URL, with a file name and MIME type if known."""
    if isinstance(value, UploadFile):
        data = await value.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise bad_request("file is too big")
        return data, value.filename, value.content_type
    if not value.startswith(("http://", "https://")):
        raise bad_request(WRONG_FILE)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(value)
    except httpx.HTTPError:
        raise bad_request("failed to get HTTP URL content") from None
    if response.status_code != 200 or len(response.content) > max_bytes:
        raise bad_request("failed to get HTTP URL content")
    name = value.rsplit("/", 1)[-1] or None
    return response.content, name, response.headers.get("content-type")


def _guess_mime(file_name: str | None) -> str | None:
    if not file_name:
        return None
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return _OFFICE.get(extension) or mimetypes.guess_type(file_name)[0]


def _sniff_mime(data: bytes) -> str:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:3] == b"GIF":
        return "image/gif"
    return "image/jpeg"
