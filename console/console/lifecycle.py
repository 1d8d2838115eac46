"""What the console builds at start-up besides the shared resources: the Core client, the
session store and the live feed, in one `Console` the dependency functions hand out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

import httpx

from console.clients.core import CoreClient
from console.clients.telegram import TelegramFiles
from console.config import Settings
from console.live.feed import LiveFeed
from console.sessions.store import SessionStore
from shared.app import ServiceResources


@dataclass
class Console:
    """The console's components."""

    settings: Settings
    core: CoreClient
    sessions: SessionStore
    live: LiveFeed
    files: TelegramFiles


def components(
    core_transport: httpx.AsyncBaseTransport | None = None,
    telegram_transport: httpx.AsyncBaseTransport | None = None,
) -> Callable[[ServiceResources], AbstractAsyncContextManager[Console]]:
    """The console's part of the lifespan (the transports: how Core and Telegram are reached, in
    tests)."""

    @asynccontextmanager
    async def build(resources: ServiceResources) -> AsyncIterator[Console]:
        settings = resources.settings
        assert isinstance(settings, Settings)
        core = CoreClient.create(settings.core_url, settings.core_api_token, settings.tenant_id,
                                 settings.http_timeout_seconds, core_transport)
        files = TelegramFiles(settings.telegram_api_url, settings.bot_token, settings.http_timeout_seconds,
                              telegram_transport)
        live = LiveFeed(resources.redis, settings.tenant_id)
        await live.start()
        try:
            sessions = SessionStore(resources.redis, settings.session_ttl_seconds)
            yield Console(settings, core, sessions, live, files)
        finally:
            await live.stop()
            await files.aclose()
            await core.aclose()

    return build
