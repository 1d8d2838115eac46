"""What an outbound call is made under, carried without extra arguments: the tenant the call log
records, and any other context variable bound for a block.

A route that calls out takes `CallTenantDep` where others take `TenantDep`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Annotated, TypeVar

from fastapi import Depends

from shared.db import DEFAULT_TENANT
from shared.security import TenantDep

T = TypeVar("T")
call_tenant: ContextVar[str] = ContextVar("call_tenant", default=DEFAULT_TENANT)


@contextmanager
def bound(variable: ContextVar[T], value: T) -> Iterator[None]:
    """`variable` is `value` inside the block (in the tasks and threads started there too)."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


def use_tenant(tenant: str) -> AbstractContextManager[None]:
    """Calls made inside the block are logged for `tenant` (for workers and scripts)."""
    return bound(call_tenant, tenant)


async def bind_call_tenant(tenant: TenantDep) -> str:
    """The request's tenant (from `X-Tenant-ID`), also bound for the call log.

    Async on purpose: FastAPI awaits it in the request's own context, so the value is visible
    to the endpoint and to every outbound call it makes.
    """
    call_tenant.set(tenant)
    return tenant


CallTenantDep = Annotated[str, Depends(bind_call_tenant)]
