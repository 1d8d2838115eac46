"""A user's administrative history: roles, blocking, approval, invites, residency decisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core_service.users.models import User, UserHistory

ACTIONS = ("roles_changed", "blocked", "unblocked", "approved", "invite_redeemed",
           "residency_approved", "residency_rejected")


def add(
    session: AsyncSession, user: User, actor: User | None, action: str, *, comment: str | None = None,
    before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
) -> None:
    """Add one entry to `user`'s history in the caller's transaction."""
    assert action in ACTIONS, action
    session.add(UserHistory(tenant_id=user.tenant_id, user_id=user.id, actor_id=actor.id if actor else None,
                            action=action, comment=comment, before=before, after=after))


async def of(session: AsyncSession, user: User, limit: int = 100) -> list[UserHistory]:
    """The user's latest history entries, newest first."""
    rows = await session.execute(
        select(UserHistory).where(UserHistory.user_id == user.id).options(joinedload(UserHistory.actor))
        .order_by(UserHistory.id.desc()).limit(limit)
    )
    return list(rows.scalars())
