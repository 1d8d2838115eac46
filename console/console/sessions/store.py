"""Sessions in Redis under the sha256 of their id (a leaked key list names no cookie), each with
the person, their Core tokens and the session's CSRF token; rotated tokens are saved back."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any

import orjson
from redis.asyncio import Redis

from console.clients.core import CoreClient

COOKIE = "console_session"
PREFIX = "console:session:"
# An access token this close to its end is refreshed before a call, not after a 401.
REFRESH_MARGIN_SECONDS = 30


@dataclass
class Session:
    """One signed-in browser."""

    id: str
    user: dict[str, Any]
    access_token: str
    refresh_token: str
    access_expires_at: float
    csrf: str

    @property
    def expired_access(self) -> bool:
        """Whether the access token must be refreshed before the next call."""
        return time.time() >= self.access_expires_at - REFRESH_MARGIN_SECONDS


def _key(session_id: str) -> str:
    return PREFIX + hashlib.sha256(session_id.encode()).hexdigest()


def _from_tokens(session_id: str, tokens: dict[str, Any], csrf: str) -> Session:
    return Session(session_id, tokens["user"], tokens["access_token"], tokens["refresh_token"],
                   time.time() + int(tokens["expires_in"]), csrf)


class SessionStore:
    """Create, read, refresh and end sessions."""

    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl = ttl_seconds

    async def create(self, tokens: dict[str, Any]) -> Session:
        """A new session of the person a Core token pair belongs to."""
        session = _from_tokens(secrets.token_urlsafe(32), tokens, secrets.token_urlsafe(32))
        await self.save(session, new=True)
        return session

    async def save(self, session: Session, *, new: bool = False) -> None:
        """Store the session; a new one gets the full lifetime, a saved one keeps its own."""
        key = _key(session.id)
        payload = orjson.dumps(asdict(session))
        if new:
            await self.redis.set(key, payload, ex=self.ttl)
        else:
            await self.redis.set(key, payload, keepttl=True, xx=True)

    async def get(self, session_id: str | None) -> Session | None:
        """The live session of this id, if any."""
        if not session_id or len(session_id) > 128:
            return None
        raw = await self.redis.get(_key(session_id))
        return Session(**orjson.loads(raw)) if raw else None

    async def fresh(self, session: Session, core: CoreClient) -> Session:
        """The session with a usable access token, refreshed under a lock (two pages refreshing at
        once would present one refresh token twice, and Core revokes a family on reuse)."""
        if not session.expired_access:
            return session
        async with self.redis.lock(f"{_key(session.id)}:refresh", timeout=15, blocking_timeout=15):
            current = await self.get(session.id)
            if current is None or not current.expired_access:
                return current or session
            tokens = await core.refresh(current.refresh_token)
            renewed = _from_tokens(current.id, tokens, current.csrf)
            await self.save(renewed)
            return renewed

    async def delete(self, session_id: str) -> None:
        """End the session."""
        await self.redis.delete(_key(session_id))
