"""`/api/v1/dispatch`: the tenant's dispatch settings; staff and services read them, admins replace them."""

from __future__ import annotations

from fastapi import APIRouter

from core_service.auth.dependencies import AdminUser, CallerDep
from core_service.dispatch import service
from core_service.dispatch.schemas import DispatchConfig
from core_service.errors import SIGNED_IN, Forbidden
from shared.app import SessionDep

router = APIRouter(prefix="/api/v1/dispatch", tags=["dispatch"], responses=SIGNED_IN)


@router.get("")
async def get_dispatch(caller: CallerDep, session: SessionDep) -> DispatchConfig:
    """Whether new requests are assigned automatically (off until an admin turns it on)."""
    if caller.user is not None and not caller.user.is_staff:
        raise Forbidden("managers and admins only")
    return await service.read(session, caller.tenant_id)


@router.put("")
async def put_dispatch(body: DispatchConfig, admin: AdminUser, session: SessionDep) -> DispatchConfig:
    """Replace the tenant's dispatch settings; requests filed from now on follow them."""
    return await service.replace(session, admin.tenant_id, body)
