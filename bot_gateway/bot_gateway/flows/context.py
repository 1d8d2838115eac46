"""What every flow handler gets as `ctx`: the user's session, language, clients and stores."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message, TelegramObject
from redis.asyncio import Redis

from bot_gateway.clients import Clients
from bot_gateway.clients.errors import ApiError, BackendUnavailable, Conflict, Forbidden, NotFound
from bot_gateway.flows.buildings import BuildingClient
from bot_gateway.flows.kbcache import CallbackPacker
from bot_gateway.i18n import normalize, t
from bot_gateway.keyboards.cache import KeyboardCache
from bot_gateway.sessions.schemas import UserSession

log = logging.getLogger("bot.flows")
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
SESSION_KEYS = ("user_session", "session", "user")


@dataclass
class FlowDeps:
    """Built once with the dispatcher: Redis (double-tap guards) and the keyboard cache."""

    redis: Redis
    keyboards: KeyboardCache


@dataclass
class FlowContext:
    """One update's view of the user and the services."""

    session: UserSession
    clients: Clients
    redis: Redis
    keyboards: CallbackPacker
    language: str

    @property
    def token(self) -> str:
        """The user's Core access token."""
        return self.session.access_token

    @property
    def role(self) -> str:
        """The user's active role."""
        return self.session.role

    @property
    def user_id(self) -> str:
        """The user's id in Core."""
        return self.session.core_user_id

    @property
    def is_staff(self) -> bool:
        """Managers and admins."""
        return self.role in ("manager", "admin")

    @property
    def buildings(self) -> BuildingClient:
        """`/api/v1/buildings` on the Core pool."""
        return BuildingClient(self.clients.core_http, self.clients.requests.tenant)

    def t(self, key: str, **values: Any) -> str:
        """The message `key` in the user's current language."""
        return t(key, self.language, **values)


def find_session(data: dict[str, Any]) -> UserSession | None:
    """The auth middleware's session, whatever key it was put under."""
    for key in SESSION_KEYS:
        value = data.get(key)
        if isinstance(value, UserSession):
            return value
    return next((v for v in data.values() if isinstance(v, UserSession)), None)


class FlowContextMiddleware(BaseMiddleware):
    """Builds `ctx`; turns backend outages and refusals into a localized answer (state is kept)."""

    def __init__(self, deps: FlowDeps) -> None:
        self.deps = deps
        self.keyboards = CallbackPacker(deps.keyboards)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Run the handler with `ctx`; answer instead of crashing when a backend fails."""
        session, clients = find_session(data), data.get("clients")
        if session is None or not isinstance(clients, Clients):
            log.warning("flow update without a session or clients; skipped")
            return None
        language = normalize(
            data.get("language") if isinstance(data.get("language"), str) else session.language
        )
        ctx = FlowContext(session, clients, self.deps.redis, self.keyboards, language)
        data["ctx"] = ctx
        try:
            return await handler(event, data)
        except BackendUnavailable as exc:
            log.warning("backend unavailable in a flow", extra={"service": exc.service})
            await reply(event, ctx.t("backend.unavailable"))
        except ApiError as exc:
            await reply(event, ctx.t(_refusal_key(exc)))
        except TelegramBadRequest as exc:
            if "message is not modified" not in str(exc):
                raise
            await _ack(event)
        return None


def _refusal_key(exc: ApiError) -> str:
    if isinstance(exc, NotFound):
        return "req.not_found"
    if isinstance(exc, Conflict):
        return "req.conflict"
    if isinstance(exc, Forbidden):
        return "req.forbidden"
    log.info("backend refused a flow call", extra={"status": exc.status, "detail": str(exc.detail)[:200]})
    return "error.generic"


async def reply(event: TelegramObject, text: str) -> None:
    """A message for messages; for buttons, a short alert and a message in the chat."""
    if isinstance(event, Message):
        await event.answer(text)
    elif isinstance(event, CallbackQuery):
        try:
            await event.answer(text[:200], show_alert=True)
        except TelegramBadRequest:  # already answered: say it in the chat instead
            if isinstance(event.message, Message):
                await event.message.answer(text)


async def _ack(event: TelegramObject) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
