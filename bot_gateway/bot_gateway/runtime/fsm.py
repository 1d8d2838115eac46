"""Redis FSM storage and event isolation that degrade, rather than fail, when Redis is down.

With Redis gone the bot still answers commands (sessions come from the database, the rate limiter
fails open); a flow's state simply reads as empty until Redis is back.

Taking an update's lock reads the state and the data (and what `also_read` names: the session) in
the same round trip: aiogram reads the state right after the lock is taken, the auth middleware the
session, a flow's step its data, and those reads are answered from what came back with the lock
(`prefetch.py`) until the update writes them. The same round trip counts the update against its
rate limits when the rate-limit middleware asked for it (`prefetch.counting`).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncGenerator, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StateType, StorageKey
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from bot_gateway import prefetch

log = logging.getLogger("bot.fsm")
FSM_UNAVAILABLE = Counter("bot_fsm_redis_errors_total", "FSM operations that found Redis down", ["op"])
AlsoRead = Callable[[StorageKey], list[str]]  # Redis keys read with an update's lock


def _down(op: str, exc: Exception) -> None:
    FSM_UNAVAILABLE.labels(op).inc()
    log.warning("fsm storage unavailable", extra={"op": op, "error": str(exc)})


def _text(value: bytes | str | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class ResilientStorage(RedisStorage):
    """RedisStorage whose reads answer "nothing stored" and whose writes are skipped on Redis errors."""

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        """Store the state (skipped, logged and counted when Redis is down)."""
        prefetch.forget(self.key_builder.build(key, "state"))
        try:
            await super().set_state(key, state)
        except RedisError as exc:
            _down("set_state", exc)

    async def get_state(self, key: StorageKey) -> str | None:
        """The state (as read with the update's lock, until set), or None when Redis is down."""
        found, value = prefetch.peek(self.key_builder.build(key, "state"))
        if found:
            return _text(value)
        try:
            return await super().get_state(key)
        except RedisError as exc:
            _down("get_state", exc)
            return None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        """Store the data (skipped when Redis is down)."""
        prefetch.forget(self.key_builder.build(key, "data"))
        try:
            await super().set_data(key, data)
        except RedisError as exc:
            _down("set_data", exc)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        """The data (as read with the update's lock, until set), or `{}` when Redis is down."""
        found, value = prefetch.peek(self.key_builder.build(key, "data"))
        if found:
            return self._decoded(value)
        try:
            return await super().get_data(key)
        except RedisError as exc:
            _down("get_data", exc)
            return {}

    async def get_record(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        """The state and the data: as read with the update's lock, or in one round trip (a pipeline);
        `(None, {})` when Redis is down."""
        state_key, data_key = self.key_builder.build(key, "state"), self.key_builder.build(key, "data")
        (has_state, state), (has_data, data) = prefetch.peek(state_key), prefetch.peek(data_key)
        if has_state and has_data:
            return _text(state), self._decoded(data)
        pipe = self.redis.pipeline(transaction=False)
        pipe.get(state_key)
        pipe.get(data_key)
        try:
            state, data = await pipe.execute()
        except RedisError as exc:
            _down("get_record", exc)
            return None, {}
        return _text(state), self._decoded(data)

    def _decoded(self, data: Any) -> dict[str, Any]:
        text = _text(data)
        return {} if text is None else dict(self.json_loads(text))

    def create_isolation(self, also_read: AlsoRead | None = None, **kwargs: Any) -> ResilientIsolation:
        """Per user-and-chat locks on the same Redis (reading `also_read`'s keys as they are taken)."""
        return ResilientIsolation(self.redis, key_builder=self.key_builder, also_read=also_read, **kwargs)


class ResilientIsolation(RedisEventIsolation):
    """One update at a time per user and chat, in the order they came to this process; across
    replicas, by the Redis lock, without which updates of a chat go through one process each."""

    def __init__(self, redis: Redis, *, also_read: AlsoRead | None = None, **kwargs: Any) -> None:
        super().__init__(redis, **kwargs)
        self.also_read = also_read
        self._local: dict[str, asyncio.Lock] = {}  # by lock key, while an update holds or awaits it
        self._at: dict[str, int] = {}  # by lock key: the updates holding or awaiting it

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        """Hold the key's lock around the update: the process's first (first come, first
        served: the Redis lock alone lets an update that came later overtake one polling for it,
        the photos of an album out of order), then Redis's when Redis allows it."""
        name = self.key_builder.build(key, "lock")
        local = self._local.setdefault(name, asyncio.Lock())
        self._at[name] = self._at.get(name, 0) + 1
        try:
            async with local, self._redis_lock(key, name):
                yield None
        finally:
            self._at[name] -= 1
            if not self._at[name]:
                del self._at[name], self._local[name]

    @asynccontextmanager
    async def _redis_lock(self, key: StorageKey, name: str) -> AsyncGenerator[None, None]:
        lock = self.redis.lock(name=name, **self.lock_kwargs)
        keys = [self.key_builder.build(key, "state"), self.key_builder.build(key, "data"),
                *(self.also_read(key) if self.also_read else ())]
        taken: dict[str, Any] = {}
        try:
            acquired = await self._acquire(lock, keys, taken)
        except RedisError as exc:
            _down("lock", exc)
            acquired = False
        try:
            with prefetch.holding(taken):
                yield None
        finally:
            if acquired:
                # An expired or lost lock must not turn a handled update into an error.
                with suppress(RedisError, LockError):
                    await lock.release()

    async def _acquire(self, lock: Lock, keys: list[str], taken: dict[str, Any]) -> bool:
        """Try the lock and read `keys` in one round trip (into `taken`, read after the lock is
        set); if another update holds the lock, wait for it as redis-py's lock does."""
        token = os.urandom(16).hex().encode()  # unique as redis-py's uuid1 tokens, at a tenth of the cost
        expiry = int(lock.timeout * 1000) if lock.timeout else None
        if isinstance(self.redis, RedisCluster):
            # A cluster pipeline sends to each node at once: a read on another node than the
            # lock's could run before the lock is set and see what the previous holder had not
            # written yet. Lock first, then read (two round trips).
            locked = await self.redis.set(lock.name, token, nx=True, px=expiry)
            values = await self._read(keys) if locked else []
        else:
            pipe = self.redis.pipeline(transaction=False)
            pipe.set(lock.name, token, nx=True, px=expiry)
            for name in keys:
                pipe.get(name)
            count = prefetch.to_count()
            if count is not None and count.limiter.redis is self.redis:
                call = count.limiter.count_in(pipe, count.windows)
                *replies, counted = await pipe.execute(raise_on_error=False)
                # Counted whether or not the lock is free now: the update is handled once it is.
                taken[prefetch.RATE_LIMIT] = count.limiter.decided(call, counted)
            else:
                replies = await pipe.execute(raise_on_error=False)
            if error := next((r for r in replies if isinstance(r, Exception)), None):
                raise error
            locked, *values = replies
        if not locked:
            return bool(await lock.acquire())
        lock.local.token = token  # what the lock's release checks
        taken.update(zip(keys, values, strict=True))
        return True

    async def _read(self, keys: list[str]) -> list[Any]:
        pipe = self.redis.pipeline(transaction=False)
        for name in keys:
            pipe.get(name)
        return list(await pipe.execute())


async def read_record(state: FSMContext) -> tuple[str | None, dict[str, Any]]:
    """A flow's state and data: one round trip on the Redis storage, two reads on any other."""
    if isinstance(state.storage, ResilientStorage):
        return await state.storage.get_record(state.key)
    return await state.get_state(), await state.get_data()


__all__ = ["ResilientIsolation", "ResilientStorage", "read_record"]
