"""Creating, listing and redeeming invites (services flush; the caller's transaction commits)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core_service.errors import Conflict, Gone, Invalid, NotFound
from core_service.invites.models import Invite
from core_service.invites.schemas import InviteIn
from core_service.users import service as users_service
from core_service.users.models import User

# 24 random bytes are 32 url-safe characters: `inv_<token>` fits Telegram's 64-character start parameter.
TOKEN_BYTES = 24
NOT_VALID = "this invite link is not valid"
EXPIRED = "this invite link has expired"
USED = "this invite link has already been used"


def token_hash(token: str) -> str:
    """The sha256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create(session: AsyncSession, admin: User, body: InviteIn) -> tuple[Invite, str]:
    """A new invite and its token (the token is never stored, only its hash)."""
    if body.specializations and body.role != "executor":
        raise Invalid("specializations", "only an executor's invite has specializations")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invite = Invite(
        tenant_id=admin.tenant_id, token_hash=token_hash(token), role=body.role,
        specializations=list(body.specializations or []), created_by_id=admin.id,
        expires_at=datetime.now(UTC) + timedelta(hours=body.expires_in_hours),
    )
    session.add(invite)
    await session.flush()
    return invite, token


async def listing(session: AsyncSession, tenant: str, page: int, page_size: int) -> tuple[list[Invite], int]:
    """The tenant's invites, newest first, and their count."""
    where = Invite.tenant_id == tenant
    total = (await session.execute(select(func.count()).select_from(Invite).where(where))).scalar_one()
    rows = await session.execute(
        select(Invite).where(where).options(joinedload(Invite.used_by)).order_by(Invite.id.desc())
        .offset((page - 1) * page_size).limit(page_size)
    )
    return list(rows.scalars()), total


async def redeem(session: AsyncSession, user: User, token: str) -> User:
    """Give `user` the invite's role (specializations merged) and make it their active role.

    The invite's row is locked: of two redeems at once, the second waits and finds it used.
    """
    query = (select(Invite).where(Invite.token_hash == token_hash(token), Invite.tenant_id == user.tenant_id)
             .options(joinedload(Invite.created_by)).with_for_update(of=Invite)
             .execution_options(populate_existing=True))
    invite = (await session.execute(query)).scalar_one_or_none()
    if invite is None:
        raise NotFound(NOT_VALID)
    if invite.used_at is not None:
        raise Conflict(USED)
    if invite.expires_at <= datetime.now(UTC):
        raise Gone(EXPIRED)
    invite.used_by_id, invite.used_at = user.id, datetime.now(UTC)
    if user.status == "pending":
        user.status = "active"
    roles = list(dict.fromkeys([*user.roles, invite.role]))
    specializations = list(dict.fromkeys([*user.specializations, *invite.specializations]))
    return await users_service.set_roles(session, invite.created_by, user, roles, specializations,
                                         invite.role, "invite", action="invite_redeemed")

