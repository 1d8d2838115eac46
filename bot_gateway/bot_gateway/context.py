"""What handlers are given: the bot's services (workflow data) and one update's `Context`.

The dispatcher carries one workflow-data entry, `services`; the auth middleware adds `ctx` for
every signed-in update. A handler declares `ctx: Context` (and aiogram's own `state`,
`callback_data`) and finds everything else on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from bot_gateway.clients import Clients
from bot_gateway.i18n import t, tn
from bot_gateway.keyboards.cache import KeyboardCache
from bot_gateway.sessions.schemas import UserSession
from bot_gateway.sessions.service import SessionService


@dataclass(frozen=True)
class Services:
    """Built once with the dispatcher and shared by every update."""

    clients: Clients
    sessions: SessionService
    keyboards: KeyboardCache
    redis: Redis
    # The Mini App's address (`BOT_WEBAPP_URL`); empty when there is none.
    webapp_url: str = ""


@dataclass(frozen=True)
class Context:
    """One update's view of the signed-in user and the services."""

    session: UserSession
    services: Services
    language: str

    @property
    def clients(self) -> Clients:
        """The backend clients."""
        return self.services.clients

    @property
    def keyboards(self) -> KeyboardCache:
        """The keyboard cache, for callback data over 64 bytes."""
        return self.services.keyboards

    @property
    def redis(self) -> Redis:
        """The bot's Redis (guards against double taps)."""
        return self.services.redis

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

    def t(self, key: str, **values: Any) -> str:
        """The message `key` in the user's current language."""
        return t(key, self.language, **values)

    def tn(self, key: str, n: int, **values: Any) -> str:
        """The plural message `key` for the count `n`, in the user's current language."""
        return tn(key, n, self.language, **values)
