"""Telling managers about shifts in time: a shift not started 15 minutes after its time
(`core.shift.late`) and tomorrow's hours with nobody planned (`core.shift.coverage_gap`).

Both live in PostgreSQL, never in timers. A late shift is claimed with `FOR UPDATE SKIP LOCKED`
and marked `late_flagged_at` in the same transaction; a specialization's day is claimed by
inserting its `shift_coverage_checks` row (`ON CONFLICT DO NOTHING`), so with several Core
replicas, and across restarts, each shift is flagged once and each day checked once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core_service.events.outbox import record
from core_service.shifts.coverage import GRACE, gaps
from core_service.shifts.models import CoverageCheck, Shift, ShiftTemplate
from core_service.shifts.schemas import Gap
from core_service.shifts.service import at, event_data, loaded, now
from core_service.shifts.templates import works_on
from core_service.users.service import staff_telegram_ids
from shared.background import BackgroundLoop
from shared.db import session_scope

LATE = "shift.late"
COVERAGE_GAP = "shift.coverage_gap"
BATCH = 200
SCAN_SECONDS = 60.0


async def flag_late(sessionmaker: async_sessionmaker[AsyncSession], limit: int = BATCH) -> int:
    """One pass: flag up to `limit` planned shifts, still running, not started GRACE after their time."""
    flagged = 0
    async for session in session_scope(sessionmaker):
        moment = now()
        claimed = (loaded().where(Shift.status == "planned", Shift.late_flagged_at.is_(None),
                                  Shift.starts_at <= moment - GRACE, Shift.ends_at > moment)
                   .order_by(Shift.starts_at).limit(limit).with_for_update(of=Shift, skip_locked=True))
        found = (await session.execute(claimed)).scalars().unique().all()
        for shift in found:
            shift.late_flagged_at = moment
            minutes = int((moment - shift.starts_at).total_seconds() // 60)
            await record(session, shift.tenant_id, LATE, {
                **event_data(shift), "late_minutes": minutes,
                "manager_telegram_ids": await staff_telegram_ids(session, shift.tenant_id)})
        flagged = len(found)
    return flagged


def _uncovered(templates: list[ShiftTemplate], shifts: list[Shift], day: date, zone: ZoneInfo) -> list[Gap]:
    """The stretches of `day` the templates plan someone for and no shift covers."""
    found: list[Gap] = []
    for template in templates:
        if works_on(template, day):
            found += gaps(shifts, at(day, template.start, zone), at(day, template.end, zone))
    merged: list[Gap] = []
    for gap in sorted(found, key=lambda g: g.starts_at):
        if merged and gap.starts_at <= merged[-1].ends_at:
            merged[-1].ends_at = max(merged[-1].ends_at, gap.ends_at)
        else:
            merged.append(gap)
    return merged


async def _check(session: AsyncSession, tenant: str, specialization: str, day: date, zone: ZoneInfo
                 ) -> list[Gap]:
    templates = list((await session.execute(select(ShiftTemplate).where(
        ShiftTemplate.tenant_id == tenant, ShiftTemplate.specialization == specialization))).scalars())
    shifts = list((await session.execute(select(Shift).where(
        Shift.tenant_id == tenant, Shift.specialization == specialization,
        Shift.status.in_(("planned", "started")),
        Shift.starts_at < at(day, "24:00", zone), Shift.ends_at > at(day, "00:00", zone)))).scalars())
    return _uncovered(templates, shifts, day, zone)


async def check_tomorrow(sessionmaker: async_sessionmaker[AsyncSession], zone: ZoneInfo) -> int:
    """One pass: check tomorrow (local) for each specialization with templates not yet checked, warning
    of its gaps; how many were checked."""
    checked = 0
    async for session in session_scope(sessionmaker):
        day = now().astimezone(zone).date() + timedelta(days=1)
        # In one order everywhere: scans side by side claiming pairs in different orders deadlock.
        pairs = (select(ShiftTemplate.tenant_id, ShiftTemplate.specialization, literal(day), literal(0))
                 .distinct().order_by(ShiftTemplate.tenant_id, ShiftTemplate.specialization))
        claim = (insert(CoverageCheck).from_select(["tenant_id", "specialization", "day", "gaps"], pairs)
                 .on_conflict_do_nothing().returning(CoverageCheck.tenant_id, CoverageCheck.specialization))
        for tenant, specialization in (await session.execute(claim)).all():
            found = await _check(session, tenant, specialization, day, zone)
            checked += 1
            if not found:
                continue
            await session.execute(update(CoverageCheck).where(
                CoverageCheck.tenant_id == tenant, CoverageCheck.specialization == specialization,
                CoverageCheck.day == day).values(gaps=len(found)))
            data: dict[str, Any] = {
                "specialization": specialization, "date": day.isoformat(), "timezone": zone.key,
                "gaps": [{"starts_at": g.starts_at.isoformat(), "ends_at": g.ends_at.isoformat()}
                         for g in found],
                "manager_telegram_ids": await staff_telegram_ids(session, tenant)}
            await record(session, tenant, COVERAGE_GAP, data)
    return checked


def shift_alert_loop(sessionmaker: async_sessionmaker[AsyncSession], zone: ZoneInfo) -> BackgroundLoop:
    """Both scans every SCAN_SECONDS, at once again while the late one finds a full batch."""

    async def step() -> bool:
        await check_tomorrow(sessionmaker, zone)
        return await flag_late(sessionmaker) == BATCH

    return BackgroundLoop("shift-alert-scan", step, interval=SCAN_SECONDS, max_backoff=SCAN_SECONDS)
