"""The service cache: tenant-isolated keys, default TTL, hit/miss counters, pattern invalidation."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from prometheus_client import REGISTRY
from redis.asyncio import Redis

from integration_service.lifecycle import resources_of

B = {"X-Tenant-ID": "tenant-b"}


def _counter(name: str, namespace: str) -> float:
    return REGISTRY.get_sample_value(name, {"namespace": namespace}) or 0.0


async def test_a_miss_then_a_hit_are_counted(app: FastAPI, client: httpx.AsyncClient) -> None:
    cache = resources_of(app).cache
    hits, misses = _counter("cache_hits_total", "t"), _counter("cache_misses_total", "t")
    assert await cache.get("default", "geocode:tashkent", namespace="t") is None
    await cache.set("default", "geocode:tashkent", {"lat": 41.3})
    assert await cache.get("default", "geocode:tashkent", namespace="t") == {"lat": 41.3}
    stats = (await client.get("/api/v1/cache/stats")).json()
    assert stats == {"hits": 1, "misses": 1, "hit_rate": 0.5, "keys": 1, "default_ttl_seconds": 300}
    assert _counter("cache_hits_total", "t") - hits == 1
    assert _counter("cache_misses_total", "t") - misses == 1
    metrics = (await client.get("/metrics")).text
    assert 'cache_hits_total{namespace="t"}' in metrics


async def test_entries_expire_after_the_default_ttl(app: FastAPI, redis: Redis) -> None:
    await resources_of(app).cache.set("default", "k", 1)
    ttl = await redis.ttl(resources_of(app).cache.key("default", "k"))
    assert 290 < ttl <= 300


async def test_tenants_never_read_each_others_entries(app: FastAPI, client: httpx.AsyncClient) -> None:
    cache = resources_of(app).cache
    await cache.set("default", "k", "mine")
    assert await cache.get("tenant-b", "k") is None
    assert (await client.get("/api/v1/cache/stats", headers=B)).json()["keys"] == 0


async def test_delete_by_pattern_removes_only_the_tenants_matching_keys(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    cache = resources_of(app).cache
    for key in ("geocode:a", "geocode:b", "sheets:x"):
        await cache.set("default", key, 1)
        await cache.set("tenant-b", key, 1)
    response = await client.delete("/api/v1/cache", params={"pattern": "geocode:*"})
    assert response.status_code == 200
    assert response.json() == {"pattern": "geocode:*", "deleted": 2}
    assert await cache.get("default", "geocode:a") is None
    assert await cache.get("default", "sheets:x") == 1
    assert await cache.get("tenant-b", "geocode:a") == 1
    everything = await client.delete("/api/v1/cache")
    assert everything.json()["deleted"] == 1
    assert (await client.get("/api/v1/cache/stats", headers=B)).json()["keys"] == 3


async def test_empty_pattern_is_422(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/cache", params={"pattern": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "pattern"]
