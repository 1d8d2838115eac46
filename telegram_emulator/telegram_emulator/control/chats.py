"""Control API for one chat: the user sends things, starts the bot and presses buttons; read or await
the bot."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Response, UploadFile
from fastapi.responses import JSONResponse

from telegram_emulator.botapi.commands import menu_for
from telegram_emulator.botapi.errors import ApiError
from telegram_emulator.botapi.uploads import store_document, store_photo
from telegram_emulator.control import service
from telegram_emulator.control.dependencies import BotDep, ChatDep
from telegram_emulator.control.schemas import BlockIn, CallbackIn, ContactIn, LocationIn, StartIn, TextIn
from telegram_emulator.dependencies import WorldDep

router = APIRouter(prefix="/bots/{token}/chats/{user_id}")
Timeout = Annotated[float, Query(alias="timeout", ge=0, le=600)]


@router.post("/messages", status_code=201)
async def send_text(body: TextIn, chat: ChatDep, bot: BotDep, world: WorldDep) -> dict[str, Any]:
    """The user sends a text; the bot gets a `message` update."""
    return service.user_message(world, bot, chat, service.text_content(body.text), body.reply_to_message_id)


@router.post("/messages/{message_id}/edit")
async def edit_text(
    message_id: int, body: TextIn, chat: ChatDep, bot: BotDep, world: WorldDep
) -> dict[str, Any]:
    """The user edits their text message; the bot gets an `edited_message` update."""
    return service.edit_user_message(world, bot, chat, message_id, body.text)


@dataclass
class Upload:
    """A file the user sends: its bytes (checked: not empty, not too large), name, type and caption."""

    data: bytes
    file_name: str | None
    mime_type: str | None
    caption: str | None

    def message(self, content: dict[str, Any]) -> dict[str, Any]:
        """The message's fields: the file's `content` and the caption if any."""
        return {**content, "caption": self.caption} if self.caption else content


async def read_upload(
    world: WorldDep,
    file: Annotated[UploadFile, File()],
    caption: Annotated[str | None, Form(max_length=1024)] = None,
) -> Upload:
    """The multipart `file` (+ `caption`) of a user's photo or document; 413 too large, 422 empty."""
    data = await file.read(world.settings.max_upload_bytes + 1)
    if len(data) > world.settings.max_upload_bytes:
        raise HTTPException(413, f"file too large (over {world.settings.max_upload_bytes} bytes)")
    if not data:
        raise HTTPException(422, "the file is empty")
    return Upload(data, file.filename, file.content_type, caption)


UploadDep = Annotated[Upload, Depends(read_upload)]


