"""The webhook worker: processes due events and runs the outbox relay (in-process or alone).

Alone (`python -m integration_service worker`) it is a small app of its own: the webhook worker,
the outbox relay and the requests-log consumer, with `/health`, `/health/ready` and `/metrics`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from integration_service.config import Settings
from integration_service.webhooks.intake import NOTIFY_CHANNEL
from integration_service.webhooks.models import OutboxEvent
from integration_service.webhooks.processing import STREAM, mark_published, process_batch
from shared.app import create_service_app
from shared.events import OutboxRelay, PgListener
from shared.logging import configure_logging

log = logging.getLogger("webhooks.worker")


class WebhookWorker:
    """Claims due events and runs the relay; woken by the in-process receivers (or NOTIFY from a
    retry or replay), else every `interval` seconds (a worker of its own relies on that)."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessionmaker: async_sessionmaker[AsyncSession],
        redis: Redis,
        *,
        batch: int = 200,
        interval: float = 0.25,
        linger: float = 0.01,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.batch = batch
        self.interval = interval
        self.linger = linger
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._listener = PgListener(engine, NOTIFY_CHANNEL, self._wake)
        self.relay = OutboxRelay(
            sessionmaker, OutboxEvent, redis, stream=STREAM, after_publish=mark_published
        )
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Process now (a receiver committed a new event)."""
        self._wake.set()

    async def start(self) -> None:
        """Start processing and publishing in the background."""
        self._stop.clear()
        self._listener.start()
        await self.relay.start()
        self._task = asyncio.create_task(self._run(), name="webhook-worker")

    async def stop(self) -> None:
        """Finish the current batch, then stop the relay."""
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._listener.stop()
        await self.relay.stop()

    async def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self._wake.clear()
            try:
                claimed = await process_batch(self.sessionmaker, self.batch, notify=False)
                failures = 0
                if claimed:
                    self.relay.wake()  # same process: no NOTIFY needed for the outbox
            except (SQLAlchemyError, OSError, RedisError) as exc:
                failures += 1
                delay = min(5.0, 0.1 * 2**failures) * random.uniform(0.5, 1.0)
                log.warning("webhook processing failed, retrying", extra={"error": str(exc)})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
                continue
            if claimed < self.batch:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.interval)
                    # Woken by a delivery: let a few more arrive, so batches are not of one event
                    # (the per-batch queries and commit cost more than the events in them).
                    await asyncio.sleep(self.linger)


async def start_worker(app: FastAPI) -> None:
    """Start-up hook: the in-process worker, unless `INTEGRATION_RUN_WORKER=false`."""
    app.state.webhook_worker = None
    if app.state.settings.run_worker:
        worker = WebhookWorker(app.state.engine, app.state.sessionmaker, app.state.redis)
        await worker.start()
        app.state.webhook_worker = worker
        receivers = getattr(app.state, "webhooks", None)
        if receivers is not None:  # receivers in this process wake it at once
            receivers.wake = worker.wake


async def stop_worker(app: FastAPI) -> None:
    """Shut-down hook: stop the in-process worker."""
    worker = getattr(app.state, "webhook_worker", None)
    if worker is not None:
        await worker.stop()


async def name_worker_logs(app: FastAPI) -> None:
    """Start-up hook of the worker alone: its log lines say `integration-worker`."""
    settings: Settings = app.state.settings
    configure_logging(f"{settings.service_name}-worker", settings.log_level, settings.log_json)


def create_worker_app(settings: Settings) -> FastAPI:
    """The worker alone: its background work (always on) and only health and metrics routes."""
    from integration_service import lifecycle

    return create_service_app(
        settings.model_copy(update={"run_worker": True}),
        title="UK Integration Service worker",
        on_startup=lifecycle.WORKER_STARTUP,
        on_shutdown=lifecycle.WORKER_SHUTDOWN,
    )


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling, which re-raises SIGTERM after the drain."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run_alone(settings: Settings, port: int | None = None) -> None:
    """`python -m integration_service worker`: the worker app on `port` (INTEGRATION_PORT), until SIGTERM.

    SIGTERM or SIGINT finishes the current batch, stops the relay and the consumer, and returns.
    """
    config = uvicorn.Config(create_worker_app(settings), host=settings.host, port=port or settings.port,
                            log_config=None, access_log=False, lifespan="on")
    server = _Server(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, setattr, server, "should_exit", True)
    await server.serve()
    log.info("webhook worker stopped")
