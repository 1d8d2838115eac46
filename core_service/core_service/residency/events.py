"""`core.residency.*` events, written to the outbox in the transaction of the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.events import outbox
from core_service.residency.models import Residency
from core_service.users.models import User

REQUESTED = "residency.requested"
APPROVED = "residency.approved"
REJECTED = "residency.rejected"
QUESTION_ASKED = "residency.question_asked"
ANSWERED = "residency.answered"
REMOVED = "residency.removed"
# Events that staff act on: they carry the Telegram ids of the tenant's active staff to tell.
FOR_STAFF = (REQUESTED, ANSWERED)


def payload(residency: Residency, actor: User | None, **extra: Any) -> dict[str, Any]:
    """Which apartment, whose, who acted, and the change itself (null where not relevant)."""
    data: dict[str, Any] = {
        "residency_id": residency.id, "status": residency.status,
        "building_id": residency.building_id, "building_address": residency.building.address,
        "apartment": residency.apartment, "entrance": residency.entrance,
        "document_file_id": residency.document_file_id,
        **outbox.person("user", residency.user, "id", "telegram_id", "name", "phone", "username", "language"),
        **outbox.person("actor", actor, "id", "telegram_id", "name"),
        "reason": residency.reason, "question": None, "answer": None,
        "created_at": residency.created_at.isoformat(),
    }
    data.update(extra)
    return data


async def staff_telegram_ids(session: AsyncSession, tenant: str) -> list[int]:
    """The Telegram ids of the tenant's active managers and admins."""
    rows = await session.execute(select(User.telegram_id).where(
        User.tenant_id == tenant, User.status == "active", User.roles.overlap(["manager", "admin"]),
    ).order_by(User.id))
    return list(rows.scalars())


async def record(
    session: AsyncSession, event_type: str, residency: Residency, actor: User | None, **extra: Any
) -> None:
    """Add one `core.<event_type>` event about `residency` to the outbox (never commits)."""
    if event_type in FOR_STAFF:
        extra["manager_telegram_ids"] = await staff_telegram_ids(session, residency.tenant_id)
    await outbox.record(session, residency.tenant_id, event_type, payload(residency, actor, **extra))
