"""The Bot API methods by (case-insensitive) name, and one call's context."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from telegram_emulator.botapi.errors import ApiError, not_found, too_many_requests
from telegram_emulator.botapi.params import Params
from telegram_emulator.state.bots import BotState
from telegram_emulator.state.world import World

if TYPE_CHECKING:
    from telegram_emulator.botapi.webhook import WebhookSender


@dataclass
class Call:
    """One method call: the world, the calling bot, its parameters and the webhook sender."""

    world: World
    bot: BotState
    params: Params
    webhooks: WebhookSender


Handler = Callable[[Call], Awaitable[Any]]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class Method:
    """A registered method; `flood` ones count against the flood limits of their chat."""

    name: str
    handler: Handler
    flood: bool


METHODS: dict[str, Method] = {}


def method(name: str, *, flood: bool = False) -> Callable[[H], H]:
    """Register a Bot API method handler under `name`."""

    def register(handler: H) -> H:
        METHODS[name.lower()] = Method(name, handler, flood)
        return handler

    return register


async def dispatch(call: Call, name: str) -> Any:
    """Run method `name`: 404 if unknown, 429 when flood control says so, else its result."""
    found = METHODS.get(name.lower())
    if found is None:
        raise not_found()
    if found.flood:
        _check_flood(call)
    return await found.handler(call)


def _check_flood(call: Call) -> None:
    try:
        chat_id = call.params.integer("chat_id")
    except ApiError:
        return  # the method itself reports the bad chat_id
    if chat_id is None:
        return
    wait = call.world.flood.check(call.bot.id, chat_id)
    if wait:
        raise too_many_requests(wait)
