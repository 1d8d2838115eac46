"""Sign a Telegram user in: Redis, else `bot_sessions`, else Core; refresh before expiry."""

from __future__ import annotations

import logging
import time
from typing import Any

from aiogram.types import User

from bot_gateway.clients.core import AuthClient
from bot_gateway.clients.errors import BackendUnavailable, Forbidden, Unauthorized
from bot_gateway.sessions.schemas import UserSession, session_from_auth
from bot_gateway.sessions.store import SessionStore

log = logging.getLogger("bot.auth")


class SessionService:
    """The one place that turns a Telegram user into a signed-in Core user."""

    def __init__(self, store: SessionStore, auth: AuthClient, *, ttl: float, refresh_margin: float,
                 touch_interval: float) -> None:
        self.store = store
        self.auth = auth
        self.ttl = ttl
        self.refresh_margin = refresh_margin
        self.touch_interval = touch_interval

    async def resolve(self, tg_user: User, chat_id: int | None = None,
                      fsm_state: str | None = None) -> UserSession:
        """The user's valid session; raises BackendUnavailable when Core is needed and down."""
        session = await self.store.cached(tg_user.id)
        if session is None:
            session = await self.store.load(tg_user.id)
            if session is not None:
                await self.store.cache(session)
        stale = session is not None and session.touched_at + self.touch_interval < _now()
        if session is None or (stale and not session.active):
            # Pending and blocked accounts are asked about again now and then: approval lands here.
            return await self.login(tg_user, chat_id)
        if session.needs_refresh(self.refresh_margin):
            return await self._refresh_or_login(session, tg_user, chat_id)
        if stale:
            session = await self.store.save(session, chat_id=chat_id, fsm_state=fsm_state)
        return session

    async def login(self, tg_user: User, chat_id: int | None = None) -> UserSession:
        """`POST /api/v1/auth/telegram` and store the new session."""
        try:
            answer = await self.auth.telegram(
                tg_user.id, tg_user.first_name, tg_user.last_name, tg_user.username, tg_user.language_code
            )
        except Forbidden as exc:
            answer = _blocked_answer(tg_user, exc.detail)
        session = session_from_auth(answer, tg_user.id, self.ttl)
        log.info("user signed in", extra={"telegram_id": tg_user.id, "role": session.role,
                                          "status": session.status})
        saved = await self.store.save(session, chat_id=chat_id, username=tg_user.username)
        return saved.model_copy(update={"new": True})

    async def update_user(self, session: UserSession, user: dict[str, Any]) -> UserSession:
        """Store a changed profile (e.g. a new language) in the session."""
        return await self.store.save(session.with_user(user))

    async def _refresh_or_login(self, session: UserSession, tg_user: User,
                                chat_id: int | None) -> UserSession:
        try:
            answer = await self.auth.refresh(session.refresh_token)
        except (Unauthorized, Forbidden):
            return await self.login(tg_user, chat_id)
        except BackendUnavailable:
            if session.access_valid:
                return session  # still usable for a little while; try again on the next update
            raise
        refreshed = session.with_tokens(answer)
        if isinstance(answer.get("user"), dict):
            refreshed = refreshed.with_user(answer["user"])
        return await self.store.save(refreshed, chat_id=chat_id)


def _blocked_answer(tg_user: User, detail: Any) -> dict[str, Any]:
    # Core refuses blocked users with 403; keep a token-less session so they get the polite answer.
    log.info("core refused sign-in", extra={"telegram_id": tg_user.id, "detail": str(detail)})
    return {"access_token": "", "refresh_token": "", "expires_in": 300,
            "user": {"id": "", "telegram_id": tg_user.id, "status": "blocked"}}


def _now() -> float:
    return time.time()
