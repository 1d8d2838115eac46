"""Third middleware: signs the sender in and hands the handler its `ctx`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, ReplyKeyboardRemove, TelegramObject

from bot_gateway.clients.errors import Forbidden
from bot_gateway.context import Context, Services
from bot_gateway.i18n import t
from bot_gateway.sessions.schemas import UserSession
from bot_gateway.updates import tell

log = logging.getLogger("bot.auth")
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
OnLogin = Callable[[UserSession, int | None], Awaitable[None]]
BLOCKED_DETAIL = "user is blocked"  # Core's 403 to a blocked user's every call


class AuthMiddleware(BaseMiddleware):
    """Signs the sender in (Redis, DB, Core); inactive accounts get a polite answer and stop here.

    A backend outage while signing in propagates to the error router like any other.
    """

    def __init__(self, on_login: OnLogin | None = None) -> None:
        self.on_login = on_login

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Resolve the session, then call the handler with `ctx` in `data`."""
        tg_user = data.get("event_from_user")
        if tg_user is None or tg_user.is_bot:
            return None  # nobody to answer: channel posts, other bots
        services: Services = data["services"]
        chat = data.get("event_chat")
        chat_id = chat.id if chat else None
        session = await services.sessions.resolve(tg_user, chat_id, data.get("raw_state"))
        if session.status == "blocked":  # pending users pass: the onboarding gate answers them
            data["outcome"] = f"account_{session.status}"
            await refuse_blocked(event, session.language)
            return None
        if session.new and self.on_login is not None:
            await self.on_login(session, chat_id)
        data["ctx"] = Context(session, services, session.language)
        try:
            return await handler(event, data)
        except Forbidden as exc:
            if exc.detail != BLOCKED_DETAIL:
                raise
            # Blocked since the session was cached (its event not read yet): sign in afresh next time.
            data["outcome"] = "account_blocked"
            await services.sessions.store.drop(tg_user.id)
            await refuse_blocked(event, session.language)
            return None


async def refuse_blocked(event: TelegramObject, language: str) -> None:
    """The one polite refusal a blocked user gets for every update (the menu taken away)."""
    if isinstance(event, Message):
        await event.answer(t("account.blocked", language), reply_markup=ReplyKeyboardRemove())
    else:
        await tell(event, t("account.blocked", language))
