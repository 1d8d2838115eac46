"""Limits per (service, endpoint): stored in `api_rate_limits`, counted in Redis."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from fastapi import HTTPException, status
from redis.asyncio import Redis
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_service.ratelimits.models import ANY_ENDPOINT, ApiRateLimit
from integration_service.ratelimits.schemas import RateLimitIn
from integration_service.services.models import ExternalService
from shared.ratelimit import Decision, RateLimiter

log = logging.getLogger("integration.ratelimits")
LIMITER_NAME = "api"
# `limit == 0` means no limit is configured for the (service, endpoint).
UNLIMITED = Decision(allowed=True, used=0, limit=0, retry_after=0.0)
Limits = dict[str, tuple[int, int]]  # endpoint -> (limit, window seconds)


def counter_key(tenant: str, service: str, endpoint: str) -> str:
    """The limiter key: counters are per tenant, so tenants never share a budget."""
    return f"{tenant}:{service}:{endpoint}"


def reset_at(window_seconds: int, now: float | None = None) -> datetime:
    """When the limiter's current window ends."""
    now = time.time() if now is None else now
    return datetime.fromtimestamp((now // window_seconds + 1) * window_seconds, UTC)


async def load_limits(session: AsyncSession, tenant: str, service: str) -> Limits:
    """The tenant's limits for `service`, by endpoint.

    Without a service-wide `*` row, a registered external service's `rate_limit_per_minute`
    is the service-wide limit.
    """
    rows = await session.scalars(
        select(ApiRateLimit).where(ApiRateLimit.tenant_id == tenant, ApiRateLimit.service == service)
    )
    limits = {r.endpoint: (r.request_limit, r.window_seconds) for r in rows}
    if ANY_ENDPOINT not in limits:
        per_minute = await session.scalar(select(ExternalService.rate_limit_per_minute).where(
            ExternalService.tenant_id == tenant, ExternalService.name == service))
        if per_minute:
            limits[ANY_ENDPOINT] = (per_minute, 60)
    return limits


async def hit(limiter: RateLimiter, limits: Limits, tenant: str, service: str, endpoint: str,
              cost: int = 1) -> Decision:
    """Count one call against the endpoint's limit, else the service-wide `*` limit."""
    matched = endpoint if endpoint in limits else ANY_ENDPOINT
    if matched not in limits:
        return UNLIMITED
    limit, window = limits[matched]
    return await limiter.hit(counter_key(tenant, service, matched), limit, window, cost)


async def check(redis: Redis, session: AsyncSession, tenant: str, service: str, endpoint: str,
                cost: int = 1) -> Decision:
    """Count a call to (service, endpoint) for `tenant`; fails open when Redis is down."""
    limits = await load_limits(session, tenant, service)
    return await hit(RateLimiter(redis, LIMITER_NAME), limits, tenant, service, endpoint, cost)


def raise_if_limited(decision: Decision, service: str) -> None:
    """429 with `Retry-After` when the decision refuses the call."""
    if not decision.allowed:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, f"rate limit for {service} exceeded",
            headers={"Retry-After": decision.retry_after_header},
        )


class RateLimits:
    """`check(tenant, service, endpoint)` for adapters: limits cached in-process a few seconds."""

    def __init__(self, redis: Redis, sessionmaker: async_sessionmaker[AsyncSession],
                 cache_seconds: float = 5.0) -> None:
        self.limiter = RateLimiter(redis, LIMITER_NAME)
        self.sessionmaker = sessionmaker
        self.cache_seconds = cache_seconds
        self._cache: dict[tuple[str, str], tuple[float, Limits]] = {}

    async def check(self, tenant: str, service: str, endpoint: str, cost: int = 1) -> Decision:
        """Count one call; allowed when no limit is configured or storage is unreachable."""
        limits = await self._limits(tenant, service)
        return await hit(self.limiter, limits, tenant, service, endpoint, cost)

    async def read_usage(self, row: ApiRateLimit) -> tuple[int, datetime]:
        """The limit's usage in its current window and the window's end, from Redis, which holds
        the truth (a read writes nothing back to the row)."""
        key = counter_key(row.tenant_id, row.service, row.endpoint)
        return await self.limiter.usage(key, row.window_seconds), reset_at(row.window_seconds)

    def forget(self, tenant: str, service: str) -> None:
        """Drop the cached limits (after a change through the API)."""
        self._cache.pop((tenant, service), None)

    async def _limits(self, tenant: str, service: str) -> Limits:
        cached = self._cache.get((tenant, service))
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        try:
            async with self.sessionmaker() as session:
                limits = await load_limits(session, tenant, service)
        except (SQLAlchemyError, OSError) as exc:
            # Like the limiter itself, fail open: a database outage must not stop outbound calls.
            log.warning("rate limits unavailable", extra={"error": repr(exc)})
            return cached[1] if cached else {}
        self._cache[(tenant, service)] = (time.monotonic(), limits)
        return limits


async def upsert(session: AsyncSession, tenant: str, body: RateLimitIn) -> ApiRateLimit:
    """Create or replace the limit for (service, endpoint)."""
    values = {"tenant_id": tenant, "service": body.service, "endpoint": body.endpoint,
              "request_limit": body.limit, "window_seconds": body.window_seconds}
    stmt = insert(ApiRateLimit).values(**values).on_conflict_do_update(
        constraint="uq_api_rate_limits_tenant_service_endpoint",
        set_={"request_limit": body.limit, "window_seconds": body.window_seconds,
              "updated_at": datetime.now(UTC)},
    ).returning(ApiRateLimit)
    row = await session.scalar(stmt, execution_options={"populate_existing": True})
    assert row is not None
    return row


async def list_limits(session: AsyncSession, tenant: str, service: str | None) -> Sequence[ApiRateLimit]:
    """The tenant's limits, optionally for one service."""
    stmt = select(ApiRateLimit).where(ApiRateLimit.tenant_id == tenant)
    if service is not None:
        stmt = stmt.where(ApiRateLimit.service == service)
    return (await session.scalars(stmt.order_by(ApiRateLimit.service, ApiRateLimit.endpoint))).all()


async def remove(session: AsyncSession, tenant: str, service: str, endpoint: str) -> bool:
    """Delete one limit; whether it existed."""
    result = await session.execute(delete(ApiRateLimit).where(
        ApiRateLimit.tenant_id == tenant, ApiRateLimit.service == service,
        ApiRateLimit.endpoint == endpoint,
    ).returning(ApiRateLimit.id))
    return result.first() is not None
