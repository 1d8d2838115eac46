"""Signing in, rotating refresh tokens (with reuse detection) and signing out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.auth import tokens
from core_service.auth.models import RefreshToken
from core_service.auth.schemas import TelegramLogin, TokenPair
from core_service.config import Settings
from core_service.errors import Forbidden, Unauthorized
from core_service.users import service as users_service
from core_service.users.models import User
from core_service.users.schemas import UserOut


class RefreshReused(Exception):
    """A rotated refresh token was presented again; its family has been revoked."""


async def issue(
    session: AsyncSession, settings: Settings, user: User, family_id: str | None = None
) -> TokenPair:
    """A new access token and a refresh token (in `family_id`, or a new family)."""
    access, _ = tokens.encode(
        settings.jwt_secret, user_id=user.id, tenant_id=user.tenant_id, kind=tokens.ACCESS,
        lifetime=timedelta(minutes=settings.access_token_minutes), version=user.token_version,
    )
    family = family_id or tokens.new_id()
    refresh, claims = tokens.encode(
        settings.jwt_secret, user_id=user.id, tenant_id=user.tenant_id, kind=tokens.REFRESH,
        lifetime=timedelta(days=settings.refresh_token_days), family_id=family,
    )
    session.add(RefreshToken(jti=claims.jti, family_id=family, user_id=user.id,
                             tenant_id=user.tenant_id, expires_at=claims.expires_at))
    await session.flush()
    return TokenPair(access_token=access, refresh_token=refresh,
                     expires_in=settings.access_token_minutes * 60, user=UserOut.model_validate(user))


async def login(session: AsyncSession, settings: Settings, tenant: str, body: TelegramLogin) -> TokenPair:
    """Find or create the Telegram user and sign them in (blocked users too: the answer says
    `blocked`, so the bot can tell them; every other call of theirs is refused)."""
    telegram_names = {"telegram_first_name": body.first_name, "telegram_last_name": body.last_name,
                      "username": body.username}
    user = await users_service.find_or_create(
        session, tenant, body.telegram_id,
        status="pending" if settings.requires_approval(tenant) else "active",
        language=users_service.language_from_code(body.language_code), **telegram_names,
    )
    # Telegram's names are kept apart: a name the office set is never replaced by them.
    for name, value in telegram_names.items():
        if value is not None and getattr(user, name) != value:
            setattr(user, name, value)
    return await issue(session, settings, user)


async def revoke_family(session: AsyncSession, family_id: str) -> None:
    """Revoke every live token of a family."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


async def refresh(session: AsyncSession, settings: Settings, presented: str) -> TokenPair:
    """Rotate a refresh token; reuse of a rotated one revokes its family (RefreshReused)."""
    try:
        claims = tokens.decode(settings.jwt_secret, presented, tokens.REFRESH)
    except tokens.InvalidToken as exc:
        raise Unauthorized(str(exc)) from None
    query = select(RefreshToken).where(RefreshToken.jti == claims.jti).with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("refresh token revoked")
    if row.used_at is not None:
        await revoke_family(session, row.family_id)
        raise RefreshReused(row.family_id)
    row.used_at = datetime.now(UTC)
    user = await session.get(User, row.user_id)
    if user is None:
        raise Unauthorized("refresh token revoked")
    if user.status == "blocked":
        raise Forbidden("user is blocked")
    return await issue(session, settings, user, family_id=row.family_id)


async def logout(session: AsyncSession, user: User) -> None:
    """End every session of the user: access tokens stop working, refresh tokens are revoked."""
    user.token_version += 1
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    await session.flush()
