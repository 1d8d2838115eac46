"""`python -m loadtests.bench_console`: the console's board with 10,000 open requests in Core, and
the live update's delay from a change in Core to a console's server-sent-events client.

Creates a scratch database (on TEST_PG_URL's server), migrates it and inserts, with set-based SQL,
`--requests` (10,000) open requests (new, in progress, purchasing, clarification, returned,
completed) in 50 buildings, 20 executors and a manager. Starts the real Core (`python -m
core_service`, its outbox relay in the process) and the real console (`python -m console`) as
subprocesses over one Redis DB, signs a browser in through the console's `/login` (the bot's Yes is
Core's confirm call), then from this process:

- `GET /board` (what `GET /` redirects to) one at a time: six columns of 50 cards asked from Core at
  once, the buildings and the executors, rendered in Russian; p50/p95/p99 of the whole answer over
  loopback (the server's time plus a loopback round trip); for scale, one of the columns asked
  from Core directly;
- the live delay: a client holds `GET /events` open; a manager assigns a new request in Core; the
  time from Core's answer (the change committed) until the console's `event: request` for that
  number arrives, and from the call's start; p50/p95/max.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from core_service import MIGRATIONS
from loadtests.bench_core import TOKEN, percentile, report, sign_in, start_service, timed, wait_ready
from loadtests.processes import ROOT, free_port
from shared import testing
from shared.migrations import upgrade

MANAGER = 810_000_001
NONCE = re.compile(r"start=login_([A-Za-z0-9_-]+)")
SEED_SQL = [
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       VALUES ('default', {manager}, 'Bench manager', 'ru', ARRAY['manager'], 'manager',
               ARRAY[]::varchar[], 'active', 0)""",
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       SELECT 'default', {manager} + g, 'Исполнитель ' || g, 'ru', ARRAY['executor'], 'executor',
              ARRAY['plumbing','electricity','heating','cleaning','repair'], 'active', 0
       FROM generate_series(1, 20) g""",
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       SELECT 'default', {manager} + 1000 + g, 'Житель ' || g, 'ru', ARRAY['resident'], 'resident',
              ARRAY[]::varchar[], 'active', 0 FROM generate_series(1, 500) g""",
    """INSERT INTO buildings (tenant_id, address, entrances, floors, apartments, geocode_attempts)
       SELECT 'default', 'Ташкент, Юнусабад, квартал ' || g, 4, 9, 144, 0 FROM generate_series(1, 50) g""",
    # 500 a day over the last 20 days; every one still open.
    """INSERT INTO requests (tenant_id, number, building_id, apartment, category, urgency, description,
                             media, applicant_id, executor_id, status, created_at, updated_at)
       SELECT 'default',
              to_char(current_date - (g / 500), 'YYMMDD') || '-' || lpad((g % 500 + 1)::text, 3, '0'),
              1 + g % 50, (1 + g % 144)::text,
              (ARRAY['plumbing','electricity','heating','cleaning','repair'])[1 + g % 5],
              (ARRAY['low','normal','high','critical'])[1 + g % 4], 'Заявка номер ' || g, '[]'::jsonb,
              22 + g % 500, CASE WHEN g % 3 = 0 THEN NULL ELSE 2 + g % 20 END,
              CASE WHEN g % 3 = 0 THEN 'new'
                   ELSE (ARRAY['in_progress','purchasing','clarification','returned','completed'])[1 + g % 5]
              END,
              now() - make_interval(secs => g * 170), now() - make_interval(secs => g * 170)
       FROM generate_series(0, {requests} - 1) g""",
    "VACUUM ANALYZE",
]


async def seed(url: str, requests: int) -> list[str]:
    """The people, buildings and open requests; the numbers of the new ones, newest first."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for sql in SEED_SQL:
            await conn.execute(sql.format(manager=MANAGER, requests=requests))
        rows = await conn.fetch("SELECT number FROM requests WHERE status = 'new' ORDER BY created_at DESC")
        print(f"seeded {requests} open requests ({len(rows)} new)")
        return [row["number"] for row in rows]
    finally:
        await conn.close()


def start_console(core_port: int, port: int) -> subprocess.Popen[bytes]:
    """The real console in a subprocess over the same Redis DB as Core, logging warnings only."""
    env = {
        **os.environ, "CONSOLE_PORT": str(port), "CONSOLE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CONSOLE_CORE_URL": f"http://127.0.0.1:{core_port}", "CONSOLE_CORE_API_TOKEN": TOKEN,
        "CONSOLE_REDIS_URL": testing.redis_url("core"), "CONSOLE_LOG_LEVEL": "WARNING",
    }
    log_path = Path(os.environ.get("CONSOLE_BENCH_SERVER_LOG", "/tmp/console_bench_server.log"))  # noqa: S108
    with log_path.open("wb") as log:
        return subprocess.Popen([sys.executable, "-m", "console"], cwd=ROOT, env=env,
                                stdout=log, stderr=log)


async def console_sign_in(console: httpx.AsyncClient, core: httpx.AsyncClient,
                          headers: dict[str, str]) -> None:
    """The console's sign-in as a browser does it, the manager answering Yes through Core."""
    nonce = NONCE.search((await console.get("/login")).text)
    assert nonce is not None, "no sign-in link on /login"
    (await core.post(f"/api/v1/logins/{nonce.group(1)}/confirm", headers=headers)).raise_for_status()
    waited = await console.get("/login/wait", headers={"HX-Request": "true"})
    assert waited.headers.get("HX-Redirect") == "/", waited.text


