"""The Core Service as the console calls it: the service token for sign-ins, the person's token
for everything else."""

from __future__ import annotations

from typing import Any

import httpx

from shared.http import CircuitBreaker, CircuitOpen, ServiceClient

Json = dict[str, Any]


class CoreUnavailable(Exception):
    """Core cannot be reached, answered 5xx or 429, or its circuit is open."""


class CoreError(Exception):
    """Core refused the call (4xx): its status and `detail`."""

    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class CoreClient:
    """JSON calls to Core's `/api/v1`, with the tenant header and a bearer token."""

    def __init__(self, http: ServiceClient, service_token: str, tenant: str) -> None:
        self.http = http
        self.service_token = service_token
        self.tenant = tenant

    @classmethod
    def create(cls, base_url: str, service_token: str, tenant: str, timeout: float,
               transport: httpx.AsyncBaseTransport | None = None) -> CoreClient:
        """A pooled client with retries and a circuit breaker."""
        http = ServiceClient("core", base_url, timeout=timeout, breaker=CircuitBreaker(5, 30.0),
                             transport=transport)
        return cls(http, service_token, tenant)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def call(self, method: str, url: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        """Send with `token` (the service token when None); raises CoreUnavailable or CoreError."""
        headers = {"X-Tenant-ID": self.tenant, "Authorization": f"Bearer {token or self.service_token}"}
        try:
            response = await self.http.request(method, url, headers=headers, **kwargs)
        except (CircuitOpen, httpx.TransportError, OSError) as exc:
            raise CoreUnavailable(str(exc)) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise CoreUnavailable(f"core answered {response.status_code}")
        if response.status_code >= 400:
            raise CoreError(response.status_code, _detail(response))
        return response

    async def json(self, method: str, url: str, token: str | None = None, **kwargs: Any) -> Any:
        """`call`, decoded."""
        response = await self.call(method, url, token, **kwargs)
        return response.json() if response.content else None

    async def start_login(self, browser: str) -> Json:
        """A new sign-in: `{nonce, expires_at}`."""
        result: Json = await self.json("POST", "/api/v1/logins", json={"browser": browser})
        return result

    async def claim_login(self, nonce: str) -> Json | None:
        """The confirmed person's token pair, or None while nobody has answered."""
        response = await self.call("POST", f"/api/v1/logins/{nonce}/claim")
        if response.status_code == 202:
            return None
        result: Json = response.json()
        return result

    async def telegram_login(self, user: Json) -> Json:
        """The token pair of a Telegram user (created if new), as the bot signs people in."""
        result: Json = await self.json("POST", "/api/v1/auth/telegram", json=user)
        return result

    async def refresh(self, refresh_token: str) -> Json:
        """A rotated token pair (never retried: a replay would revoke the family)."""
        result: Json = await self.json("POST", "/api/v1/auth/refresh", json={"refresh_token": refresh_token})
        return result

    async def logout(self, token: str) -> None:
        """End the person's Core sessions."""
        await self.call("POST", "/api/v1/auth/logout", token)


def _detail(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return body.get("detail", body) if isinstance(body, dict) else body
