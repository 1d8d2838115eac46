"""`INTEGRATION_WORKERS=2`: two uvicorn worker processes behind one port, each running the
background loops, `/metrics` summing both, readiness answering from either."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from integration_service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def samples(page: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [(s.labels, s.value) for family in text_string_to_metric_families(page)
            for s in family.samples if s.name == name]


async def answered(url: str, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            async with httpx.AsyncClient() as c:
                return await c.get(url)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.3)


async def test_two_workers_serve_one_port_and_metrics_sum_both(settings: Settings) -> None:
    port = free_port()
    env = {**os.environ, "INTEGRATION_DATABASE_URL": settings.database_url,
           "INTEGRATION_REDIS_URL": settings.redis_url, "INTEGRATION_PORT": str(port),
           "INTEGRATION_ENCRYPTION_KEY": settings.encryption_key, "INTEGRATION_API_TOKENS": "t1",
           "INTEGRATION_WORKERS": "2", "INTEGRATION_RUN_WORKER": "true"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    proc = subprocess.Popen([sys.executable, "-m", "integration_service"], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        assert (await answered(f"{base}/health")).status_code == 200

        async def every_loop_runs_twice() -> dict[str, set[str]]:
            while True:
                page = (await answered(f"{base}/metrics")).text
                pids: dict[str, set[str]] = {}
                for labels, value in samples(page, "background_loop_running"):
                    if value == 1:
                        pids.setdefault(labels["loop"], set()).add(labels["pid"])
                if pids and all(len(p) == 2 for p in pids.values()):
                    return pids
                await asyncio.sleep(0.3)

        # Every process runs its own webhook worker and consumer: they claim rows with
        # SKIP LOCKED and read the stream as distinct consumers of one group.
        loops = await asyncio.wait_for(every_loop_runs_twice(), 60)
        assert {"call-log-writer", "pg-listen:webhook_events"} <= set(loops), loops
        for _ in range(REQUESTS):  # a connection each: the kernel hands them to either process
            async with httpx.AsyncClient(base_url=base) as c:
                assert (await c.get("/health/ready")).status_code == 200
        page = (await answered(f"{base}/metrics")).text
        counted = sum(v for labels, v in samples(page, "http_requests_total")
                      if labels["route"] == "/health/ready" and labels["status"] == "200")
        assert counted == REQUESTS
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.to_thread(proc.communicate, timeout=60)
    assert proc.returncode in (0, -15), err.decode()[-3000:]
    assert err.decode().count("Application startup complete") == 2, err.decode()[-3000:]
