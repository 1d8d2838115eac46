"""Shifts one at a time: reading them, a manager's edits, an executor's start and end.

Services flush; the caller's transaction commits, so a refused edit leaves nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core_service.errors import Conflict, Forbidden, Invalid, NotFound
from core_service.events.outbox import record
from core_service.requests import queries
from core_service.shifts.models import Shift
from core_service.shifts.schemas import MAX_DAYS, Hours, PersonOut, RangeEditIn, ShiftIn, ShiftOut
from core_service.sla.schemas import minutes_of
from core_service.users.models import User
from core_service.users.service import staff_telegram_ids

STARTED = "shift.started"
ENDED = "shift.ended"
# The longest single shift; a longer one is almost surely a typo in a date.
MAX_SHIFT = timedelta(hours=24)
# An executor may start a shift this long before its time.
EARLY_START = timedelta(hours=1)


def now() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


def at(day: date, clock: str, zone: ZoneInfo) -> datetime:
    """The UTC instant of local `clock` (`HH:MM`, `24:00` is the next midnight) on `day`."""
    minutes = minutes_of(clock)
    local = datetime.combine(day + timedelta(days=minutes // 1440),
                             time(minutes % 1440 // 60, minutes % 60), zone)
    return local.astimezone(UTC)


def days(first: date, last: date, field: str = "to") -> list[date]:
    """The local days `first`..`last`; 422 on `field` when reversed or longer than MAX_DAYS."""
    if last < first:
        raise Invalid(field, f"{last} is before {first}")
    if (last - first).days >= MAX_DAYS:
        raise Invalid(field, f"at most {MAX_DAYS} days at once")
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def status_of(shift: Shift, moment: datetime) -> str:
    """The status shown: a planned shift whose end has passed is `missed`."""
    return "missed" if shift.status == "planned" and shift.ends_at <= moment else shift.status


def out(shift: Shift, moment: datetime | None = None) -> ShiftOut:
    """The API view of a shift loaded with its executor and hand-over colleague."""
    colleague = shift.handover_to
    return ShiftOut(
        id=shift.id, template_id=shift.template_id, executor=PersonOut.model_validate(shift.executor),
        specialization=shift.specialization, starts_at=shift.starts_at, ends_at=shift.ends_at,
        status=status_of(shift, moment or now()),
        started_at=shift.started_at, ended_at=shift.ended_at,
        handover_to=PersonOut.model_validate(colleague) if colleague is not None else None,
        handover_state=shift.handover_state,
    )


def loaded() -> Select[Shift]:
    """Shifts with their executor and hand-over colleague."""
    return select(Shift).options(joinedload(Shift.executor), joinedload(Shift.handover_to))


async def get(session: AsyncSession, tenant: str, shift_id: int) -> Shift:
    """A shift of the tenant, locked for the change that follows; 404 when unknown."""
    query = loaded().where(Shift.tenant_id == tenant, Shift.id == shift_id).with_for_update(of=Shift)
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"shift {shift_id} not found")
    return found


async def executor_for(session: AsyncSession, tenant: str, user_id: int, specialization: str,
                       field: str) -> User:
    """The active executor `user_id` holding `specialization`, locked so that their shifts are
    checked for overlaps one change at a time; 422 on `field` otherwise."""
    query = select(User).where(User.tenant_id == tenant, User.id == user_id).with_for_update()
    user = (await session.execute(query)).scalar_one_or_none()
    if user is None or not user.has_role("executor") or user.status != "active":
        raise Invalid(field, f"user {user_id} is not an active executor of this tenant")
    if specialization not in user.specializations:
        raise Invalid(field, f"executor {user_id} does not have the specialization {specialization}")
    return user


async def overlap(session: AsyncSession, tenant: str, executor_id: int, starts_at: datetime,
                  ends_at: datetime, ignore: Iterable[int] = ()) -> Shift | None:
    """A shift of the executor that shares some time with `starts_at`..`ends_at`."""
    query = select(Shift).where(
        Shift.tenant_id == tenant, Shift.executor_id == executor_id, Shift.starts_at < ends_at,
        Shift.ends_at > starts_at, Shift.id.not_in(list(ignore))).limit(1)
    return (await session.execute(query)).scalar_one_or_none()


def _refuse_overlap(found: Shift | None, field: str) -> None:
    if found is not None:
        raise Invalid(field, f"overlaps shift {found.id} ({found.starts_at.isoformat()} to "
                             f"{found.ends_at.isoformat()})")


async def add(session: AsyncSession, tenant: str, body: ShiftIn) -> Shift:
    """Plan one shift by hand: 422 when reversed, over a day, overlapping, or the executor lacks the
    specialization."""
    if body.ends_at <= body.starts_at:
        raise Invalid("ends_at", "must be after starts_at")
    if body.ends_at - body.starts_at > MAX_SHIFT:
        raise Invalid("ends_at", "a shift lasts at most 24 hours")
    executor = await executor_for(session, tenant, body.executor_id, body.specialization, "executor_id")
    _refuse_overlap(await overlap(session, tenant, executor.id, body.starts_at, body.ends_at), "starts_at")
    shift = Shift(tenant_id=tenant, executor_id=executor.id, specialization=body.specialization,
                  starts_at=body.starts_at, ends_at=body.ends_at, status="planned")
    session.add(shift)
    await session.flush()
    shift.executor, shift.handover_to = executor, None
    return shift


async def edit_range(session: AsyncSession, tenant: str, body: RangeEditIn, zone: ZoneInfo
                     ) -> tuple[int, list[Shift]]:
    """Remove an executor's planned shifts starting on the local days, and with `replace` write one
    shift a day of the hours given; everything or nothing."""
    span = days(body.from_, body.to)
    if body.action == "replace" and body.hours is None:
        raise Invalid("hours", "replace needs the hours of the new shifts")
    if body.action == "replace" and body.specialization is None:
        raise Invalid("specialization", "replace needs the specialization of the new shifts")
    if body.specialization is not None:
        executor = await executor_for(session, tenant, body.executor_id, body.specialization, "executor_id")
    else:
        executor = await _any_user(session, tenant, body.executor_id)
    window = (Shift.tenant_id == tenant, Shift.executor_id == executor.id, Shift.status == "planned",
              Shift.starts_at >= at(span[0], "00:00", zone), Shift.starts_at < at(span[-1], "24:00", zone))
    removed = await session.execute(delete(Shift).where(*window))
    created: list[Shift] = []
    if body.action == "replace":
        assert body.hours is not None and body.specialization is not None
        created = await _write_days(session, tenant, executor, body.specialization, span, body.hours, zone)
    return removed.rowcount, created  # type: ignore[attr-defined]


async def _any_user(session: AsyncSession, tenant: str, user_id: int) -> User:
    user = (await session.execute(select(User).where(User.tenant_id == tenant, User.id == user_id)
                                  .with_for_update())).scalar_one_or_none()
    if user is None:
        raise Invalid("executor_id", f"user {user_id} is not a user of this tenant")
    return user


async def _write_days(session: AsyncSession, tenant: str, executor: User, specialization: str,
                      span: list[date], hours: Hours, zone: ZoneInfo) -> list[Shift]:
    created = []
    for day in span:
        starts_at, ends_at = at(day, hours.start, zone), at(day, hours.end, zone)
        _refuse_overlap(await overlap(session, tenant, executor.id, starts_at, ends_at), "hours")
        shift = Shift(tenant_id=tenant, executor_id=executor.id, specialization=specialization,
                      starts_at=starts_at, ends_at=ends_at, status="planned")
        session.add(shift)
        await session.flush()
        shift.executor, shift.handover_to = executor, None
        created.append(shift)
    return created


async def remove(session: AsyncSession, tenant: str, shift_id: int) -> None:
    """Delete one shift that has not started; 409 once it has."""
    shift = await get(session, tenant, shift_id)
    if shift.status != "planned":
        raise Conflict(f"shift {shift_id} is {shift.status}: only a planned shift can be removed",
                       status=shift.status)
    await session.delete(shift)
    await session.flush()


async def listing(session: AsyncSession, tenant: str, filters: dict[str, Any], page: int, page_size: int
                  ) -> tuple[list[Shift], int]:
    """Shifts overlapping `from`..`to`, of one executor and/or specialization, earliest first."""
    where = [Shift.tenant_id == tenant, Shift.ends_at > filters["from"], Shift.starts_at < filters["to"]]
    if filters.get("executor_id") is not None:
        where.append(Shift.executor_id == filters["executor_id"])
    if filters.get("specialization") is not None:
        where.append(Shift.specialization == filters["specialization"])
    total = (await session.execute(select(func.count()).select_from(Shift).where(*where))).scalar_one()
    query = (loaded().where(*where).order_by(Shift.starts_at, Shift.id)
             .offset((page - 1) * page_size).limit(page_size))
    return list((await session.execute(query)).scalars()), total


def event_data(shift: Shift) -> dict[str, Any]:
    """What every shift event carries: the shift, and whom the bot writes to."""
    return {
        "shift_id": shift.id, "specialization": shift.specialization,
        "starts_at": shift.starts_at.isoformat(), "ends_at": shift.ends_at.isoformat(),
        "executor_id": shift.executor.id, "executor_name": shift.executor.name,
        "executor_telegram_id": shift.executor.telegram_id, "executor_language": shift.executor.language,
    }


def _own(shift: Shift, user: User) -> None:
    if shift.executor_id != user.id:
        raise Forbidden("only the shift's executor can do this")


async def start(session: AsyncSession, user: User, shift_id: int) -> Shift:
    """The executor starts their planned shift (from an hour before its time until its end)."""
    shift = await get(session, user.tenant_id, shift_id)
    _own(shift, user)
    moment = now()
    if shift.status != "planned":
        raise Conflict(f"shift {shift_id} is {shift.status}", status=shift.status)
    if not shift.starts_at - EARLY_START <= moment < shift.ends_at:
        raise Conflict(f"shift {shift_id} can be started from {(shift.starts_at - EARLY_START).isoformat()} "
                       f"until {shift.ends_at.isoformat()}", status=status_of(shift, moment))
    shift.status, shift.started_at = "started", moment
    await session.flush()
    await record(session, user.tenant_id, STARTED, {**event_data(shift), "started_at": moment.isoformat(),
                                                     "late": moment > shift.starts_at})
    return shift


async def handover_list(session: AsyncSession, shift: Shift) -> dict[str, Any]:
    """What managers get when a shift ends: the executor's open requests, oldest first, and whom to tell."""
    return {"open_requests": await queries.open_of(session, shift.tenant_id, shift.executor_id),
            "manager_telegram_ids": await staff_telegram_ids(session, shift.tenant_id)}


async def end(session: AsyncSession, user: User, shift_id: int) -> Shift:
    """The executor ends their started shift; their open requests stay theirs (until a manager
    reassigns them from the hand-over list the event carries)."""
    shift = await get(session, user.tenant_id, shift_id)
    _own(shift, user)
    if shift.status != "started":
        raise Conflict(f"shift {shift_id} is {status_of(shift, now())}: only a started shift can end",
                       status=shift.status)
    shift.status, shift.ended_at = "ended", now()
    await session.flush()
    await record(session, user.tenant_id, ENDED, {**event_data(shift), "ended_at": shift.ended_at.isoformat(),
                                                  **await handover_list(session, shift)})
    return shift