@router.post("/photos", status_code=201)
async def send_photo(
    upload: UploadDep, chat: ChatDep, bot: BotDep, world: WorldDep,
    media_group_id: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:
    """The user sends a photo (PNG, JPEG or GIF bytes) with an optional caption; photos sent with
    one `media_group_id` are an album (Telegram delivers an album as one message per photo)."""
    try:
        sizes = store_photo(bot, upload.data)
    except ApiError:
        raise HTTPException(422, "not a PNG, JPEG or GIF image") from None
    content: dict[str, Any] = {"photo": [f.as_photo_size() for f in sizes]}
    if media_group_id:
        content["media_group_id"] = media_group_id
    return service.user_message(world, bot, chat, upload.message(content))


@router.post("/documents", status_code=201)
async def send_document(upload: UploadDep, chat: ChatDep, bot: BotDep, world: WorldDep) -> dict[str, Any]:
    """The user sends any file as a document (its name and MIME type kept; the bot can getFile it)."""
    stored = store_document(bot, upload.data, upload.file_name, upload.mime_type)
    return service.user_message(world, bot, chat, upload.message({"document": stored.as_document()}))


@router.post("/start", status_code=201)
async def start(body: StartIn, chat: ChatDep, bot: BotDep, world: WorldDep) -> dict[str, Any]:
    """The user starts the bot, as from a `t.me/<bot>?start=<payload>` link: `/start <payload>`."""
    return service.start_bot(world, bot, chat, body.payload)


@router.post("/contact", status_code=201)
async def send_contact(body: ContactIn, chat: ChatDep, bot: BotDep, world: WorldDep) -> dict[str, Any]:
    """The user shares a phone number (a reply keyboard's request_contact button)."""
    phone = body.phone_number or chat.user.phone_number
    if not phone:
        raise HTTPException(422, "no phone_number given and the user has none")
    contact = {"phone_number": phone, "first_name": chat.user.first_name, "user_id": chat.user.id}
    if chat.user.last_name:
        contact["last_name"] = chat.user.last_name
    return service.user_message(world, bot, chat, {"contact": contact})


@router.post("/location", status_code=201)
async def send_location(body: LocationIn, chat: ChatDep, bot: BotDep, world: WorldDep) -> dict[str, Any]:
    """The user shares a location."""
    location = {"latitude": body.latitude, "longitude": body.longitude}
    return service.user_message(world, bot, chat, {"location": location})


@router.post("/callbacks", status_code=201)
async def press_button(body: CallbackIn, chat: ChatDep, bot: BotDep, world: WorldDep) -> dict[str, Any]:
    """The user presses an inline button; the bot gets a `callback_query` update."""
    return service.press_button(world, bot, chat, body.message_id, body.data).as_entry()


@router.put("/blocked")
async def set_blocked(body: BlockIn, chat: ChatDep, bot: BotDep, world: WorldDep) -> dict[str, bool]:
    """The user blocks or unblocks the bot (sends answer 403 while blocked)."""
    service.set_blocked(world, bot, chat, body.blocked)
    return {"blocked": chat.blocked}


@router.get("/transcript", response_model=dict[str, Any])
async def transcript(
    chat: ChatDep, bot: BotDep, world: WorldDep, after_version: int | None = None, wait_seconds: Timeout = 0,
    since_version: int | None = None,
) -> Response:
    """Both sides' messages (edits applied, deletions marked), callbacks and the menu button the chat
    shows; with `after_version`, waits up to `timeout` s for a newer version; with `since_version`,
    only the messages and callbacks changed after it (a poller's delta, not the whole chat)."""
    deadline = time.monotonic() + min(wait_seconds, world.settings.control_wait_max_seconds)
    while after_version is not None and chat.version <= after_version and not world.closing:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not await chat.changed.wait(remaining):
            break
    # Serialized at once with orjson: no response validation and encoding of a long chat by FastAPI.
    body = {**chat.transcript(since_version), "menu_button": bot.menu_button_of(chat)}
    return Response(orjson.dumps(body), media_type="application/json")


@router.get("/wait", response_model=None)
async def wait_for_bot(
    chat: ChatDep, world: WorldDep, after_message_id: int | None = None, wait_seconds: Timeout = 10
) -> dict[str, Any] | Response:
    """The first bot message after `after_message_id` (default: the user's latest message);
    408 if none comes within `timeout` seconds, 503 if the emulator stops meanwhile."""
    after = chat.last_user_message_id() if after_message_id is None else after_message_id
    deadline = time.monotonic() + min(wait_seconds, world.settings.control_wait_max_seconds)
    while (found := chat.first_bot_message_after(after)) is None:
        remaining = deadline - time.monotonic()
        if world.closing:
            return JSONResponse({"detail": "the emulator is shutting down"}, status_code=503,
                                headers={"Retry-After": "1"})
        if remaining <= 0:
            return JSONResponse({"detail": f"no bot message within {wait_seconds} s"}, status_code=408)
        await chat.changed.wait(remaining)
    return found.as_entry()


@router.get("/commands")
async def commands(chat: ChatDep, bot: BotDep) -> list[dict[str, str]]:
    """The command menu this user sees (setMyCommands resolved by scope and language)."""
    return menu_for(bot, chat.user)


@router.get("/files/{file_id}")
async def download(file_id: str, chat: ChatDep, bot: BotDep) -> Response:
    """A file's bytes by file_id (the chat page shows photos and downloads documents with this)."""
    stored = bot.files.get(file_id)
    if stored is None:
        raise HTTPException(404, "file not found")
    headers = {"Cache-Control": "private, max-age=86400, immutable"}  # a file_id never changes
    if stored.file_name:  # a document downloads under its own name
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stored.file_name)}"
    return Response(stored.data, media_type=stored.mime_type or "application/octet-stream", headers=headers)
