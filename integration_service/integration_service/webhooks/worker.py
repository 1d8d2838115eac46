"""The webhook worker: processes due events and runs the outbox relay (in the API's process or alone)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from integration_service.webhooks.models import OutboxEvent
from integration_service.webhooks.processing import NOTIFY_CHANNEL, STREAM, mark_published, process_batch
from shared.events import OutboxRelay, PgListener

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
