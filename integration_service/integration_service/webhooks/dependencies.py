"""The webhooks domain's per-app objects and their FastAPI dependencies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from integration_service.webhooks.configs import ConfigDirectory
from integration_service.webhooks.store import DatabaseUnavailable, NewEvent, insert_events
from shared.batching import Coalescer, Overloaded
from shared.crypto import SecretBox
from shared.ratelimit import RateLimiter

WRITER_BATCHES_IN_FLIGHT = 4
# Deliveries arriving within 2 ms share a statement: at 1000/s that halved the insert's CPU share.
BATCH_LINGER_SECONDS = 0.002
# Beyond these, a delivery is answered 503 rather than held (each holds its body, up to 1 MiB).
MAX_WAITING_DELIVERIES = 1000
STORE_GRACE_SECONDS = 10.0  # on top of the pool's acquire timeout: the batches ahead of it


@dataclass
class WebhookRuntime:
    """Built at start-up: secrets box, insert pool, config directory, the receivers' rate limiter."""

    box: SecretBox
    pool: asyncpg.Pool
    directory: ConfigDirectory
    limiter: RateLimiter
    acquire_timeout: float = 5.0
    # Called after a new event is committed: the in-process worker sets it to its wake-up.
    wake: Callable[[], None] = field(default=lambda: None)
    writer: Coalescer[NewEvent, bool] = field(init=False)

    def __post_init__(self) -> None:
        # Several batches in flight: while one waits for its commit's WAL flush, the next fills.
        self.writer = Coalescer(
            self._store, max_batch=200, concurrency=WRITER_BATCHES_IN_FLIGHT, linger=BATCH_LINGER_SECONDS,
            max_pending=MAX_WAITING_DELIVERIES,
        )

    async def store(self, event: NewEvent) -> bool:
        """Store one delivery with the others arriving now; True if new.

        A database that cannot keep up answers "unavailable" (503, the sender retries) instead of
        letting deliveries queue without bound: too many waiting, or no answer within the deadline.
        """
        try:
            async with asyncio.timeout(self.acquire_timeout + STORE_GRACE_SECONDS):
                return await self.writer.submit(event)
        except Overloaded as exc:
            raise DatabaseUnavailable(f"deliveries are not being stored fast enough: {exc}") from exc

    async def _store(self, events: list[NewEvent]) -> list[bool | BaseException]:
        # `self.pool` is read per batch, so a pool swapped in (tests, a reconnect) takes effect.
        return await insert_events(self.pool, events, self.acquire_timeout)


async def get_runtime(request: Request) -> WebhookRuntime:
    """The app's webhook runtime."""
    runtime: WebhookRuntime = request.app.state.webhooks
    return runtime


RuntimeDep = Annotated[WebhookRuntime, Depends(get_runtime)]
