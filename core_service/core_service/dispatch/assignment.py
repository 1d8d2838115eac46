"""Choosing whom a new request is assigned to when the tenant dispatches automatically."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.dispatch import service
from core_service.dispatch.routing import Route
from core_service.requests.lifecycle import OPEN
from core_service.requests.models import RepairRequest, RequestHistory
from core_service.users.models import User

REASON = "assigned automatically: fewest open requests"


async def _open_requests(session: AsyncSession, tenant: str, ids: list[int]) -> dict[int, int]:
    R = RepairRequest
    query = (select(R.executor_id, func.count()).where(R.tenant_id == tenant, R.executor_id.in_(ids),
                                                        R.status.in_(OPEN)).group_by(R.executor_id))
    return {executor_id: count for executor_id, count in (await session.execute(query)).tuples()
            if executor_id is not None}


async def _last_assigned(session: AsyncSession, tenant: str, ids: list[int]) -> dict[int, datetime]:
    H = RequestHistory
    query = (select(H.new_executor_id, func.max(H.created_at))
             .where(H.tenant_id == tenant, H.action == "assigned", H.new_executor_id.in_(ids))
             .group_by(H.new_executor_id))
    return {executor_id: at for executor_id, at in (await session.execute(query)).tuples()
            if executor_id is not None}


async def fewest_open(session: AsyncSession, tenant: str, executors: list[User]) -> User | None:
    """The executor with the fewest open requests; ties: the longest since their last assignment
    (never assigned first), then the lowest id. None when there is nobody."""
    if not executors:
        return None
    ids = sorted(user.id for user in executors)
    # Concurrent filings wait here, so each counts the assignments the one before it made.
    await session.execute(select(User.id).where(User.id.in_(ids)).order_by(User.id).with_for_update())
    load, last = await _open_requests(session, tenant, ids), await _last_assigned(session, tenant, ids)
    return min(executors, key=lambda user: (
        load.get(user.id, 0), user.id in last, last.get(user.id, datetime.min), user.id))


async def choose(session: AsyncSession, tenant: str, route: Route) -> User | None:
    """Whom to assign a new request routed so, when the tenant assigns automatically; else None."""
    if not (await service.read(session, tenant)).auto_assign:
        return None
    return await fewest_open(session, tenant, route.executors)
