"""`python -m loadtests.bench_reports`: the month's request report with 20,000 requests in it.

Creates a scratch database (on TEST_PG_URL's server), migrates it and inserts, with set-based SQL,
a month of a big company: `--requests` (20,000) requests filed over the last 30 days in 50
buildings by 1,000 residents, done by 50 executors, in every status (a fifth accepted with a rating,
one in ten returned once, with its history row), each with its SLA clocks; 100,000 more requests
filed the year before stay outside the period. Then:

- the query plan of one page of rows (EXPLAIN ANALYZE): it must read the period through
  `ix_requests_tenant_created`, never the table in full (the bench exits non-zero otherwise);
- the real service (`python -m core_service`) over HTTP as a manager: every row of the month read
  page after page (`limit` 1,000 and 5,000, as the bot reads it), the wall time of the whole read;
  one page p50/p95; the summary per building, category, executor and day p50/p95;
- in this process, the files: `shared.reports.xlsx` and `csv_bytes` of the 20,000 rows (as the
  bot builds the month's document), time and size.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

from core_service import MIGRATIONS
from core_service.reports import queries
from core_service.reports.service import bounds
from loadtests.bench_core import report, sign_in, start_service, timed, wait_ready
from loadtests.processes import free_port
from shared import testing
from shared.migrations import upgrade
from shared.reports import REQUEST_COLUMNS, csv_bytes, request_row, xlsx

MANAGER = 800_000_001
ZONE = "Asia/Tashkent"
DIALECT = PGDialect_asyncpg()  # type: ignore[no-untyped-call]  # the dialect class is not annotated
SEED_SQL = [
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       VALUES ('default', {manager}, 'Bench manager', 'ru', ARRAY['manager'], 'manager',
               ARRAY[]::varchar[], 'active', 0)""",
    """INSERT INTO users (tenant_id, telegram_id, first_name, last_name, language, roles, active_role,
                          specializations, status, token_version)
       SELECT 'default', {manager} + g, 'Исполнитель', 'Номер ' || g, 'ru', ARRAY['executor'], 'executor',
              ARRAY['plumbing','electricity','heating','cleaning','repair'], 'active', 0
       FROM generate_series(1, 50) g""",
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       SELECT 'default', {manager} + 1000 + g, 'Bench ' || g, 'ru', ARRAY['applicant'], 'applicant',
              ARRAY[]::varchar[], 'active', 0 FROM generate_series(1, 1000) g""",
    """INSERT INTO buildings (tenant_id, address, entrances, floors, apartments, geocode_attempts)
       SELECT 'default', 'Ташкент, Юнусабад, квартал ' || g || ', дом ' || (g * 7 % 40 + 1), 4, 9, 144, 0
       FROM generate_series(1, 50) g""",
    # The year before: 100,000 requests outside the period, with the lower ids, as in a real database.
    """INSERT INTO requests (tenant_id, number, building_id, apartment, category, urgency, description,
                             media, applicant_id, status, created_at, updated_at)
       SELECT 'default', 'Y' || lpad(g::text, 8, '0'), 1 + g % 50, '1', 'plumbing', 'normal', 'Старая',
              '[]'::jsonb, 52 + g % 1000, 'accepted',
              now() - interval '400 days' + make_interval(secs => g * 200),
              now() - interval '400 days' + make_interval(secs => g * 200)
       FROM generate_series(0, 99999) g""",
    # The month: one request every 130 s over 30 days.
    """INSERT INTO requests (tenant_id, number, building_id, apartment, category, urgency, description,
                             media, applicant_id, executor_id, status, rating, created_at, updated_at)
       SELECT 'default', 'M' || lpad(g::text, 8, '0'), 1 + g % 50, (1 + g % 144)::text,
              (ARRAY['plumbing','electricity','heating','cleaning','repair'])[1 + g % 5],
              (ARRAY['low','normal','high','critical'])[1 + g % 4], 'Заявка номер ' || g, '[]'::jsonb,
              52 + g % 1000, CASE WHEN g % 10 = 0 THEN NULL ELSE 2 + g % 50 END,
              CASE WHEN g % 10 = 0 THEN 'new'
                   ELSE (ARRAY['accepted','completed','in_progress','returned','cancelled',
                               'accepted','purchasing','completed','accepted'])[1 + g % 9] END,
              CASE WHEN g % 10 <> 0 AND g % 9 IN (0, 5, 8) THEN 1 + g % 5 END,
              now() - make_interval(secs => g * 130), now() - make_interval(secs => g * 130)
       FROM generate_series(0, {requests} - 1) g""",
    """UPDATE requests SET reaction_due_at = created_at + interval '100 minutes',
                           reaction_risk_at = created_at + interval '80 minutes',
                           resolution_due_at = created_at + interval '1000 minutes',
                           resolution_risk_at = created_at + interval '800 minutes',
                           reacted_at = CASE WHEN status = 'new' THEN NULL
                                             ELSE created_at + make_interval(mins => 5 + id % 150) END,
                           completed_at = CASE WHEN status IN ('completed', 'accepted')
                                               THEN created_at + make_interval(mins => 60 + id % 1500) END
       WHERE number LIKE 'M%'""",
    """INSERT INTO request_history (tenant_id, request_id, action, old_status, new_status, created_at,
                                    updated_at)
       SELECT tenant_id, id, 'status_changed', 'completed', 'returned', created_at + interval '1 day',
              created_at + interval '1 day'
       FROM requests WHERE status = 'returned'""",
    "VACUUM ANALYZE",
]


async def seed(url: str, requests: int) -> None:
    """The manager, executors, residents, buildings, the month's requests and the year before's."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for sql in SEED_SQL:
            await conn.execute(sql.format(manager=MANAGER, requests=requests))
        total = await conn.fetchval("SELECT count(*) FROM requests")
        print(f"seeded {requests} requests in the month, {total} in all")
    finally:
        await conn.close()


