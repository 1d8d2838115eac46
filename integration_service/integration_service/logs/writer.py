"""A batched background writer of outbound call records into `integration_logs`."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any, cast

import httpx
from prometheus_client import Counter, Gauge
from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from integration_service.logs.context import call_tenant
from integration_service.logs.models import IntegrationLog
from shared.background import BackgroundLoop
from shared.http import CallRecord, ServiceClient

log = logging.getLogger("integration.call_log")
WRITTEN = Counter("integration_call_log_written_total", "Outbound call records written")
DROPPED = Counter(
    "integration_call_log_dropped_total", "Outbound call records not written", ["reason"]
)
QUEUED = Gauge("integration_call_log_queue_depth", "Outbound call records waiting to be written")
TABLE = cast(Table, IntegrationLog.__table__)


class CallLog:
    """`record` never waits: records queue up and a task writes them a batch per statement."""

    def __init__(
        self, engine: AsyncEngine, *, batch_size: int = 200, flush_seconds: float = 0.5,
        max_queue: int = 10_000,
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=max_queue)
        self.loop = BackgroundLoop("call-log-writer", self._step, interval=flush_seconds)

    @property
    def pending(self) -> int:
        """Records queued and not yet written."""
        return self.queue.qsize()

    def record(self, call: CallRecord) -> None:
        """Queue one call (the `recorder` of a ServiceClient); a full queue drops and counts it."""
        row = {
            "tenant_id": call_tenant.get(), "service": call.service[:100], "method": call.method,
            "url": call.url, "status_code": call.status_code, "duration_ms": call.duration_ms,
            "error": call.error, "correlation_id": (call.correlation_id or None),
            "attempt": call.attempt, "created_at": datetime.now(UTC),
        }
        try:
            self.queue.put_nowait(row)
        except asyncio.QueueFull:
            DROPPED.labels("queue_full").inc()
            return
        if self.queue.qsize() >= self.batch_size:
            self.loop.wake()

    def client(
        self, service: str, base_url: str, *, timeout: float, attempts: int = 3,
        transport: httpx.AsyncBaseTransport | None = None, **options: Any,
    ) -> ServiceClient:
        """A ServiceClient for `service` whose every call is recorded here; close it with `aclose()`.

        The tenant logged is the one bound by `CallTenantDep` / `use_tenant`.
        """
        return ServiceClient(service, base_url, timeout=timeout, attempts=attempts,
                             recorder=self.record, transport=transport, **options)

    def start(self) -> None:
        """Start the writer task."""
        self.loop.start()

    async def stop(self) -> None:
        """Stop the task and write whatever is still queued."""
        await self.loop.stop()
        while not self.queue.empty():
            if not await self.flush():
                # The database is gone: don't hold shutdown up batch after batch.
                DROPPED.labels("write_failed").inc(self.queue.qsize())
                break

    async def _step(self) -> bool:
        # Woken by a full batch, else every `flush_seconds`: write until the queue is empty.
        await self.flush()
        return self.queue.qsize() > 0

    async def flush(self) -> int:
        """Write up to one batch of queued records in one statement; the number written."""
        rows: list[dict[str, Any]] = []
        while self.queue.qsize() and len(rows) < self.batch_size:
            rows.append(self.queue.get_nowait())
        QUEUED.set(self.queue.qsize())
        if not rows:
            return 0
        try:
            async with self.engine.begin() as conn:
                # executemany of one prepared INSERT: asyncpg pipelines the batch, and unlike a
                # VALUES list of varying length the statement is compiled once (measured 8x faster).
                await conn.execute(insert(TABLE), rows)
        except Exception as exc:  # the database may be down; calls must not fail because of it
            DROPPED.labels("write_failed").inc(len(rows))
            log.warning("call log write failed", extra={"error": repr(exc), "records": len(rows)})
            return 0
        WRITTEN.inc(len(rows))
        return len(rows)
