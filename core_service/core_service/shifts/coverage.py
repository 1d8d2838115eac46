"""Who is on duty: a day's coverage per specialization for managers, and the executors on shift at
a moment for routing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.shifts.models import Shift, ShiftTemplate
from core_service.shifts.schemas import CoverageOut, Gap, OnDuty, PersonOut, SpecializationCoverage
from core_service.shifts.service import at, loaded, out
from core_service.users.models import User

# A planned shift not started this long after its time is reported missing.
GRACE = timedelta(minutes=15)


def gaps(shifts: list[Shift], day_start: datetime, day_end: datetime) -> list[Gap]:
    """The stretches of `day_start`..`day_end` that no shift covers."""
    found, cursor = [], day_start
    for shift in sorted(shifts, key=lambda s: s.starts_at):
        if shift.starts_at > cursor:
            found.append(Gap(starts_at=cursor, ends_at=min(shift.starts_at, day_end)))
        cursor = max(cursor, shift.ends_at)
        if cursor >= day_end:
            break
    if cursor < day_end:
        found.append(Gap(starts_at=cursor, ends_at=day_end))
    return [gap for gap in found if gap.starts_at < gap.ends_at]


async def coverage(session: AsyncSession, tenant: str, day: date, zone: ZoneInfo, moment: datetime,
                   specialization: str | None = None) -> CoverageOut:
    """Per specialization on local `day`: who is on (started), who is missing (planned, not started
    15 minutes after their time), every shift planned, and the stretches with nobody planned."""
    day_start, day_end = at(day, "00:00", zone), at(day, "24:00", zone)
    query = loaded().where(Shift.tenant_id == tenant, Shift.starts_at < day_end, Shift.ends_at > day_start)
    if specialization is not None:
        query = query.where(Shift.specialization == specialization)
    by_specialization: dict[str, list[Shift]] = defaultdict(list)
    for shift in (await session.execute(query.order_by(Shift.starts_at, Shift.id))).scalars():
        by_specialization[shift.specialization].append(shift)
    templated = select(ShiftTemplate.specialization).where(ShiftTemplate.tenant_id == tenant).distinct()
    for name in (await session.execute(templated)).scalars():
        if specialization in (None, name):
            by_specialization.setdefault(name, [])
    result = []
    for name in sorted(by_specialization):
        shifts = by_specialization[name]
        result.append(SpecializationCoverage(
            specialization=name,
            on=[out(s, moment) for s in shifts if s.status == "started"],
            missing=[out(s, moment) for s in shifts
                     if s.status == "planned" and s.starts_at + GRACE <= moment],
            planned=[out(s, moment) for s in shifts],
            gaps=gaps(shifts, day_start, day_end),
        ))
    return CoverageOut(date=day, timezone=zone.key, specializations=result)


async def on_duty(session: AsyncSession, tenant: str, specialization: str, moment: datetime) -> list[OnDuty]:
    """The active executors with a planned or started shift of `specialization` covering `moment`."""
    query = (select(Shift, User).join(User, User.id == Shift.executor_id).where(
        Shift.tenant_id == tenant, Shift.specialization == specialization,
        Shift.status.in_(("planned", "started")), Shift.starts_at <= moment, Shift.ends_at > moment,
        User.status == "active").order_by(Shift.starts_at, Shift.id))
    return [OnDuty(shift_id=shift.id, executor=PersonOut.model_validate(user),
                   specialization=shift.specialization, status=shift.status,
                   starts_at=shift.starts_at, ends_at=shift.ends_at)
            for shift, user in (await session.execute(query)).all()]
