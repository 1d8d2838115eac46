"""The base HTTP client: retries, circuit breaker, redaction, call records."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI

from shared.http import CallRecord, CircuitBreaker, CircuitOpen, ServiceClient, redact_url
from shared.logging import correlation_id
from shared.metrics import metrics_router


def counting_transport(statuses: list[int], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = statuses.pop(0) if statuses else 200
        return httpx.Response(status, json={"ok": status < 400})

    return httpx.MockTransport(handler)


async def test_get_is_retried_on_503_then_succeeds() -> None:
    seen: list[httpx.Request] = []
    client = ServiceClient("up", "http://up", transport=counting_transport([503, 503], seen), backoff=0)
    response = await client.request("GET", "/x")
    assert response.status_code == 200
    assert len(seen) == 3
    await client.aclose()


async def test_post_is_not_retried_unless_asked() -> None:
    seen: list[httpx.Request] = []
    client = ServiceClient("up", "http://up", transport=counting_transport([503], seen), backoff=0)
    assert (await client.request("POST", "/x")).status_code == 503
    assert len(seen) == 1
    await client.aclose()


async def test_bearer_token_and_request_id_are_sent() -> None:
    seen: list[httpx.Request] = []
    client = ServiceClient("up", "http://up", token="s3cret", transport=counting_transport([], seen))
    token = correlation_id.set("cid-1")
    try:
        await client.request("GET", "/x")
    finally:
        correlation_id.reset(token)
    assert seen[0].headers["authorization"] == "Bearer s3cret"
    assert seen[0].headers["x-request-id"] == "cid-1"
    await client.aclose()


async def test_every_attempt_is_recorded_with_secrets_redacted() -> None:
    records: list[CallRecord] = []
    client = ServiceClient("geo", "http://geo", transport=counting_transport([500], []),
                           recorder=records.append, backoff=0)
    await client.request("GET", "/geocode?address=x&key=AIzaSECRET")
    assert [r.status_code for r in records] == [500, 200]
    assert all("AIzaSECRET" not in r.url and "key=***" in r.url for r in records)
    await client.aclose()


async def test_connect_errors_raise_after_the_attempts() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    client = ServiceClient("down", "http://down", transport=httpx.MockTransport(refuse), backoff=0)
    with pytest.raises(httpx.ConnectError):
        await client.request("GET", "/x")
    await client.aclose()


async def test_breaker_opens_after_failures_and_lets_one_probe_through() -> None:
    # A cooldown no busy machine outlasts between two calls, so "still open" is not a race.
    breaker = CircuitBreaker(threshold=2, cooldown=0.5)
    client = ServiceClient("b", "http://b", transport=counting_transport([500] * 10, []),
                           breaker=breaker, attempts=1)
    await client.request("GET", "/")
    await client.request("GET", "/")
    with pytest.raises(CircuitOpen):
        await client.request("GET", "/")
    assert breaker.state == "open"
    await asyncio.sleep(0.55)
    assert breaker.state == "half_open"
    await client.request("GET", "/")  # the probe fails: open again
    assert breaker.state == "open"
    await client.aclose()


def test_redact_url_masks_known_secret_parameters() -> None:
    url = "https://x/y?apikey=1&token=2&q=keep&signature=3"
    assert redact_url(url) == "https://x/y?apikey=***&token=***&q=keep&signature=***"


async def scrape(upstream: str) -> dict[str, float]:
    """The circuit-breaker series of `upstream` as `GET /metrics` shows them."""
    app = FastAPI()
    app.include_router(metrics_router())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        text = (await client.get("/metrics")).text
    found = {}
    for line in text.splitlines():
        if f'upstream="{upstream}"' in line and line.startswith(("http_client_circuit_state",
                                                                 "http_client_circuit_opened_total")):
            name, value = line.rsplit(" ", 1)
            found[name.split("{")[0]] = float(value)
    return found


async def test_breaker_state_is_exported_as_it_opens_probes_and_closes() -> None:
    upstream = f"flaky-{uuid.uuid4().hex[:8]}"
    statuses = [500, 500, 500]
    client = ServiceClient(upstream, "http://flaky", transport=counting_transport(statuses, []), attempts=1,
                           breaker=CircuitBreaker(threshold=2, cooldown=0.5))
    assert await scrape(upstream) == {"http_client_circuit_state": 0, "http_client_circuit_opened_total": 0}
    await client.request("GET", "/")
    assert (await scrape(upstream))["http_client_circuit_state"] == 0  # one failure: still closed
    await client.request("GET", "/")
    assert await scrape(upstream) == {"http_client_circuit_state": 2, "http_client_circuit_opened_total": 1}
    with pytest.raises(CircuitOpen):
        await client.request("GET", "/")
    await asyncio.sleep(0.55)
    await client.request("GET", "/")  # the probe fails: open again, not a second opening
    assert await scrape(upstream) == {"http_client_circuit_state": 2, "http_client_circuit_opened_total": 1}
    await asyncio.sleep(0.55)
    assert (await client.request("GET", "/")).status_code == 200  # the probe succeeds: closed
    assert await scrape(upstream) == {"http_client_circuit_state": 0, "http_client_circuit_opened_total": 1}
    await client.aclose()


async def test_breaker_is_half_open_while_its_probe_is_in_flight() -> None:
    upstream = f"slow-{uuid.uuid4().hex[:8]}"
    seen_during_probe: list[dict[str, float]] = []
    failures = [500, 500]

    async def handler(request: httpx.Request) -> httpx.Response:
        if not failures:
            seen_during_probe.append(await scrape(upstream))
            return httpx.Response(200)
        return httpx.Response(failures.pop())

    client = ServiceClient(upstream, "http://slow", transport=httpx.MockTransport(handler), attempts=1,
                           breaker=CircuitBreaker(threshold=2, cooldown=0.01))
    await client.request("GET", "/")
    await client.request("GET", "/")
    await asyncio.sleep(0.02)
    await client.request("GET", "/")
    assert seen_during_probe[0]["http_client_circuit_state"] == 1
    assert (await scrape(upstream))["http_client_circuit_state"] == 0
    await client.aclose()
