"""Redis client factory with a bounded connection pool."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

from shared.settings import ServiceSettings


def create_redis(settings: ServiceSettings, *, decode_responses: bool = False) -> Redis:
    """A client over a pool of `redis_pool_size` connections (default 50) with short timeouts."""
    pool: BlockingConnectionPool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_pool_size,
        timeout=settings.redis_timeout_seconds,
        socket_connect_timeout=settings.redis_timeout_seconds,
        socket_timeout=settings.redis_timeout_seconds,
        health_check_interval=30,
        decode_responses=decode_responses,
    )
    return Redis(connection_pool=pool)
