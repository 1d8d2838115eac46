"""The base HTTP client: pooled connections, retries with jitter, circuit breaker, call records."""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from shared import tracing
from shared.logging import correlation_id
from shared.metrics import CIRCUIT_STATES, HTTP_CLIENT_CIRCUIT_OPENED, HTTP_CLIENT_CIRCUIT_STATE

log = logging.getLogger("http.client")
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_SECRET_QUERY = re.compile(r"(?i)((?:key|apikey|api_key|token|secret|signature|password)=)[^&]*")
# Idle connections are dropped sooner than uvicorn's 5 s keep-alive closes them on the server side,
# so a call never goes out on a connection the server is closing at that moment (it would be reset).
KEEPALIVE_SECONDS = 4.0


def redact_url(url: str) -> str:
    """The URL with secret-looking query values replaced by `***`."""
    return _SECRET_QUERY.sub(r"\1***", url)


class PooledTransport(AiohttpTransport):
    """httpx's interface over aiohttp's connection pool.

    httpcore's pool (httpx's own transport) walks every connection it holds on each request, and
    for each idle one counts the idle ones again and polls its socket: with tens of connections to
    one upstream, a quarter of the bot's CPU (docs/BENCHMARKS.md). aiohttp's pool hands out an idle
    connection in constant time. Transport errors are raised as httpx's, named for what happened.
    """

    def __init__(self, max_connections: int = 100) -> None:
        self.max_connections = max_connections
        super().__init__(client=self._session)  # made on the first call, inside the event loop

    def _session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self.max_connections, keepalive_timeout=KEEPALIVE_SECONDS,
                                         ssl=self.ssl_context)
        return aiohttp.ClientSession(connector=connector)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` over a pooled connection."""
        try:
            return await super().handle_async_request(request)
        except httpx.TransportError as exc:
            raise _named(exc, request) from exc.__cause__


def _named(exc: httpx.TransportError, request: httpx.Request) -> httpx.TransportError:
    """httpx's error for aiohttp's cause (httpx-aiohttp names every connection error a connect timeout)."""
    cause, message = exc.__cause__, str(exc)
    if isinstance(cause, TimeoutError):  # aiohttp's timeouts are TimeoutErrors, already told apart
        return exc
    if isinstance(cause, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message, request=request)
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(message, request=request)
    if isinstance(cause, aiohttp.ClientConnectionError):
        return httpx.ReadError(message, request=request)
    return exc


@dataclass(slots=True)
class CallRecord:
    """One outbound call, as written to a log of calls."""

    service: str
    method: str
    url: str
    status_code: int | None
    duration_ms: float
    error: str | None
    correlation_id: str | None
    attempt: int


Recorder = Callable[[CallRecord], None]


class CircuitOpen(Exception):
    """The upstream failed repeatedly; calls are refused until the cool-down passes."""

    def __init__(self, service: str, retry_in: float) -> None:
        super().__init__(f"{service} circuit open, retry in {retry_in:.1f}s")
        self.service = service
        self.retry_in = retry_in


@dataclass
class CircuitBreaker:
    """Opens when at least `threshold` of the last `window` calls failed and the failures are at
    least half of them; one probe is let through after `cooldown`.

    An outage fails every call and opens it after `threshold` calls; a busy upstream that times
    out a few calls among many answers keeps serving (refusing everything for the cool-down would
    turn a slow moment into a burst of failed replies). With a `name` (ServiceClient sets its
    upstream's), every change is exported as `http_client_circuit_state{upstream}` and every
    opening counted in `http_client_circuit_opened_total`.
    """

    threshold: int = 5
    cooldown: float = 30.0
    window: int = 20
    opened_at: float | None = None
    probing: bool = field(default=False)
    name: str = ""
    outcomes: deque[bool] = field(init=False)  # the last `window` calls: True = answered

    def __post_init__(self) -> None:
        self.outcomes = deque(maxlen=max(self.window, self.threshold))

    @property
    def failures(self) -> int:
        """Failed calls among the last `window`."""
        return self.outcomes.count(False)

    @property
    def state(self) -> str:
        """`closed`, `open` or `half_open`."""
        if self.opened_at is None:
            return "closed"
        return "half_open" if time.monotonic() - self.opened_at >= self.cooldown else "open"

    def before_call(self, service: str) -> None:
        """Raise CircuitOpen unless a call may go through now."""
        state = self.state
        if state == "open" or (state == "half_open" and self.probing):
            assert self.opened_at is not None
            raise CircuitOpen(service, max(0.0, self.cooldown - (time.monotonic() - self.opened_at)))
        if state == "half_open":
            self.probing = True
            self._publish("half_open")

    def record(self, ok: bool) -> None:
        """Count an answer (after an opening: the probe passed, it closes) or a failure (may open)."""
        self.probing = False
        was_open = self.opened_at is not None
        if ok and was_open:
            self.outcomes.clear()
            self.opened_at = None
            log.info("circuit closed", extra={"upstream": self.name})
            self._publish("closed")
            return
        self.outcomes.append(ok)
        failures = self.failures
        if not ok and (was_open or (failures >= self.threshold and 2 * failures >= len(self.outcomes))):
            self.opened_at = time.monotonic()
            if not was_open:
                log.warning("circuit opened", extra={"upstream": self.name, "failures": self.failures,
                                                     "cooldown": self.cooldown})
                if self.name:
                    HTTP_CLIENT_CIRCUIT_OPENED.labels(self.name).inc()
            self._publish("open")

    def _publish(self, state: str) -> None:
        if self.name:
            HTTP_CLIENT_CIRCUIT_STATE.labels(self.name).set(CIRCUIT_STATES[state])


class ServiceClient:
    """An httpx client for one upstream with retries, breaker, bearer token and call records."""

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.2,
        recorder: Recorder | None = None,
        breaker: CircuitBreaker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = 100,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.service = service
        self.attempts = attempts
        self.backoff = backoff
        self.recorder = recorder
        self.breaker = breaker or CircuitBreaker()
        if not self.breaker.name:
            self.breaker.name = service
        HTTP_CLIENT_CIRCUIT_STATE.labels(self.breaker.name)  # the series exists (0, closed) from the start
        HTTP_CLIENT_CIRCUIT_OPENED.labels(self.breaker.name)
        self._traced = transport is not None  # a given transport (tests) is not traced
        self._transport = transport or PooledTransport(max_connections)
        self.http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout,
                                      transport=self._transport)
        self._base = str(self.http.base_url).rstrip("/") + "/"  # a bare host prints without its "/"

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send, retrying idempotent calls on connection errors, 429 and 5xx with jittered backoff;
        a call that timed out waiting for its answer is not sent again (raised as it was)."""
        method, url = method.upper(), self._absolute(url)
        tries = self.attempts if method in IDEMPOTENT or kwargs.pop("retry", False) else 1
        headers = dict(kwargs.pop("headers", None) or {})
        cid = correlation_id.get()
        if cid:
            headers.setdefault("X-Request-ID", cid)
        if not self._traced:
            # At the first call, not at construction: clients are often built before tracing starts.
            self._traced = tracing.instrument_client(self.http)
        for attempt in range(1, tries + 1):
            self.breaker.before_call(self.service)
            outcome = await self._send_once(method, url, attempt, headers=headers, **kwargs)
            if isinstance(outcome, httpx.Response) and outcome.status_code not in RETRY_STATUSES:
                self.breaker.record(outcome.status_code < 500)
                return outcome
            self.breaker.record(False)
            if isinstance(outcome, (httpx.ReadTimeout, httpx.WriteTimeout)):
                # The upstream got the call and is slow: it may still be working on it, and asking
                # again adds to the load that made it slow (a retry storm), so the caller hears now.
                raise outcome
            if attempt == tries:
                if not isinstance(outcome, httpx.Response):
                    raise httpx.ConnectError(f"{self.service} unreachable after {tries} attempts")
                return outcome
            await asyncio.sleep(self._delay(attempt, outcome))
        raise AssertionError("unreachable")

    async def _send_once(
        self, method: str, url: str, attempt: int, **kwargs: Any
    ) -> httpx.Response | Exception:
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            response = await self._send(self.http.build_request(method, url, **kwargs), started)
            status = response.status_code
            return response
        except (httpx.TransportError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("upstream call failed", extra={"upstream": self.service, "error": error})
            return exc
        finally:
            self._record(method, url, status, started, error, attempt)

    async def _send(self, request: httpx.Request, started: float) -> httpx.Response:
        """The answer to `request`, read whole, from the transport itself (traced when tracing is on).

        `AsyncClient.send`'s layers (auth, redirects, the cookie jar, event hooks) do nothing for
        a call between services but cost about 0.1 ms of CPU a call, 4 % of the bot's (docs/BENCHMARKS.md),
        and a cookie one answer set must not ride on a later call made for another user."""
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        response.elapsed = timedelta(seconds=time.perf_counter() - started)
        return response

    def _absolute(self, url: str) -> str:
        """`url` on the client's base, joined as httpx joins a relative path (`URL.join` would drop
        the base's own path); by string, as httpx then parses the URL once (a parse cost 1-2 % of
        the bot's CPU)."""
        return url if url.startswith(("http://", "https://")) else self._base + url.lstrip("/")

    def _record(
        self, method: str, url: str, status: int | None, started: float, error: str | None,
        attempt: int,
    ) -> None:
        if self.recorder is None:
            return
        self.recorder(CallRecord(
            service=self.service, method=method, url=redact_url(url), status_code=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2), error=error,
            correlation_id=correlation_id.get(), attempt=attempt,
        ))

    def _delay(self, attempt: int, outcome: httpx.Response | Exception) -> float:
        if isinstance(outcome, httpx.Response) and (after := outcome.headers.get("Retry-After")):
            try:
                return min(float(after), 30.0)
            except ValueError:
                pass
        return float(self.backoff * 2 ** (attempt - 1) * (0.5 + random.random()))
