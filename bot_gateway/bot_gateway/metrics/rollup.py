"""Hourly and daily roll-ups of raw `bot_metrics` rows (idempotent: re-running recomputes)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot_gateway.keyboards.models import InlineKeyboardCache
from bot_gateway.metrics.models import BotMetric

log = logging.getLogger("bot.metrics")

_ROLLUP_SQL = """
INSERT INTO bot_metrics (tenant_id, granularity, bucket_at, event_type, command, outcome, count, errors,
                         duration_ms_total, duration_ms_max)
SELECT tenant_id, '{target}', date_trunc('{target}', bucket_at), event_type, command, outcome, sum(count),
       sum(errors), sum(duration_ms_total), max(duration_ms_max)
FROM bot_metrics
WHERE granularity = '{source}' AND bucket_at >= :since
GROUP BY tenant_id, date_trunc('{target}', bucket_at), event_type, command, outcome
ON CONFLICT (tenant_id, granularity, bucket_at, event_type, command, outcome) WHERE granularity <> 'raw'
DO UPDATE SET count = excluded.count, errors = excluded.errors,
              duration_ms_total = excluded.duration_ms_total, duration_ms_max = excluded.duration_ms_max
"""
# Units are constants baked into the SQL: a bound parameter repeated in GROUP BY is not "the same
# expression" to PostgreSQL.
_HOURLY = text(_ROLLUP_SQL.format(target="hour", source="raw"))
_DAILY = text(_ROLLUP_SQL.format(target="day", source="hour"))


async def roll_up(sessionmaker: async_sessionmaker[AsyncSession], *, now: datetime | None = None,
                  raw_retention_days: int = 7) -> None:
    """Recompute the current and previous hour and day; drop old raw rows and expired keyboards."""
    now = now or datetime.now(UTC)
    hour_since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    day_since = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    async with sessionmaker() as db, db.begin():
        await db.execute(_HOURLY, {"since": hour_since})
        await db.execute(_DAILY, {"since": day_since})
        await db.execute(delete(BotMetric).where(
            BotMetric.granularity == "raw", BotMetric.bucket_at < now - timedelta(days=raw_retention_days)))
        await db.execute(delete(InlineKeyboardCache).where(InlineKeyboardCache.expires_at < now))


async def rollup_loop(sessionmaker: async_sessionmaker[AsyncSession], every: float,
                      raw_retention_days: int) -> None:
    """Roll up every `every` seconds until cancelled; failures are logged and retried."""
    while True:
        await asyncio.sleep(every)
        try:
            await roll_up(sessionmaker, raw_retention_days=raw_retention_days)
        except Exception as exc:
            log.warning("metrics roll-up failed", extra={"error": str(exc)})
