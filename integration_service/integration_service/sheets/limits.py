"""60 calls a minute per service account (Google's quota), and the tenant's own configured limit."""

from __future__ import annotations

import asyncio
import time
from contextlib import AbstractContextManager
from contextvars import ContextVar
from typing import Any

from redis.asyncio import Redis

from integration_service.logs.context import bound
from integration_service.sheets.exceptions import SheetsError
from shared.ratelimit import RateLimiter

SERVICE = "google_sheets"
# How long the current caller may wait for a slot, when it is not the configured brief wait.
patience: ContextVar[float | None] = ContextVar("sheets_patience", default=None)


def wait_up_to(seconds: float) -> AbstractContextManager[None]:
    """Calls made inside wait up to `seconds` for the limiter (background work, not API callers)."""
    return bound(patience, seconds)


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
        wait = patience.get()
        deadline = time.monotonic() + (self.max_wait if wait is None else wait)
        while True:
            decision = await self.limiter.hit(self.account, self.per_minute, self.window)
            if decision.allowed:
                return
            if time.monotonic() + decision.retry_after > deadline:
                raise SheetsError(429, f"Google Sheets allows {self.per_minute} calls per {self.window:g} s",
                                  decision.retry_after)
            await asyncio.sleep(decision.retry_after)
