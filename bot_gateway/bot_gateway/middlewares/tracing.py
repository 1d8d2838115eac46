"""Spans around each update and the handler that takes it (no-op while tracing is off)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject, Update

from bot_gateway.updates import command_of
from shared.tracing import SpanKind, provider, span

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def handler_name(data: dict[str, Any]) -> str:
    """`module.function` of the handler aiogram chose for the update."""
    chosen = data.get("handler")
    callback = chosen.callback if isinstance(chosen, HandlerObject) else None
    if callback is None:
        return "unknown"
    return f"{getattr(callback, '__module__', '?')}.{getattr(callback, '__qualname__', repr(callback))}"


class UpdateSpan(BaseMiddleware):
    """The outermost update middleware: one server span per update, the root of what it causes
    (Core's requests, their events, the notices sent for them). It names no person: only the
    update's kind, id and command."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Handle the update inside its span (straight through while tracing is off)."""
        if provider() is None:  # the span would be a no-op: skip naming and describing it
            return await handler(event, data)
        kind = event.event_type if isinstance(event, Update) else type(event).__name__.lower()
        inner = getattr(event, "event", None) if isinstance(event, Update) else event
        attributes = {"bot.update_type": kind, "bot.update_id": getattr(event, "update_id", 0),
                      "bot.command": command_of(inner) if inner is not None else ""}
        with span(f"bot update {kind}", kind=SpanKind.SERVER, attributes=attributes) as current:
            result = await handler(event, data)
            current.set_attribute("bot.handled", result is not UNHANDLED)
            return result


class HandlerSpan(BaseMiddleware):
    """An inner middleware: a span around the handler itself, named after it."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Run the handler inside a span named after it (straight through while tracing is off)."""
        if provider() is None:
            return await handler(event, data)
        name = handler_name(data)
        with span(f"bot handler {name.rsplit('.', 1)[-1]}", attributes={"bot.handler": name}):
            return await handler(event, data)
