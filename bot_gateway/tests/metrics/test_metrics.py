"""Metrics go to bot_metrics in batches, roll up hourly and daily, and count command usage."""

from __future__ import annotations

from bot_fakes import FakeTelegram
from sqlalchemy import func, select

from bot_gateway.commands.models import BotCommand
from bot_gateway.metrics.models import BotMetric
from bot_gateway.metrics.rollup import roll_up
from shared.app import resources_of


async def test_updates_are_recorded_in_batches_and_rolled_up(run_app, telegram: FakeTelegram):
    async with run_app() as (app, _):
        for _ in range(3):
            await telegram.updates.put(telegram.message(1001, "/menu"))
        await telegram.updates.put(telegram.message(1001, "hello"))
        await telegram.wait_for(lambda: len(telegram.texts(1001)) >= 4)
        maker = resources_of(app).sessions
    # the app's shutdown flushed what was pending
    async with maker() as db:
        raw = (await db.scalars(select(BotMetric).where(BotMetric.granularity == "raw"))).all()
        usage = await db.scalar(select(BotCommand.usage_count).where(BotCommand.command == "menu"))
    assert sorted((m.command, m.outcome) for m in raw) == [("/menu", "handled")] * 3 + [("text", "handled")]
    assert all(m.duration_ms_total >= 0 and m.telegram_id == 1001 for m in raw)
    assert usage == 3
    await roll_up(maker)
    await roll_up(maker)  # idempotent: recomputed, not added twice
    async with maker() as db:
        hourly = await db.scalar(select(func.sum(BotMetric.count)).where(BotMetric.granularity == "hour"))
        daily = (await db.scalars(select(BotMetric).where(BotMetric.granularity == "day",
                                                           BotMetric.command == "/menu"))).one()
    assert hourly == 4 and daily.count == 3


async def test_dropped_updates_are_recorded_as_rate_limited(run_app, telegram: FakeTelegram):
    async with run_app(rate_limit_per_minute=1) as (app, _):
        await telegram.updates.put(telegram.message(1002, "a"))
        await telegram.updates.put(telegram.message(1002, "b"))
        await telegram.wait_for(lambda: len(telegram.texts(1002)) >= 2)
        maker = resources_of(app).sessions
    async with maker() as db:
        outcomes = sorted((await db.scalars(select(BotMetric.outcome))).all())
    assert outcomes == ["handled", "rate_limited"]
