"""The outbox relay, run in the app's lifespan: publishes `core.*` events and appends to `stream:core`."""

from __future__ import annotations

from fastapi import FastAPI

from core_service.events.models import OutboxEvent
from shared.events import OutboxRelay


async def start(app: FastAPI) -> None:
    """Start publishing outbox rows (unless workers are off, as in some tests)."""
    settings = app.state.settings
    app.state.relay = OutboxRelay(
        app.state.sessionmaker, OutboxEvent, app.state.redis, stream=settings.events_stream
    )
    if settings.run_workers:
        await app.state.relay.start()


async def stop(app: FastAPI) -> None:
    """Publish what is in flight and stop."""
    relay: OutboxRelay | None = getattr(app.state, "relay", None)
    if relay is not None:
        await relay.stop()
