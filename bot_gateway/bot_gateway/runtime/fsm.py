"""Redis FSM storage and event isolation that degrade, rather than fail, when Redis is down.

With Redis gone the bot still answers commands (sessions come from the database, the rate limiter
fails open); a flow's state simply reads as empty until Redis is back.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager, suppress
from typing import Any

from aiogram.fsm.storage.base import StateType, StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from prometheus_client import Counter
from redis.exceptions import LockError, RedisError

log = logging.getLogger("bot.fsm")
FSM_UNAVAILABLE = Counter("bot_fsm_redis_errors_total", "FSM operations that found Redis down", ["op"])


def _down(op: str, exc: Exception) -> None:
    FSM_UNAVAILABLE.labels(op).inc()
    log.warning("fsm storage unavailable", extra={"op": op, "error": str(exc)})


class ResilientStorage(RedisStorage):
    """RedisStorage whose reads answer "nothing stored" and whose writes are skipped on Redis errors."""

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """Store the state (skipped, logged and counted when Redis is down)."""
        try:
            await super().set_state(key, state)
        except RedisError as exc:
            _down("set_state", exc)

    async def get_state(self, key: StorageKey) -> str | None:
        """The state, or None when Redis is down."""
        try:
            return await super().get_state(key)
        except RedisError as exc:
            _down("get_state", exc)
            return None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        """Store the data (skipped when Redis is down)."""
        try:
            await super().set_data(key, data)
        except RedisError as exc:
            _down("set_data", exc)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """The data, or `{}` when Redis is down."""
        try:
            return await super().get_data(key)
        except RedisError as exc:
            _down("get_data", exc)
            return {}

    def create_isolation(self, **kwargs: Any) -> ResilientIsolation:
        """Per user-and-chat locks on the same Redis."""
        return ResilientIsolation(redis=self.redis, key_builder=self.key_builder, **kwargs)


class ResilientIsolation(RedisEventIsolation):
    """One update at a time per user and chat; without Redis, updates go through unlocked."""

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        """Hold the key's lock around the update when Redis allows it."""
        lock = self.redis.lock(name=self.key_builder.build(key, "lock"), **self.lock_kwargs)
        try:
            acquired = bool(await lock.acquire())
        except RedisError as exc:
            _down("lock", exc)
            acquired = False
        try:
            yield None
        finally:
            if acquired:
                # An expired or lost lock must not turn a handled update into an error.
                with suppress(RedisError, LockError):
                    await lock.release()


__all__ = ["ResilientIsolation", "ResilientStorage"]
