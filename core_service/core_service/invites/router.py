"""`/api/v1/invites`: admins make single-use invite links; whoever opens one gets its role."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from core_service.auth.dependencies import AdminUser, SignedInUser
from core_service.errors import SIGNED_IN
from core_service.invites import service
from core_service.invites.schemas import InviteCreated, InviteIn, InvitePage, RedeemIn
from core_service.schemas import PageNumber, PageSize
from core_service.users.schemas import UserOut
from shared.app import SessionDep
from shared.errors import ErrorBody, error_responses

router = APIRouter(prefix="/api/v1/invites", tags=["invites"], responses=SIGNED_IN)
REDEEM_ERRORS: dict[int | str, dict[str, Any]] = {
    **error_responses(404, 409), 410: {"model": ErrorBody, "description": "The invite link has expired"},
}


@router.post("", status_code=201)
async def create_invite(body: InviteIn, admin: AdminUser, session: SessionDep) -> InviteCreated:
    """A new invite link's token (shown only here) for a role (admins)."""
    invite, token = await service.create(session, admin, body)
    return InviteCreated(id=invite.id, token=token, role=invite.role, specializations=invite.specializations,
                         expires_at=invite.expires_at, created_at=invite.created_at)


@router.get("")
async def list_invites(
    admin: AdminUser, session: SessionDep, page: PageNumber = 1, page_size: PageSize = 20
) -> InvitePage:
    """The tenant's invites, newest first, with their state (admins)."""
    found, total = await service.listing(session, admin.tenant_id, page, page_size)
    return InvitePage.of(found, total, page, page_size)


@router.post("/redeem", responses=REDEEM_ERRORS)
async def redeem_invite(body: RedeemIn, user: SignedInUser, session: SessionDep) -> UserOut:
    """Take the invite's role (pending users too; they become active); each link works once."""
    return UserOut.model_validate(await service.redeem(session, user, body.token))
