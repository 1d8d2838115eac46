"""Writing `core.*` events of any domain to the outbox in the transaction of the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core_service.events.models import OutboxEvent
from core_service.users.models import User
from shared.events import Envelope, emit


def person(prefix: str, user: User | None, *fields: str) -> dict[str, Any]:
    """`<prefix>_<field>` of `user` (None without a user) for each of `fields`, e.g. `actor_name`."""
    return {f"{prefix}_{field}": getattr(user, field) if user is not None else None for field in fields}


async def record(session: AsyncSession, tenant_id: str, event_type: str, data: dict[str, Any]) -> None:
    """Add one `core.<event_type>` event with `data` to the outbox (never commits)."""
    envelope = Envelope.new(event_type=event_type, source="core", tenant_id=tenant_id, data=data)
    await emit(session, OutboxEvent, envelope, channel=f"core.{event_type}")
