"""The bot through a real PgBouncer in transaction pooling mode (`BOT_DB_PGBOUNCER`): sessions,
metrics and command usage are stored for many chats at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from bot_fakes import FakeCore, FakeTelegram
from sqlalchemy import func, select

from bot_gateway.commands.models import BotCommand
from bot_gateway.metrics.models import BotMetric
from bot_gateway.metrics.rollup import roll_up
from bot_gateway.sessions.models import BotSession
from shared import testing
from shared.app import resources_of

CHATS = range(7101, 7121)


@pytest.fixture(scope="module")
def bouncer() -> Iterator[str]:
    """A PgBouncer with two server connections per database; its server URL."""
    with testing.pgbouncer(testing.pgbouncer_required()) as url:
        yield url


async def test_many_chats_sign_in_and_are_counted_through_the_pgbouncer(
    run_app, telegram: FakeTelegram, core: FakeCore, bouncer: str, database_url: str
) -> None:
    database = database_url.rsplit("/", 1)[1]
    async with run_app(database_url=f"{bouncer}/{database}", db_pgbouncer=True) as (app, _):
        for _ in range(2):
            await asyncio.gather(*(telegram.updates.put(telegram.message(chat, "/menu")) for chat in CHATS))
        await telegram.wait_for(lambda: all(len(telegram.texts(chat)) >= 2 for chat in CHATS))
        maker = resources_of(app).sessions
    # the app's shutdown flushed the pending metrics
    await roll_up(maker)
    async with maker() as db:
        signed_in = await db.scalar(select(func.count()).select_from(BotSession))
        usage = await db.scalar(select(BotCommand.usage_count).where(BotCommand.command == "menu"))
        daily = await db.scalar(select(func.sum(BotMetric.count)).where(BotMetric.granularity == "day",
                                                                           BotMetric.command == "/menu"))
    assert core.count("/api/v1/auth/telegram") == len(CHATS)
    assert signed_in == len(CHATS)
    assert usage == daily == 2 * len(CHATS)
    await maker.kw["bind"].dispose()
