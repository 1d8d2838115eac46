"""Signed-webhook ingest benchmark: real uvicorn (one worker) + real PostgreSQL and Redis.

`python -m loadtests.bench_webhooks` (or `make bench`). It migrates a fresh database, stores an
HMAC config, starts the service as docker-compose.yml runs it (`python -m integration_service
serve` without the in-process worker, plus `python -m integration_service worker`;
`BENCH_WORKER=inprocess` runs the worker inside the server instead), and drives it from a separate
process: a raw keep-alive HTTP/1.1 client on uvloop with every request signed in advance, so the
generator is not the bottleneck. Phases: the bare `/health` of the same server and signed webhooks,
both closed loop (each connection sends as soon as it has its answer: the saturation throughput),
then signed webhooks open loop at each rate of `BENCH_RATES` per second (default 500,1000) over
the same connections,
timed from each request's scheduled send. A Redis subscriber counts every publication.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from loadtests.processes import (
    cpu_seconds,
    cpu_used,
    free_port,
    machine,
    named_cpu_seconds,
    start_integration,
)

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"  # noqa: S105 - the bench signs with it
TENANT, SOURCE = "bench", "bench"
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
# "separate" (compose's deployment: `python -m integration_service worker`) or "inprocess".
WORKER = os.environ.get("BENCH_WORKER", "separate")
# The open-loop phase's offered rate (the 1000 accepted/s), spread over the connections.
RATES = [float(r) for r in os.environ.get("BENCH_RATES", "500,1000").split(",") if r.strip()]
REDIS_DB = 8  # 9-13 are the test suites, 14 and 15 other benches


def _request(kind: str, port: int, n: int, run: str) -> bytes:
    if kind == "bare":
        return f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    body = orjson.dumps({"id": f"{run}-{n}", "type": "bench.ping", "data": {"n": n, "pad": "x" * 200}})
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    head = (f"POST /api/v1/webhooks/generic/{SOURCE}?tenant={TENANT} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nX-Signature: sha256={signature}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def _connection(port: int, requests: list[bytes], deadline: float, out: dict[str, Any]) -> None:
    """Send back to back (closed loop) until the deadline."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for request in requests:
        if time.perf_counter() > deadline:
            break
        if not await _exchange(reader, writer, request, time.perf_counter(), out):
            return
    writer.close()


