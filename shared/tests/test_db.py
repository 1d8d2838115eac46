"""The engine's pool: a connection that sat idle is checked before use and replaced when the
database closed it; one in steady use goes straight to its query. Reads outside a transaction
that refuse to write. Counts that stop at a cap."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared import db, testing
from shared.config import ServiceSettings


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[str]:
    url = await testing.create_database("shared_db")
    yield url
    await testing.drop_database(url)


@pytest.fixture
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    made = db.create_engine(ServiceSettings(_env_file=None, database_url=database, db_pool_size=1,
                                            db_max_overflow=0))
    yield made
    await made.dispose()


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pings the pool sends (SQLAlchemy's asyncpg adapter's), counted."""
    sent: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counted(self: Any) -> None:
        sent.append(1)
        ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counted)
    return sent


async def _backend(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_connection_in_steady_use_is_not_pinged(engine: AsyncEngine, pings: list[int]) -> None:
    first = await _backend(engine)
    for _ in range(5):
        assert await _backend(engine) == first
    assert pings == []


async def test_an_idle_connection_the_database_closed_is_replaced_before_the_query(
    engine: AsyncEngine, database: str, pings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = await _backend(engine)
    admin = db.create_engine(ServiceSettings(_env_file=None, database_url=database))
    async with admin.connect() as conn:
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": closed})
    await admin.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if it had waited that long

    replaced = await _backend(engine)

    assert replaced != closed and pings == [1]


async def test_connections_the_database_closed_under_load_fail_once_then_all_are_replaced(
    database: str,
) -> None:
    engine = db.create_engine(ServiceSettings(_env_file=None, database_url=database, db_pool_size=2,
                                              db_max_overflow=0))
    async with engine.connect() as one, engine.connect() as two:
        pids = [(await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one() for conn in (one, two)]
    admin = db.create_engine(ServiceSettings(_env_file=None, database_url=database))
    async with admin.connect() as conn:
        for pid in pids:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await admin.dispose()

    with pytest.raises(DBAPIError) as failed:
        await _backend(engine)
    assert failed.value.connection_invalidated
    after = {await _backend(engine) for _ in range(4)}
    await engine.dispose()

    assert after.isdisjoint(pids)


@pytest.mark.parametrize(("rows", "counted"),
                         [(0, (0, True)), (3, (3, True)), (4, (4, True)), (5, (4, False))])
async def test_a_capped_count_is_exact_up_to_the_cap_and_says_when_it_stopped(
    engine: AsyncEngine, rows: int, counted: tuple[int, bool]
) -> None:
    async with AsyncSession(engine) as session:
        assert await db.capped_count(session, select(func.generate_series(1, rows)), cap=4) == counted


class _Base(DeclarativeBase):
    pass


class _Note(_Base):
    __tablename__ = "read_session_notes"
    id: Mapped[int] = mapped_column(primary_key=True)


async def _transaction_ids(session: AsyncSession) -> list[int]:
    return [int((await session.execute(text("SELECT pg_current_xact_id()::text::bigint"))).scalar_one())
            for _ in range(2)]


async def test_a_read_session_runs_each_statement_on_its_own_and_a_write_session_in_one_transaction(
    engine: AsyncEngine,
) -> None:
    reads = db.create_read_sessionmaker(engine)
    assert reads is not None
    async for session in db.session_scope(reads):
        first, second = await _transaction_ids(session)
        assert first != second
    async for session in db.session_scope(db.create_sessionmaker(engine)):
        first, second = await _transaction_ids(session)
        assert first == second


async def test_a_read_session_refuses_to_write_and_stores_nothing(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    reads = db.create_read_sessionmaker(engine)
    assert reads is not None
    with pytest.raises(RuntimeError, match="must not write"):
        async for session in db.session_scope(reads):
            session.add(_Note(id=1))
    async with engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(_Note))).scalar_one() == 0
