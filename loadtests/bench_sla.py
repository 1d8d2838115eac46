"""`python -m loadtests.bench_sla`: the SLA scans and the overdue list with 100,000 open requests.

Creates a scratch database (on TEST_PG_URL's server), migrates it and inserts, with set-based SQL,
100,000 open requests filed over the last two weeks (one every 12 seconds), each with its clocks
(100 minutes to react, 1,000 to resolve): those whose due time passed more than two hours ago were
announced already, the rest wait in `sla_alert_at` (a backlog of about 600 passed ones, and every
due time still to come); one in twenty is paused. Then, in this process, against the real code:

- the query plan of the breach scan's claim and of the at-risk scan's (EXPLAIN ANALYZE): both
  must read only their partial index, never the table in full;
- the breach scan's passes (200 requests each, one transaction) until the backlog is announced,
  then an empty pass (what each replica pays every 30 seconds), time per pass;
- the real service (`python -m core_service`), `GET /api/v1/requests?overdue=true` as a manager
  (the first page, oldest due first), p50/p95/p99 over HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import time
from collections.abc import Awaitable

import asyncpg
import httpx
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from core_service import MIGRATIONS
from core_service.requests.models import RepairRequest
from core_service.sla import at_risk, breaches, due
from loadtests.bench_core import percentile, report, sign_in, start_service, timed, wait_ready
from loadtests.processes import free_port
from shared import testing
from shared.migrations import upgrade

MANAGER = 800_000_001
DIALECT = PGDialect_asyncpg()  # type: ignore[no-untyped-call]  # the dialect class is not annotated
SEED_SQL = [
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       VALUES ('default', {manager}, 'Bench manager', 'ru', ARRAY['manager'], 'manager',
               ARRAY[]::varchar[], 'active', 0)""",
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       SELECT 'default', {manager} + g, 'Bench ' || g, 'ru', ARRAY['applicant'], 'applicant',
              ARRAY[]::varchar[], 'active', 0 FROM generate_series(1, 1000) g""",
    """INSERT INTO buildings (tenant_id, address, entrances, floors, apartments, geocode_attempts)
       SELECT 'default', 'Ташкент, дом ' || g, 4, 9, 144, 0 FROM generate_series(1, 50) g""",
    """INSERT INTO requests (tenant_id, number, building_id, apartment, category, urgency, description,
                             media, applicant_id, status, created_at, updated_at)
       SELECT 'default', 'B' || lpad(g::text, 8, '0'), 1 + g % 50, (1 + g % 144)::text,
              (ARRAY['plumbing','electricity','heating','cleaning','repair'])[1 + g % 5], 'normal',
              'Заявка номер ' || g, '[]'::jsonb, 2 + g % 1000,
              CASE WHEN g % 20 = 3 THEN 'clarification'
                   ELSE (ARRAY['new','in_progress','purchasing','in_progress'])[1 + g % 4] END,
              now() - make_interval(secs => g * 12), now() - make_interval(secs => g * 12)
       FROM generate_series(0, {requests} - 1) g""",
    """UPDATE requests SET reaction_due_at = created_at + interval '100 minutes',
                           reaction_risk_at = created_at + interval '80 minutes',
                           resolution_due_at = created_at + interval '1000 minutes',
                           resolution_risk_at = created_at + interval '800 minutes',
                           reacted_at = CASE WHEN status = 'new' THEN NULL
                                             ELSE created_at + interval '10 minutes' END,
                           sla_paused_at = CASE WHEN status = 'clarification'
                                                THEN created_at + interval '20 minutes' END""",
    """UPDATE requests SET sla_due_at = CASE WHEN status = 'new' THEN reaction_due_at
                                             ELSE resolution_due_at END""",
    """UPDATE requests SET
           sla_alert_at = CASE WHEN sla_due_at > now() - interval '2 hours' THEN sla_due_at END,
           sla_risk_alert_at = CASE WHEN status = 'new' THEN reaction_risk_at ELSE resolution_risk_at END""",
    """UPDATE requests SET sla_risk_alert_at = NULL
       WHERE sla_risk_alert_at <= now() - interval '2 hours'""",
    "VACUUM ANALYZE requests",
]


async def seed(url: str, requests: int) -> None:
    """The manager, applicants, buildings and `requests` open requests with their clocks (SQL)."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for sql in SEED_SQL:
            await conn.execute(sql.format(manager=MANAGER, requests=requests))
        pending = await conn.fetchval("SELECT count(*) FROM requests WHERE sla_alert_at <= now()"
                                      " AND sla_paused_at IS NULL")
        overdue = await conn.fetchval("SELECT count(*) FROM requests WHERE sla_due_at <= now()"
                                      " AND sla_paused_at IS NULL")
        print(f"seeded {requests} open requests: {overdue} overdue, {pending} of them not yet announced")
    finally:
        await conn.close()


