"""`/api/v1/services`: CRUD of external services and their health checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from integration_service.dependencies import RateLimitsDep, ResourcesDep, SecretBoxDep
from integration_service.logs.context import CallTenantDep
from integration_service.schemas import Offset, PageSize
from integration_service.services import health, service
from integration_service.services.schemas import (
    HealthResult,
    ServiceCreate,
    ServiceOut,
    ServicePage,
    ServiceUpdate,
)
from shared.app import SessionDep
from shared.errors import error_responses
from shared.schemas import Id
from shared.security import TenantDep

router = APIRouter(prefix="/api/v1/services", tags=["services"])


@router.get("", response_model=ServicePage)
async def list_services(
    tenant: TenantDep, session: SessionDep,
    service_type: Annotated[str | None, Query(min_length=1, max_length=50)] = None,
    limit: PageSize = 50,
    offset: Offset = 0,
) -> ServicePage:
    """The tenant's services, by name."""
    rows, total = await service.page(session, tenant, service_type, limit, offset)
    return ServicePage(items=[service.to_out(r) for r in rows], total=total, limit=limit, offset=offset)


@router.post("", response_model=ServiceOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses(409))
async def create_service(
    tenant: TenantDep, session: SessionDep, box: SecretBoxDep, body: ServiceCreate
) -> ServiceOut:
    """Register an external service; its API key is stored encrypted."""
    return service.to_out(await service.create(session, box, tenant, body))


@router.get("/{service_id}", response_model=ServiceOut, responses=error_responses(404))
async def get_service(tenant: TenantDep, session: SessionDep, service_id: Id) -> ServiceOut:
    """One service of the tenant."""
    return service.to_out(await service.get(session, tenant, service_id))


@router.patch("/{service_id}", response_model=ServiceOut, responses=error_responses(404, 409))
async def update_service(
    tenant: TenantDep, session: SessionDep, box: SecretBoxDep, limits: RateLimitsDep,
    service_id: Id, body: ServiceUpdate,
) -> ServiceOut:
    """Change the fields given."""
    row = await service.get(session, tenant, service_id)
    limits.forget(tenant, row.name)  # its per-minute limit may change
    return service.to_out(await service.update(session, box, row, body))


@router.delete("/{service_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404))
async def delete_service(tenant: TenantDep, session: SessionDep, service_id: Id) -> Response:
    """Remove the service."""
    await service.delete(session, await service.get(session, tenant, service_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{service_id}/health-check", response_model=HealthResult, responses=error_responses(404, 409))
async def check_health(tenant: CallTenantDep, session: SessionDep, resources: ResourcesDep,
                       service_id: Id) -> HealthResult:
    """Probe `health_url` once (under `base_url`, public addresses only) and record the result.

    Bounded by the health-check timeout. 409 when the service has no `health_url`, when it is not
    under `base_url`, or when its host resolves to a loopback, private or link-local address
    (unless `INTEGRATION_HEALTH_CHECK_ALLOW_PRIVATE` is on).
    """
    row = await service.get(session, tenant, service_id)
    settings = resources.settings
    result = await health.check(session, row, resources.call_log.record,
                                settings.health_check_timeout_seconds, settings.health_check_allow_private)
    return HealthResult(healthy=result.healthy, status_code=result.status_code,
                        latency_ms=result.latency_ms, error=result.error,
                        checked_at=result.checked_at, service=service.to_out(row))
