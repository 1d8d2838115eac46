"""Signed deliveries at a steady rate while Redis is killed and PostgreSQL is cut: every delivery
is either accepted or refused with 503, and every accepted one is published exactly once.

Both servers sit behind TCP proxies the test cuts (every connection dropped, new ones refused),
which is what the service sees when either server dies; the real servers are shared with other
suites and stay up. Figures are printed: sent, accepted, 503, lost, published twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from redis.asyncio import Redis

from integration_service.webhooks.processing import STREAM
from shared import testing
from shared.events import Envelope, StreamConsumer

from .conftest import TcpProxy

# A logical DB of its own: no other test flushes it while this one counts its stream.
OWN_DB = 8
RATE = 40  # deliveries per second
# (phase, seconds, Redis up, PostgreSQL up)
PHASES = [("steady", 3.0, True, True), ("redis down", 4.0, False, True), ("both up", 2.0, True, True),
          ("postgres down", 4.0, True, False), ("both down", 3.0, False, False),
          ("recovered", 2.0, True, True)]


@pytest.fixture
async def pg_proxy(database_url: str) -> AsyncIterator[TcpProxy]:
    target = urlsplit(database_url)
    proxy = TcpProxy(target.port or 5432, target.hostname or "127.0.0.1")
    await proxy.start()
    yield proxy
    await proxy.cut()


@pytest.fixture
def settings_overrides(redis_proxy: TcpProxy, pg_proxy: TcpProxy, database_url: str) -> dict[str, Any]:
    target = urlsplit(database_url)
    through_proxy = target._replace(netloc=f"{target.username}@127.0.0.1:{pg_proxy.port}").geturl()
    return {
        "database_url": through_proxy,
        "redis_url": f"redis://127.0.0.1:{redis_proxy.port}/{OWN_DB}",
        "run_worker": True,
        "redis_timeout_seconds": 0.5,
        "db_connect_timeout_seconds": 0.5,
        "db_pool_timeout_seconds": 1.0,
    }


async def _switch(proxies: dict[TcpProxy, bool], proxy: TcpProxy, up: bool) -> None:
    """Start or cut `proxy` when its state (in `proxies`) is not `up` already."""
    if proxies[proxy] != up:
        await (proxy.start() if up else proxy.cut())
        proxies[proxy] = up


async def test_steady_deliveries_through_redis_and_postgres_outages_lose_nothing(
        wh, redis_proxy: TcpProxy, pg_proxy: TcpProxy, capsys: pytest.CaptureFixture[str]) -> None:
    direct = Redis.from_url(testing.redis_url("integration").rsplit("/", 1)[0] + f"/{OWN_DB}")
    await direct.delete(STREAM)
    await wh.config(source="crm", secret=wh.HMAC_SECRET)
    published: list[str] = []

    async def handle(envelope: Envelope) -> None:
        published.extend(wh.mine([envelope.event_id]))

    consumer = StreamConsumer(direct, STREAM, wh.uid("group"), "c1", handle, block_ms=100)
    await consumer.start()
    outcomes: Counter[str] = Counter()
    accepted: list[str] = []

    async def deliver(n: int, phase: str) -> None:
        event_id = wh.uid(f"f{n}")
        body = orjson.dumps({"id": event_id, "type": "order.paid"})
        try:
            response = await asyncio.wait_for(
                wh.generic("crm", body, {"X-Signature": wh.hmac_hex(body)}), timeout=10)
        except TimeoutError:
            outcomes[f"{phase}: no answer in 10 s"] += 1
            return
        if response.status_code < 300 and response.json()["status"] == "accepted":
            accepted.append(event_id)
            outcomes["accepted"] += 1
            outcomes[f"{phase}: accepted"] += 1
        else:
            outcomes[str(response.status_code)] += 1
            if response.status_code != 503:
                outcomes[f"{phase}: {response.status_code} {response.text[:80]}"] += 1

    started = time.monotonic()
    sent = 0
    tasks: list[asyncio.Task[None]] = []
    proxies = {redis_proxy: True, pg_proxy: True}
    for phase, seconds, redis_up, pg_up in PHASES:
        await _switch(proxies, redis_proxy, redis_up)
        await _switch(proxies, pg_proxy, pg_up)
        until = time.monotonic() + seconds
        while (now := time.monotonic()) < until:
            tasks.append(asyncio.create_task(deliver(sent, phase)))
            sent += 1
            await asyncio.sleep(max(0.0, started + sent / RATE - now))
    await asyncio.gather(*tasks)
    deadline = time.monotonic() + 20
    while len(set(published)) < len(accepted) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # anything published twice would show up now
    await consumer.stop()
    await direct.aclose()

    lost = len(set(accepted) - set(published))
    twice = len(published) - len(set(published))
    with capsys.disabled():
        print(f"\nfault test: sent {sent} at {RATE}/s over {sum(p[1] for p in PHASES):.0f} s, accepted "
              f"{outcomes['accepted']}, 503 {outcomes['503']}, lost {lost}, published twice {twice}")
    assert sent == outcomes["accepted"] + outcomes["503"], dict(outcomes)
    assert outcomes["503"] > 0  # the PostgreSQL cut was felt
    # Without Redis the receivers keep accepting: the outbox in PostgreSQL holds the events.
    assert outcomes["redis down: accepted"] >= RATE * 3, dict(outcomes)
    assert lost == 0
    assert twice == 0
