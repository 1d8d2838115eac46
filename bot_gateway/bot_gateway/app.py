"""The bot gateway's FastAPI app: health, ready, metrics; the webhook in webhook mode."""

from __future__ import annotations

from fastapi import FastAPI

from bot_gateway.clients import Clients
from bot_gateway.config import Settings
from bot_gateway.runtime import lifecycle
from bot_gateway.runtime.webhook import webhook_router
from shared.app import create_service_app


def create_app(settings: Settings, *, clients: Clients | None = None) -> FastAPI:
    """The app; the bot is built in its lifespan (polling runs as a background task)."""

    async def start_bot(app: FastAPI) -> None:
        app.state.bot = lifecycle.build_runtime(app, settings, clients)
        await lifecycle.start(app.state.bot)

    async def stop_bot(app: FastAPI) -> None:
        runtime = getattr(app.state, "bot", None)
        if runtime is not None:
            await lifecycle.stop(runtime)

    routers = [webhook_router(settings.webhook_path)] if settings.mode == "webhook" else []
    return create_service_app(settings, title="Bot Gateway", routers=routers, on_startup=[start_bot],
                              on_shutdown=[stop_bot])
