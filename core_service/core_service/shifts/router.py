"""`/api/v1/shifts`: templates and schedules (staff), an executor's own shifts and hand-overs,
coverage for managers and who is on duty for routing."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response

from core_service.auth.dependencies import ActiveUser, CallerDep, StaffUser
from core_service.dependencies import SettingsDep
from core_service.errors import CONFLICT, NOT_FOUND, SIGNED_IN, Forbidden, Invalid
from core_service.schemas import PageNumber, PageSize
from core_service.shifts import coverage, handover, service, templates
from core_service.shifts.schemas import (
    FIRST_WEEKS,
    MAX_DAYS,
    CoverageOut,
    Day,
    DaysIn,
    GeneratedOut,
    HandoverIn,
    Instant,
    OnDuty,
    RangeEditIn,
    RangeEditOut,
    ShiftIn,
    ShiftOut,
    ShiftPage,
    TemplateIn,
    TemplateOut,
)
from core_service.users.schemas import Specialization
from shared.app import SessionDep
from shared.schemas import Id

router = APIRouter(prefix="/api/v1/shifts", tags=["shifts"], responses=SIGNED_IN)
# How far ahead a schedule is listed when no end is asked.
LISTED = timedelta(days=14)


def zone_of(settings: SettingsDep) -> ZoneInfo:
    """The time zone local days and hours are counted in."""
    return ZoneInfo(settings.timezone)


@router.post("/templates", status_code=201)
async def create_template(body: TemplateIn, staff: StaffUser, session: SessionDep,
                          settings: SettingsDep) -> GeneratedOut:
    """Store a template and generate its shifts for the coming 4 weeks, today included."""
    template = await templates.create(session, staff.tenant_id, body)
    first, last = templates.first_days(zone_of(settings), FIRST_WEEKS)
    created, skipped = await templates.generate(session, template, first, last, zone_of(settings))
    return GeneratedOut(template=TemplateOut.model_validate(template), created=created, skipped=skipped)


@router.get("/templates")
async def list_templates(staff: StaffUser, session: SessionDep) -> list[TemplateOut]:
    """The tenant's templates, oldest first."""
    return [TemplateOut.model_validate(t) for t in await templates.listing(session, staff.tenant_id)]


@router.post("/templates/{template_id}/generate", responses=NOT_FOUND)
async def generate(template_id: Id, body: DaysIn, staff: StaffUser, session: SessionDep,
                   settings: SettingsDep) -> GeneratedOut:
    """Generate the template's shifts on local days `from`..`to` (again: nothing is written twice)."""
    template = await templates.get(session, staff.tenant_id, template_id)
    created, skipped = await templates.generate(session, template, body.from_, body.to, zone_of(settings))
    return GeneratedOut(template=TemplateOut.model_validate(template), created=created, skipped=skipped)


@router.delete("/templates/{template_id}", status_code=204, responses=NOT_FOUND)
async def delete_template(template_id: Id, staff: StaffUser, session: SessionDep) -> Response:
    """Delete a template and its planned shifts still to come; shifts already worked stay."""
    await templates.remove(session, staff.tenant_id, template_id)
    return Response(status_code=204)


@router.post("", status_code=201)
async def add_shift(body: ShiftIn, staff: StaffUser, session: SessionDep) -> ShiftOut:
    """Plan one shift by hand."""
    return service.out(await service.add(session, staff.tenant_id, body))


@router.post("/range")
async def edit_range(body: RangeEditIn, staff: StaffUser, session: SessionDep,
                     settings: SettingsDep) -> RangeEditOut:
    """Remove or replace one executor's planned shifts on one local day or a range of them."""
    removed, created = await service.edit_range(session, staff.tenant_id, body, zone_of(settings))
    return RangeEditOut(removed=removed, created=[service.out(s) for s in created])


