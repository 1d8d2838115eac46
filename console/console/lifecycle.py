"""What the console builds at start-up besides the shared resources: the Core client and the
session store, in one `Console` the dependency functions hand out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import httpx

from console.clients.core import CoreClient
from console.config import Settings
from console.sessions.store import SessionStore
from shared.app import ServiceResources


@dataclass
class Console:
    """The console's components."""

    settings: Settings
    core: CoreClient
    sessions: SessionStore


def components(
    core_transport: httpx.AsyncBaseTransport | None = None,
) -> Callable[[ServiceResources], AbstractAsyncContextManager[Console]]:
    """The console's part of the lifespan (`core_transport`: how Core is reached, in tests)."""

    @asynccontextmanager
    async def build(resources: ServiceResources) -> AsyncIterator[Console]:
        settings = resources.settings
        assert isinstance(settings, Settings)
        core = CoreClient.create(settings.core_url, settings.core_api_token, settings.tenant_id,
                                 settings.http_timeout_seconds, core_transport)
        try:
            yield Console(settings, core, SessionStore(resources.redis, settings.session_ttl_seconds))
        finally:
            await core.aclose()

    return build
