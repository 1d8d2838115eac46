"""The one base client every backend client uses, over `shared.http.ServiceClient`."""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client import Counter, Histogram

from bot_gateway.clients.errors import BackendUnavailable, error_for
from bot_gateway.metrics import LATENCY_BUCKETS
from shared.http import CallRecord, CircuitBreaker, CircuitOpen, ServiceClient

BACKEND_CALLS = Counter(
    "bot_backend_calls_total", "Calls from the bot to its backends", ["service", "method", "status"]
)

BACKEND_TIME = Histogram(
    "bot_backend_call_seconds", "Calls from the bot to its backends, each attempt: send to answer",
    ["service"],
    buckets=LATENCY_BUCKETS,
)


def record_call(call: CallRecord) -> None:
    """Count and time every outbound attempt (by service, method and status; by service)."""
    status = str(call.status_code) if call.status_code is not None else "error"
    BACKEND_CALLS.labels(call.service, call.method, status).inc()
    BACKEND_TIME.labels(call.service).observe(call.duration_ms / 1000)


def make_http(
    service: str, base_url: str, token: str, *, timeout: float = 5.0, attempts: int = 3,
    backoff: float = 0.2, breaker_threshold: int = 5, breaker_cooldown: float = 30.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ServiceClient:
    """A pooled ServiceClient with retries, a breaker and call counting."""
    return ServiceClient(
        service, base_url, token=token or None, timeout=timeout, attempts=attempts, backoff=backoff,
        recorder=record_call, breaker=CircuitBreaker(breaker_threshold, breaker_cooldown),
        transport=transport,
    )


class BaseApiClient:
    """JSON calls with a tenant header and an optional user token; errors mapped to exceptions."""

    def __init__(self, http: ServiceClient, tenant: str = "default") -> None:
        self.http = http
        self.tenant = tenant

    async def call(
        self, method: str, url: str, *, token: str | None = None, retry: bool = False, **kwargs: Any
    ) -> Any:
        """Send and decode; raises BackendUnavailable or an ApiError subclass."""
        headers = {"X-Tenant-ID": self.tenant, **kwargs.pop("headers", {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if retry:
            kwargs["retry"] = True
        try:
            response = await self.http.request(method, url, headers=headers, **kwargs)
        except (CircuitOpen, httpx.TransportError, OSError) as exc:
            raise BackendUnavailable(self.http.service) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise BackendUnavailable(self.http.service)
        if response.status_code >= 400:
            raise error_for(response.status_code, _detail(response))
        return response.json() if response.content else None

    async def health(self) -> bool:
        """Whether the backend's `/health` answers 200."""
        try:
            response = await self.http.request("GET", "/health")
        except (CircuitOpen, httpx.TransportError, OSError):
            return False
        return response.status_code == 200


def _detail(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return body.get("detail", body) if isinstance(body, dict) else body
