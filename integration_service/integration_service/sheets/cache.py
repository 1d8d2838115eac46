"""Cached reads per (tenant, spreadsheet, range); a write bumps the spreadsheet's generation.

A read that started before a write finished stores its result under the old generation, so it can
never be served after the write. The old keys are left to their TTL (five minutes): finding them
would take a SCAN of the whole Redis database on every write, which under load cost Redis a
quarter of a core and held the pool's connections long enough for other callers to time out.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.cache import Cache

log = logging.getLogger("sheets.cache")
NAMESPACE = "sheets"
GENERATION_TTL_SECONDS = 86_400


class ReadCache:
    """Keys `cache:{service}:{tenant}:sheets:{spreadsheet}:g{generation}:{kind}:{range}`."""

    def __init__(self, cache: Cache, redis: Redis, ttl: int) -> None:
        self.cache = cache
        self.redis = redis
        self.ttl = ttl

    def _generation_key(self, tenant: str, spreadsheet_id: str) -> str:
        return f"sheetsgen:{self.cache.service}:{tenant}:{spreadsheet_id}"

    async def generation(self, tenant: str, spreadsheet_id: str) -> int | None:
        """The spreadsheet's current generation; None (do not cache) when Redis is down."""
        try:
            raw = await self.redis.get(self._generation_key(tenant, spreadsheet_id))
        except RedisError:
            return None
        return int(raw or 0)

    @staticmethod
    def _key(spreadsheet_id: str, generation: int, kind: str, part: str) -> str:
        return f"sheets:{spreadsheet_id}:g{generation}:{kind}:{part}"

    async def get(self, tenant: str, spreadsheet_id: str, generation: int | None, kind: str,
                  part: str) -> Any | None:
        """A cached answer, or None."""
        if generation is None:
            return None
        return await self.cache.get(tenant, self._key(spreadsheet_id, generation, kind, part), NAMESPACE)

    async def put(self, tenant: str, spreadsheet_id: str, generation: int | None, kind: str, part: str,
                  value: Any) -> None:
        """Store an answer for `ttl` seconds."""
        if generation is not None:
            await self.cache.set(tenant, self._key(spreadsheet_id, generation, kind, part), value, self.ttl)

    async def invalidate(self, tenant: str, spreadsheet_id: str) -> None:
        """Forget every cached read of the spreadsheet (after a write, whether or not it succeeded)."""
        key = self._generation_key(tenant, spreadsheet_id)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, GENERATION_TTL_SECONDS)
                await pipe.execute()
        except RedisError as exc:
            log.warning("sheets cache invalidation failed", extra={"error": str(exc)})
