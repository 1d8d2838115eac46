"""Who is calling: a signed-in user (access token) or another service (API token)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy import Select, bindparam, select

from core_service.auth import tokens
from core_service.dependencies import SettingsDep
from core_service.errors import Forbidden, Unauthorized
from core_service.users.models import User
from shared.app import SessionDep
from shared.db import DEFAULT_TENANT
from shared.security import token_matches, validate_tenant


def bearer(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header; 401 when absent."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("missing bearer token")
    return value.strip()


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a caller presents: a bearer token, and the tenant it names (if it names one)."""

    token: str
    tenant: str | None


async def credentials(
    authorization: Annotated[str | None, Header()] = None,
    x_tenant_id: Annotated[str | None, Header()] = None,
) -> Credentials:
    """The bearer token (401 when absent) and the `X-Tenant-ID` (400 when malformed)."""
    tenant = validate_tenant(x_tenant_id) if x_tenant_id else None
    return Credentials(bearer(authorization), tenant)


CredentialsDep = Annotated[Credentials, Depends(credentials)]


# Built once: every signed-in call reads its user, and a statement built per call costs more than the read.
_USER: Select[User] = select(User).where(User.id == bindparam("user_id"))


async def _user_from_token(secret: str, session: SessionDep, presented: Credentials) -> User:
    try:
        claims = tokens.decode(secret, presented.token, tokens.ACCESS)
    except tokens.InvalidToken as exc:
        raise Unauthorized(str(exc)) from None
    if presented.tenant is not None and presented.tenant != claims.tenant_id:
        raise Forbidden("the token belongs to another tenant")
    user = (await session.execute(_USER, {"user_id": claims.user_id})).scalar_one_or_none()
    if user is None or user.tenant_id != claims.tenant_id or user.token_version != claims.version:
        raise Unauthorized("token revoked")
    if user.status == "blocked":
        raise Forbidden("user is blocked")
    return user


async def signed_in_user(settings: SettingsDep, session: SessionDep, presented: CredentialsDep) -> User:
    """The user of the access token; 401 bad token, 403 blocked (pending users pass)."""
    return await _user_from_token(settings.jwt_secret, session, presented)


async def active_user(user: Annotated[User, Depends(signed_in_user)]) -> User:
    """A signed-in user whose account is approved."""
    if user.status != "active":
        raise Forbidden("user is awaiting approval")
    return user


async def staff_user(user: Annotated[User, Depends(active_user)]) -> User:
    """An active manager or admin."""
    if not user.is_staff:
        raise Forbidden("managers and admins only")
    return user


async def admin_user(user: Annotated[User, Depends(active_user)]) -> User:
    """An active admin."""
    if not user.has_role("admin"):
        raise Forbidden("admins only")
    return user


@dataclass(frozen=True, slots=True)
class Caller:
    """A user, or another service (`user is None`) acting for the whole tenant."""

    tenant_id: str
    user: User | None

    @property
    def is_service(self) -> bool:
        """Whether an internal service is calling."""
        return self.user is None


async def signed_in_or_service(
    settings: SettingsDep, session: SessionDep, presented: CredentialsDep
) -> Caller:
    """A service with an API token (tenant from `X-Tenant-ID`) or a signed-in user, pending too."""
    if token_matches(presented.token, settings.api_tokens):
        return Caller(presented.tenant or DEFAULT_TENANT, None)
    user = await _user_from_token(settings.jwt_secret, session, presented)
    return Caller(user.tenant_id, user)


async def user_or_service(caller: Annotated[Caller, Depends(signed_in_or_service)]) -> Caller:
    """A service with an API token (tenant from `X-Tenant-ID`) or an active user."""
    if caller.user is not None and caller.user.status != "active":
        raise Forbidden("user is awaiting approval")
    return caller


SignedInUser = Annotated[User, Depends(signed_in_user)]
ActiveUser = Annotated[User, Depends(active_user)]
StaffUser = Annotated[User, Depends(staff_user)]
AdminUser = Annotated[User, Depends(admin_user)]
CallerDep = Annotated[Caller, Depends(user_or_service)]
# Applicants still waiting for approval read what they need to apply (the buildings) with this.
ReaderDep = Annotated[Caller, Depends(signed_in_or_service)]
