"""Each failure kind of the first provider falls back to the next; denied keys show in health."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from telegram_emulator.standins.testing import Google

QUOTA_BODIES: list[tuple[int, dict[str, Any]]] = [
    (200, {"results": [], "status": "OVER_QUERY_LIMIT", "error_message": "You have exceeded your quota"}),
    (200, {"results": [], "status": "OVER_DAILY_LIMIT", "error_message": "billing"}),
    (429, {"error_message": "too many", "results": [], "status": "OVER_QUERY_LIMIT"}),
]
UNAVAILABLE_BODIES: list[tuple[int, dict[str, Any]]] = [
    (200, {"results": [], "status": "UNKNOWN_ERROR"}),
    (500, {"error": "backend"}),
    (503, {"error": "maintenance"}),
]


async def _forward(client: httpx.AsyncClient, address: str) -> httpx.Response:
    return await client.get("/api/v1/geocoding/forward", params={"address": address})


@pytest.mark.parametrize(("status", "body"), QUOTA_BODIES + UNAVAILABLE_BODIES)
async def test_google_failure_falls_back_to_yandex(
    client: httpx.AsyncClient, google: Google, known_place: str, status: int, body: dict[str, Any]
) -> None:
    google.state.fail("google.geocode", status, body=body)
    response = await _forward(client, known_place)
    assert response.status_code == 200, response.text
    assert response.json()["provider"] == "yandex"
    assert google.calls("google.geocode") == 1


async def test_zero_results_fall_back(client: httpx.AsyncClient, google: Google, known_place: str) -> None:
    google.state.fail("google.geocode", 200, body={"results": [], "status": "ZERO_RESULTS"})
    response = await _forward(client, known_place)
    assert response.json()["provider"] == "yandex"


@pytest.mark.parametrize("module_settings", [{"outbound_timeout_seconds": 0.3}])
async def test_timeout_falls_back(client: httpx.AsyncClient, google: Google, known_place: str) -> None:
    google.state.fail("google.geocode", 200, body={"results": [], "status": "OK"}, delay=1.0)
    response = await _forward(client, known_place)
    assert response.json()["provider"] == "yandex"


@pytest.mark.parametrize("module_settings", [{"geocoding_providers": "yandex,google"}])
@pytest.mark.parametrize(("status", "body"), [(429, {"statusCode": 429, "error": "Too Many Requests"}),
                                              (502, None)])
async def test_yandex_failure_falls_back_to_google(
    client: httpx.AsyncClient, google: Google, known_place: str, status: int, body: dict[str, Any] | None
) -> None:
    google.state.fail("yandex.geocode", status, body=body)
    response = await _forward(client, known_place)
    assert response.json()["provider"] == "google"


async def test_request_denied_marks_google_unhealthy(client: httpx.AsyncClient, google: Google,
                                                     known_place: str) -> None:
    google.state.google_keys.discard("google-test-key")
    try:
        response = await _forward(client, known_place)
        assert response.json()["provider"] == "yandex"
        health = (await client.get("/api/v1/geocoding/health")).json()
        again = await _forward(client, "Ташкент, улица Навои, 12 ")
    finally:
        google.state.google_keys.add("google-test-key")
    states = {p["name"]: p for p in health["providers"]}
    assert states["google"]["state"] == "unhealthy"
    assert "REQUEST_DENIED" in states["google"]["detail"]
    assert states["yandex"]["state"] == "ok"
    assert health["status"] == "degraded"
    # Cached now; and the benched provider is not asked again during its cool-down.
    assert again.json()["cached"] is True
    assert google.calls("google.geocode") == 1


async def test_bad_yandex_key_marks_it_unhealthy(client: httpx.AsyncClient, google: Google) -> None:
    google.state.fail("google.geocode", 503, body={})
    google.state.yandex_keys.discard("yandex-test-key")
    try:
        response = await _forward(client, "Somewhere 5")
    finally:
        google.state.yandex_keys.add("yandex-test-key")
    assert response.status_code == 503
    assert response.headers["retry-after"]
    health = (await client.get("/api/v1/geocoding/health")).json()
    states = {p["name"]: p["state"] for p in health["providers"]}
    assert states == {"google": "unavailable", "yandex": "unhealthy"}


async def test_every_provider_down_is_503_with_retry_after(client: httpx.AsyncClient, google: Google) -> None:
    google.state.fail("google.geocode", 200, body={"results": [], "status": "OVER_DAILY_LIMIT"})
    google.state.fail("yandex.geocode", 500, body={})
    response = await _forward(client, "Anything 1")
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["dependency"] == "geocoding"


@pytest.mark.parametrize("module_settings", [{"google_api_key": None, "yandex_api_key": None}])
async def test_no_configured_provider_is_503_and_health_says_so(client: httpx.AsyncClient) -> None:
    assert (await _forward(client, "Anything 1")).status_code == 503
    health = (await client.get("/api/v1/geocoding/health")).json()
    assert health["status"] == "down"
    assert {p["state"] for p in health["providers"]} == {"not_configured"}
