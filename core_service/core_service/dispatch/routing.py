"""Whom a new request is offered to: the active executors of its category, and only those on shift
now when the tenant uses shifts (it has at least one shift template)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.shifts.coverage import on_duty
from core_service.shifts.models import ShiftTemplate
from core_service.users.models import User


@dataclass(frozen=True)
class Route:
    """The executors a request is offered to, by id, and whether shifts narrowed them."""

    executors: list[User]
    on_shift_only: bool


async def uses_shifts(session: AsyncSession, tenant: str) -> bool:
    """Whether the tenant plans shifts: it has at least one shift template."""
    return bool((await session.execute(select(exists().where(ShiftTemplate.tenant_id == tenant)))).scalar())


async def route(session: AsyncSession, tenant: str, category: str, moment: datetime) -> Route:
    """The active executors of `category`; with shifts, those of them on duty at `moment` (as
    `GET /api/v1/shifts/on-duty` answers), possibly nobody."""
    query = select(User).where(
        User.tenant_id == tenant, User.status == "active", User.roles.contains(["executor"]),
        User.specializations.contains([category])).order_by(User.id)
    executors = list((await session.execute(query)).scalars())
    if not await uses_shifts(session, tenant):
        return Route(executors, on_shift_only=False)
    on = {duty.executor.id for duty in await on_duty(session, tenant, category, moment)}
    return Route([user for user in executors if user.id in on], on_shift_only=True)
