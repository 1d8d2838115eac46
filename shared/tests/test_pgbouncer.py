"""Through a real PgBouncer in transaction pooling mode: what breaks without `DB_PGBOUNCER`, and
that sessions, the outbox relay and LISTEN work with it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase

from shared import testing
from shared.config import ServiceSettings
from shared.db import (
    behind_pgbouncer,
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
    listen_dsn,
    make_metadata,
)
from shared.events import Envelope, OutboxMixin, OutboxRelay, emit


class Base(DeclarativeBase):
    metadata = make_metadata()


class OutboxEvent(OutboxMixin, Base):
    __tablename__ = "outbox_events"


@pytest.fixture(scope="module")
def bouncer() -> Iterator[str]:
    """A PgBouncer (transaction pooling, two server connections per database); its server URL."""
    with testing.pgbouncer(testing.pgbouncer_required()) as url:
        yield url


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[str]:
    """A fresh database with an outbox table; its name."""
    url = await testing.create_database("shared_pgbouncer")
    settings = ServiceSettings(_env_file=None, database_url=url)
    engine = create_engine(settings)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    await engine.dispose()
    yield url.rsplit("/", 1)[1]
    await testing.drop_database(url)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(testing.redis_url("shared"))
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


def settings(bouncer: str, database: str, **values: Any) -> ServiceSettings:
    return ServiceSettings(_env_file=None, database_url=f"{bouncer}/{database}", **values)


@pytest.fixture
async def engine(bouncer: str, database: str) -> AsyncIterator[AsyncEngine]:
    """An engine through the PgBouncer with `DB_PGBOUNCER` on."""
    made = create_engine(settings(bouncer, database, db_pgbouncer=True, db_pool_size=10))
    yield made
    async with made.begin() as conn:
        await conn.execute(delete(OutboxEvent))
    await made.dispose()


async def transactions(engine: AsyncEngine, clients: int = 10, rounds: int = 20) -> None:
    """`clients` sessions at once, each running `rounds` transactions of two different queries."""
    maker = create_sessionmaker(engine)

    async def client(n: int) -> None:
        for round_ in range(rounds):
            async with maker() as session, session.begin():
                await session.execute(select(func.count()).select_from(OutboxEvent))
                value = n * 1000 + round_
                assert (await session.execute(select(func.abs(value)))).scalar_one() == value

    await asyncio.gather(*(client(n) for n in range(clients)))


async def test_without_the_setting_the_connection_is_refused_for_its_startup_parameters(
    bouncer: str, database: str
) -> None:
    engine = create_engine(settings(bouncer, database))
    with pytest.raises(DBAPIError, match="unsupported startup parameter"):
        async with engine.connect() as conn:
            await conn.execute(select(1))
    await engine.dispose()


async def test_without_the_setting_asyncpgs_statement_cache_breaks_under_concurrency(
    bouncer: str, database: str
) -> None:
    # The startup parameters left out, as the setting does, but the statement cache kept. Two
    # transactions at once hold both server connections, each client preparing its statement on
    # one; afterwards a client's next transaction may get the other one, where its cached
    # statement does not exist (or another of that name does).
    engine = create_engine(settings(bouncer, database, db_pool_size=2),
                           connect_args={"server_settings": {"application_name": "test"}})
    with pytest.raises(DBAPIError, match="prepared statement"):
        async with engine.connect() as one, engine.connect() as two:
            await one.execute(select(func.abs(1)))
            await two.execute(select(func.length("x")))
            await one.commit()
            await two.commit()
            for round_ in range(4):
                for conn in (two, one):
                    await conn.execute(select(func.abs(round_)))
                    await conn.commit()
    await engine.dispose()


async def test_with_the_setting_concurrent_transactions_share_two_server_connections(
    engine: AsyncEngine,
) -> None:
    await transactions(engine, clients=20, rounds=15)
    assert behind_pgbouncer(engine)


def test_behind_it_reads_keep_their_transaction(engine: AsyncEngine) -> None:
    # Outside a transaction a statement's prepare and execute could reach two server connections.
    assert create_read_sessionmaker(engine) is None


async def test_the_outbox_relay_publishes_every_row_once_through_the_pgbouncer(
    engine: AsyncEngine, redis: Redis
) -> None:
    maker = create_sessionmaker(engine)
    relay = OutboxRelay(maker, OutboxEvent, redis, stream="stream:pgbouncer", interval=0.05, batch=7)
    await relay.start()
    assert relay._listener is None  # a LISTEN through transaction pooling would never hear a NOTIFY

    async def emitter(n: int) -> None:
        for k in range(10):
            await emitted(maker, n * 100 + k)

    await asyncio.gather(*(emitter(n) for n in range(5)))
    deadline = time.monotonic() + 10
    while await redis.xlen("stream:pgbouncer") < 50 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await relay.stop()
    entries = await testing.stream_entries(redis, "stream:pgbouncer")
    assert len(entries) == 50
    async with maker() as session:
        query = select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
        assert (await session.execute(query)).scalar_one() == 0


async def test_with_a_listen_url_the_relay_listens_directly_and_wakes_on_commit(
    bouncer: str, database: str, redis: Redis
) -> None:
    direct = f"{testing.pg_server_url()}/{database}"
    engine = create_engine(settings(bouncer, database, db_pgbouncer=True, db_listen_url=direct))
    assert listen_dsn(engine) == direct.replace("postgresql+asyncpg://", "postgresql://")
    maker = create_sessionmaker(engine)
    relay = OutboxRelay(maker, OutboxEvent, redis, stream="stream:pgbouncer", interval=30)
    await relay.start()
    assert relay._listener is not None
    await asyncio.wait_for(relay._listener.connected.wait(), 5)
    await asyncio.sleep(0.1)  # let the first (empty) poll finish
    started = time.monotonic()
    await emitted(maker, 1)
    while await redis.xlen("stream:pgbouncer") == 0 and time.monotonic() - started < 5:
        await asyncio.sleep(0.01)
    elapsed = time.monotonic() - started
    await relay.stop()
    await engine.dispose()
    assert await redis.xlen("stream:pgbouncer") == 1
    assert elapsed < 1.0


def test_without_pgbouncer_listen_goes_to_the_database_url() -> None:
    direct = ServiceSettings(_env_file=None, database_url="postgresql+asyncpg://u:p@db:5432/x")
    engine = create_engine(direct)
    assert listen_dsn(engine) == "postgresql://u:p@db:5432/x"
    assert not behind_pgbouncer(engine)


async def emitted(maker: async_sessionmaker[AsyncSession], n: int) -> None:
    envelope = Envelope.new(event_type="thing.happened", source="test", tenant_id="t1", data={"n": n})
    async with maker() as session, session.begin():
        await emit(session, OutboxEvent, envelope, channel="test.thing")


def test_the_database_password_goes_into_the_listen_url_too() -> None:
    values = ServiceSettings(
        _env_file=None, database_url="postgresql+asyncpg://app@bouncer:6432/x", db_pgbouncer=True,
        db_listen_url="postgresql+asyncpg://app@db:5432/x", database_password="p@ss",
    )
    assert values.db_listen_url == "postgresql+asyncpg://app:p%40ss@db:5432/x"
    assert listen_dsn(create_engine(values)) == "postgresql://app:p%40ss@db:5432/x"
