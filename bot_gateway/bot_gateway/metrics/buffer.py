"""Update metrics kept in memory and written to `bot_metrics` in batches, off the hot path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter as Tally
from datetime import UTC, datetime
from typing import Any

from aiogram.types import TelegramObject
from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.commands.models import BotCommand
from bot_gateway.metrics.models import BotMetric
from bot_gateway.updates import command_of, event_type

log = logging.getLogger("bot.metrics")


class MetricsBuffer:
    """`record()` is a list append; a background task flushes every few seconds or at batch size."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], *, tenant: str = "default",
                 flush_seconds: float = 2.0, batch_size: int = 500, max_pending: int = 50_000) -> None:
        self.sessionmaker = sessionmaker
        self.tenant = tenant
        self.flush_seconds = flush_seconds
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.pending: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def record(
        self, event: TelegramObject, outcome: str, duration_ms: float, error: str | None = None
    ) -> None:
        """Queue one update's record (dropped, and logged, if the database has been down too long)."""
        if len(self.pending) >= self.max_pending:
            return
        user = getattr(event, "from_user", None)
        self.pending.append({
            "tenant_id": self.tenant, "granularity": "raw", "bucket_at": datetime.now(UTC),
            "event_type": event_type(event), "command": command_of(event), "outcome": outcome,
            "count": 1, "errors": int(outcome == "error"), "duration_ms_total": duration_ms,
            "duration_ms_max": duration_ms, "telegram_id": getattr(user, "id", None),
            "error": error[:255] if error else None,
        })
        if len(self.pending) >= self.batch_size:
            self._wake.set()

    def start(self) -> None:
        """Run the flusher in the background."""
        self._task = asyncio.create_task(self._run(), name="bot-metrics-flush")

    async def stop(self) -> None:
        """Stop the flusher (never mid-write, which would lose a batch) and write what is left."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
        await self.flush()

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.flush_seconds)
            self._wake.clear()
            await self.flush()

    async def flush(self) -> int:
        """Write pending rows in one statement (and command usage counts); rows written."""
        rows, self.pending = self.pending, []
        if not rows:
            return 0
        usage = Tally(r["command"] for r in rows if r["command"][:1] == "/" and r["outcome"] == "handled")
        try:
            async with self.sessionmaker() as db, db.begin():
                await db.execute(insert(BotMetric), rows)
                for command, count in usage.items():
                    await db.execute(update(BotCommand).where(
                        BotCommand.tenant_id == self.tenant, BotCommand.command == command[1:]
                    ).values(usage_count=BotCommand.usage_count + count))
        except Exception as exc:  # the database may be down: keep the rows for the next try
            log.warning("metrics flush failed", extra={"error": str(exc), "rows": len(rows)})
            self.pending = rows + self.pending
            return 0
        return len(rows)