def period() -> tuple[str, str]:
    """The month: the last 31 local days, today included."""
    today = datetime.now(ZoneInfo(ZONE)).date()
    return (today - timedelta(days=30)).isoformat(), today.isoformat()


async def plan(url: str) -> bool:
    """Print the plan of the first page of rows; whether it reads the period by its index."""
    first, last = (datetime.fromisoformat(day).date() for day in period())
    start, end = bounds(first, last, ZONE)
    query = queries.rows(queries.period("default", start, end), None, 1001)
    sql = str(query.compile(dialect=DIALECT, compile_kwargs={"literal_binds": True}))
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        lines = [row[0] for row in await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")]
    finally:
        await conn.close()
    by_period = any("using ix_requests_tenant_created on requests" in line for line in lines)
    fine = by_period and not any("Seq Scan on requests" in line for line in lines)
    print(f"rows page plan ({'the period by ix_requests_tenant_created' if fine else 'NOT by its index'}):")
    for line in lines:
        print(f"    {line}")
    return fine


async def read_all(client: httpx.AsyncClient, headers: dict[str, str], limit: int) -> tuple[int, int, float]:
    """Every row of the month, page after page: (rows, pages, seconds)."""
    first, last = period()
    params: dict[str, Any] = {"from": first, "to": last, "limit": limit}
    rows = pages = 0
    started = time.perf_counter()
    while True:
        answer = await client.get("/api/v1/reports/requests", params=params, headers=headers)
        answer.raise_for_status()
        body = answer.json()
        rows, pages = rows + len(body["rows"]), pages + 1
        if body["next_after"] is None:
            return rows, pages, time.perf_counter() - started
        params["after"] = body["next_after"]


async def over_http(url: str, samples: int) -> list[dict[str, Any]]:
    """The reads as the bot and the console make them; the month's rows."""
    port = free_port()
    process: subprocess.Popen[bytes] = start_service(url, port)
    first, last = period()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            await wait_ready(client)
            headers = await sign_in(client, MANAGER)
            for limit in (1000, 5000):
                await read_all(client, headers, limit)  # warm-up
                runs = [await read_all(client, headers, limit) for _ in range(5)]
                seconds = [run[2] for run in runs]
                print(f"all rows, limit {limit}: {runs[0][0]} rows in {runs[0][1]} pages, "
                      f"median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s "
                      f"({statistics.median(seconds) / runs[0][0] * 1e6:.0f} µs a row)")

            def page() -> Any:
                return client.get("/api/v1/reports/requests", params={"from": first, "to": last},
                                  headers=headers)

            await timed(page, 5)
            report("rows page of 1000", await timed(page, samples))
            for group_by in ("building", "category", "executor", "day"):
                def summary(group_by: str = group_by) -> Any:
                    return client.get("/api/v1/reports/summary", headers=headers,
                                      params={"from": first, "to": last, "group_by": group_by})

                await timed(summary, 3)
                report(f"summary by {group_by}", await timed(summary, samples))
            rows: list[dict[str, Any]] = []
            params: dict[str, Any] = {"from": first, "to": last, "limit": 5000}
            while True:
                body = (await client.get("/api/v1/reports/requests", params=params, headers=headers)).json()
                rows += body["rows"]
                if body["next_after"] is None:
                    return rows
                params["after"] = body["next_after"]
    finally:
        process.terminate()
        process.wait(10)


def files(rows: list[dict[str, Any]]) -> None:
    """The month's workbook and CSV built as the bot builds them: time and size."""
    zone = ZoneInfo(ZONE)
    headers = {column: column.replace("_", " ").capitalize() for column in REQUEST_COLUMNS}
    for name, build in (("xlsx", xlsx), ("csv", csv_bytes)):
        seconds, size = [], 0
        for _ in range(3):
            started = time.perf_counter()
            typed = [request_row(row) for row in rows]
            size = len(build(typed, REQUEST_COLUMNS, headers, zone=zone))
            seconds.append(time.perf_counter() - started)
        print(f"{name} of {len(rows)} rows: median {statistics.median(seconds):.2f} s, "
              f"max {max(seconds):.2f} s, {size / 1024:.0f} KiB")


async def main(args: argparse.Namespace) -> int:
    """Scratch database, seed, plan, HTTP reads, files, clean-up."""
    url = await testing.create_database("core_bench_reports")
    started = datetime.now(UTC)
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        await seed(url, args.requests)
        fine = await plan(url)
        rows = await over_http(url, args.samples)
        files(rows)
    finally:
        await testing.drop_database(url)
    print(f"done in {(datetime.now(UTC) - started).total_seconds():.0f} s")
    return 0 if fine else 1


def cli() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(prog="python -m loadtests.bench_reports")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=50)
    raise SystemExit(asyncio.run(main(parser.parse_args())))


if __name__ == "__main__":
    cli()
