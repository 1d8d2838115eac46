"""Rate limits: stored per (service, endpoint), counted in Redis per tenant, usage reported live."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.lifecycle import resources_of
from integration_service.ratelimits import service as ratelimits
from integration_service.ratelimits.models import ApiRateLimit

B = {"X-Tenant-ID": "tenant-b"}


async def _put(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None, **body: object
) -> dict[str, Any]:
    response = await client.put("/api/v1/rate-limits", json=body, headers=headers or {})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_put_creates_then_replaces_one_row(client: httpx.AsyncClient, session: AsyncSession) -> None:
    first = await _put(client, service="google", endpoint="geocode", limit=10)
    assert (first["limit"], first["window_seconds"], first["current_usage"]) == (10, 60, 0)
    second = await _put(client, service="google", endpoint="geocode", limit=5, window_seconds=10)
    assert (second["limit"], second["window_seconds"]) == (5, 10)
    rows = (await session.scalars(select(ApiRateLimit))).all()
    assert [(r.service, r.endpoint, r.request_limit) for r in rows] == [("google", "geocode", 5)]


async def test_usage_comes_from_redis_with_the_window_reset(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await _put(client, service="google", endpoint="geocode", limit=10, window_seconds=3600)
    for _ in range(3):
        assert (await resources_of(app).rate_limits.check("default", "google", "geocode")).allowed
    items = (await client.get("/api/v1/rate-limits")).json()["items"]
    assert [(i["service"], i["current_usage"]) for i in items] == [("google", 3)]
    assert datetime.fromisoformat(items[0]["reset_at"]) > datetime.now(UTC)


async def test_check_refuses_over_the_limit_with_retry_after(
    app: FastAPI, redis: Redis, session: AsyncSession, client: httpx.AsyncClient
) -> None:
    await _put(client, service="yandex", limit=2)
    decisions = [await ratelimits.check(redis, session, "default", "yandex", "geocode") for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert decisions[-1].retry_after > 0 and int(decisions[-1].retry_after_header) >= 1
    with pytest.raises(HTTPException) as refused:
        ratelimits.raise_if_limited(decisions[-1], "yandex")
    assert refused.value.status_code == 429 and "Retry-After" in (refused.value.headers or {})


async def test_endpoint_limit_wins_over_the_service_wide_one(app: FastAPI, client: httpx.AsyncClient) -> None:
    await _put(client, service="sheets", limit=100)
    await _put(client, service="sheets", endpoint="append", limit=1)
    limits = resources_of(app).rate_limits
    assert (await limits.check("default", "sheets", "append")).allowed
    assert not (await limits.check("default", "sheets", "append")).allowed
    other = await limits.check("default", "sheets", "read")
    assert other.allowed and other.limit == 100


async def test_no_configured_limit_is_unlimited(app: FastAPI) -> None:
    decision = await resources_of(app).rate_limits.check("default", "nobody", "x")
    assert decision.allowed and decision.limit == 0


async def test_tenants_have_their_own_limits_and_counters(app: FastAPI, client: httpx.AsyncClient) -> None:
    await _put(client, service="google", limit=1)
    await _put(client, headers=B, service="google", limit=1)
    limits = resources_of(app).rate_limits
    assert (await limits.check("default", "google", "geocode")).allowed
    assert not (await limits.check("default", "google", "geocode")).allowed
    assert (await limits.check("tenant-b", "google", "geocode")).allowed
    mine = (await client.get("/api/v1/rate-limits")).json()["items"]
    theirs = (await client.get("/api/v1/rate-limits", headers=B)).json()["items"]
    assert [i["current_usage"] for i in mine] == [1] and [i["current_usage"] for i in theirs] == [1]
    assert (await client.get("/api/v1/rate-limits", headers={"X-Tenant-ID": "c"})).json()["items"] == []


async def test_a_change_applies_at_once_in_this_process(app: FastAPI, client: httpx.AsyncClient) -> None:
    await _put(client, service="google", limit=1)
    limits = resources_of(app).rate_limits
    await limits.check("default", "google", "x")
    assert not (await limits.check("default", "google", "x")).allowed
    await _put(client, service="google", limit=50)
    assert (await limits.check("default", "google", "x")).allowed


async def test_list_filters_by_service(client: httpx.AsyncClient) -> None:
    await _put(client, service="google", limit=1)
    await _put(client, service="yandex", limit=1)
    items = (await client.get("/api/v1/rate-limits", params={"service": "yandex"})).json()["items"]
    assert [i["service"] for i in items] == ["yandex"]


async def test_delete_removes_a_limit_and_unknown_is_404(app: FastAPI, client: httpx.AsyncClient) -> None:
    await _put(client, service="google", limit=1)
    params = {"service": "google", "endpoint": "*"}
    assert (await client.delete("/api/v1/rate-limits", params=params, headers=B)).status_code == 404
    assert (await client.delete("/api/v1/rate-limits", params=params)).status_code == 204
    assert (await client.delete("/api/v1/rate-limits", params=params)).status_code == 404
    assert (await resources_of(app).rate_limits.check("default", "google", "x")).limit == 0


async def test_invalid_limits_are_422_naming_the_field(client: httpx.AsyncClient) -> None:
    cases = [({"service": "g", "limit": 0}, "limit"), ({"service": "g", "limit": 1, "window_seconds": 0},
             "window_seconds"), ({"limit": 1}, "service"), ({"service": "g", "limit": 1, "x": 1}, "x"),
             ({"service": "has space", "limit": 1}, "service")]
    for body, field in cases:
        response = await client.put("/api/v1/rate-limits", json=body)
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["loc"] == ["body", field], body


async def test_a_registered_services_per_minute_limit_applies_without_a_row(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    response = await client.post("/api/v1/services", json={
        "name": "yandex", "service_type": "geocoding", "base_url": "https://y.test",
        "rate_limit_per_minute": 1})
    assert response.status_code == 201
    limits = resources_of(app).rate_limits
    first, second = [await limits.check("default", "yandex", "geocode") for _ in range(2)]
    assert first.allowed and first.limit == 1 and not second.allowed
    await _put(client, service="yandex", limit=10)
    assert (await limits.check("default", "yandex", "geocode")).limit == 10
