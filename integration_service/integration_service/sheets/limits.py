"""60 calls a minute per service account (Google's quota), and the tenant's own configured limit."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from redis.asyncio import Redis

from integration_service.sheets.exceptions import SheetsError
from shared.ratelimit import RateLimiter

SERVICE = "google_sheets"


class SheetsLimiter:
    """Over the limit a caller waits up to `max_wait` seconds, then gets 429 with `Retry-After`."""

    def __init__(self, redis: Redis, account: str, per_minute: int, max_wait: float,
                 tenant_limits: Any = None, window_seconds: float = 60.0) -> None:
        self.limiter = RateLimiter(redis, SERVICE, fail_open=True)
        self.account = account
        self.per_minute = per_minute
        self.window = window_seconds
        self.max_wait = max_wait
        # The ratelimits domain's `RateLimits` (limits per tenant in `api_rate_limits`), if running.
        self.tenant_limits = tenant_limits

    async def acquire(self, tenant: str, endpoint: str) -> None:
        """Count one Google call or raise SheetsError(429)."""
        if self.tenant_limits is not None:
            decision = await self.tenant_limits.check(tenant, SERVICE, endpoint)
            if not decision.allowed:
                raise SheetsError(429, f"rate limit for {SERVICE} {endpoint} exceeded", decision.retry_after)
        deadline = time.monotonic() + self.max_wait
        while True:
            decision = await self.limiter.hit(self.account, self.per_minute, self.window)
            if decision.allowed:
                return
            if time.monotonic() + decision.retry_after > deadline:
                raise SheetsError(429, f"Google Sheets allows {self.per_minute} calls per {self.window:g} s",
                                  decision.retry_after)
            await asyncio.sleep(decision.retry_after)