async def plans(url: str) -> bool:
    """Print the plans of both claims; whether each reads only its index."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    fine = True
    try:
        claims = (("breach", RepairRequest.sla_alert_at, "ix_requests_sla_alert"),
                  ("at-risk", RepairRequest.sla_risk_alert_at, "ix_requests_sla_risk_alert"))
        for name, column, index in claims:
            query = due.claim_query(column, breaches.BATCH, RepairRequest.sla_paused_at.is_(None))
            sql = str(query.compile(dialect=DIALECT, compile_kwargs={"literal_binds": True}))
            # EXPLAIN ANALYZE runs the claim (its row locks end with the statement); it changes nothing.
            plan = [row[0] for row in await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")]
            on_requests = [line for line in plan if " on requests " in line]
            uses_index = all(index in line for line in on_requests) and bool(on_requests)
            fine &= uses_index
            print(f"{name} claim plan ({'index only: ' + index if uses_index else 'NOT index only'}):")
            for line in plan:
                print(f"    {line}")
    finally:
        await conn.close()
    return fine


async def passes(url: str) -> None:
    """Breach scan passes until the backlog is announced, then empty passes; time per pass."""
    engine = create_async_engine(url, pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        full: list[float] = []
        announced = 0
        while True:
            started = time.perf_counter()
            found = await breaches.scan(sessions)
            full.append((time.perf_counter() - started) * 1000)
            announced += found
            if found < breaches.BATCH:
                break
        print(f"breach scan: {announced} announced in {len(full)} passes of up to {breaches.BATCH}: "
              f"{statistics.median(full):.1f} ms per pass (median), max {max(full):.1f} ms, "
              f"{sum(full) / max(announced, 1):.2f} ms per request")
        started = time.perf_counter()
        risky = await at_risk.scan(sessions, limit=10_000)
        print(f"at-risk scan: {risky} claimed in one pass in {(time.perf_counter() - started) * 1000:.1f} ms")
        empty = []
        for _ in range(50):
            started = time.perf_counter()
            await breaches.scan(sessions)
            empty.append((time.perf_counter() - started) * 1000)
        print(f"empty breach pass: p50 {statistics.median(empty):.2f} ms, p95 {percentile(empty, 95):.2f} ms")
    finally:
        await engine.dispose()


async def overdue(url: str, samples: int) -> None:
    """`GET /api/v1/requests?overdue=true` as the manager over HTTP, p50/p95/p99."""
    port = free_port()
    process: subprocess.Popen[bytes] = start_service(url, port)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            await wait_ready(client)
            headers = await sign_in(client, MANAGER)
            first = await client.get("/api/v1/requests", params={"overdue": "true"}, headers=headers)
            first.raise_for_status()
            print(f"overdue list: {first.json()['total']} overdue, first page {len(first.json()['items'])}")

            def listed() -> Awaitable[httpx.Response]:
                return client.get("/api/v1/requests", params={"overdue": "true"}, headers=headers)

            await timed(listed, 30)  # warm-up
            report("overdue=true", await timed(listed, samples))
    finally:
        process.terminate()
        process.wait(10)


async def main(args: argparse.Namespace) -> int:
    """Scratch database, seed, plans, passes, the overdue list over HTTP, clean-up."""
    url = await testing.create_database("core_bench_sla")
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        await seed(url, args.requests)
        fine = await plans(url)
        await passes(url)
        await overdue(url, args.samples)
    finally:
        await testing.drop_database(url)
    return 0 if fine else 1


def cli() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(prog="python -m loadtests.bench_sla")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=500)
    raise SystemExit(asyncio.run(main(parser.parse_args())))


if __name__ == "__main__":
    cli()
