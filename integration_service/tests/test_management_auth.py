"""Every management endpoint of the core domains refuses missing, wrong and unconfigured tokens."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from integration_service.app import create_app
from integration_service.config import Settings

ENDPOINTS = [
    ("GET", "/api/v1/services", None),
    ("POST", "/api/v1/services", {"name": "x", "service_type": "y", "base_url": "https://x.test"}),
    ("GET", "/api/v1/services/1", None),
    ("PATCH", "/api/v1/services/1", {"is_active": False}),
    ("DELETE", "/api/v1/services/1", None),
    ("POST", "/api/v1/services/1/health-check", None),
    ("GET", "/api/v1/logs", None),
    ("GET", "/api/v1/rate-limits", None),
    ("PUT", "/api/v1/rate-limits", {"service": "g", "limit": 1}),
    ("DELETE", "/api/v1/rate-limits?service=g", None),
    ("GET", "/api/v1/cache/stats", None),
    ("DELETE", "/api/v1/cache", None),
]


async def _send(c: httpx.AsyncClient, method: str, url: str, body: Any, **headers: str) -> httpx.Response:
    return await c.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
async def test_no_token_is_401(anon: httpx.AsyncClient, method: str, url: str, body: Any) -> None:
    response = await _send(anon, method, url, body)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "url", "body"), ENDPOINTS)
async def test_wrong_token_is_401(anon: httpx.AsyncClient, method: str, url: str, body: Any) -> None:
    response = await _send(anon, method, url, body, Authorization="Bearer not-the-token")
    assert response.status_code == 401
    basic = await _send(anon, method, url, body, Authorization="Basic dGVzdC10b2tlbg==")
    assert basic.status_code == 401


async def test_no_tokens_configured_refuses_even_a_plausible_token(settings: Settings) -> None:
    app: FastAPI = create_app(settings.model_copy(update={"api_tokens": []}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            for method, url, body in ENDPOINTS:
                response = await _send(c, method, url, body, Authorization="Bearer test-token")
                assert response.status_code == 401, url
                assert "INTEGRATION_API_TOKENS" in response.json()["detail"]
