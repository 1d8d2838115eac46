"""Handing a planned shift to a colleague: the executor asks, the colleague accepts, a manager approves."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core_service.errors import Conflict, Forbidden, Invalid
from core_service.events.outbox import person, record
from core_service.shifts.models import Shift
from core_service.shifts.service import event_data, executor_for, get, overlap
from core_service.users.models import User

REQUESTED = "shift.handover_requested"
ACCEPTED = "shift.handover_accepted"
APPROVED = "shift.handover_approved"


def _colleague_data(shift: Shift, colleague: User) -> dict[str, object]:
    return {**event_data(shift), **person("to", colleague, "id", "name", "telegram_id", "language")}


async def ask(session: AsyncSession, user: User, shift_id: int, colleague_id: int) -> Shift:
    """The shift's executor asks to hand their planned shift to a colleague of the same specialization."""
    shift = await get(session, user.tenant_id, shift_id)
    if shift.executor_id != user.id:
        raise Forbidden("only the shift's executor can hand it over")
    if shift.status != "planned" or shift.handover_state is not None:
        raise Conflict(f"shift {shift_id} is {shift.status}" + (f" with a hand-over {shift.handover_state}"
                       if shift.handover_state else "") + ": only a planned shift can be handed over",
                       status=shift.status)
    if colleague_id == user.id:
        raise Invalid("to_executor_id", "hand the shift to someone else")
    colleague = await executor_for(session, user.tenant_id, colleague_id, shift.specialization,
                                   "to_executor_id")
    clash = await overlap(session, user.tenant_id, colleague.id, shift.starts_at, shift.ends_at)
    if clash is not None:
        raise Invalid("to_executor_id", f"executor {colleague.id} already has shift {clash.id} at that time")
    shift.handover_to_id, shift.handover_to, shift.handover_state = colleague.id, colleague, "requested"
    await session.flush()
    await record(session, user.tenant_id, REQUESTED, _colleague_data(shift, colleague))
    return shift


async def accept(session: AsyncSession, user: User, shift_id: int) -> Shift:
    """The colleague asked accepts the shift; a manager still has to approve it."""
    shift = await get(session, user.tenant_id, shift_id)
    if shift.handover_to_id != user.id:
        raise Forbidden("only the colleague asked can accept the hand-over")
    if shift.handover_state != "requested" or shift.status != "planned":
        raise Conflict(f"shift {shift_id} has no hand-over waiting for acceptance", status=shift.status)
    shift.handover_state = "accepted"
    await session.flush()
    await record(session, user.tenant_id, ACCEPTED, _colleague_data(shift, user))
    return shift


async def approve(session: AsyncSession, manager: User, shift_id: int) -> Shift:
    """A manager approves an accepted hand-over: the shift changes executor."""
    shift = await get(session, manager.tenant_id, shift_id)
    if shift.handover_state != "accepted" or shift.status != "planned" or shift.handover_to is None:
        raise Conflict(f"shift {shift_id} has no accepted hand-over to approve", status=shift.status)
    previous = shift.executor
    colleague = await executor_for(session, manager.tenant_id, shift.handover_to.id, shift.specialization,
                                   "to_executor_id")
    clash = await overlap(session, manager.tenant_id, colleague.id, shift.starts_at, shift.ends_at,
                          [shift.id])
    if clash is not None:
        raise Conflict(f"executor {colleague.id} has since taken shift {clash.id} at that time",
                       status=shift.status)
    shift.executor_id, shift.executor = colleague.id, colleague
    shift.handover_to_id, shift.handover_to, shift.handover_state = None, None, None
    await session.flush()
    await record(session, manager.tenant_id, APPROVED, {
        **event_data(shift), **person("from", previous, "id", "name", "telegram_id", "language"),
        **person("approved_by", manager, "id", "name")})
    return shift
