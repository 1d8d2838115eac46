"""Claiming requests whose due instant (a column) has passed, for the SLA scans."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from core_service.requests import queries
from core_service.requests.models import RepairRequest
from shared.db import session_scope

Announce = Callable[[AsyncSession, RepairRequest], Awaitable[None]]


async def claim(sessionmaker: async_sessionmaker[AsyncSession],
                column: InstrumentedAttribute[datetime | None], announcer: Announce, limit: int) -> int:
    """One pass over `column`: `announcer` for up to `limit` requests due now, in one transaction."""
    announced = 0
    async for session in session_scope(sessionmaker):  # committed when the loop ends, not on return
        claimed = queries.with_people(
            select(RepairRequest)
            .where(column <= func.now(), RepairRequest.sla_paused_at.is_(None))
            .order_by(column)
            .limit(limit)
        ).with_for_update(of=RepairRequest, skip_locked=True)
        found = (await session.execute(claimed)).scalars().unique().all()
        for request in found:
            await announcer(session, request)
        announced = len(found)
    return announced
