"""The sign-in a browser waits on: its nonce kept in Redis under a random id only that browser's
cookie holds, so someone who photographs the QR code cannot wait on it from elsewhere."""

from __future__ import annotations

import hashlib
import secrets

from redis.asyncio import Redis

COOKIE = "console_login"
PREFIX = "console:login:"
# As long as Core keeps the nonce usable.
TTL_SECONDS = 300


def _key(pending_id: str) -> str:
    return PREFIX + hashlib.sha256(pending_id.encode()).hexdigest()


async def remember(redis: Redis, nonce: str) -> str:
    """Keep `nonce` for this browser; the id to put in its cookie."""
    pending_id = secrets.token_urlsafe(32)
    await redis.set(_key(pending_id), nonce, ex=TTL_SECONDS)
    return pending_id


async def nonce_of(redis: Redis, pending_id: str | None) -> str | None:
    """The nonce this browser waits on, if any."""
    if not pending_id or len(pending_id) > 128:
        return None
    value = await redis.get(_key(pending_id))
    return value.decode() if isinstance(value, bytes) else value


async def forget(redis: Redis, pending_id: str) -> None:
    """The browser waits no more (signed in, declined or expired)."""
    await redis.delete(_key(pending_id))
