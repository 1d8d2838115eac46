"""Last router: menu buttons whose flows are not built yet, and anything not understood."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot_gateway.i18n import all_texts, t
from bot_gateway.keyboards.menus import MENUS

_PENDING_BUTTONS = {key for rows in MENUS.values() for row in rows for key in row} - {
    "button.language", "button.help"}
_PENDING_TEXTS = set().union(*(all_texts(key) for key in _PENDING_BUTTONS))


async def not_yet(message: Message, language: str) -> None:
    """A menu button whose flow arrives with the feature routers."""
    await message.answer(t("feature.soon", language))


async def unknown(message: Message, language: str) -> None:
    """Anything else: point to the menu (never silence)."""
    await message.answer(t("unknown.message", language))


async def stale(query: CallbackQuery, language: str) -> None:
    """A button nobody handles (old or unknown): say so instead of leaving a spinner."""
    await query.answer(t("button.stale", language), show_alert=True)


def build() -> Router:
    """The last router: pending menu buttons, then anything else."""
    router = Router(name="fallback")
    router.message.register(not_yet, F.text.in_(_PENDING_TEXTS))
    router.message.register(unknown)
    router.callback_query.register(stale)
    return router
