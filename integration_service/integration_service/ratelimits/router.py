"""`GET/PUT/DELETE /api/v1/rate-limits`: the tenant's limits with live usage."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status

from integration_service.dependencies import RateLimitsDep
from integration_service.ratelimits import service
from integration_service.ratelimits.models import ANY_ENDPOINT, ApiRateLimit
from integration_service.ratelimits.schemas import RateLimitIn, RateLimitList, RateLimitOut
from shared.app import SessionDep
from shared.errors import error_responses
from shared.security import TenantDep

router = APIRouter(prefix="/api/v1/rate-limits", tags=["rate-limits"])


async def _with_usage(limits: service.RateLimits, row: ApiRateLimit) -> RateLimitOut:
    usage, window_end = await limits.read_usage(row)
    return RateLimitOut(
        service=row.service, endpoint=row.endpoint, limit=row.request_limit,
        window_seconds=row.window_seconds, current_usage=usage, reset_at=window_end,
        updated_at=row.updated_at,
    )


@router.get("", response_model=RateLimitList)
async def list_rate_limits(
    tenant: TenantDep, session: SessionDep, limits: RateLimitsDep,
    service_name: Annotated[str | None, Query(alias="service", min_length=1, max_length=100)] = None,
) -> RateLimitList:
    """Every limit of the tenant (optionally of one service) with usage in the current window."""
    rows = await service.list_limits(session, tenant, service_name)
    return RateLimitList(items=[await _with_usage(limits, r) for r in rows])


@router.put("", response_model=RateLimitOut)
async def put_rate_limit(
    tenant: TenantDep, session: SessionDep, limits: RateLimitsDep, body: RateLimitIn
) -> RateLimitOut:
    """Create or replace the limit of (service, endpoint)."""
    row = await service.upsert(session, tenant, body)
    limits.forget(tenant, body.service)
    return await _with_usage(limits, row)


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404))
async def delete_rate_limit(
    tenant: TenantDep, session: SessionDep, limits: RateLimitsDep,
    service_name: Annotated[str, Query(alias="service", min_length=1, max_length=100)],
    endpoint: Annotated[str, Query(min_length=1, max_length=255)] = ANY_ENDPOINT,
) -> Response:
    """Remove one limit (calls to it are then unlimited)."""
    if not await service.remove(session, tenant, service_name, endpoint):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such rate limit")
    limits.forget(tenant, service_name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
