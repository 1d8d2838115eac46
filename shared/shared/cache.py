"""A tenant-isolated JSON cache on Redis with hit/miss counters and SCAN invalidation."""

from __future__ import annotations

import logging
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
        try:
            await self.redis.set(self.key(tenant, key), orjson.dumps(value), ex=ttl or self.default_ttl)
        except RedisError as exc:
            log.warning("cache write failed", extra={"error": str(exc)})

    async def invalidate(self, tenant: str, pattern: str = "*") -> int:
        """Delete the tenant's keys matching `pattern` (SCAN, never KEYS); the count deleted."""
        deleted = 0
        batch: list[bytes] = []
        async for found in self.redis.scan_iter(match=self.key(tenant, pattern), count=500):
            batch.append(found)
            if len(batch) >= 500:
                deleted += await self.redis.unlink(*batch)
                batch.clear()
        if batch:
            deleted += await self.redis.unlink(*batch)
        return deleted

    async def stats(self, tenant: str) -> dict[str, Any]:
        """Hits, misses, hit rate and live keys for the tenant."""
        raw = await self.redis.hgetall(self._stats_key(tenant))
        hits = int(raw.get(b"hits", 0))
        misses = int(raw.get(b"misses", 0))
        keys = 0
        async for _ in self.redis.scan_iter(match=self.key(tenant, "*"), count=500):
            keys += 1
        total = hits + misses
        return {"hits": hits, "misses": misses, "hit_rate": round(hits / total, 4) if total else 0.0,
                "keys": keys}
