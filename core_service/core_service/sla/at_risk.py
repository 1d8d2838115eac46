"""Warning of SLAs at risk: `core.request.sla_at_risk` once 80 % of a clock is used, once per clock.

Like breaches, the at-risk times live in PostgreSQL (`sla_risk_alert_at`) and each pass claims
the passed ones with `FOR UPDATE SKIP LOCKED`; the breach loop runs this scan after its own.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.requests import events
from core_service.requests.models import RepairRequest
from core_service.sla import due
from core_service.users.service import staff_telegram_ids

AT_RISK = "request.sla_at_risk"
BATCH = 200


async def announce(session: AsyncSession, request: RepairRequest) -> None:
    """Warn that the running clock is at risk (building and people loaded) and clear its time.

    A clock already past its due time is left to the breach announcement: a warning would be late."""
    risk_at = request.sla_risk_alert_at
    request.sla_risk_alert_at = None
    which = "reaction" if request.status == "new" else "resolution"
    due_at = request.reaction_due_at if which == "reaction" else request.resolution_due_at
    if due_at is None or due_at <= datetime.now(UTC):
        return
    managers = await staff_telegram_ids(session, request.tenant_id)
    await events.record(session, AT_RISK, request, None, old_status=request.status, which=which,
                        due_at=due_at, risk_at=risk_at, manager_telegram_ids=managers)


async def scan(sessionmaker: async_sessionmaker[AsyncSession], limit: int = BATCH) -> int:
    """One pass: warn of up to `limit` clocks at risk now, in one transaction; how many were claimed."""
    return await due.claim(sessionmaker, RepairRequest.sla_risk_alert_at, announce, limit,
                           RepairRequest.sla_paused_at.is_(None))
