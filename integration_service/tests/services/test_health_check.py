"""`POST /api/v1/services/{id}/health-check` probes `health_url` and records what it found."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import respx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.lifecycle import resources_of
from integration_service.logs.models import IntegrationLog

HEALTH = "https://upstream.example.test/health"


async def _service(client: httpx.AsyncClient, health_url: str | None = HEALTH,
                   base_url: str = "https://upstream.example.test/") -> int:
    body: dict[str, Any] = {"name": "upstream", "service_type": "generic", "base_url": base_url}
    if health_url:
        body["health_url"] = health_url
    response = await client.post("/api/v1/services", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # The stand-ins answer on made-up hosts (respx) and on loopback.
    return {"health_check_timeout_seconds": 0.3, "health_check_allow_private": True}


async def test_healthy_answer_is_recorded_with_the_time(client: httpx.AsyncClient) -> None:
    sid = await _service(client)
    with respx.mock(assert_all_called=True) as mock:
        mock.get(HEALTH).respond(200, json={"ok": True})
        response = await client.post(f"/api/v1/services/{sid}/health-check")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["healthy"] is True and body["status_code"] == 200 and body["error"] is None
    stored = (await client.get(f"/api/v1/services/{sid}")).json()
    assert stored["health_status"] == "healthy"
    assert stored["last_health_check_at"] is not None
    assert stored["last_health_latency_ms"] >= 0


async def test_server_error_marks_the_service_unhealthy(client: httpx.AsyncClient) -> None:
    sid = await _service(client)
    with respx.mock as mock:
        mock.get(HEALTH).respond(503)
        body = (await client.post(f"/api/v1/services/{sid}/health-check")).json()
    assert body["healthy"] is False and body["status_code"] == 503 and body["error"] == "HTTP 503"
    assert body["service"]["health_status"] == "unhealthy"
    assert body["service"]["last_health_error"] == "HTTP 503"


async def test_unreachable_service_is_unhealthy_not_an_error(client: httpx.AsyncClient) -> None:
    sid = await _service(client, "http://127.0.0.1:1/health", "http://127.0.0.1:1/")
    response = await client.post(f"/api/v1/services/{sid}/health-check")
    assert response.status_code == 200
    body = response.json()
    assert body["healthy"] is False and body["status_code"] is None
    assert "ConnectError" in body["error"]


async def test_slow_service_times_out_within_the_setting(client: httpx.AsyncClient) -> None:
    sid = await _service(client)

    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    with respx.mock as mock:
        mock.get(HEALTH).mock(side_effect=hang)
        started = asyncio.get_running_loop().time()
        body = (await client.post(f"/api/v1/services/{sid}/health-check")).json()
        elapsed = asyncio.get_running_loop().time() - started
    assert body["healthy"] is False and "timed out" in body["error"]
    assert elapsed < 2


async def test_service_without_health_url_is_409(client: httpx.AsyncClient) -> None:
    sid = await _service(client, None)
    response = await client.post(f"/api/v1/services/{sid}/health-check")
    assert response.status_code == 409


async def test_probe_is_written_to_the_call_log_for_the_tenant(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession
) -> None:
    headers = {"X-Tenant-ID": "acme", "X-Request-ID": "probe-1"}
    response = await client.post("/api/v1/services", headers=headers, json={
        "name": "upstream", "service_type": "generic", "base_url": "https://upstream.example.test/",
        "health_url": HEALTH + "?api_key=hunter2"})
    sid = response.json()["id"]
    with respx.mock as mock:
        mock.get(url__startswith=HEALTH).respond(204)
        await client.post(f"/api/v1/services/{sid}/health-check", headers=headers)
    await resources_of(app).call_log.flush()
    row = await session.scalar(select(IntegrationLog))
    assert row is not None
    assert (row.tenant_id, row.service, row.method, row.status_code) == ("acme", "upstream", "GET", 204)
    assert row.correlation_id == "probe-1"
    assert "hunter2" not in row.url and "api_key=***" in row.url


@pytest.mark.parametrize(("base_url", "health_url"), [
    ("https://upstream.example.test/", "http://127.0.0.1:1/health"),
    ("https://upstream.example.test/api/", "https://upstream.example.test/apiother"),
    ("https://upstream.example.test/", "https://upstream.example.test:8443/health"),
])
async def test_a_health_url_outside_the_base_url_is_never_fetched(
    client: httpx.AsyncClient, base_url: str, health_url: str
) -> None:
    sid = await _service(client, health_url, base_url)
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().respond(200)
        response = await client.post(f"/api/v1/services/{sid}/health-check")
    assert response.status_code == 409 and "base_url" in response.json()["detail"]
    assert not route.called


@pytest.mark.parametrize("module_settings", [{"health_check_allow_private": False}])
@pytest.mark.parametrize("origin", [
    "http://127.0.0.1:8001", "http://localhost:8001", "http://10.1.2.3", "http://192.168.0.1",
    "http://169.254.169.254", "http://0.0.0.0", "http://127.1.2.3:65535",
])
async def test_private_loopback_and_link_local_addresses_are_refused(
    client: httpx.AsyncClient, origin: str
) -> None:
    sid = await _service(client, f"{origin}/health", f"{origin}/")
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().respond(200)
        response = await client.post(f"/api/v1/services/{sid}/health-check")
    assert response.status_code == 409 and "not a public address" in response.json()["detail"]
    assert not route.called
    assert (await client.get(f"/api/v1/services/{sid}")).json()["last_health_check_at"] is None


@pytest.mark.parametrize("module_settings", [{"health_check_allow_private": False}])
async def test_a_public_address_is_probed(client: httpx.AsyncClient) -> None:
    sid = await _service(client, "https://93.184.215.14/health", "https://93.184.215.14/")
    with respx.mock(assert_all_called=True) as mock:
        mock.get("https://93.184.215.14/health").respond(200)
        response = await client.post(f"/api/v1/services/{sid}/health-check")
    assert response.status_code == 200 and response.json()["healthy"] is True
