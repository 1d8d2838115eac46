"""Last middleware for buttons: `k:<key>` callback data gets its full value back from the cache."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject

from bot_gateway.context import Context, Services
from bot_gateway.i18n import t
from bot_gateway.keyboards.cache import PREFIX
from bot_gateway.updates import tell

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class CallbackCacheMiddleware(BaseMiddleware):
    """Swaps the short key for the stored data, or says the button is out of date."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Resolve `k:` buttons; pass everything else through untouched."""
        if not isinstance(event, CallbackQuery) or not (event.data or "").startswith(PREFIX):
            return await handler(event, data)
        services: Services = data["services"]
        full = await services.keyboards.resolve((event.data or "")[len(PREFIX):], event.from_user.id)
        if full is None:
            ctx: Context | None = data.get("ctx")
            await tell(event, t("button.stale", ctx.language if ctx else None))
            return None
        return await handler(event.model_copy(update={"data": full}), data)
