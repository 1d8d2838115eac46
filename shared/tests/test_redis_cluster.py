"""`REDIS_CLUSTER=true`: the services' client on a real three-master Redis Cluster, and the shared
pieces whose commands touch several keys (the rate limiter's script, the cache's invalidation)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.crc import key_slot

from shared.cache import Cache
from shared.config import ServiceSettings
from shared.ratelimit import RateLimiter, counter_key
from shared.redis import create_redis, hash_tag, is_cluster, same_slot


async def test_the_cluster_client_reaches_keys_on_every_node(redis_cluster: Redis) -> None:
    assert is_cluster(redis_cluster)
    for n in range(60):
        await redis_cluster.set(f"probe:{n}", n)
    assert [int(await redis_cluster.get(f"probe:{n}") or -1) for n in range(60)] == list(range(60))
    nodes = {redis_cluster.get_node_from_key(f"probe:{n}").name for n in range(60)}  # type: ignore[attr-defined]
    assert len(nodes) == 3


def test_a_cluster_url_names_database_zero_only() -> None:
    ServiceSettings(redis_url="redis://127.0.0.1:7101/0", redis_cluster=True)
    ServiceSettings(redis_url="redis://127.0.0.1:7101", redis_cluster=True)
    ServiceSettings(redis_url="redis://127.0.0.1:7101/9")
    with pytest.raises(ValidationError, match="database 0 only"):
        ServiceSettings(redis_url="redis://127.0.0.1:7101/9", redis_cluster=True)


def test_a_hash_tag_lands_other_keys_in_the_keys_slot() -> None:
    for key in ("stream:core", "stream:integration", "outbox_events", "{a}b", "a{b"):
        assert key_slot(f"outbox:sent:{hash_tag(key)}:1".encode()) == key_slot(key.encode())


def test_the_windows_of_one_owner_share_a_slot() -> None:
    keys = [counter_key("bot", f"42:{scope}") for scope in ("minute", "hour", "commands", "buttons:minute")]
    assert keys[0] == "rl:{bot:42}:minute"
    assert same_slot(*keys)
    assert counter_key("geocoding", "google") == "rl:{geocoding:google}"


async def test_rate_limits_hold_on_a_cluster_for_owners_on_every_node(redis_cluster: Redis) -> None:
    limiter = RateLimiter(redis_cluster, "t", fail_open=False)
    owners = [f"user{n}" for n in range(30)]  # one batch spread over the three nodes
    first = await asyncio.gather(*(limiter.hit(o, 2, 10) for o in owners for _ in range(3)))
    assert [d.allowed for d in first] == [True, True, False] * len(owners)
    node_of: Any = redis_cluster.get_node_from_key  # type: ignore[attr-defined]
    assert len({node_of(counter_key("t", o)).name for o in owners}) == 3
    assert [await limiter.usage(o, 10) for o in owners] == [2] * len(owners)


async def test_a_batch_over_many_slots_fits_a_small_pool(redis_cluster_url: str) -> None:
    client = create_redis(ServiceSettings(redis_url=redis_cluster_url, redis_cluster=True, redis_pool_size=2))
    limiter = RateLimiter(client, "pool", fail_open=False)
    try:
        decisions = await asyncio.gather(*(limiter.hit(f"user{n}", 1, 10) for n in range(300)))
        assert all(d.allowed for d in decisions)
        again = await asyncio.gather(*(limiter.hit(f"user{n}", 1, 10) for n in range(300)))
        assert not any(d.allowed for d in again)
    finally:
        await client.aclose()


async def test_several_windows_of_one_call_count_together_on_a_cluster(redis_cluster: Redis) -> None:
    limiter = RateLimiter(redis_cluster, "bot", fail_open=False)
    windows = [("7:second", 3, 1), ("7:minute", 2, 60)]
    decisions = [await limiter.hit_all(windows) for _ in range(3)]
    assert [[d.allowed for d in call] for call in decisions] == [[True, True], [True, True], [True, False]]
    assert await limiter.usage("7:second", 1) == 2  # the refused call counted in neither window


async def test_cache_invalidation_finds_a_tenants_keys_on_every_node(redis_cluster: Redis) -> None:
    cache = Cache(redis_cluster, "svc")
    for n in range(40):
        await cache.set("t1", f"geocode:{n}", {"n": n})
    await cache.set("t2", "geocode:0", {"n": 0})
    assert (await cache.stats("t1"))["keys"] == 40
    assert await cache.invalidate("t1", "geocode:*") == 40
    assert await cache.get("t1", "geocode:1") is None
    assert await cache.get("t2", "geocode:0") == {"n": 0}
