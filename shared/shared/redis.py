"""Redis client factory with a bounded connection pool, for one server or a Redis Cluster."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, cast

from redis.asyncio import BlockingConnectionPool, Connection, Redis, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.crc import key_slot
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared.config import ServiceSettings


class DeadlineConnection(Connection):
    """redis-py's connection, a command's write bounded by a deadline on the caller's own task.

    redis-py bounds each write with `asyncio.wait_for`, which runs the write in a task of its own:
    15-25 us of CPU per command, a fifth of what a command costs the client (docs/BENCHMARKS.md).
    A write that outlasts `socket_timeout` still fails as redis-py's does, and its connection is
    dropped.
    """

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        """Send as redis-py does, within `socket_timeout`."""
        deadline, self.socket_timeout = self.socket_timeout, None  # so redis-py writes in place
        try:
            async with asyncio.timeout(deadline):
                await super().send_packed_command(command, check_health)
        except TimeoutError:  # redis-py dropped the connection on the cancellation
            raise RedisTimeoutError("Timeout writing to socket") from None
        finally:
            self.socket_timeout = deadline


def create_redis(settings: ServiceSettings, *, decode_responses: bool = False) -> Redis:
    """A client over a pool of `redis_pool_size` connections (default 50) with short timeouts.

    With `redis_cluster`, a `RedisCluster` on the same URL (any node) with that pool per node
    (redis-py's own connections: its cluster client takes no other class; so do `rediss://` and
    `unix://` URLs).
    """
    options: dict[str, Any] = {
        "socket_connect_timeout": settings.redis_timeout_seconds,
        "socket_timeout": settings.redis_timeout_seconds,
        "health_check_interval": 30,
        # One quick retry on a broken connection only: after Redis restarts, every pooled socket
        # is dead and its first command would fail. Not on timeouts: an outage must fail fast.
        "retry": Retry(ExponentialBackoff(cap=0.1, base=0.01), 1, supported_errors=(RedisConnectionError,)),
        "decode_responses": decode_responses,
    }
    if settings.redis_cluster:
        cluster = RedisCluster.from_url(
            settings.redis_url, max_connections=settings.redis_pool_size, **options
        )
        # The services use the commands both clients share (single-key or one hash slot each),
        # so they keep the one `Redis` type.
        return cast(Redis, cluster)
    pool: BlockingConnectionPool = BlockingConnectionPool.from_url(
        settings.redis_url, max_connections=settings.redis_pool_size,
        timeout=settings.redis_pool_timeout_seconds, connection_class=DeadlineConnection, **options,
    )
    return Redis(connection_pool=pool)


def is_cluster(redis: Redis) -> bool:
    """Whether the client talks to a Redis Cluster (keys of one command must share a hash slot)."""
    return isinstance(redis, RedisCluster)


def same_slot(*keys: str | bytes) -> bool:
    """Whether every key hashes to one cluster slot (their `{hash tag}`s agree)."""
    return len({key_slot(k.encode() if isinstance(k, str) else k) for k in keys}) <= 1


def hash_tag(key: str) -> str:
    """A `{hash tag}` that puts other keys in `key`'s cluster slot: the key's own tag, or `{key}`."""
    start = key.find("{")
    end = key.find("}", start + 1) if start >= 0 else -1
    if end > start + 1:
        return key[start:end + 1]
    return "{" + key + "}"
