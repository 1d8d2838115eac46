"""Claiming requests whose due instant (a column) has passed, for the scans of time-based work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from core_service.requests import queries
from core_service.requests.models import RepairRequest
from shared.db import session_scope

Announce = Callable[[AsyncSession, RepairRequest], Awaitable[None]]


def claim_query(column: InstrumentedAttribute[datetime | None], limit: int,
                *where: ColumnElement[bool]) -> Select[RepairRequest]:
    """Up to `limit` requests whose `column` has passed (and `where`), oldest first, with their
    building and people, locked, skipping those another pass holds."""
    return queries.with_people(
        select(RepairRequest).where(column <= func.now(), *where).order_by(column).limit(limit)
    ).with_for_update(of=RepairRequest, skip_locked=True)


async def claim(sessionmaker: async_sessionmaker[AsyncSession],
                column: InstrumentedAttribute[datetime | None], announcer: Announce, limit: int,
                *where: ColumnElement[bool]) -> int:
    """One pass over `column`: `announcer` for up to `limit` requests due now (and `where`), in one
    transaction; how many were claimed."""
    announced = 0
    async for session in session_scope(sessionmaker):  # committed when the loop ends, not on return
        found = (await session.execute(claim_query(column, limit, *where))).scalars().unique().all()
        for request in found:
            await announcer(session, request)
        announced = len(found)
    return announced
