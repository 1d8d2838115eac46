"""The webhook worker: processes due events and runs the outbox relay (in the API's process or alone)."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from integration_service.webhooks.models import OutboxEvent
from integration_service.webhooks.processing import NOTIFY_CHANNEL, STREAM, mark_published, process_batch
from shared.background import BackgroundLoop
from shared.events import OutboxRelay, PgListener


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
        # Woken by a delivery, the loop lingers a little so that batches are not of one event (the
        # per-batch queries and commit cost more than the events in them).
        self.loop = BackgroundLoop("webhook-worker", self._step, interval=interval, linger=linger,
                                   expected=(SQLAlchemyError, OSError, RedisError))
        self._listener = PgListener.for_engine(engine, NOTIFY_CHANNEL, self.loop.wake_event)
        self.relay = OutboxRelay(
            sessionmaker, OutboxEvent, redis, stream=STREAM, after_publish=mark_published
        )

    def wake(self) -> None:
        """Process now (a receiver committed a new event)."""
        self.loop.wake()

    async def start(self) -> None:
        """Start processing and publishing in the background."""
        if self._listener is not None:
            self._listener.start()
        await self.relay.start()
        self.loop.start()

    async def stop(self) -> None:
        """Finish the current batch, then stop the relay."""
        await self.loop.stop()
        if self._listener is not None:
            await self._listener.stop()
        await self.relay.stop()

    async def _step(self) -> bool:
        claimed = await process_batch(self.sessionmaker, self.batch, notify=False)
        if claimed:
            self.relay.wake()  # same process: no NOTIFY needed for the outbox
        return claimed >= self.batch
