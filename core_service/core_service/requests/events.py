"""`core.request.*` events, written to the outbox in the transaction of the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core_service.dispatch.routing import Route
from core_service.events.models import OutboxEvent
from core_service.requests.models import RepairRequest
from core_service.users.models import User
from core_service.users.service import staff_telegram_ids
from shared.events import Envelope, emit

CREATED = "request.created"
STATUS_CHANGED = "request.status_changed"
ASSIGNED = "request.assigned"
COMMENTED = "request.commented"
RATED = "request.rated"


def _person(prefix: str, user: User | None) -> dict[str, Any]:
    return {
        f"{prefix}_id": user.id if user else None,
        f"{prefix}_telegram_id": user.telegram_id if user else None,
        f"{prefix}_name": user.name if user else None,
        f"{prefix}_language": user.language if user else None,
    }


def payload(request: RepairRequest, actor: User | None, **extra: Any) -> dict[str, Any]:
    """What a notifier needs: who, what, where, and the change itself."""
    data: dict[str, Any] = {
        "request_id": request.id, "number": request.number, "status": request.status,
        "category": request.category, "urgency": request.urgency,
        "description": request.description, "apartment": request.apartment,
        "building_id": request.building_id, "building_address": request.building.address,
        **_person("applicant", request.applicant), **_person("executor", request.executor),
        **_person("actor", actor),
        "actor_role": _role_of(actor, request),
        "rating": request.rating,
    }
    data.update(extra)
    return data


def _role_of(actor: User | None, request: RepairRequest) -> str | None:
    if actor is None:
        return None
    if actor.id == request.applicant_id:
        return "applicant"
    if actor.id == request.executor_id:
        return "executor"
    return "manager" if actor.is_staff else actor.active_role


async def record(
    session: AsyncSession, event_type: str, request: RepairRequest, actor: User | None, **extra: Any
) -> None:
    """Add one `core.<event_type>` event to the outbox in the caller's transaction (never commits)."""
    envelope = Envelope.new(
        event_type=event_type, source="core", tenant_id=request.tenant_id,
        data=payload(request, actor, **extra),
    )
    await emit(session, OutboxEvent, envelope, channel=f"core.{event_type}")


async def audience(session: AsyncSession, request: RepairRequest, route: Route) -> dict[str, Any]:
    """Whom to tell about a new request: the tenant's managers, and the executors `route` offers it to."""
    return {
        "manager_telegram_ids": await staff_telegram_ids(session, request.tenant_id),
        "executor_telegram_ids": [user.telegram_id for user in route.executors],
        "executors": [{"id": user.id, "telegram_id": user.telegram_id, "language": user.language,
                       "name": user.name} for user in route.executors],
        "on_shift_only": route.on_shift_only,
    }
