"""Out-of-range integers and loosely typed dates and booleans are a 422 naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

HUGE = str(10**20)


def _fields(response: httpx.Response) -> set[str]:
    assert response.status_code == 422, response.text
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/services/10250580479", "service_id"),
    ("/api/v1/webhooks/configs/10250580479", "config_id"),
    (f"/api/v1/services?offset={HUGE}", "offset"),
    (f"/api/v1/logs?offset={HUGE}", "offset"),
    (f"/api/v1/webhooks/events?offset={HUGE}", "offset"),
    ("/api/v1/webhooks/events?offset=100001", "offset"),
    (f"/api/v1/logs?limit={HUGE}", "limit"),
    (f"/api/v1/logs?status_code={HUGE}", "status_code"),
    ("/api/v1/logs?until=0.5", "until"),
    ("/api/v1/logs?since=1700000000", "since"),
    ("/api/v1/webhooks/events?until=0.5", "until"),
    (f"/api/v1/webhooks/events/{'e' * 256}", "event_id"),
])
async def test_out_of_range_or_untyped_parameters_are_422(client: httpx.AsyncClient, path: str,
                                                          field: str) -> None:
    assert field in _fields(await client.get(path))


async def test_iso_dates_still_filter(client: httpx.AsyncClient) -> None:
    for path in ("/api/v1/logs", "/api/v1/webhooks/events"):
        response = await client.get(path, params={"since": "2026-01-01", "until": "2026-12-01T10:00:00Z",
                                                  "offset": 100_000})
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("POST", "/api/v1/webhooks/configs", {"source": "crm", "secret": "s", "is_active": 0}, "is_active"),
    ("POST", "/api/v1/webhooks/configs", {"source": "crm", "secret": "s", "max_attempts": 3_000_000_000},
     "max_attempts"),
    ("POST", "/api/v1/services", {"name": "a", "service_type": "t", "base_url": "https://a.test/",
                                  "is_active": 1}, "is_active"),
    ("POST", "/api/v1/services", {"name": "a", "service_type": "t", "base_url": "http://1.2.3.999/"},
     "base_url"),
    ("POST", "/api/v1/services", {"name": "a", "service_type": "t", "base_url": "https://a.test:65536/"},
     "base_url"),
    ("POST", "/api/v1/services", {"name": "a", "service_type": "t", "base_url": "https://a.test/",
                                  "rate_limit_per_minute": True}, "rate_limit_per_minute"),
    ("PUT", "/api/v1/rate-limits", {"service": "a", "limit": "5"}, "limit"),
    ("POST", "/api/v1/webhooks/events/replay", {"since": 0.5, "until": "2026-12-01T00:00:00Z"}, "since"),
    ("PUT", "/api/v1/sheets/requests-log", {"spreadsheet_id": "s" * 20, "worksheet": "w", "is_active": "yes"},
     "is_active"),
])
async def test_bodies_take_strict_booleans_dates_and_bounded_integers(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    assert field in _fields(await client.request(method, path, json=body))


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("GET", "/api/v1/logs?service=a%00b", None, "service"),
    ("GET", "/api/v1/webhooks/events?source=a%00b", None, "source"),
    ("GET", "/api/v1/webhooks/events/a%00b", None, "event_id"),
    ("POST", "/api/v1/webhooks/configs", {"source": "crm", "secret": "s", "event_types": ["order.\u0000"]},
     "event_types"),
    ("POST", "/api/v1/services", {"name": "a", "service_type": "t", "base_url": "https://a.test/",
                                  "config": {"k": ["v\u0000"]}}, "config"),
    ("PUT", "/api/v1/rate-limits", {"service": "a", "endpoint": "x\u0000", "limit": 1}, "endpoint"),
])
async def test_a_nul_character_anywhere_is_422_naming_the_field(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None, field: str
) -> None:
    response = await client.request(method, path, json=body)
    assert field in _fields(response)
    assert {error["type"] for error in response.json()["detail"]} == {"nul_character"}
