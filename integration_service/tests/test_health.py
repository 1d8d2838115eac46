"""Liveness and readiness of the Integration Service."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from integration_service.app import create_app
from integration_service.config import Settings


async def test_health_answers_without_touching_dependencies(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_ready_when_database_and_redis_answer(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/health/ready")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"redis": "ok", "database": "ok"}


async def test_ready_names_redis_when_it_is_down(settings: Settings) -> None:
    dead = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    app: FastAPI = create_app(dead)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            assert (await c.get("/health")).status_code == 200
            response = await c.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis"]


async def test_ready_names_database_when_it_is_down(settings: Settings) -> None:
    dead = settings.model_copy(
        update={"database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/none"}
    )
    app: FastAPI = create_app(dead)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            response = await c.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


async def test_request_id_is_returned_and_kept(anon: httpx.AsyncClient) -> None:
    response = await anon.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    made = await anon.get("/health")
    assert len(made.headers["x-request-id"]) == 32


async def test_metrics_are_prometheus_text(anon: httpx.AsyncClient) -> None:
    await anon.get("/health")
    response = await anon.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'http_requests_total{method="GET",route="/health",service="integration",status="200"}' in (
        response.text
    )
