"""`python -m loadtests.bench_core`: API latency with 100,000 requests stored, and creation throughput.

Creates a scratch database (on TEST_PG_URL's server, default 127.0.0.1:5432), migrates it, seeds
users, buildings and requests with set-based SQL, starts the real service (`python -m
core_service`) in a subprocess and measures it over HTTP from this process:

- list-my-requests (`GET /api/v1/requests`, an applicant's first page) and get-by-number, p50/p95;
- building search (`GET /api/v1/buildings?q=`, Latin and Cyrillic queries over 5,000 buildings);
- creation throughput (`POST /api/v1/requests` from concurrent clients, all in one tenant-day).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx

from core_service import MIGRATIONS
from core_service.buildings.search_key import search_key
from loadtests.processes import free_port
from shared import testing
from shared.migrations import upgrade

TOKEN = "bench-service-token"  # noqa: S105 - a throwaway token for the scratch service
APPLICANTS = 1000
BASE_TELEGRAM_ID = 900_000_000

SEED_SQL = [
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       SELECT 'default', {base} + g, 'Bench ' || g, 'ru', ARRAY['applicant'], 'applicant',
              ARRAY[]::varchar[], 'active', 0 FROM generate_series(1, {applicants}) g""",
    """INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role,
                          specializations, status, token_version)
       SELECT 'default', {base} + 100000 + g, 'Executor ' || g, 'ru', ARRAY['executor'], 'executor',
              ARRAY['plumbing', 'electricity', 'heating'], 'active', 0 FROM generate_series(1, 20) g""",
    """INSERT INTO buildings (tenant_id, address, entrances, floors, apartments, geocode_attempts)
       SELECT 'default', 'Ташкент, дом ' || g, 4, 9, 144, 0 FROM generate_series(1, 50) g""",
    # 500 requests a day over 200 past days; numbers stay unique per tenant-day.
    """INSERT INTO requests (tenant_id, number, building_id, apartment, category, urgency, description,
                             media, applicant_id, executor_id, status, created_at, updated_at)
       SELECT 'default',
              to_char(current_date - 1 - (g / 500), 'YYMMDD') || '-' || lpad((g % 500 + 1)::text, 3, '0'),
              1 + g % 50, (1 + g % 144)::text,
              (ARRAY['plumbing','electricity','heating','cleaning','repair'])[1 + g % 5],
              (ARRAY['low','normal','high','critical'])[1 + g % 4],
              'Заявка номер ' || g, '[]'::jsonb,
              1 + g % {applicants},
              CASE WHEN g % 8 = 0 THEN NULL ELSE {applicants} + 1 + g % 20 END,
              CASE WHEN g % 8 = 0 THEN 'new'
                   ELSE (ARRAY['in_progress','completed','accepted','cancelled','purchasing'])[1 + g % 5] END,
              current_date - 1 - (g / 500) + make_interval(secs => g % 500 * 60),
              current_date - 1 - (g / 500) + make_interval(secs => g % 500 * 60)
       FROM generate_series(0, {requests} - 1) g""",
    "ANALYZE",
]


DISTRICTS = ("Юнусабад", "Чиланзар", "Мирзо-Улугбек", "Яккасарай", "Yunusobod", "Chilonzor",
             "Sergeli", "Olmazor", "Шайхантахур", "Bektemir")
STREETS = ("ул. Амира Темура", "ул. Навои", "Bogʻishamol koʻchasi", "ул. Бабура", "Qoratosh koʻchasi",
           "ул. Халклар дустлиги", "Mustaqillik shoh koʻchasi", "ул. Шота Руставели")
SEARCHES = ("Yunusobod", "Chilonzor", "Amira Temura", "юнусобод", "Xalqlar doʻstligi", "Navoiy 12",
            "Мирзо Улугбек", "Qoratosh", "nothing like it")


