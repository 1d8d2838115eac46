"""The per-provider limit (one place to swap in the service-wide `api_rate_limits` check)."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

from integration_service.geocoding.exceptions import ProviderFailure
from shared.ratelimit import RateLimiter

WINDOW_SECONDS = 60.0


class ProviderLimiter:
    """Counts calls per provider across every instance and tenant: the quota is the key's."""

    def __init__(self, redis: Redis) -> None:
        self.limiter = RateLimiter(redis, "geocoding", fail_open=True)

    async def used(self, provider: str) -> int | None:
        """Calls counted in the last minute; None when Redis is down."""
        try:
            return await self.limiter.usage(provider, WINDOW_SECONDS)
        except RedisError:
            return None

    async def acquire(self, provider: str, per_minute: int) -> None:
        """Count one call or raise a local `quota` failure with the wait."""
        decision = await self.limiter.hit(provider, per_minute, WINDOW_SECONDS)
        if not decision.allowed:
            raise ProviderFailure("quota", f"local limit of {per_minute}/min reached",
                                  decision.retry_after, local=True)
