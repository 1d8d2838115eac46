"""Buttons of the flows that no handler takes any more: "this button is out of date", never a crash."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.types import CallbackQuery, TelegramObject

from bot_gateway.flows.callbacks import FLOW_PREFIXES
from bot_gateway.flows.context import FlowContext, FlowDeps
from bot_gateway.flows.kbcache import PREFIX, CallbackPacker
from bot_gateway.i18n import t

log = logging.getLogger("bot.flows")
router = Router(name="flows.fallback")
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def is_flow_button(callback: CallbackQuery) -> bool:
    """Whether the button's data has one of the flows' prefixes."""
    return (callback.data or "").split(":", 1)[0] in FLOW_PREFIXES


@router.callback_query(is_flow_button)
async def out_of_date(callback: CallbackQuery, ctx: FlowContext) -> None:
    """Any flow button left unhandled."""
    log.info("stale flow button", extra={"data": (callback.data or "")[:64]})
    await callback.answer(ctx.t("button.stale"), show_alert=True)


class CachedDataMiddleware(BaseMiddleware):
    """Outer middleware: `k:<key>` buttons get their full data back from `inline_keyboard_cache`."""

    def __init__(self, deps: FlowDeps) -> None:
        self.cache = CallbackPacker(deps.keyboards)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Swap the short key for the stored data, or say the button is out of date."""
        if not isinstance(event, CallbackQuery) or not (event.data or "").startswith(PREFIX):
            return await handler(event, data)
        full = await self.cache.resolve((event.data or "")[len(PREFIX) :], event.from_user.id)
        if full is None:
            language = data.get("language") if isinstance(data.get("language"), str) else None
            await event.answer(t("button.stale", language), show_alert=True)
            return None
        return await handler(event.model_copy(update={"data": full}), data)