async def seed(url: str, requests: int) -> None:
    """Fill the scratch database with users, buildings and `requests` requests, then 5,000 more
    buildings in either script (their search keys computed as the service computes them)."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for sql in SEED_SQL[:-1]:
            await conn.execute(sql.format(base=BASE_TELEGRAM_ID, applicants=APPLICANTS, requests=requests))
        addresses = [f"Ташкент, {d}, {s}, {n}" for d in DISTRICTS for s in STREETS for n in range(1, 63)]
        await conn.executemany(
            "INSERT INTO buildings (tenant_id, address, search_key, entrances, floors, apartments,"
            " geocode_attempts) VALUES ('default', $1, $2, 1, 9, 36, 0)",
            [(address, search_key(address)) for address in addresses])
        # As autovacuum would: the trigram index's pending list is merged into the index.
        await conn.execute("VACUUM buildings")
        await conn.execute(SEED_SQL[-1])
    finally:
        await conn.close()


def start_service(url: str, port: int) -> subprocess.Popen[bytes]:
    """The real service in a subprocess, logging warnings only."""
    env = {
        **os.environ, "CORE_DATABASE_URL": url, "CORE_PORT": str(port), "CORE_API_TOKENS": TOKEN,
        "CORE_JWT_SECRET": "bench-" + "x" * 40, "CORE_LOG_LEVEL": "WARNING",
        "CORE_REDIS_URL": testing.redis_url("core"), "CORE_INTEGRATION_URL": "",
    }
    log_path = Path(os.environ.get("CORE_BENCH_SERVER_LOG", "/tmp/core_bench_server.log"))  # noqa: S108
    with log_path.open("wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "core_service"], env=env, stdout=log, stderr=log)


async def wait_ready(client: httpx.AsyncClient, seconds: float = 30) -> None:
    """Wait until `/health/ready` answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (await client.get("/health/ready")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("the service did not become ready")


async def sign_in(client: httpx.AsyncClient, telegram_id: int) -> dict[str, str]:
    """Headers of a signed-in user."""
    answer = await client.post("/api/v1/auth/telegram", json={"telegram_id": telegram_id},
                               headers={"Authorization": f"Bearer {TOKEN}"})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) of `samples`."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def timed(call: Callable[[], Awaitable[httpx.Response]], n: int) -> list[float]:
    """Latencies in ms of `n` sequential calls (each must answer 200)."""
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        answer = await call()
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
    return samples


def report(name: str, samples: list[float]) -> None:
    """Print p50/p95/p99 of a latency series."""
    print(f"{name:<22} n={len(samples):<5} p50={statistics.median(samples):6.2f} ms  "
          f"p95={percentile(samples, 95):6.2f} ms  p99={percentile(samples, 99):6.2f} ms")


async def latency(client: httpx.AsyncClient, n: int) -> None:
    """list-my-requests and get-by-number for random applicants."""
    users = [await sign_in(client, BASE_TELEGRAM_ID + random.randint(1, APPLICANTS)) for _ in range(20)]
    numbers: list[tuple[dict[str, str], str]] = []
    for headers in users:
        page = (await client.get("/api/v1/requests", headers=headers)).json()
        numbers += [(headers, item["number"]) for item in page["items"]]
    await timed(lambda: client.get("/api/v1/requests", headers=random.choice(users)), 50)  # warm-up
    report("list-my-requests", await timed(
        lambda: client.get("/api/v1/requests", headers=random.choice(users)), n))

    def by_number() -> Awaitable[httpx.Response]:
        headers, number = random.choice(numbers)
        return client.get(f"/api/v1/requests/{number}", headers=headers)

    report("get-by-number", await timed(by_number, n))
    staff = {"Authorization": f"Bearer {TOKEN}"}

    def search() -> Awaitable[httpx.Response]:
        return client.get("/api/v1/buildings", params={"q": random.choice(SEARCHES)}, headers=staff)

    report("building-search", await timed(search, n))


async def creation(client: httpx.AsyncClient, total: int, concurrency: int) -> None:
    """Creation throughput from `concurrency` clients, `total` requests in all."""
    users = [await sign_in(client, BASE_TELEGRAM_ID + i) for i in range(1, concurrency + 1)]
    body = {"building_id": 1, "apartment": "5", "category": "plumbing", "description": "Бенчмарк"}
    remaining = iter(range(total))
    samples: list[float] = []
    failures: dict[str, int] = {}

    async def worker(headers: dict[str, str]) -> None:
        for _ in remaining:
            started = time.perf_counter()
            try:
                answer = await client.post("/api/v1/requests", json=body, headers=headers)
                outcome = "ok" if answer.status_code == 201 else f"{answer.status_code} {answer.text[:80]}"
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            samples.append((time.perf_counter() - started) * 1000)
            if outcome != "ok":
                failures[outcome] = failures.get(outcome, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(h) for h in users))
    elapsed = time.perf_counter() - started
    rate = total / elapsed
    print(f"creation               n={total:<5} concurrency={concurrency}  {rate:7.1f} requests/s  "
          f"p95={percentile(samples, 95):6.2f} ms  failures={failures or 0}")


async def main(args: argparse.Namespace) -> None:
    """Scratch database, seed, service, measurements, clean-up."""
    url = await testing.create_database("core_bench")
    process: subprocess.Popen[bytes] | None = None
    try:
        started = time.perf_counter()
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        await seed(url, args.requests)
        seconds = time.perf_counter() - started
        print(f"seeded {args.requests} requests, {APPLICANTS} applicants in {seconds:.1f} s")
        port = free_port()
        process = start_service(url, port)
        limits = httpx.Limits(max_connections=args.concurrency + 5)
        base_url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
            await wait_ready(client)
            await latency(client, args.samples)
            await creation(client, args.create, args.concurrency)
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
        await testing.drop_database(url)


def cli() -> None:
    """Parse options and run."""
    parser = argparse.ArgumentParser(prog="python -m loadtests.bench_core")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--create", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
