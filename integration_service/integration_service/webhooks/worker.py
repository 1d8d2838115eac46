"""The webhook worker: processes and publishes due events (in the API's process or alone)."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from integration_service.webhooks.processing import NOTIFY_CHANNEL, process_batch
from shared.background import BackgroundLoop
from shared.events import OncePublisher, PgListener


class WebhookWorker:
    """Claims due events and publishes them; woken by the in-process receivers (or NOTIFY from a
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
        self.publisher = OncePublisher(redis)
        # Woken by a delivery, the loop lingers a little so that batches are not of one event (the
        # per-batch queries and commit cost more than the events in them). A Redis outage is backed
        # off like any expected failure: the events stay due and are published when it is back.
        self.loop = BackgroundLoop("webhook-worker", self._step, interval=interval, linger=linger,
                                   expected=(SQLAlchemyError, OSError, RedisError))
        self._listener = PgListener.for_engine(engine, NOTIFY_CHANNEL, self.loop.wake_event)

    def wake(self) -> None:
        """Process now (a receiver committed a new event)."""
        self.loop.wake()

    async def start(self) -> None:
        """Start processing and publishing in the background."""
        if self._listener is not None:
            self._listener.start()
        self.loop.start()

    async def stop(self) -> None:
        """Finish the current batch, then stop."""
        await self.loop.stop()
        if self._listener is not None:
            await self._listener.stop()

    async def _step(self) -> bool:
        return await process_batch(self.sessionmaker, self.publisher, self.batch) >= self.batch
