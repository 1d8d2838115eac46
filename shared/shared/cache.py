"""A tenant-isolated JSON cache on Redis with hit/miss counters, a live-key count and SCAN invalidation."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("cache")
CACHE_HITS = Counter("cache_hits_total", "Cache hits", ["namespace"])
CACHE_MISSES = Counter("cache_misses_total", "Cache misses", ["namespace"])
DEFAULT_TTL_SECONDS = 300


class Cache:
    """Keys are `cache:{service}:{tenant}:{key}`, so tenants never read each other's entries."""

    def __init__(self, redis: Redis, service: str, default_ttl: int = DEFAULT_TTL_SECONDS) -> None:
        self.redis = redis
        self.service = service
        self.default_ttl = default_ttl

    def key(self, tenant: str, key: str) -> str:
        """The Redis key for `key` in `tenant`."""
        return f"cache:{self.service}:{tenant}:{key}"

    def _stats_key(self, tenant: str) -> str:
        return f"cachestats:{self.service}:{tenant}"

    def _index_key(self, tenant: str) -> str:
        # The tenant's keys scored by when they expire: counting them is a ZCARD, not a SCAN of the
        # whole database (which, under load, took long enough to fail the stats call).
        return f"cachekeys:{self.service}:{tenant}"

    async def get(self, tenant: str, key: str, namespace: str = "default") -> Any | None:
        """The cached value or None; a Redis outage counts as a miss."""
        try:
            raw = await self.redis.get(self.key(tenant, key))
            await self.redis.hincrby(self._stats_key(tenant), "hits" if raw else "misses", 1)
        except RedisError as exc:
            log.warning("cache read failed", extra={"error": str(exc)})
            raw = None
        (CACHE_HITS if raw else CACHE_MISSES).labels(namespace).inc()
        return orjson.loads(raw) if raw else None

    async def set(self, tenant: str, key: str, value: Any, ttl: int | None = None) -> None:
        """Store `value` as JSON for `ttl` seconds (default 5 minutes); best effort."""
        ttl = ttl or self.default_ttl
        full, index, now = self.key(tenant, key), self._index_key(tenant), time.time()
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.set(full, orjson.dumps(value), ex=ttl)
                pipe.zadd(index, {full: now + ttl})
                pipe.zremrangebyscore(index, "-inf", now)
                await pipe.execute()
        except RedisError as exc:
            log.warning("cache write failed", extra={"error": str(exc)})

    async def invalidate(self, tenant: str, pattern: str = "*") -> int:
        """Delete the tenant's keys matching `pattern` (SCAN, never KEYS); the count deleted."""
        deleted = 0
        batch: list[bytes] = []
        async for found in self.redis.scan_iter(match=self.key(tenant, pattern), count=500):
            batch.append(found)
            if len(batch) >= 500:
                deleted += await self._unlink(tenant, batch)
                batch.clear()
        if batch:
            deleted += await self._unlink(tenant, batch)
        return deleted

    async def _unlink(self, tenant: str, keys: list[bytes]) -> int:
        deleted = int(await self.redis.unlink(*keys))
        await self.redis.zrem(self._index_key(tenant), *keys)
        return deleted

    async def stats(self, tenant: str) -> dict[str, Any]:
        """Hits, misses, hit rate and live keys for the tenant."""
        index = self._index_key(tenant)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._stats_key(tenant))
            pipe.zremrangebyscore(index, "-inf", time.time())
            pipe.zcard(index)
            raw, _, keys = await pipe.execute()
        hits = int(raw.get(b"hits", 0))
        misses = int(raw.get(b"misses", 0))
        total = hits + misses
        return {"hits": hits, "misses": misses, "hit_rate": round(hits / total, 4) if total else 0.0,
                "keys": keys}
