"""`/api/v1/residencies`: residents bind themselves to apartments; staff approve, reject, ask."""

from __future__ import annotations

from fastapi import APIRouter, Response

from core_service.auth.dependencies import SignedInUser, StaffUser
from core_service.dependencies import SettingsDep
from core_service.errors import CONFLICT, NOT_FOUND, SIGNED_IN
from core_service.residency import service
from core_service.residency.schemas import (
    MessageIn,
    RejectBody,
    ResidencyIn,
    ResidencyOut,
    ResidencyPage,
    ResidencyStatus,
)
from core_service.schemas import PageNumber, PageSize
from shared.app import SessionDep
from shared.errors import error_responses
from shared.schemas import Id

router = APIRouter(prefix="/api/v1/residencies", tags=["residencies"], responses=SIGNED_IN)


@router.post("", status_code=201, responses=error_responses(404, 409))
async def create_residency(
    body: ResidencyIn, user: SignedInUser, session: SessionDep, settings: SettingsDep
) -> ResidencyOut:
    """Bind the caller (staff: `user_id`) to an apartment; pending when the tenant approves residents."""
    created = await service.create(session, user, body, settings.requires_approval(user.tenant_id))
    return ResidencyOut.model_validate(created)


@router.get("")
async def list_residencies(
    user: SignedInUser, session: SessionDep, status: ResidencyStatus | None = None,
    user_id: Id | None = None, building_id: Id | None = None, page: PageNumber = 1, page_size: PageSize = 20,
) -> ResidencyPage:
    """Staff: the tenant's residencies, pending oldest first; others: their own."""
    found, total = await service.listing(session, user, status=status, user_id=user_id,
                                         building_id=building_id, page=page, page_size=page_size)
    return ResidencyPage.of(found, total, page, page_size)


@router.get("/{residency_id}", responses=NOT_FOUND)
async def get_residency(residency_id: Id, user: SignedInUser, session: SessionDep) -> ResidencyOut:
    """One residency (staff, or its owner; others: 404)."""
    return ResidencyOut.model_validate(await service.visible(session, user, residency_id))


@router.post("/{residency_id}/approve", responses=CONFLICT)
async def approve(
    residency_id: Id, staff: StaffUser, session: SessionDep, settings: SettingsDep
) -> ResidencyOut:
    """Approve a pending residency (and its pending user); 409 names who decided before."""
    approved = await service.approve(session, staff, residency_id, settings.timezone)
    return ResidencyOut.model_validate(approved)


@router.post("/{residency_id}/reject", responses=CONFLICT)
async def reject(
    residency_id: Id, body: RejectBody, staff: StaffUser, session: SessionDep, settings: SettingsDep
) -> ResidencyOut:
    """Refuse a pending residency, saying why; 409 names who decided before."""
    rejected = await service.reject(session, staff, residency_id, body.reason, settings.timezone)
    return ResidencyOut.model_validate(rejected)


@router.post("/{residency_id}/questions", responses=CONFLICT)
async def ask(
    residency_id: Id, body: MessageIn, staff: StaffUser, session: SessionDep, settings: SettingsDep
) -> ResidencyOut:
    """Ask the owner of a pending residency a question."""
    asked = await service.ask(session, staff, residency_id, body.text, settings.timezone)
    return ResidencyOut.model_validate(asked)


@router.post("/{residency_id}/answers", responses=CONFLICT)
async def answer(
    residency_id: Id, body: MessageIn, user: SignedInUser, session: SessionDep, settings: SettingsDep
) -> ResidencyOut:
    """The owner answers the staff's question about their pending residency."""
    answered = await service.answer(session, user, residency_id, body.text, settings.timezone)
    return ResidencyOut.model_validate(answered)


@router.delete("/{residency_id}", status_code=204, responses=NOT_FOUND)
async def remove(residency_id: Id, user: SignedInUser, session: SessionDep) -> Response:
    """Remove a binding (its owner or staff)."""
    await service.remove(session, user, residency_id)
    return Response(status_code=204)
