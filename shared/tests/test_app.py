"""The service app factory: tokens, tenants, 503 on outages, JSON logs with the correlation id."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import APIRouter, Depends
from pydantic_settings import SettingsConfigDict
from sqlalchemy import text

from shared import testing
from shared.app import ResourcesDep, ServiceResources, SessionDep, SettingsDep, create_service_app
from shared.config import ServiceSettings
from shared.logging import JsonFormatter, correlation_id
from shared.security import ApiTokenDep, TenantDep, require_api_token


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", env_file=None, extra="ignore")


router = APIRouter()
guarded = APIRouter(dependencies=[Depends(require_api_token)])
closed: list[str] = []


@guarded.get("/api/v1/guarded")
async def guarded_route(settings: SettingsDep, resources: ResourcesDep) -> dict[str, object]:
    return {"service": settings.service_name, "components": resources.components}


@asynccontextmanager
async def components(resources: ServiceResources) -> AsyncIterator[str]:
    resources.ready_checks["extra"] = resources.redis.ping
    yield "built"
    closed.append("components")


@router.get("/api/v1/whoami")
async def whoami(_: ApiTokenDep, tenant: TenantDep) -> dict[str, str]:
    return {"tenant": tenant}


@router.get("/api/v1/db")
async def db(session: SessionDep) -> dict[str, int]:
    return {"one": (await session.execute(text("SELECT 1"))).scalar_one()}


XACT_IDS = text("SELECT pg_current_xact_id()::text::bigint")


@router.api_route("/api/v1/transactions", methods=["GET", "POST"])
async def transactions(session: SessionDep) -> list[int]:
    return [int((await session.execute(XACT_IDS)).scalar_one()) for _ in range(2)]


async def client_for(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
    values: dict[str, object] = {"redis_url": testing.redis_url("shared"), "api_tokens": ["tok"],
                                 "database_url": testing.pg_server_url() + "/postgres"}
    values.update(overrides)
    app = create_service_app(
        DemoSettings(**values), title="demo", routers=[router, guarded], components=components  # type: ignore[arg-type]
    )
    transport = httpx.ASGITransport(app=app)
    http = httpx.AsyncClient(transport=transport, base_url="http://t")
    async with app.router.lifespan_context(app), http as c:
        yield c


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async for c in client_for():
        yield c


async def test_management_call_needs_a_configured_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/whoami")).status_code == 401
    bad = await client.get("/api/v1/whoami", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["detail"] == "invalid bearer token"
    ok = await client.get("/api/v1/whoami", headers={"Authorization": "Bearer tok"})
    assert ok.json() == {"tenant": "default"}


async def test_no_tokens_configured_refuses_everyone() -> None:
    async for c in client_for(api_tokens=[]):
        response = await c.get("/api/v1/whoami", headers={"Authorization": "Bearer tok"})
        assert response.status_code == 401
        assert "DEMO_API_TOKENS" in response.json()["detail"]


async def test_a_guarded_router_sees_the_resources_and_components() -> None:
    closed.clear()
    async for c in client_for():
        assert (await c.get("/api/v1/guarded")).status_code == 401
        ok = await c.get("/api/v1/guarded", headers={"Authorization": "Bearer tok"})
        assert ok.json() == {"service": "service", "components": "built"}
        ready = (await c.get("/health/ready")).json()
        assert ready["checks"] == {"redis": "ok", "database": "ok", "extra": "ok"}
    assert closed == ["components"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_api_docs_load_only_assets_the_service_serves(client: httpx.AsyncClient, page: str) -> None:
    html = await client.get(page)
    assert html.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    for url in assets:
        asset = await client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url


@pytest.mark.parametrize("probe", ["/health", "/health/live"])
async def test_liveness_answers_under_both_names(client: httpx.AsyncClient, probe: str) -> None:
    answer = await client.get(probe)
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


async def test_tenant_header_is_validated(client: httpx.AsyncClient) -> None:
    auth = {"Authorization": "Bearer tok"}
    ok = await client.get("/api/v1/whoami", headers={**auth, "X-Tenant-ID": "uk-north"})
    assert ok.json() == {"tenant": "uk-north"}
    bad = await client.get("/api/v1/whoami", headers={**auth, "X-Tenant-ID": "../etc"})
    assert bad.status_code == 400


async def test_database_down_is_503_with_retry_after() -> None:
    async for c in client_for(database_url="postgresql+asyncpg://postgres@127.0.0.1:1/x"):
        response = await c.get("/api/v1/db")
        assert response.status_code == 503
        assert response.json()["dependency"] == "database"
        assert response.headers["retry-after"]


async def test_session_dependency_reaches_the_database(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/db")).json() == {"one": 1}


async def test_a_read_runs_outside_a_transaction_and_a_write_in_one(client: httpx.AsyncClient) -> None:
    first, second = (await client.get("/api/v1/transactions")).json()
    assert first != second
    first, second = (await client.post("/api/v1/transactions")).json()
    assert first == second


def test_json_log_lines_carry_the_correlation_id_and_mask_secrets() -> None:
    formatter = JsonFormatter("demo")
    token = correlation_id.set("req-42")
    try:
        record = logging.makeLogRecord({"msg": "hello", "levelname": "INFO", "name": "x",
                                        "api_key": "k-123", "path": "/p"})
        line = json.loads(formatter.format(record))
    finally:
        correlation_id.reset(token)
    assert line["correlation_id"] == "req-42"
    assert line["message"] == "hello" and line["path"] == "/p"
    assert line["api_key"] == "***"
