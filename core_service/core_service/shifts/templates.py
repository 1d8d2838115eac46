"""Shift templates and the schedule generated from them for each executor of the specialization."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.errors import NotFound
from core_service.shifts.models import Shift, ShiftTemplate
from core_service.shifts.schemas import CycleTemplateIn, Skipped, TemplateIn
from core_service.shifts.service import at, days, executor_for, now
from core_service.sla.schemas import WEEKDAYS
from core_service.users.models import User


async def create(session: AsyncSession, tenant: str, body: TemplateIn) -> ShiftTemplate:
    """Store a template; 422 on `executor_ids` when one of them lacks the specialization."""
    for user_id in body.executor_ids or ():
        await executor_for(session, tenant, user_id, body.specialization, "executor_ids")
    template = ShiftTemplate(tenant_id=tenant, kind=body.kind, specialization=body.specialization,
                             start=body.start, end=body.end, executor_ids=body.executor_ids, weekdays=[])
    if isinstance(body, CycleTemplateIn):
        template.days_on, template.days_off = body.days_on, body.days_off
        template.cycle_start = body.cycle_start
    else:
        template.weekdays = list(body.weekdays)
    session.add(template)
    await session.flush()
    return template


async def get(session: AsyncSession, tenant: str, template_id: int) -> ShiftTemplate:
    """A template of the tenant, or 404."""
    query = select(ShiftTemplate).where(ShiftTemplate.tenant_id == tenant, ShiftTemplate.id == template_id)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"shift template {template_id} not found")
    return found


async def listing(session: AsyncSession, tenant: str) -> list[ShiftTemplate]:
    """The tenant's templates, oldest first."""
    query = select(ShiftTemplate).where(ShiftTemplate.tenant_id == tenant).order_by(ShiftTemplate.id)
    return list((await session.execute(query)).scalars())


async def remove(session: AsyncSession, tenant: str, template_id: int) -> int:
    """Delete a template and its planned shifts still to come (worked ones stay); how many went."""
    template = await get(session, tenant, template_id)
    gone = await session.execute(delete(Shift).where(
        Shift.template_id == template.id, Shift.status == "planned", Shift.starts_at > now()))
    await session.delete(template)
    await session.flush()
    return int(gone.rowcount)  # type: ignore[attr-defined]


def works_on(template: ShiftTemplate, day: date) -> bool:
    """Whether the template plans a shift on local `day`."""
    if template.kind == "weekly":
        return WEEKDAYS[day.weekday()] in template.weekdays
    assert template.cycle_start is not None and template.days_on is not None and template.days_off is not None
    offset = (day - template.cycle_start).days
    return offset >= 0 and offset % (template.days_on + template.days_off) < template.days_on


async def _executors(session: AsyncSession, tenant: str, template: ShiftTemplate) -> list[int]:
    query = select(User.id).where(
        User.tenant_id == tenant, User.status == "active", User.roles.contains(["executor"]),
        User.specializations.contains([template.specialization])).order_by(User.id).with_for_update()
    if template.executor_ids is not None:
        query = query.where(User.id.in_(template.executor_ids))
    return list((await session.execute(query)).scalars())


async def generate(session: AsyncSession, template: ShiftTemplate, first: date, last: date, zone: ZoneInfo
                   ) -> tuple[int, list[Skipped]]:
    """Write the template's shifts on local days `first`..`last` for each of its executors. A shift
    it already wrote is not written twice; one that would overlap another shift of the executor is
    left out and reported."""
    tenant = template.tenant_id
    wanted = [(at(day, template.start, zone), at(day, template.end, zone))
              for day in days(first, last) if works_on(template, day)]
    executors = await _executors(session, tenant, template)
    if not wanted or not executors:
        return 0, []
    existing = (await session.execute(select(Shift.executor_id, Shift.starts_at, Shift.ends_at).where(
        Shift.tenant_id == tenant, Shift.executor_id.in_(executors),
        Shift.starts_at < wanted[-1][1], Shift.ends_at > wanted[0][0] - timedelta(days=1)))).all()
    held: dict[int, list[tuple[datetime, datetime]]] = {user_id: [] for user_id in executors}
    for user_id, starts_at, ends_at in existing:
        held[user_id].append((starts_at, ends_at))
    rows, skipped = [], []
    for user_id in executors:
        for starts_at, ends_at in wanted:
            if (starts_at, ends_at) in held[user_id]:
                continue
            if any(s < ends_at and e > starts_at for s, e in held[user_id]):
                skipped.append(Skipped(executor_id=user_id, starts_at=starts_at,
                                       reason="overlaps another shift of the executor"))
                continue
            rows.append({"tenant_id": tenant, "template_id": template.id, "executor_id": user_id,
                         "specialization": template.specialization, "starts_at": starts_at,
                         "ends_at": ends_at, "status": "planned"})
    if rows:
        await session.execute(insert(Shift), rows)
    return len(rows), skipped


def first_days(zone: ZoneInfo, weeks: int) -> tuple[date, date]:
    """Today (local) and the last day of the `weeks` that start with it."""
    today = now().astimezone(zone).date()
    return today, today + timedelta(days=7 * weeks - 1)

