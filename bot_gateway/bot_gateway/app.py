"""The bot gateway's FastAPI app: health, ready, metrics; the webhook in webhook mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot_gateway.clients import Clients
from bot_gateway.config import Settings
from bot_gateway.runtime import lifecycle
from bot_gateway.runtime.webhook import webhook_router
from shared.app import ServiceResources, create_service_app


def create_app(settings: Settings, *, clients: Clients | None = None) -> FastAPI:
    """The app; the bot is built in its lifespan (polling runs as a background task)."""

    @asynccontextmanager
    async def bot(resources: ServiceResources) -> AsyncIterator[lifecycle.BotRuntime]:
        runtime = lifecycle.build_runtime(resources, settings, clients)
        await lifecycle.start(runtime)
        try:
            yield runtime
        finally:
            await lifecycle.stop(runtime)

    routers = [webhook_router(settings.webhook_path)] if settings.mode == "webhook" else []
    return create_service_app(settings, title="Bot Gateway", routers=routers, components=bot)
