"""`GET /api/v1/logs`: the tenant's outbound calls, filtered and paginated."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError

from integration_service.logs import service
from integration_service.logs.schemas import LogOut, LogPage, Outcome
from integration_service.schemas import Offset, PageSize
from shared.app import SessionDep
from shared.schemas import IsoDatetime
from shared.security import TenantDep


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


router = APIRouter(prefix="/api/v1/logs", tags=["logs"])


@router.get("", response_model=LogPage)
async def list_logs(
    tenant: TenantDep,
    session: SessionDep,
    service_name: Annotated[str | None, Query(alias="service", min_length=1, max_length=100)] = None,
    status_code: Annotated[int | None, Query(ge=100, le=599)] = None,
    status: Annotated[Outcome | None, Query(description="ok: <400 and no error; failed: the rest")] = None,
    since: Annotated[IsoDatetime | None, Query(description="ISO-8601, inclusive")] = None,
    until: Annotated[IsoDatetime | None, Query(description="ISO-8601, exclusive")] = None,
    limit: PageSize = 50,
    offset: Offset = 0,
) -> LogPage:
    """Outbound calls of the caller's tenant, newest first (times without a zone are UTC)."""
    since, until = _utc(since), _utc(until)
    if since is not None and until is not None and since > until:
        raise RequestValidationError([{
            "loc": ("query", "until"), "msg": "until must not be before since", "type": "value_error",
        }])
    f = service.LogFilter(service=service_name, status_code=status_code, outcome=status,
                          since=since, until=until)
    rows, total, exact = await service.page(session, tenant, f, limit, offset)
    return LogPage(items=[LogOut.of(r) for r in rows], total=total, total_exact=exact, limit=limit,
                   offset=offset)
