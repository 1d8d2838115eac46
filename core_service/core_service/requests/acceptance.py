"""Completed work waiting for its resident: a reminder after a day, acceptance for them after
`CORE_AUTO_ACCEPT_DAYS`.

The next instant lives in PostgreSQL (`acceptance_due_at`, set when the work is completed and
cleared when it is accepted or returned); each pass claims the passed ones with
`FOR UPDATE SKIP LOCKED`, so several Core replicas remind and accept each request once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.requests import events, service
from core_service.requests.models import RepairRequest
from core_service.sla import due
from shared.background import BackgroundLoop

REMINDER = "request.acceptance_reminder"
BATCH = 200
SCAN_SECONDS = 60.0


async def follow_up(session: AsyncSession, request: RepairRequest, days: int, zone: str) -> None:
    """Remind the resident of completed work (building and people loaded), or accept it for them once
    `days` days have passed since its completion."""
    completed = request.completed_at or request.updated_at
    accept_at = completed + timedelta(days=days)
    if datetime.now(UTC) >= accept_at:
        await service.accept_automatically(session, request, days, zone)
        return
    await events.record(session, REMINDER, request, None, old_status=request.status,
                        completed_at=completed, auto_accept_at=accept_at)
    request.acceptance_due_at = accept_at


async def scan(sessionmaker: async_sessionmaker[AsyncSession], days: int, zone: str,
               limit: int = BATCH) -> int:
    """One pass: follow up up to `limit` requests due now, in one transaction; how many."""

    async def announce(session: AsyncSession, request: RepairRequest) -> None:
        await follow_up(session, request, days, zone)

    return await due.claim(sessionmaker, RepairRequest.acceptance_due_at, announce, limit)


def acceptance_loop(sessionmaker: async_sessionmaker[AsyncSession], days: int, zone: str) -> BackgroundLoop:
    """A scan every SCAN_SECONDS, at once again while a pass finds a full batch."""

    async def step() -> bool:
        return await scan(sessionmaker, days, zone) == BATCH

    return BackgroundLoop("acceptance-scan", step, interval=SCAN_SECONDS, max_backoff=SCAN_SECONDS)
