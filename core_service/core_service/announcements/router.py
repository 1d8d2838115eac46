"""`/api/v1/announcements`: staff preview, publish and follow announcements; the bot delivers them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from core_service.announcements import audience, deliveries, service
from core_service.announcements.schemas import (
    AnnouncementIn,
    AnnouncementOut,
    AnnouncementPage,
    ClaimIn,
    Delivery,
    PreviewIn,
    PreviewOut,
    ReportIn,
    ReportOut,
)
from core_service.auth.dependencies import CallerDep, StaffUser
from core_service.errors import NOT_FOUND, SIGNED_IN, Forbidden
from core_service.schemas import PageNumber, PageSize
from shared.app import SessionDep
from shared.schemas import Id

router = APIRouter(prefix="/api/v1/announcements", tags=["announcements"], responses=SIGNED_IN)


async def service_tenant(caller: CallerDep) -> str:
    """The tenant of a call with the bot's service token; a user's token is 403."""
    if not caller.is_service:
        raise Forbidden("only the bot's service token delivers announcements")
    return caller.tenant_id


ServiceTenant = Annotated[str, Depends(service_tenant)]


@router.post("/preview")
async def preview(body: PreviewIn, staff: StaffUser, session: SessionDep) -> PreviewOut:
    """How many residents the audience reaches, by language (nothing is stored)."""
    await audience.check(session, staff.tenant_id, body.audience)
    return await audience.preview(session, staff.tenant_id, body.audience)


@router.post("", status_code=201)
async def publish(body: AnnouncementIn, staff: StaffUser, session: SessionDep) -> AnnouncementOut:
    """Publish an announcement: its recipients are fixed now, and the bot starts sending."""
    return AnnouncementOut.model_validate(await service.publish(session, staff, body))


@router.get("")
async def list_announcements(
    staff: StaffUser, session: SessionDep, page: PageNumber = 1, page_size: PageSize = 20
) -> AnnouncementPage:
    """The tenant's announcements, newest first, with their delivery counts."""
    found, total = await service.listing(session, staff.tenant_id, page, page_size)
    return AnnouncementPage.of(found, total, page, page_size)


@router.post("/deliveries/claim")
async def claim(body: ClaimIn, tenant: ServiceTenant, session: SessionDep) -> list[Delivery]:
    """Lease up to `limit` messages to send (the bot's delivery worker)."""
    return await deliveries.claim(session, tenant, body.limit, body.lease_seconds)


@router.post("/deliveries/report")
async def report(body: ReportIn, tenant: ServiceTenant, session: SessionDep) -> ReportOut:
    """Record what became of claimed messages; reporting a row twice changes nothing."""
    return ReportOut(updated=await deliveries.report(session, tenant, body.results))


@router.get("/{announcement_id}", responses=NOT_FOUND)
async def get_announcement(announcement_id: Id, staff: StaffUser, session: SessionDep) -> AnnouncementOut:
    """One announcement with its delivery counts."""
    return AnnouncementOut.model_validate(await service.get(session, staff.tenant_id, announcement_id))
