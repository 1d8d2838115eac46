"""`python -m integration_service worker`: processes, publishes and keeps the requests log without the
API, serves `/health`, `/health/ready` and `/metrics`, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from shared.events import Envelope

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def running_worker(settings: Any, port: int, **env: str) -> AsyncIterator[subprocess.Popen[bytes]]:
    """The worker command in a process of its own; SIGTERM on exit, which must end it with 0."""
    environment = {
        **os.environ,
        "INTEGRATION_DATABASE_URL": settings.database_url,
        "INTEGRATION_REDIS_URL": settings.redis_url,
        "INTEGRATION_ENCRYPTION_KEY": settings.encryption_key,
        "INTEGRATION_PORT": "8001",  # overridden by --port, as beside an API on one host
        **env,
    }
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "integration_service", "worker", "--port", str(port)],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        yield worker
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.to_thread(worker.communicate, timeout=20)
    assert worker.returncode == 0, stderr.decode()[-2000:]


async def until(
    check: Callable[[], Awaitable[bool]], seconds: float = 20, seen: list[Any] | None = None
) -> None:
    """Wait for `check`; on time-out say what it saw last (`seen`, which `check` appends to)."""
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, f"timed out; last seen: {(seen or ['nothing'])[-1]}"
        await asyncio.sleep(0.05)


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    """(labels, value) of every `name` sample in a Prometheus text page."""
    return [(s.labels, s.value) for family in text_string_to_metric_families(text)
            for s in family.samples if s.name == name]


async def test_standalone_worker_publishes_accepted_events_and_stops_on_sigterm(wh, settings, redis) -> None:
    await wh.config()
    async with running_worker(settings, free_port()):
        await wh.stripe(wh.stripe_event(wh.uid("evt_alone")))
        deadline = time.monotonic() + 20
        while not await wh.stream_ids(redis) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert await wh.stream_ids(redis) == [wh.uid("evt_alone")]
        [row] = await wh.rows()
        assert row.status == "processed"


async def test_worker_serves_health_readiness_and_metrics_of_its_work(wh, settings, redis) -> None:
    await wh.config()
    port = free_port()
    async with running_worker(settings, port), httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:

        async def answers() -> bool:
            try:
                return (await http.get("/health")).status_code == 200
            except httpx.TransportError:
                return False

        await until(answers)
        ready = await http.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"redis": "ok", "database": "ok"}
        await wh.stripe(wh.stripe_event(wh.uid("evt_metrics")))

        async def published() -> bool:
            page = (await http.get("/metrics")).text
            return any(v >= 1 for labels, v in samples(page, "webhook_published_total")
                       if labels.get("source") == "stripe")

        await until(published)
        page = (await http.get("/metrics")).text
        assert any(v >= 1 for _, v in samples(page, "outbox_published_total"))
        assert (await http.get("/api/v1/webhooks/configs")).status_code == 404  # no API in the worker


async def test_worker_runs_the_requests_log_consumer(wh, settings, redis) -> None:
    stream, group = f"stream:core:worker-{uuid.uuid4().hex[:8]}", f"requests-log-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {"INTEGRATION_REQUESTS_LOG_STREAM": stream, "INTEGRATION_REQUESTS_LOG_GROUP": group}
    try:
        async with running_worker(settings, port, **env), \
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            event = Envelope.new(event_type="core.request.created", source="core", tenant_id="no-such-tenant",
                                 data={"number": "0001"})
            await redis.xadd(stream, {"envelope": event.to_json(), "channel": "core.request.created"})

            async def consumed() -> bool:
                try:
                    page = (await http.get("/metrics")).text
                except httpx.TransportError:
                    return False
                mine = {"stream": stream, "group": group}
                lag = [v for labels, v in samples(page, "stream_group_lag") if labels == mine]
                pending = [v for labels, v in samples(page, "stream_group_pending") if labels == mine]
                groups = await redis.xinfo_groups(stream) if await redis.exists(stream) else "no stream"
                seen.append({"lag": lag, "pending": pending, "groups": groups})
                return lag == [0.0] and pending == [0.0]

            seen: list[Any] = []
            await until(consumed, seen=seen)  # read, handled (no log configured: ignored) and acknowledged
            page = (await http.get("/metrics")).text
            assert any(v >= 1 for labels, v in samples(page, "requests_log_events_total")
                       if labels == {"outcome": "ignored"})
            [info] = await redis.xinfo_groups(stream)
            assert info["name"].decode() == group and info["consumers"] == 1
            assert info["entries-read"] == 1 and info["pending"] == 0
    finally:
        await redis.delete(stream)