async def live_delays(console: httpx.AsyncClient, core: httpx.AsyncClient, headers: dict[str, str],
                      executor: int, numbers: list[str]) -> tuple[list[float], list[float]]:
    """Per assigned request: ms from Core's answer, and from the call's start, to the console's event."""
    arrived: dict[str, float] = {}
    seen: dict[str, asyncio.Event] = {number: asyncio.Event() for number in numbers}
    connected = asyncio.Event()

    async def listen() -> None:
        async with console.stream("GET", "/events", timeout=None) as stream:
            event = ""
            async for line in stream.aiter_lines():
                connected.set()
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "request":
                    number = json.loads(line[6:])["number"]
                    if number in seen and not seen[number].is_set():
                        arrived[number] = time.perf_counter()
                        seen[number].set()

    listener = asyncio.create_task(listen())
    await asyncio.wait_for(connected.wait(), 10)
    after_commit, after_call = [], []
    try:
        for number in numbers:
            started = time.perf_counter()
            answer = await core.post(f"/api/v1/requests/{number}/assign", json={"executor_id": executor},
                                     headers=headers)
            answered = time.perf_counter()
            assert answer.status_code == 200, answer.text
            await asyncio.wait_for(seen[number].wait(), 10)
            after_commit.append((arrived[number] - answered) * 1000)
            after_call.append((arrived[number] - started) * 1000)
            await asyncio.sleep(0.05)  # one change at a time, as a dispatcher makes them
    finally:
        listener.cancel()
    return after_commit, after_call


def spread(name: str, samples: list[float]) -> None:
    """Print p50/p95/max of a delay series."""
    print(f"{name:<34} n={len(samples):<4} p50={statistics.median(samples):7.1f} ms  "
          f"p95={percentile(samples, 95):7.1f} ms  max={max(samples):7.1f} ms")


async def measure(url: str, numbers: list[str], samples: int, changes: int) -> None:
    """Start Core and the console, sign in, time the board and the live delay."""
    core_port, console_port = free_port(), free_port()
    processes = [start_service(url, core_port), start_console(core_port, console_port)]
    try:
        async with (httpx.AsyncClient(base_url=f"http://127.0.0.1:{core_port}", timeout=60) as core,
                    httpx.AsyncClient(base_url=f"http://127.0.0.1:{console_port}", timeout=60) as console):
            await wait_ready(core)
            await wait_ready(console)
            headers = await sign_in(core, MANAGER)
            await console_sign_in(console, core, headers)
            executors = await core.get("/api/v1/users/executors", headers=headers)
            executor = executors.json()["items"][0]["id"]

            def board() -> Any:
                return console.get("/board", headers={"Accept-Language": "ru"})

            page = await board()
            cards = page.text.count('id="card-')
            print(f"board: {cards} cards, {len(page.content) / 1024:.0f} KiB of HTML")
            await timed(board, 10)
            report("console GET /board", await timed(board, samples))

            def column() -> Any:
                return core.get("/api/v1/requests", headers=headers,
                                params={"status": "in_progress", "page_size": 50})

            await timed(column, 10)
            report("core: one column of 50", await timed(column, samples))
            after_commit, after_call = await live_delays(console, core, headers, executor, numbers[:changes])
            spread("live: Core's answer -> SSE event", after_commit)
            spread("live: change sent -> SSE event", after_call)
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


async def main(args: argparse.Namespace) -> int:
    """Scratch database, seed, measure, clean-up."""
    url = await testing.create_database("core_bench_console")
    started = datetime.now(UTC)
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        numbers = await seed(url, args.requests)
        await measure(url, numbers, args.samples, args.changes)
    finally:
        await testing.drop_database(url)
    print(f"done in {(datetime.now(UTC) - started).total_seconds():.0f} s")
    return 0


def cli() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(prog="python -m loadtests.bench_console")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--changes", type=int, default=100)
    raise SystemExit(asyncio.run(main(parser.parse_args())))


if __name__ == "__main__":
    cli()
