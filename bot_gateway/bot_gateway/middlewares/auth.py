"""Third middleware: the user's session; injects user, role, language and the clients."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot_gateway.clients import Clients
from bot_gateway.clients.errors import BackendUnavailable
from bot_gateway.i18n import t
from bot_gateway.middlewares.common import fallback_language, tell
from bot_gateway.sessions.schemas import UserSession
from bot_gateway.sessions.service import SessionService

log = logging.getLogger("bot.auth")
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
OnLogin = Callable[[UserSession, int | None], Awaitable[None]]


class AuthMiddleware(BaseMiddleware):
    """Signs the sender in (Redis, DB, Core); inactive accounts get a polite answer and stop here."""

    def __init__(self, sessions: SessionService, clients: Clients, on_login: OnLogin | None = None) -> None:
        self.sessions = sessions
        self.clients = clients
        self.on_login = on_login

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        """Resolve the session, then call the handler with it in `data`."""
        tg_user = data.get("event_from_user")
        if tg_user is None or tg_user.is_bot:
            return await handler(event, data)
        chat = data.get("event_chat")
        chat_id = chat.id if chat else None
        try:
            session = await self.sessions.resolve(tg_user, chat_id, data.get("raw_state"))
        except BackendUnavailable as exc:
            log.warning("cannot sign user in", extra={"telegram_id": tg_user.id, "backend": exc.service})
            data["outcome"] = "backend_unavailable"
            await tell(event, t("backend.unavailable", fallback_language(event)))
            return None
        if not session.active:
            data["outcome"] = f"account_{session.status}"
            key = "account.blocked" if session.status == "blocked" else "account.pending"
            await tell(event, t(key, session.language))
            return None
        if session.new and self.on_login is not None:
            await self.on_login(session, chat_id)
        data.update(session=session, user=session.user, role=session.role, language=session.language,
                    sessions=self.sessions, **self.clients.handler_data())
        try:
            return await handler(event, data)
        except BackendUnavailable as exc:
            # The FSM state is left as it was, so the user can simply try again.
            log.warning("backend unavailable in handler", extra={"backend": exc.service})
            data["outcome"] = "backend_unavailable"
            await tell(event, t("backend.unavailable", session.language))
            return None
