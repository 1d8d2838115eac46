"""Showing an application card: anew (with the document photo) or in place of an earlier one."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message

from bot_gateway.context import Context
from bot_gateway.keyboards.applications import card_markup, card_text

Json = dict[str, Any]


async def send(message: Message, ctx: Context, residency: Json) -> None:
    """The card as a new message: the document photo with the card as its caption, when given."""
    text, markup = card_text(residency, ctx.language), card_markup(residency, ctx.language)
    photo = residency.get("document_file_id")
    if photo:
        try:
            await message.answer_photo(str(photo), caption=text, reply_markup=markup)
            return
        except TelegramBadRequest:
            pass  # an unusable file id must not hide the application
    await message.answer(text, reply_markup=markup)


async def refresh(
    bot: Bot, chat_id: int, message_id: int, has_photo: bool, ctx: Context, residency: Json
) -> None:
    """Rewrite a card sent earlier with what the application is now (its buttons go once decided)."""
    text, markup = card_text(residency, ctx.language), card_markup(residency, ctx.language)
    try:
        if has_photo:
            await bot.edit_message_caption(
                chat_id=chat_id, message_id=message_id, caption=text, reply_markup=markup
            )
        else:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
    except TelegramBadRequest:
        return  # unchanged, or too old to edit: the answer the user gets says it all


async def refresh_message(message: Message | None, ctx: Context, residency: Json) -> None:
    """`refresh` for the message a button belongs to."""
    if message is not None and message.bot is not None:
        await refresh(message.bot, message.chat.id, message.message_id, bool(message.photo), ctx, residency)
