"""The emulator app (Bot API, control API, chat page, and the shared health/metrics/middleware) and the
server that runs it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from shared.app import freeze_startup_objects, offline_docs_app, server_options
from shared.errors import install_error_handlers
from shared.health import Check, health_router
from shared.http import PooledTransport
from shared.logging import configure_logging
from shared.metrics import metrics_router
from shared.middleware import HeaderLimits, RequestContextMiddleware
from telegram_emulator.botapi.router import router as botapi_router
from telegram_emulator.botapi.webhook import WebhookSender
from telegram_emulator.config import Settings
from telegram_emulator.control.router import router as control_router
from telegram_emulator.redact import RedactTokenPaths, RestoreTokenPaths
from telegram_emulator.state.world import World
from telegram_emulator.web.router import router as web_router

# How long an idle client connection stays open, as a front server such as nginx keeps one (75 s),
# not uvicorn's 5 s: a chat page or a load test's resident pausing between messages, and a bot's
# HTTP client, which drops its idle connections sooner, reuse theirs instead of reconnecting.
KEEP_ALIVE_SECONDS = 75


async def _state_ok() -> None:
    """Everything lives in memory: ready as soon as the app runs (no database, no Redis)."""


async def _ready_checks() -> dict[str, Check]:
    """What `/health/ready` checks: nothing outside the process."""
    return {"state": _state_ok}


def create_app(settings: Settings, world: World | None = None) -> FastAPI:
    """Build the emulator over `world` (a fresh one by default); its webhook sender lives in the
    lifespan, whose end also ends the long polls still open."""
    world = world or World.create(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level, settings.log_json)
        world.opened()
        app.state.world = world
        # As many kept open as may be in flight: a webhook's deliveries reuse their connections
        # (aiohttp's pool, which ignores HTTP(S)_PROXY: webhooks go to local receivers).
        async with httpx.AsyncClient(transport=PooledTransport(200)) as client:
            app.state.webhooks = WebhookSender(world, client)
            freeze_startup_objects()  # as every service does: full collections stay short
            try:
                yield
            finally:
                world.close()
                await app.state.webhooks.stop_all()

    app = offline_docs_app(
        title="Telegram emulator",
        lifespan=lifespan,
        description="A local Telegram Bot API server with a control API and a web chat page.",
    )
    # Added innermost first: Restore runs inside RequestContextMiddleware, Redact outside it.
    app.add_middleware(RestoreTokenPaths)
    app.add_middleware(HeaderLimits, max_headers=settings.max_headers, max_bytes=settings.max_header_bytes)
    app.add_middleware(RequestContextMiddleware, service=settings.service_name)
    app.add_middleware(RedactTokenPaths)
    install_error_handlers(app)
    # The Bot API's routes are the app's first, its own rather than an included router's: matching
    # walks the routes in order, and an included router matches each request twice. Every update
    # of a bot costs two or three of these calls.
    app.router.routes.extend(botapi_router.routes)
    app.include_router(health_router(settings.service_name, _ready_checks))
    app.include_router(metrics_router())
    app.include_router(control_router)
    app.include_router(web_router)
    return app


class EmulatorServer(uvicorn.Server):
    """uvicorn, ending the world's long polls (getUpdates, `/wait`, transcripts) as soon as it starts
    to stop: it would otherwise wait for them to time out, then cancel them with an error."""

    def __init__(self, config: uvicorn.Config, world: World) -> None:
        super().__init__(config)
        self.world = world

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """End the long polls, then shut down as uvicorn does (open requests finish, lifespan ends)."""
        self.world.close()
        await super().shutdown(sockets)


def serve(settings: Settings) -> None:
    """Run the emulator on `settings.host:port` until a signal stops it."""
    world = World.create(settings)
    app = create_app(settings, world)
    config = uvicorn.Config(app, **server_options(settings), timeout_keep_alive=KEEP_ALIVE_SECONDS,
                            timeout_graceful_shutdown=5)
    server = EmulatorServer(config, world)
    server.run()
    if not server.started:  # start-up failed (port taken, ...): uvicorn said why
        raise SystemExit(3)
