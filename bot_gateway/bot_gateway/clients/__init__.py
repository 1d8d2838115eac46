"""The bot's backend clients, built once in the lifespan and shared by every update."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot_gateway.clients.base import make_http
from bot_gateway.clients.core import (
    AnnouncementClient,
    AuthClient,
    BuildingClient,
    InviteClient,
    LoginClient,
    RequestClient,
    ResidencyClient,
    UserClient,
)
from bot_gateway.clients.errors import ApiError, BackendUnavailable, Forbidden, NotFound, Unauthorized
from bot_gateway.clients.integration import IntegrationClient
from bot_gateway.clients.shifts import ShiftClient
from bot_gateway.config import Settings
from shared.http import ServiceClient


@dataclass
class Clients:
    """One connection pool per backend; the Core pool is shared by the Core clients."""

    core_http: ServiceClient
    integration_http: ServiceClient
    auth: AuthClient
    users: UserClient
    buildings: BuildingClient
    requests: RequestClient
    integration: IntegrationClient
    residencies: ResidencyClient
    invites: InviteClient
    announcements: AnnouncementClient
    shifts: ShiftClient
    logins: LoginClient

    async def aclose(self) -> None:
        """Close both pools."""
        await self.core_http.aclose()
        await self.integration_http.aclose()


def build_clients(
    settings: Settings, *, core_transport: httpx.AsyncBaseTransport | None = None,
    integration_transport: httpx.AsyncBaseTransport | None = None,
) -> Clients:
    """Clients for Core and Integration from settings."""
    common = {"timeout": settings.http_timeout_seconds, "attempts": settings.http_attempts,
              "backoff": settings.http_backoff_seconds, "breaker_threshold": settings.breaker_threshold,
              "breaker_cooldown": settings.breaker_cooldown_seconds}
    core = make_http("core", settings.core_url, settings.core_api_token, transport=core_transport,
                     **common)  # type: ignore[arg-type]
    integration = make_http("integration", settings.integration_url, settings.integration_api_token,
                            transport=integration_transport, **common)  # type: ignore[arg-type]
    tenant = settings.tenant_id
    return Clients(core, integration, AuthClient(core, tenant), UserClient(core, tenant),
                   BuildingClient(core, tenant), RequestClient(core, tenant),
                   IntegrationClient(integration, tenant), ResidencyClient(core, tenant),
                   InviteClient(core, tenant), AnnouncementClient(core, tenant),
                   ShiftClient(core, tenant), LoginClient(core, tenant))


__all__ = ["ApiError", "BackendUnavailable", "Clients", "Forbidden", "NotFound", "Unauthorized",
           "build_clients"]
