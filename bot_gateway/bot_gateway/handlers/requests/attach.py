"""Photos a user attaches in a request's flow (completion proof, a comment, a return's reason),
kept in the flow's FSM data. An album arrives as one update per photo, sharing a
`media_group_id`: the first is answered, the later ones edit that answer's count."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message

MAX_PHOTOS = 10  # Core keeps at most 10 files per change


@dataclass
class Attached:
    """The flow's photos so far, the caption they came with, and the answer to edit (same album)."""

    photos: list[str]
    caption: str
    reply: int | None


async def collect(message: Message, state: FSMContext) -> Attached:
    """Keep the message's photo (up to `MAX_PHOTOS`) and its caption (Telegram captions one item
    of an album; the latest caption given is kept)."""
    data = await state.get_data()
    group = message.media_group_id
    same_album = group is not None and data.get("album") == group
    photos = list(data.get("photos") or [])
    if message.photo and len(photos) < MAX_PHOTOS:
        photos.append(message.photo[-1].file_id)
    caption = (message.caption or "").strip() or str(data.get("caption") or "")
    await state.update_data(photos=photos, album=group, caption=caption)
    return Attached(photos, caption, data.get("album_reply") if same_album else None)


async def answer(
    message: Message, state: FSMContext, attached: Attached, text: str, markup: InlineKeyboardMarkup
) -> None:
    """Answer the photo; a later photo of the same album edits that answer instead."""
    if attached.reply is not None and message.bot is not None:
        # The same text (past the limit) or the answer deleted: nothing to change.
        with suppress(TelegramBadRequest):
            await message.bot.edit_message_text(
                text, chat_id=message.chat.id, message_id=attached.reply, reply_markup=markup
            )
        return
    sent = await message.answer(text, reply_markup=markup)
    await state.update_data(album_reply=sent.message_id)


def with_caption(data: dict[str, Any], text: str = "") -> str:
    """The photos' caption and the text typed after them, as one text."""
    return "\n".join(part for part in (str(data.get("caption") or ""), text) if part)


def media(data: dict[str, Any]) -> list[dict[str, str]]:
    """The flow's photos as Core's media items."""
    return [{"file_id": file_id, "type": "photo"} for file_id in data.get("photos") or []]