async def _paced_connection(port: int, requests: list[bytes], interval: float, first: float,
                            deadline: float, out: dict[str, Any]) -> None:
    """Send on a fixed schedule (open loop); latency counts from the scheduled time.

    A request that could not leave on time because the previous answer was late is timed from its
    schedule (no coordinated omission); one sent on time is timed from when it left, so timer
    slack in the generator is not charged to the server.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    previous_done = 0.0
    for n, request in enumerate(requests):
        scheduled = first + n * interval
        if scheduled > deadline:
            break
        now = time.perf_counter()
        if scheduled > now:
            await asyncio.sleep(scheduled - now)
        sent = time.perf_counter()
        timed_from = scheduled if previous_done > scheduled else sent
        if not await _exchange(reader, writer, request, timed_from, out):
            return
        previous_done = time.perf_counter()
    writer.close()


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes,
                    started: float, out: dict[str, Any]) -> bool:
    """One request and its answer, recorded in `out`; False when the connection broke."""
    writer.write(request)
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        out["errors"] += 1
        return False
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    body = await reader.readexactly(length)
    out["latencies"].append(time.perf_counter() - started)
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        out["errors"] += 1
        out["statuses"][status] = out["statuses"].get(status, 0) + 1
    elif b'"accepted"' in body:
        out["accepted"] += 1
    return True


async def _generate(kind: str, port: int, seconds: float, run: str, rate: float) -> dict[str, Any]:
    per_second = rate if rate else 4000  # closed loop: more than the server can take
    per_connection = int(seconds * per_second / CONNECTIONS) + 10
    batches = [[_request(kind, port, c * per_connection + i, run) for i in range(per_connection)]
               for c in range(CONNECTIONS)]
    out: dict[str, Any] = {"latencies": [], "errors": 0, "accepted": 0, "statuses": {}}
    cpu = time.process_time()
    started = time.perf_counter()
    deadline = started + seconds
    if rate:
        interval = CONNECTIONS / rate  # each connection's share of the offered rate, staggered
        await asyncio.gather(*(_paced_connection(port, b, interval, started + c * interval / CONNECTIONS,
                                                 deadline, out) for c, b in enumerate(batches)))
    else:
        await asyncio.gather(*(_connection(port, b, deadline, out) for b in batches))
    elapsed = time.perf_counter() - started
    lat = sorted(out["latencies"])

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(len(lat) * p))] * 1000, 2) if lat else 0.0

    return {"kind": kind, "requests": len(lat), "rps": round(len(lat) / elapsed, 1), "errors": out["errors"],
            "seconds": round(elapsed, 2), "generator_cpu_s": round(time.process_time() - cpu, 2),
            "accepted": out["accepted"], "statuses": out["statuses"], "p50_ms": pct(0.50),
            "p95_ms": pct(0.95), "p99_ms": pct(0.99), "max_ms": pct(1.0)}


def load_main(kind: str, port: int, seconds: float, run: str, rate: float) -> None:
    """The load-generator process: print one JSON line of results."""
    import uvloop

    print(json.dumps(uvloop.run(_generate(kind, port, seconds, run, rate))), flush=True)


def _cpu_snapshot(pids: list[int]) -> list[dict[int, float]]:
    return [{pid: cpu_seconds(pid)} for pid in pids] + [named_cpu_seconds(("postgres",)),
                                                        named_cpu_seconds(("redis-server",))]


def _run_load(kind: str, port: int, seconds: float, run: str, pids: list[int],
              rate: float = 0) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "loadtests.bench_webhooks", "--load", kind, "--port", str(port),
           "--seconds", str(seconds), "--run", run, "--rate", str(rate)]
    before = _cpu_snapshot(pids)
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    used = [cpu_used(first, after) for first, after in zip(before, _cpu_snapshot(pids), strict=True)]
    requests = max(1, figures["requests"])
    figures["server_cpu_s"] = round(used[0], 2)
    figures["server_cpu_ms_per_request"] = round(used[0] * 1000 / requests, 3)
    figures["worker_cpu_ms_per_request"] = round(sum(used[1:-2]) * 1000 / requests, 3)
    figures["postgres_cpu_ms_per_request"] = round(used[-2] * 1000 / requests, 3)
    figures["redis_cpu_ms_per_request"] = round(used[-1] * 1000 / requests, 3)
    return figures


async def _setup(url: str, key: str) -> None:
    from sqlalchemy import insert
    from sqlalchemy.ext.asyncio import create_async_engine

    import integration_service.models  # noqa: F401 (every table on the metadata)
    from integration_service.webhooks.models import WebhookConfig
    from shared.crypto import SecretBox

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(insert(WebhookConfig).values(
            tenant_id=TENANT, source=SOURCE, signature_scheme="hmac_sha256",
            secret_encrypted=SecretBox(key).encrypt(SECRET),
            event_types=[], max_attempts=8, rate_limit_per_minute=10_000_000, is_active=True))
    await engine.dispose()


async def _row_writes(url: str) -> dict[str, int]:
    """Rows inserted and updated in the bench database, per table (PostgreSQL's statistics)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            # The servers have exited, so their backends have flushed their counts.
            await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            rows = await conn.execute(text("SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_user_tables "
                                           "WHERE n_tup_ins + n_tup_upd > 0"))
            return {name: int(count) for name, count in rows.all()}
    finally:
        await engine.dispose()


async def _subscribe(redis_url: str, seen: dict[str, int], ready: asyncio.Event,
                     progress: asyncio.Event) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    pubsub = client.pubsub()
    await pubsub.psubscribe(f"integration.webhook.generic.{SOURCE}.*")
    ready.set()
    try:
        async for message in pubsub.listen():
            if message["type"] == "pmessage":
                event_id = orjson.loads(message["data"])["event_id"]
                seen[event_id] = seen.get(event_id, 0) + 1
                progress.set()
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis leaves PubSub.aclose untyped
        await client.aclose()


def _start_server(url: str, redis_url: str, key: str, port: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "INTEGRATION_DATABASE_URL": url, "INTEGRATION_REDIS_URL": redis_url,
           "INTEGRATION_PORT": str(port), "INTEGRATION_API_TOKENS": "bench-token",
           "INTEGRATION_ENCRYPTION_KEY": key, "INTEGRATION_RUN_WORKER": str(WORKER == "inprocess").lower()}
    commands = [["serve"], ["worker", "--port", str(free_port())]] if WORKER == "separate" else [["serve"]]
    return start_integration(commands, env, port)


async def bench() -> dict[str, Any]:
    """Run the whole benchmark; the figures."""
    from cryptography.fernet import Fernet
    from redis.asyncio import Redis

    from shared import testing
    from shared.migrations import upgrade

    url = await testing.create_database("bench_webhooks")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/") + f"/{REDIS_DB}"
    key = Fernet.generate_key().decode()
    migrations = ROOT / "integration_service" / "integration_service" / "migrations"
    await asyncio.to_thread(upgrade, migrations, url)
    await _setup(url, key)
    await Redis.from_url(redis_url).flushdb()
    port = free_port()
    processes = await asyncio.to_thread(_start_server, url, redis_url, key, port)
    seen: dict[str, int] = {}
    ready, progress = asyncio.Event(), asyncio.Event()
    subscriber = asyncio.create_task(_subscribe(redis_url, seen, ready, progress))
    try:
        await ready.wait()
        pids = [process.pid for process in processes]
        warm = await asyncio.to_thread(_run_load, "webhook", port, 2, "warm", pids)
        bare = await asyncio.to_thread(_run_load, "bare", port, SECONDS, "bare", pids)
        hooks = await asyncio.to_thread(_run_load, "webhook", port, SECONDS, "run", pids)
        paced = [await asyncio.to_thread(_run_load, "webhook", port, SECONDS, f"paced{rate:.0f}", pids, rate)
                 for rate in RATES]
        accepted = warm["accepted"] + hooks["accepted"] + sum(p["accepted"] for p in paced)
        finished = time.monotonic()
        while time.monotonic() - finished < 60:
            progress.clear()
            if len(seen) >= accepted:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(progress.wait(), 1)
        drain = time.monotonic() - finished
        await asyncio.sleep(1)  # a second publication of anything would arrive by now
    finally:
        for process in processes:
            process.terminate()
            await asyncio.to_thread(process.wait, 30)
        await asyncio.sleep(0.5)  # exited backends report their counts
        writes = await _row_writes(url)
        subscriber.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await subscriber
        await testing.drop_database(url)
        client = Redis.from_url(redis_url)
        stream_length = await client.xlen("stream:integration")
        await client.flushdb()
        await client.aclose()
    return {"bare": bare, "webhooks": hooks, "paced": paced, "accepted_total": accepted,
            "published_unique": len(seen),
            "published_twice": sum(1 for n in seen.values() if n > 1), "stream_length": stream_length,
            "drain_seconds": round(drain, 2), "row_writes": writes}


def _per_event(figures: dict[str, Any]) -> float:
    """Rows inserted or updated per accepted event (every table of the bench database)."""
    writes: dict[str, int] = figures["row_writes"]
    accepted: int = figures["accepted_total"]
    return sum(writes.values()) / max(1, accepted)


def report(figures: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    bare, hooks = figures["bare"], figures["webhooks"]
    rows = [("bare GET /health, closed loop", bare), ("signed webhook POST, closed loop", hooks)]
    rows += [(f"signed webhook POST, {rate:.0f}/s offered", paced)
             for rate, paced in zip(RATES, figures["paced"], strict=True)]
    load = os.getloadavg()[0]
    lines = [f"machine: {machine()}; load average {load:.1f} at the end; {CONNECTIONS} connections, "
             f"{SECONDS:.0f} s per phase; worker {WORKER}", "",
             "| endpoint | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | CPU ms/req: server "
             "| worker | PostgreSQL | Redis | generator CPU s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} | "
              f"{r['errors']} | {r['server_cpu_ms_per_request']} | {r['worker_cpu_ms_per_request']} | "
              f"{r['postgres_cpu_ms_per_request']} | {r['redis_cpu_ms_per_request']} | "
              f"{r['generator_cpu_s']} |"
              for name, r in rows]
    ratio = hooks["rps"] / bare["rps"] if bare["rps"] else 0.0
    lines += ["", f"webhooks/bare throughput ratio: {ratio:.2f}; accepted (incl. warm-up): "
              f"{figures['accepted_total']}; published at the subscriber: {figures['published_unique']} "
              f"(twice: {figures['published_twice']}); stream entries: {figures['stream_length']}; "
              f"all published {figures['drain_seconds']} s after the load stopped",
              f"rows inserted or updated per accepted event: {_per_event(figures):.2f} "
              f"({', '.join(f'{t} {n}' for t, n in sorted(figures['row_writes'].items()))})"]
    for name, r in rows:
        if r["statuses"]:
            lines.append(f"non-200 answers ({name}): {r['statuses']}")
    return "\n".join(lines)


def main() -> int:
    """Run the benchmark (or, with --load, be the load generator)."""
    parser = argparse.ArgumentParser(prog="loadtests.bench_webhooks")
    parser.add_argument("--load", choices=["bare", "webhook"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--run", default="run")
    parser.add_argument("--rate", type=float, default=0, help="offered requests/s (0: closed loop)")
    args = parser.parse_args()
    if args.load:
        load_main(args.load, args.port, args.seconds, args.run, args.rate)
        return 0
    figures = asyncio.run(bench())
    print(report(figures))
    ok = (figures["webhooks"]["errors"] == 0 and all(p["errors"] == 0 for p in figures["paced"])
          and figures["published_twice"] == 0
          and figures["published_unique"] == figures["accepted_total"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
