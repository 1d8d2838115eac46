"""Redis client factory with a bounded connection pool."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from shared.config import ServiceSettings


def create_redis(settings: ServiceSettings, *, decode_responses: bool = False) -> Redis:
    """A client over a pool of `redis_pool_size` connections (default 50) with short timeouts."""
    pool: BlockingConnectionPool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_pool_size,
        timeout=settings.redis_pool_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        socket_timeout=settings.redis_timeout_seconds,
        health_check_interval=30,
        # One quick retry on a broken connection only: after Redis restarts, every pooled socket
        # is dead and its first command would fail. Not on timeouts: an outage must fail fast.
        retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), 1, supported_errors=(RedisConnectionError,)),
        decode_responses=decode_responses,
    )
    return Redis(connection_pool=pool)
