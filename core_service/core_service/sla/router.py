"""`/api/v1/sla`: the tenant's SLA configuration; staff and services read it, admins replace it."""

from __future__ import annotations

from fastapi import APIRouter

from core_service.auth.dependencies import AdminUser, CallerDep
from core_service.dependencies import SettingsDep
from core_service.errors import SIGNED_IN, Forbidden
from core_service.sla import service
from core_service.sla.schemas import SlaConfig
from shared.app import SessionDep

router = APIRouter(prefix="/api/v1/sla", tags=["sla"], responses=SIGNED_IN)


@router.get("")
async def get_sla(caller: CallerDep, session: SessionDep, settings: SettingsDep) -> SlaConfig:
    """The tenant's calendar, pause statuses and policies (the defaults until an admin sets them)."""
    if caller.user is not None and not caller.user.is_staff:
        raise Forbidden("managers and admins only")
    return await service.read(session, caller.tenant_id, settings.timezone)


@router.put("")
async def put_sla(body: SlaConfig, admin: AdminUser, session: SessionDep) -> SlaConfig:
    """Replace the tenant's whole SLA configuration; requests filed from now on follow it."""
    return await service.replace(session, admin.tenant_id, body)
