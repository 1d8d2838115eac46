"""The load test keeps the services' databases planned as autovacuum would: vacuumed before a run,
and, while autovacuum is off on the server, analyzed during it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import asyncpg
import pytest

from loadtests.loadtest_run import analyzing, vacuum_databases
from shared import testing


async def _sql(url: str, *statements: str) -> object:
    """Run `statements` in order on `url`; the first value the last one returns."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        value = None
        for statement in statements:
            value = await conn.fetchval(statement)
        return value
    finally:
        await conn.close()


@pytest.fixture
def database() -> Iterator[str]:
    """A new database with a table analyzed while empty and grown since, as a new machine's
    service tables are when a first run starts (no column statistics yet), and one analyzed full."""
    url = asyncio.run(testing.create_database("loadtest_databases"))
    asyncio.run(_sql(url, "CREATE TABLE grown (id int)", "VACUUM (ANALYZE) grown",
                         "INSERT INTO grown SELECT generate_series(1, 1000)",
                         "CREATE TABLE known AS SELECT generate_series(1, 1000) AS id", "ANALYZE known"))
    yield url
    asyncio.run(testing.drop_database(url))


def _statistics(url: str) -> object:
    return asyncio.run(_sql(url, "SELECT count(*) FROM pg_stats WHERE tablename = 'grown'"))


def test_the_run_starts_on_vacuumed_and_analyzed_databases(database: str) -> None:
    vacuum_databases({"CORE_DATABASE_URL": database, "CORE_PORT": "8000"})
    assert _statistics(database) == 1
    assert asyncio.run(_sql(database, "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables")) is True


def test_while_autovacuum_is_off_tables_with_rows_and_no_statistics_are_analyzed(database: str) -> None:
    if asyncio.run(_sql(database, "SELECT current_setting('autovacuum')::boolean")):
        pytest.skip("autovacuum is on: it analyzes the tables itself, and the run leaves them to it")
    known = "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'known'"
    analyzed_before = asyncio.run(_sql(database, known))
    assert _statistics(database) == 0
    with analyzing({"CORE_DATABASE_URL": database}, every_s=0.1):
        deadline = time.monotonic() + 15  # the server reports a table's new rows within ~10 s
        while _statistics(database) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert _statistics(database) == 1
    assert asyncio.run(_sql(database, known)) == analyzed_before  # its statistics were there
