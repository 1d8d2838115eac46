"""Sheets adapter benchmark: cached vs uncached read latency through the API, and the hit rate.

`python -m loadtests.bench_adapters` (or `make bench`). It migrates a fresh database, starts the
stand-in Google of the test suite (OAuth token endpoint and Sheets v4, in a thread of this process)
with a service-account key made here, starts `python -m integration_service` pointed at it, and
drives the real HTTP API with a keep-alive client:

1. uncached reads: every read names a range never read before (a miss: limiter, worker thread,
   gspread, the stand-in, cache write);
2. cached reads: one range read again and again (a hit: Redis only);
3. the seed's mix: the seed's locust task shares (50% health, 15% cache stats, 10% sheets; its
   webhook tasks are benchmarked by bench_webhooks) where a sheets task is a read of one of 40
   ranges of a register, Zipf-popular, or (2% and 10% of them: `BENCH_WRITE_SHARES`) a write to
   one of them, which drops the spreadsheet's cached reads; the hit rate is read from
   `/api/v1/cache/stats`.

The stand-in answers without network latency (`BENCH_GOOGLE_LATENCY_MS` adds some); Google's
60/min quota is lifted for the run, since the stand-in has none.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from loadtests.processes import free_port, start_integration
from telegram_emulator.standins.accounts import make_service_account
from telegram_emulator.standins.server import StandinServer
from telegram_emulator.standins.state import Sheet, Spreadsheet, StandinState

ROOT = Path(__file__).resolve().parent.parent

TOKEN, TENANT = "bench-token", "bench"
SID = "1BenchRegister000000000000000000000000000000"
REDIS_DB = 14
READS = int(os.environ.get("BENCH_READS", "300"))
MIX_TASKS = int(os.environ.get("BENCH_MIX_TASKS", "6000"))
WRITE_SHARES = [float(s) for s in os.environ.get("BENCH_WRITE_SHARES", "0.02,0.10").split(",")]
LATENCY_MS = float(os.environ.get("BENCH_GOOGLE_LATENCY_MS", "0"))
RANGES = [f"Register!A{n}:F{n + 9}" for n in range(1, 400, 10)]


def _pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000, 2) if ordered else 0.0


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return start_integration([[]], {**os.environ, **env}, port)[0]


def _standin(directory: Path) -> tuple[StandinServer, Path]:
    state = StandinState()
    rows = [[f"2612{n:02d}-{n:03d}", "plumbing", "Navoi 12", "new", "", ""] for n in range(1, 401)]
    state.spreadsheets[SID] = Spreadsheet(SID, "Bench register", [Sheet("Register", 0, rows)],
                                          {"bench@uk-bench.iam.gserviceaccount.com"})
    state.latency = LATENCY_MS / 1000
    server = StandinServer(state).start()
    account = make_service_account(state, f"{server.url}/token", directory,
                                   email="bench@uk-bench.iam.gserviceaccount.com")
    return server, account


async def _timed(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> tuple[float,
                 httpx.Response]:
    started = time.perf_counter()
    response = await client.request(method, url, **kwargs)
    return time.perf_counter() - started, response


async def _reads(client: httpx.AsyncClient, ranges: list[str]) -> tuple[list[float], int]:
    samples, errors = [], 0
    for rng in ranges:
        took, response = await _timed(client, "POST", "/api/v1/sheets/read",
                                      json={"spreadsheet_id": SID, "range": rng})
        samples.append(took)
        errors += response.status_code != 200
    return samples, errors


async def _mix(client: httpx.AsyncClient, write_share: float) -> dict[str, Any]:
    rng = random.Random(4)
    weights = [1 / (i + 1) ** 1.1 for i in range(len(RANGES))]
    await client.delete("/api/v1/cache", params={"pattern": "*"})
    before = (await client.get("/api/v1/cache/stats")).json()
    counts = {"health": 0, "cache_stats": 0, "read": 0, "write": 0, "errors": 0}
    for _ in range(MIX_TASKS):
        task = rng.choices(["health", "cache_stats", "sheets"], weights=[50, 15, 10])[0]
        if task == "health":
            response = await client.get("/health")
        elif task == "cache_stats":
            response = await client.get("/api/v1/cache/stats")
        elif rng.random() < write_share:
            task = "write"
            target = rng.choices(RANGES, weights)[0]
            response = await client.post("/api/v1/sheets/write", json={
                "spreadsheet_id": SID, "range": target.split(":")[0], "values": [["261201-999"]]})
        else:
            task = "read"
            response = await client.post("/api/v1/sheets/read", json={
                "spreadsheet_id": SID, "range": rng.choices(RANGES, weights)[0]})
        counts[task] += 1
        counts["errors"] += response.status_code != 200
    after = (await client.get("/api/v1/cache/stats")).json()
    hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
    rate = hits / (hits + misses) if hits + misses else 0.0
    return {**counts, "hits": hits, "misses": misses, "hit_rate": rate, "write_share": write_share}


async def bench() -> dict[str, Any]:
    """Run the whole benchmark; the figures."""
    from cryptography.fernet import Fernet
    from redis.asyncio import Redis

    from shared import testing
    from shared.migrations import upgrade

    url = await testing.create_database("bench_adapters")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/") + f"/{REDIS_DB}"
    await asyncio.to_thread(upgrade, ROOT / "integration_service" / "integration_service" / "migrations", url)
    await Redis.from_url(redis_url).flushdb()
    workdir = Path(tempfile.mkdtemp(prefix="bench-adapters-"))
    standin, account = _standin(workdir)
    port = free_port()
    env = {"INTEGRATION_DATABASE_URL": url, "INTEGRATION_REDIS_URL": redis_url,
           "INTEGRATION_PORT": str(port), "INTEGRATION_API_TOKENS": TOKEN,
           "INTEGRATION_ENCRYPTION_KEY": Fernet.generate_key().decode(),
           "INTEGRATION_RUN_WORKER": "false", "INTEGRATION_GOOGLE_SHEETS_URL": standin.url,
           "INTEGRATION_GOOGLE_SERVICE_ACCOUNT_FILE": str(account), "INTEGRATION_LOG_LEVEL": "WARNING",
           "INTEGRATION_GOOGLE_SHEETS_RATE_LIMIT_PER_MINUTE": "1000000"}
    server = await asyncio.to_thread(_start_server, env, port)
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Tenant-ID": TENANT}
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            await _reads(client, ["Register!Z1", "Register!Z2"])  # warm-up: token grant, pools
            fresh = [f"Register!B{n}:C{n}" for n in range(1, READS + 1)]
            uncached, uncached_errors = await _reads(client, fresh)
            cached, cached_errors = await _reads(client, ["Register!A1:F10"] * (READS + 1))
            cached = cached[1:]  # the first of them was the miss that filled the cache
            bare = [(await _timed(client, "GET", "/health"))[0] for _ in range(READS)]
            mixes = [await _mix(client, share) for share in WRITE_SHARES]
    finally:
        server.terminate()
        await asyncio.to_thread(server.wait, 30)
        standin.stop()
        await testing.drop_database(url)
        await Redis.from_url(redis_url).flushdb()
    return {"uncached": uncached, "cached": cached, "bare": bare, "errors": uncached_errors + cached_errors,
            "mixes": mixes, "google_calls": dict(standin.state.calls), "load": os.getloadavg()}


def report(figures: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    unc, cac, bare = figures["uncached"], figures["cached"], figures["bare"]
    title = f"Sheets reads through the API (sequential, keep-alive; stand-in latency {LATENCY_MS:g} ms)"
    lines = [title, "",
             "| request | n | p50 ms | p95 ms | max ms |", "| --- | ---: | ---: | ---: | ---: |",
             f"| uncached (miss) | {len(unc)} | {_pct(unc, .5)} | {_pct(unc, .95)} | {_pct(unc, 1)} |",
             f"| cached (hit) | {len(cac)} | {_pct(cac, .5)} | {_pct(cac, .95)} | {_pct(cac, 1)} |",
             f"| bare GET /health, same server | {len(bare)} | {_pct(bare, .5)} | {_pct(bare, .95)} | "
             f"{_pct(bare, 1)} |", "",
             "| writes per sheet task | tasks | health | cache stats | reads | writes | hit rate | errors |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {m['write_share']:.0%} | {MIX_TASKS} | {m['health']} | {m['cache_stats']} | {m['read']} | "
              f"{m['write']} | {m['hit_rate']:.1%} ({m['hits']}/{m['hits'] + m['misses']}) | {m['errors']} |"
              for m in figures["mixes"]]
    load = ", ".join(f"{v:.1f}" for v in figures["load"])
    lines += ["", f"calls that reached the stand-in Google: {figures['google_calls']}; read errors: "
              f"{figures['errors']}; load average at the end: {load} ({os.cpu_count()} cores)"]
    return "\n".join(lines)


def main() -> int:
    """Run the benchmark and print its figures."""
    figures = asyncio.run(bench())
    print(report(figures))
    return 0 if figures["errors"] == 0 and all(m["errors"] == 0 for m in figures["mixes"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
