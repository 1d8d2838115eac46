"""`python -m integration_service worker` processes and publishes without the HTTP server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


async def test_standalone_worker_publishes_accepted_events_and_stops_on_sigterm(wh, settings, redis) -> None:
    await wh.config()
    env = {
        **os.environ,
        "INTEGRATION_DATABASE_URL": settings.database_url,
        "INTEGRATION_REDIS_URL": settings.redis_url,
        "INTEGRATION_ENCRYPTION_KEY": settings.encryption_key,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "integration_service", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await wh.stripe(wh.stripe_event(wh.uid("evt_alone")))
        deadline = time.monotonic() + 20
        while not await wh.stream_ids(redis) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert await wh.stream_ids(redis) == [wh.uid("evt_alone")]
        [row] = await wh.rows()
        assert row.status == "processed"
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.to_thread(worker.communicate, timeout=20)
    assert worker.returncode == 0, stderr.decode()[-2000:]