@router.get("")
async def list_shifts(
    caller: CallerDep, session: SessionDep, settings: SettingsDep, executor_id: Id | None = None,
    specialization: Specialization | None = None,
    from_: Annotated[Instant | None, Query(alias="from")] = None, to: Instant | None = None,
    page: PageNumber = 1, page_size: PageSize = 100,
) -> ShiftPage:
    """Shifts overlapping `from`..`to` (today's start to two weeks on by default), earliest first;
    an executor reads only their own."""
    user = caller.user
    if user is not None and not user.is_staff:
        if not user.has_role("executor") or executor_id not in (None, user.id):
            raise Forbidden("an executor reads only their own shifts")
        executor_id = user.id
    zone = zone_of(settings)
    begin = from_ or service.at(service.now().astimezone(zone).date(), "00:00", zone)
    end = to or begin + LISTED
    if end <= begin:
        raise Invalid("to", "must be after from", "query")
    if end - begin > timedelta(days=MAX_DAYS):
        raise Invalid("to", f"at most {MAX_DAYS} days at once", "query")
    found, total = await service.listing(session, caller.tenant_id, {
        "executor_id": executor_id, "specialization": specialization, "from": begin, "to": end,
    }, page, page_size)
    moment = service.now()
    return ShiftPage(items=[service.out(s, moment) for s in found], total=total, page=page,
                     page_size=page_size)


@router.get("/coverage")
async def day_coverage(staff: StaffUser, session: SessionDep, settings: SettingsDep,
                       day: Annotated[Day | None, Query(alias="date")] = None,
                       specialization: Specialization | None = None) -> CoverageOut:
    """A local day's coverage per specialization: who is on, who is missing, the gaps (today by default)."""
    zone = zone_of(settings)
    moment = service.now()
    return await coverage.coverage(session, staff.tenant_id, day or moment.astimezone(zone).date(), zone,
                                   moment, specialization)


@router.get("/on-duty")
async def on_duty(caller: CallerDep, session: SessionDep, specialization: Specialization,
                  moment: Annotated[Instant | None, Query(alias="at")] = None) -> list[OnDuty]:
    """The executors on shift for `specialization` at `at` (now by default), for routing."""
    if caller.user is not None and not caller.user.is_staff:
        raise Forbidden("managers, admins and services only")
    return await coverage.on_duty(session, caller.tenant_id, specialization, moment or service.now())


@router.delete("/{shift_id}", status_code=204, responses=CONFLICT)
async def delete_shift(shift_id: Id, staff: StaffUser, session: SessionDep) -> Response:
    """Remove one planned shift."""
    await service.remove(session, staff.tenant_id, shift_id)
    return Response(status_code=204)


@router.post("/{shift_id}/start", responses=CONFLICT)
async def start(shift_id: Id, user: ActiveUser, session: SessionDep) -> ShiftOut:
    """The executor starts their shift (from an hour before its time until its end)."""
    return service.out(await service.start(session, user, shift_id))


@router.post("/{shift_id}/end", responses=CONFLICT)
async def end(shift_id: Id, user: ActiveUser, session: SessionDep) -> ShiftOut:
    """The executor ends their started shift."""
    return service.out(await service.end(session, user, shift_id))


@router.post("/{shift_id}/handover", responses=CONFLICT)
async def ask_handover(shift_id: Id, body: HandoverIn, user: ActiveUser, session: SessionDep) -> ShiftOut:
    """The executor asks to hand their planned shift to a colleague of the same specialization."""
    return service.out(await handover.ask(session, user, shift_id, body.to_executor_id))


@router.post("/{shift_id}/handover/accept", responses=CONFLICT)
async def accept_handover(shift_id: Id, user: ActiveUser, session: SessionDep) -> ShiftOut:
    """The colleague asked accepts the shift."""
    return service.out(await handover.accept(session, user, shift_id))


@router.post("/{shift_id}/handover/approve", responses=CONFLICT)
async def approve_handover(shift_id: Id, staff: StaffUser, session: SessionDep) -> ShiftOut:
    """A manager approves an accepted hand-over: the colleague now holds the shift."""
    return service.out(await handover.approve(session, staff, shift_id))
