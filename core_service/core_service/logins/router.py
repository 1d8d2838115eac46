"""`/api/v1/logins`: the console starts a sign-in, the person answers it in the bot, the console
claims the tokens once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse

from core_service.auth.dependencies import SignedInUser
from core_service.auth.schemas import TokenPair
from core_service.dependencies import SettingsDep
from core_service.errors import SIGNED_IN
from core_service.logins import service
from core_service.logins.schemas import LoginCreated, LoginIn, LoginOut, LoginPending
from shared.app import SessionDep
from shared.errors import ErrorBody, error_responses
from shared.security import ApiTokenDep, TenantDep

router = APIRouter(prefix="/api/v1/logins", tags=["logins"], responses=SIGNED_IN)
NonceParam = Annotated[str, Path(min_length=1, max_length=64)]
EXPIRED: dict[int | str, dict[str, Any]] = {
    410: {"model": ErrorBody, "description": "The sign-in has expired (5 minutes)"},
}
DECIDE_ERRORS = {**error_responses(404, 409), **EXPIRED}
CLAIM_ERRORS: dict[int | str, dict[str, Any]] = {
    **error_responses(404, 409), **EXPIRED,
    202: {"model": LoginPending, "description": "Nobody has answered yet: ask again"},
}


@router.post("", status_code=201)
async def start_login(body: LoginIn, _: ApiTokenDep, tenant: TenantDep, session: SessionDep) -> LoginCreated:
    """A new sign-in's nonce, valid for 5 minutes (the console, with the service token)."""
    login, nonce = await service.start(session, tenant, body.browser)
    return LoginCreated(nonce=nonce, expires_at=login.expires_at)


@router.get("/{nonce}", responses=error_responses(404))
async def read_login(nonce: NonceParam, _: ApiTokenDep, tenant: TenantDep, session: SessionDep) -> LoginOut:
    """Which browser waits, since when, and the sign-in's state (the bot, with the service token)."""
    return LoginOut.model_validate(await service.find(session, tenant, nonce))


@router.post("/{nonce}/confirm", responses=DECIDE_ERRORS)
async def confirm_login(nonce: NonceParam, user: SignedInUser, session: SessionDep) -> LoginOut:
    """Yes: the browser may sign in as the caller (managers and admins only)."""
    return LoginOut.model_validate(await service.decide(session, user, nonce, confirm=True))


@router.post("/{nonce}/decline", responses=DECIDE_ERRORS)
async def decline_login(nonce: NonceParam, user: SignedInUser, session: SessionDep) -> LoginOut:
    """No: the waiting browser is refused."""
    return LoginOut.model_validate(await service.decide(session, user, nonce, confirm=False))


@router.post("/{nonce}/claim", response_model=TokenPair, responses=CLAIM_ERRORS)
async def claim_login(
    nonce: NonceParam, _: ApiTokenDep, tenant: TenantDep, session: SessionDep, settings: SettingsDep
) -> TokenPair | JSONResponse:
    """The confirmed person's token pair, once (the console); 202 while nobody has answered."""
    tokens = await service.claim(session, settings, tenant, nonce)
    if tokens is None:
        return JSONResponse(LoginPending().model_dump(), status_code=202)
    return tokens
