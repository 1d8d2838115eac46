"""`/api/v1/auth`: Telegram sign-in (service token), refresh, logout, me, permission checks."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from core_service.auth import permissions, service
from core_service.auth.dependencies import SignedInUser
from core_service.auth.schemas import (
    LogoutBody,
    PermissionAnswer,
    PermissionQuery,
    RefreshBody,
    TelegramLogin,
    TokenPair,
)
from core_service.dependencies import SettingsDep
from core_service.errors import SIGNED_IN
from core_service.users.schemas import UserOut
from shared.app import SessionDep
from shared.security import ApiTokenDep, TenantDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/telegram", responses=SIGNED_IN)
async def telegram_login(
    body: TelegramLogin, _: ApiTokenDep, tenant: TenantDep, session: SessionDep, settings: SettingsDep
) -> TokenPair:
    """Sign in a Telegram user on the bot gateway's behalf (creating them if new)."""
    return await service.login(session, settings, tenant, body)


@router.post("/refresh", response_model=TokenPair, responses=SIGNED_IN)
async def refresh(body: RefreshBody, session: SessionDep, settings: SettingsDep) -> TokenPair | JSONResponse:
    """Rotate a refresh token; presenting an already rotated one revokes the whole family."""
    try:
        return await service.refresh(session, settings, body.refresh_token)
    except service.RefreshReused:
        # Answered, not raised: the family's revocation must be committed with this 401.
        return JSONResponse(
            {"detail": "refresh token reuse detected; all sessions of this login were revoked"},
            status_code=401, headers={"WWW-Authenticate": "Bearer"},
        )


@router.post("/logout", responses=SIGNED_IN)
async def logout(user: SignedInUser, session: SessionDep, body: LogoutBody | None = None) -> dict[str, str]:
    """End the user's sessions: their access and refresh tokens stop working."""
    await service.logout(session, user)
    return {"status": "logged_out"}


@router.get("/me", responses=SIGNED_IN)
async def me(user: SignedInUser) -> UserOut:
    """The signed-in user."""
    return UserOut.model_validate(user)


@router.post("/permissions/check", responses=SIGNED_IN)
async def check_permission(
    body: PermissionQuery, user: SignedInUser, session: SessionDep
) -> PermissionAnswer:
    """Whether the signed-in user may do `action` (optionally on one request)."""
    allowed, reason = await permissions.check(session, user, body.action, body.request_number)
    return PermissionAnswer(allowed=allowed, reason=reason)
