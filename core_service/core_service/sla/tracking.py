"""The request lifecycle's hooks into the SLA clocks: the tenant's rules at filing and at each move."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core_service.requests.models import RepairRequest
from core_service.sla import breaches, clock, service


async def rules_for(session: AsyncSession, tenant: str, urgency: str, zone: str) -> clock.Rules:
    """The tenant's calendar and pause statuses and its policy for `urgency` (defaults in `zone`)."""
    config = await service.read(session, tenant, zone)
    policy = getattr(config.policies, urgency)
    return clock.Rules(service.calendar_of(config), policy, frozenset(config.pause_statuses))


async def filed(session: AsyncSession, request: RepairRequest, zone: str) -> None:
    """Start the clocks of a request filed now, under the tenant's current policy for its urgency."""
    rules = await rules_for(session, request.tenant_id, request.urgency, zone)
    clock.start(request, rules, datetime.now(UTC))


async def moved(session: AsyncSession, request: RepairRequest, old_status: str, zone: str) -> None:
    """Follow the request's status change, made now, from `old_status` (react, pause, resume, stop)."""
    if request.reaction_due_at is None:  # filed before SLAs were tracked
        return
    now = datetime.now(UTC)
    if request.sla_alert_at is not None and request.sla_alert_at <= now and request.sla_paused_at is None:
        # Passed before the scan came by: announced now, before the clock it belongs to stops.
        await breaches.announce(session, request)
    rules = await rules_for(session, request.tenant_id, request.urgency, zone)
    clock.change(request, rules, old_status, now)
