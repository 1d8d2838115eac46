"""`GET /api/v1/cache/stats` and `DELETE /api/v1/cache?pattern=` for the caller's tenant."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from integration_service.dependencies import CacheDep
from shared.security import TenantDep

router = APIRouter(prefix="/api/v1/cache", tags=["cache"])


class CacheStats(BaseModel):
    """Hits and misses counted for the tenant, and its live keys."""

    hits: int
    misses: int
    hit_rate: float
    keys: int
    default_ttl_seconds: int


class Invalidated(BaseModel):
    """How many of the tenant's keys a pattern removed."""

    pattern: str
    deleted: int


@router.get("/stats", response_model=CacheStats)
async def cache_stats(tenant: TenantDep, cache: CacheDep) -> CacheStats:
    """The tenant's cache counters."""
    stats: dict[str, Any] = await cache.stats(tenant)
    return CacheStats(**stats, default_ttl_seconds=cache.default_ttl)


@router.delete("", response_model=Invalidated)
async def invalidate(
    tenant: TenantDep, cache: CacheDep,
    pattern: Annotated[str, Query(min_length=1, max_length=200,
                                  description="Redis glob over the tenant's keys, e.g. geocode:*")] = "*",
) -> Invalidated:
    """Delete the tenant's entries whose key matches `pattern` (SCAN, never KEYS)."""
    return Invalidated(pattern=pattern, deleted=await cache.invalidate(tenant, pattern))
