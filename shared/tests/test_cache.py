"""The cache: tenant isolation, hits and misses, SCAN invalidation, outage tolerance."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from shared.cache import Cache


async def test_miss_then_hit_is_counted(redis: Redis) -> None:
    cache = Cache(redis, "svc")
    assert await cache.get("t1", "k") is None
    await cache.set("t1", "k", {"v": [1, 2]})
    assert await cache.get("t1", "k") == {"v": [1, 2]}
    stats = await cache.stats("t1")
    assert (stats["hits"], stats["misses"], stats["hit_rate"], stats["keys"]) == (1, 1, 0.5, 1)


async def test_tenants_never_read_each_other(redis: Redis) -> None:
    cache = Cache(redis, "svc")
    await cache.set("t1", "k", "one")
    assert await cache.get("t2", "k") is None


async def test_default_ttl_is_five_minutes(redis: Redis) -> None:
    cache = Cache(redis, "svc")
    await cache.set("t1", "k", 1)
    assert 290 <= await redis.ttl(cache.key("t1", "k")) <= 300


async def test_invalidate_by_pattern_only_touches_the_tenant(redis: Redis) -> None:
    cache = Cache(redis, "svc")
    for i in range(1200):
        await cache.set("t1", f"sheet:a:{i}", i)
    await cache.set("t1", "sheet:b:1", 1)
    await cache.set("t2", "sheet:a:1", 1)
    assert await cache.invalidate("t1", "sheet:a:*") == 1200
    assert await cache.get("t1", "sheet:b:1") == 1
    assert await cache.get("t2", "sheet:a:1") == 1


async def test_outage_is_a_miss_not_an_error() -> None:
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    cache = Cache(dead, "svc")
    assert await cache.get("t", "k") is None
    await cache.set("t", "k", 1)
    await dead.aclose()


async def test_stats_count_the_live_keys_only(redis: Redis) -> None:
    cache = Cache(redis, "svc")
    await cache.set("t1", "lasting", 1)
    await cache.set("t1", "brief", 2, ttl=1)
    await cache.set("t2", "other", 3)
    assert (await cache.stats("t1"))["keys"] == 2

    await asyncio.sleep(1.2)
    assert (await cache.stats("t1"))["keys"] == 1
    await cache.invalidate("t1", "lasting")
    assert (await cache.stats("t1"))["keys"] == 0
    assert (await cache.stats("t2"))["keys"] == 1
