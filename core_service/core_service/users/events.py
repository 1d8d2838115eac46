"""`core.user.*` events: roles changed, blocked, unblocked (written in the change's transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core_service.events import outbox
from core_service.users.models import User

ROLES_CHANGED = "user.roles_changed"
BLOCKED = "user.blocked"
UNBLOCKED = "user.unblocked"


async def record(
    session: AsyncSession, event_type: str, user: User, actor: User | None, **extra: Any
) -> None:
    """Add one `core.<event_type>` event about `user` to the outbox (never commits)."""
    data = {**outbox.person("user", user, "id", "telegram_id", "language"),
            **outbox.person("actor", actor, "id", "name"), **extra}
    await outbox.record(session, user.tenant_id, event_type, data)
