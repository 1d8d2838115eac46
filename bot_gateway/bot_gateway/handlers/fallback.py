"""The last router: text nobody understood, and buttons nobody handles (old or unknown)."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot_gateway.context import Context
from bot_gateway.handlers import common

log = logging.getLogger("bot.handlers")
router = Router(name=__name__)


@router.message()
async def unknown(message: Message, ctx: Context) -> None:
    """Point to the menu (never silence)."""
    await message.answer(ctx.t("unknown.message"))


@router.callback_query()
async def stale(query: CallbackQuery, ctx: Context) -> None:
    """Say the button is out of date instead of leaving a spinner."""
    log.info("stale button", extra={"data": (query.data or "")[:64]})
    await common.stale(query, ctx)
