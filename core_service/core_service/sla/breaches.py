"""Announcing breached SLAs: `core.request.sla_breached`, once per request and due time.

Due times live in PostgreSQL (`sla_alert_at`), not in timers: each pass of the scan claims the
requests whose due time has passed with `FOR UPDATE SKIP LOCKED`, so several Core replicas share
the work without announcing anything twice, and a restart loses nothing.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.requests import events
from core_service.requests.models import RepairRequest
from core_service.sla import at_risk, due
from core_service.users.service import staff_telegram_ids
from shared.background import BackgroundLoop

BREACHED = "request.sla_breached"
# Requests one pass claims; a full pass asks for the next at once.
BATCH = 200
SCAN_SECONDS = 30.0


async def announce(session: AsyncSession, request: RepairRequest) -> None:
    """Record the breach of the request's pending due time (building and people loaded) and clear it."""
    due_at = request.sla_alert_at
    assert due_at is not None
    which = "reaction" if due_at == request.reaction_due_at and request.reacted_at is None else "resolution"
    managers = await staff_telegram_ids(session, request.tenant_id)
    await events.record(session, BREACHED, request, None, old_status=request.status, which=which,
                        due_at=due_at, manager_telegram_ids=managers)
    request.sla_alert_at = None


async def scan(sessionmaker: async_sessionmaker[AsyncSession], limit: int = BATCH) -> int:
    """One pass: announce up to `limit` breaches due now, in one transaction; how many."""
    return await due.claim(sessionmaker, RepairRequest.sla_alert_at, announce, limit,
                           RepairRequest.sla_paused_at.is_(None))


def breach_loop(sessionmaker: async_sessionmaker[AsyncSession]) -> BackgroundLoop:
    """Breach and at-risk scans every SCAN_SECONDS, at once again while a pass finds a full batch."""

    async def step() -> bool:
        full = await scan(sessionmaker) == BATCH
        return await at_risk.scan(sessionmaker) == BATCH or full

    return BackgroundLoop("sla-breach-scan", step, interval=SCAN_SECONDS, max_backoff=SCAN_SECONDS)
