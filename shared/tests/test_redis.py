"""The shared Redis client survives connections Redis dropped (a restart) without failing a call,
and a Redis that stops reading fails a command within the timeout."""

from __future__ import annotations

import asyncio
import contextlib
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from redis.asyncio import Redis
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared import testing
from shared.redis import create_redis


def _settings(url: str, timeout: float = 1.0) -> Any:
    return SimpleNamespace(redis_url=url, redis_pool_size=1, redis_timeout_seconds=timeout,
                           redis_pool_timeout_seconds=1.0, redis_cluster=False)


async def test_a_command_on_a_connection_redis_dropped_is_retried_on_a_new_one() -> None:
    client = create_redis(_settings(testing.redis_url("shared")))
    admin = Redis.from_url(testing.redis_url("shared"))
    try:
        await client.set("probe", "1")
        pooled = await client.client_id()  # the pool's one connection
        # What a Redis restart does to every pooled socket: the server side closes it.
        assert await admin.client_kill_filter(_id=str(pooled)) == 1
        assert await client.get("probe") == b"1"
        assert await client.client_id() != pooled
    finally:
        await client.aclose()
        await admin.aclose()


async def _stalling_proxy(
    redis_url: str, stalled: asyncio.Event, held: list[asyncio.StreamWriter]
) -> asyncio.Server:
    """A TCP proxy to Redis that stops carrying the client's bytes while `stalled` is set (a Redis
    stuck in a long command, or a network that stopped): the client's writes fill the buffers."""
    target = urlsplit(redis_url)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(target.hostname, target.port)
        held.extend((writer, up_writer))

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, stalls: bool) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await source.read(65536):
                    if stalls and stalled.is_set():
                        await asyncio.Event().wait()
                    sink.write(data)
                    await sink.drain()

        await asyncio.gather(pipe(reader, up_writer, True), pipe(up_reader, writer, False))

    return await asyncio.start_server(serve, "127.0.0.1", 0)


async def test_a_write_redis_does_not_take_fails_within_the_timeout_and_the_next_call_reconnects() -> None:
    stalled, held = asyncio.Event(), list[asyncio.StreamWriter]()
    url = testing.redis_url("shared")
    proxy = await _stalling_proxy(url, stalled, held)
    port = proxy.sockets[0].getsockname()[1]
    client = create_redis(_settings(f"redis://127.0.0.1:{port}/{url.rsplit('/', 1)[1]}", timeout=0.3))
    try:
        await client.set("probe", "1")
        stalled.set()
        started = time.monotonic()
        with pytest.raises(RedisTimeoutError, match="writing"):
            await client.set("big", b"x" * 64_000_000)  # more than the sockets' buffers hold
        assert time.monotonic() - started < 3
        stalled.clear()
        assert await client.get("probe") == b"1"  # on a new connection: the stalled one was dropped
    finally:
        await client.aclose()
        proxy.close()
        for writer in held:
            writer.transport.abort()
