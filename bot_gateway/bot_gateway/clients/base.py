"""The one base client every backend client uses, over `shared.http.ServiceClient`."""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client import Counter

from bot_gateway.clients.errors import BackendUnavailable, error_for
from shared.http import CallRecord, CircuitBreaker, CircuitOpen, ServiceClient

BACKEND_CALLS = Counter(
    "bot_backend_calls_total", "Calls from the bot to its backends", ["service", "method", "status"]
)


def record_call(call: CallRecord) -> None:
    """Count every outbound attempt by service, method and status."""
    status = str(call.status_code) if call.status_code is not None else "error"
    BACKEND_CALLS.labels(call.service, call.method, status).inc()


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
