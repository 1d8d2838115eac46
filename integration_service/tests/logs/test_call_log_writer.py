"""The call-log writer: callers never wait, rows land in batches, nothing is silently lost."""

from __future__ import annotations

import asyncio
import time

import httpx
import respx
from fastapi import APIRouter, FastAPI, Request
from prometheus_client import REGISTRY
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from integration_service.app import create_app
from integration_service.config import Settings
from integration_service.lifecycle import resources_of
from integration_service.logs.context import CallTenantDep, use_tenant
from integration_service.logs.models import IntegrationLog
from integration_service.logs.writer import CallLog
from shared.http import CallRecord
from shared.logging import correlation_id


def _call(n: int = 0, service: str = "google") -> CallRecord:
    return CallRecord(service=service, method="GET", url=f"https://x.test/{n}", status_code=200,
                      duration_ms=1.5, error=None, correlation_id=f"cid-{n}", attempt=1)


def _dropped(reason: str) -> float:
    return REGISTRY.get_sample_value("integration_call_log_dropped_total", {"reason": reason}) or 0.0


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(IntegrationLog)) or 0)


async def _wait_for_rows(session: AsyncSession, n: int, seconds: float = 5.0) -> int:
    deadline = time.monotonic() + seconds
    while (found := await _count(session)) < n and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return found


async def test_client_calls_are_logged_redacted_with_tenant_and_correlation_id(
    app: FastAPI, session: AsyncSession
) -> None:
    client = resources_of(app).call_log.client("google", "https://maps.example.test", timeout=10)
    token = correlation_id.set("req-42")
    try:
        with respx.mock as mock, use_tenant("acme"):
            mock.get(url__startswith="https://maps.example.test/geocode").respond(200, json={})
            response = await client.request("GET", "/geocode?address=Tashkent&key=SECRET123")
    finally:
        correlation_id.reset(token)
        await client.aclose()
    assert response.status_code == 200
    assert await _wait_for_rows(session, 1) == 1
    row = await session.scalar(select(IntegrationLog))
    assert row is not None
    assert row.tenant_id == "acme" and row.service == "google" and row.correlation_id == "req-42"
    assert "SECRET123" not in row.url
    assert row.url == "https://maps.example.test/geocode?address=Tashkent&key=***"


async def test_recording_does_not_wait_for_the_database(app: FastAPI, session: AsyncSession) -> None:
    started = time.perf_counter()
    for n in range(1000):
        resources_of(app).call_log.record(_call(n))
    elapsed = time.perf_counter() - started
    assert elapsed < 0.1, f"1000 records took {elapsed:.3f}s"
    assert await _count(session) < 1000  # nothing was written while the caller was recording
    assert await _wait_for_rows(session, 1000) == 1000


async def test_every_retry_attempt_is_a_row(app: FastAPI, session: AsyncSession) -> None:
    client = resources_of(app).call_log.client("flaky", "https://flaky.example.test", timeout=10, attempts=2)
    client.backoff = 0.01
    try:
        with respx.mock as mock:
            mock.get("https://flaky.example.test/x").mock(
                side_effect=[httpx.Response(503), httpx.Response(200)])
            assert (await client.request("GET", "/x")).status_code == 200
    finally:
        await client.aclose()
    await resources_of(app).call_log.flush()
    rows = (await session.scalars(select(IntegrationLog).order_by(IntegrationLog.attempt))).all()
    assert [(r.attempt, r.status_code) for r in rows] == [(1, 503), (2, 200)]


async def test_stop_writes_what_is_still_queued(app: FastAPI, session: AsyncSession) -> None:
    writer = CallLog(resources_of(app).engine, flush_seconds=60)
    writer.start()
    for n in range(3):
        writer.record(_call(n, service="late"))
    await writer.stop()
    assert await _count(session) == 3


async def test_a_full_queue_drops_and_counts(app: FastAPI) -> None:
    writer = CallLog(resources_of(app).engine, max_queue=5)
    before = _dropped("queue_full")
    for n in range(8):
        writer.record(_call(n))
    assert writer.pending == 5
    assert _dropped("queue_full") - before == 3


async def test_database_down_counts_the_failed_batch_and_keeps_going(database_url: str) -> None:
    dead = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    writer = CallLog(dead)
    before = _dropped("write_failed")
    started = time.perf_counter()
    for n in range(4):
        writer.record(_call(n))
    assert time.perf_counter() - started < 0.05
    assert await writer.flush() == 0
    assert _dropped("write_failed") - before == 4
    await dead.dispose()


async def test_a_route_taking_the_call_tenant_logs_its_calls_under_that_tenant(
    settings: Settings, session: AsyncSession
) -> None:
    router = APIRouter()

    @router.get("/probe-tenant")
    async def probe(tenant: CallTenantDep, request: Request) -> dict[str, str]:
        client = resources_of(request.app).call_log.client("other-domain", "https://other.example.test",
                                                           timeout=10)
        try:
            await client.request("GET", "/x")
        finally:
            await client.aclose()
        return {"tenant": tenant}

    app = create_app(settings)
    app.include_router(router)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            with respx.mock as mock:
                mock.get("https://other.example.test/x").respond(200)
                response = await c.get("/probe-tenant", headers={"X-Tenant-ID": "zeta"})
                bad = await c.get("/probe-tenant", headers={"X-Tenant-ID": "Not A Slug"})
        assert response.json() == {"tenant": "zeta"} and bad.status_code == 400
        await resources_of(app).call_log.flush()
        rows = (await session.scalars(select(IntegrationLog))).all()
        assert [(r.tenant_id, r.service) for r in rows] == [("zeta", "other-domain")]
