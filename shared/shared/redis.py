"""Redis client factory with a bounded connection pool, for one server or a Redis Cluster."""

from __future__ import annotations

from typing import Any, cast

from redis.asyncio import BlockingConnectionPool, Redis, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.crc import key_slot
from redis.exceptions import ConnectionError as RedisConnectionError

from shared.config import ServiceSettings


def create_redis(settings: ServiceSettings, *, decode_responses: bool = False) -> Redis:
    """A client over a pool of `redis_pool_size` connections (default 50) with short timeouts.

    With `redis_cluster`, a `RedisCluster` on the same URL (any node) with that pool per node.
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
        timeout=settings.redis_pool_timeout_seconds, **options,
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
