"""The worker process (`python -m integration_service worker`): the background work without the API.

A small app of its own: the webhook worker (which publishes the events) and the requests-log consumer, with
`/health`, `/health/ready` and `/metrics` only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI

from integration_service import lifecycle
from integration_service.config import Settings
from shared.app import create_service_app

log = logging.getLogger("webhooks.worker")


def create_worker_app(settings: Settings) -> FastAPI:
    """The worker alone: its background work (always on) and only health and metrics routes."""
    return create_service_app(
        settings.model_copy(update={"run_worker": True}),
        title="UK Integration Service worker",
        components=lifecycle.components(api=False),
    )


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling, which re-raises SIGTERM after the drain."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run_alone(settings: Settings, port: int | None = None) -> None:
    """Serve the worker app on `port` (INTEGRATION_PORT) until SIGTERM or SIGINT.

    Either signal finishes the current batch, stops the consumer, and returns.
    """
    config = uvicorn.Config(create_worker_app(settings), host=settings.host, port=port or settings.port,
                            log_config=None, access_log=False, lifespan="on")
    server = _Server(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, setattr, server, "should_exit", True)
    await server.serve()
    log.info("webhook worker stopped")
