"""The base HTTP client: retries, circuit breaker, redaction, call records."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI, Request
from opentelemetry.trace import SpanKind

from shared import tracing
from shared.http import CallRecord, CircuitBreaker, CircuitOpen, ServiceClient, redact_url
from shared.logging import correlation_id
from shared.metrics import metrics_router
from shared.testing import serve


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


@pytest.mark.parametrize("base", ["http://up", "http://up/", "http://up/v4", "http://up/v4/"])
async def test_the_record_names_the_url_the_call_went_to(base: str) -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(200)

    records: list[CallRecord] = []
    client = ServiceClient("sheets", base, transport=httpx.MockTransport(answer), recorder=records.append)
    await client.request("GET", "/values/A1?key=s")
    await client.request("GET", "values/B2")
    await client.request("GET", "http://elsewhere/x")
    path = base.removeprefix("http://up").rstrip("/")
    assert sent == [f"http://up{path}/values/A1?key=s", f"http://up{path}/values/B2", "http://elsewhere/x"]
    assert [r.url for r in records] == [f"http://up{path}/values/A1?key=***", *sent[1:]]
    await client.aclose()


async def test_a_cookie_an_answer_sets_is_not_sent_on_later_calls() -> None:
    """Calls are made for many users over one client: what one answer set stays with it."""
    cookies: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        cookies.append(request.headers.get("Cookie"))
        return httpx.Response(200, headers={"Set-Cookie": "session=of-the-first-caller; Path=/"}, json={})

    client = ServiceClient("up", "http://up", transport=httpx.MockTransport(answer))
    first = await client.request("GET", "/me")
    second = await client.request("GET", "/me")
    assert first.json() == second.json() == {} and second.elapsed.total_seconds() >= 0
    assert cookies == [None, None]
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


async def test_a_call_that_timed_out_waiting_for_its_answer_is_not_sent_again() -> None:
    seen: list[httpx.Request] = []

    def slow(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ReadTimeout("no answer in time", request=request)

    client = ServiceClient("slow", "http://slow", transport=httpx.MockTransport(slow), backoff=0)
    with pytest.raises(httpx.ReadTimeout):
        await client.request("GET", "/x")
    assert len(seen) == 1
    await client.aclose()


def test_a_few_failures_among_many_answers_keep_the_breaker_closed() -> None:
    breaker = CircuitBreaker(threshold=5, cooldown=30.0, window=20)
    for _ in range(3):
        for ok in [True] * 12 + [False] * 6:  # a third of the calls time out under load
            breaker.record(ok)
            assert breaker.state == "closed"
    for _ in range(4):  # then nothing answers: half of the last twenty fail
        breaker.record(False)
    assert breaker.state == "open"


def test_an_outage_opens_the_breaker_after_the_threshold() -> None:
    breaker = CircuitBreaker(threshold=5, cooldown=30.0)
    for _ in range(100):
        breaker.record(True)
    for _ in range(4):
        breaker.record(False)
    assert breaker.state == "closed"
    breaker.record(False)  # 5 of the last 20 failed: under half
    for _ in range(4):
        breaker.record(False)
    assert breaker.state == "closed"
    breaker.record(False)  # 10 of 20
    assert breaker.state == "open"


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


def peers_app(peers: list[tuple[str, int]], headers: list[dict[str, str]]) -> FastAPI:
    """An upstream that notes which connection (client address) and headers each call came with."""
    app = FastAPI()

    @app.get("/x")
    async def x(request: Request) -> dict[str, bool]:
        assert request.client is not None
        peers.append((request.client.host, request.client.port))
        headers.append(dict(request.headers))
        await asyncio.sleep(0.01)  # calls overlap, so the pool holds many connections at once
        return {"ok": True}

    return app


async def test_connections_to_an_upstream_are_kept_and_reused_past_twenty_in_flight() -> None:
    peers: list[tuple[str, int]] = []
    async with serve(peers_app(peers, [])) as url:
        client = ServiceClient("up", url)
        for _ in range(3):
            answers = await asyncio.gather(*(client.request("GET", "/x") for _ in range(50)))
            assert {a.status_code for a in answers} == {200}
        await client.aclose()
    assert len(peers) == 150 and len(set(peers)) <= 50


async def test_an_unreachable_upstream_is_named_a_connect_error() -> None:
    records: list[CallRecord] = []
    client = ServiceClient("down", "http://127.0.0.1:1", recorder=records.append, backoff=0)
    with pytest.raises(httpx.ConnectError):
        await client.request("GET", "/x")
    assert len(records) == 3 and all(r.error and r.error.startswith("ConnectError") for r in records)
    await client.aclose()


async def test_an_upstream_hanging_up_without_an_answer_is_recorded_as_a_protocol_error() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    records: list[CallRecord] = []
    client = ServiceClient("rude", f"http://127.0.0.1:{port}", attempts=1, recorder=records.append)
    try:
        with pytest.raises(httpx.TransportError):
            await client.request("GET", "/x")
        [record] = records
        assert record.error is not None and record.error.startswith("RemoteProtocolError")
    finally:
        await client.aclose()
        server.close()
        await server.wait_closed()


async def test_a_call_made_while_tracing_is_on_carries_its_trace_to_the_upstream() -> None:
    headers: list[dict[str, str]] = []
    async with serve(peers_app([], headers)) as url:
        client = ServiceClient("up", url)  # made before tracing starts, as a service's clients are
        with tracing.in_memory() as spans:
            provider = tracing.provider()
            assert provider is not None
            with provider.get_tracer("tests").start_as_current_span("handling an update"):
                await client.request("GET", "/x")
        await client.aclose()
    [span] = [s for s in spans.get_finished_spans() if s.kind == SpanKind.CLIENT]
    assert span.context is not None and span.parent is not None
    assert headers[0]["traceparent"].split("-")[1] == f"{span.context.trace_id:032x}"
