"""The tenant an outbound call is made for, carried to the call log without extra arguments."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated

from fastapi import Depends, FastAPI, Header

from shared.db import DEFAULT_TENANT
from shared.security import TenantDep, tenant_from_header, validate_tenant

call_tenant: ContextVar[str] = ContextVar("call_tenant", default=DEFAULT_TENANT)


@contextmanager
def use_tenant(tenant: str) -> Iterator[None]:
    """Calls made inside the block are logged for `tenant` (for workers and scripts)."""
    token = call_tenant.set(tenant)
    try:
        yield
    finally:
        call_tenant.reset(token)


async def bind_call_tenant(tenant: TenantDep) -> str:
    """The request's tenant (from `X-Tenant-ID`), also bound for the call log.

    Async on purpose: FastAPI awaits it in the request's own context, so the value is visible
    to the endpoint and to every outbound call it makes.
    """
    call_tenant.set(tenant)
    return tenant


CallTenantDep = Annotated[str, Depends(bind_call_tenant)]


async def _tenant_header_bound(x_tenant_id: Annotated[str | None, Header()] = None) -> str:
    tenant = validate_tenant(x_tenant_id)
    call_tenant.set(tenant)
    return tenant


def bind_tenant_everywhere(app: FastAPI) -> None:
    """Make every `TenantDep` of `app` also bind the call-log tenant (no change in other domains)."""
    app.dependency_overrides[tenant_from_header] = _tenant_header_bound
