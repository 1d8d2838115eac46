"""Changing requests: create, assign, take, move through the lifecycle, comment.

Each change writes its history row and its events in the caller's transaction; a refused change
raises before anything is written, so it leaves no trace.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core_service.buildings import service as buildings_service
from core_service.dispatch import assignment, routing
from core_service.errors import Conflict, Forbidden, Invalid, NotFound
from core_service.requests import events, lifecycle, numbering, queries
from core_service.requests.models import RepairRequest, RequestComment, RequestHistory
from core_service.requests.schemas import CommentIn, MediaItem, RequestIn, StatusBody
from core_service.residency import service as residency_service
from core_service.sla import tracking
from core_service.users.models import User


async def reload(session: AsyncSession, request: RepairRequest) -> RepairRequest:
    """The request re-read with its building and people (after a change)."""
    query = queries.with_people(select(RepairRequest).where(RepairRequest.id == request.id))
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalars().unique().one()


def media_list(items: list[str | MediaItem], stage: str, user: User) -> list[dict[str, Any]]:
    """Media as stored: each file with its type, the `stage` it came at, when (UTC) and by whom."""
    added_at = datetime.now(UTC).isoformat()
    return [{**(MediaItem(file_id=m) if isinstance(m, str) else m).model_dump(), "stage": stage,
             "added_at": added_at, "added_by": user.id} for m in items]


def _history(request: RepairRequest, actor: User | None, action: str, **fields: Any) -> RequestHistory:
    return RequestHistory(tenant_id=request.tenant_id, request_id=request.id,
                          actor_id=actor.id if actor else None, action=action, **fields)


async def create(
    session: AsyncSession, numbering_engine: AsyncEngine, user: User, body: RequestIn, zone: str,
    *, approval: bool = False,
) -> RepairRequest:
    """A new request of `user`, numbered for today, status `new`; with `approval` (the tenant
    approves residents) a resident files only for an apartment of theirs that staff approved."""
    try:
        building = await buildings_service.get(session, user.tenant_id, body.building_id)
    except NotFound:
        raise Invalid("building_id", f"building {body.building_id} does not exist") from None
    if approval and not user.is_staff and not await residency_service.holds_apartment(
        session, user, building.id, body.apartment
    ):
        raise Forbidden("you can file requests only for your approved apartments")
    media = media_list(body.media, "filed", user)
    number = await numbering.next_number(numbering_engine, user.tenant_id, zone)
    request = RepairRequest(
        tenant_id=user.tenant_id, number=number, building_id=building.id, apartment=body.apartment,
        category=body.category, urgency=body.urgency, description=body.description, media=media,
        applicant_id=user.id, status="new", building=building, applicant=user, executor=None,
    )
    await tracking.filed(session, request, zone)
    session.add(request)
    await session.flush()
    session.add(_history(request, user, "created", new_status="new"))
    return await _dispatch(session, request, user, zone)


async def _dispatch(session: AsyncSession, request: RepairRequest, user: User, zone: str) -> RepairRequest:
    """Announce the new request to whom routing offers it, and assign it at once where the tenant
    dispatches automatically and someone is there to take it."""
    route = await routing.route(session, request.tenant_id, request.category, datetime.now(UTC))
    executor = await assignment.choose(session, request.tenant_id, route)
    audience = await events.audience(session, request, route)
    await events.record(session, events.CREATED, request, user, old_status=None,
                        auto_assigned=executor is not None, **audience)
    if executor is None:
        return request
    return await _set_executor(session, request, None, executor, assignment.REASON, zone, automatic=True)


def _illegal(request: RepairRequest, wanted: str) -> Conflict:
    allowed = list(lifecycle.allowed(request.status))
    return Conflict(
        f"cannot move request {request.number} from {request.status} to {wanted}; "
        f"allowed: {', '.join(allowed) or 'none (final status)'}",
        status=request.status, allowed_transitions=allowed,
    )


async def _executor(session: AsyncSession, tenant: str, executor_id: int) -> User:
    executor = await session.get(User, executor_id)
    if executor is None or executor.tenant_id != tenant:
        raise Invalid("executor_id", f"user {executor_id} does not exist")
    if not executor.has_role("executor") or executor.status != "active":
        raise Invalid("executor_id", f"user {executor_id} is not an active executor")
    return executor


async def _set_executor(
    session: AsyncSession, request: RepairRequest, actor: User | None, executor: User, comment: str | None,
    zone: str, *, automatic: bool = False,
) -> RepairRequest:
    """Give the request to `executor` (new -> in_progress): clocks, history, events; no actor and
    `automatic` when dispatch chose them."""
    old_status, old_executor = request.status, request.executor_id
    request.executor_id, request.status = executor.id, "in_progress" if old_status == "new" else old_status
    if old_status != request.status:
        await tracking.moved(session, request, old_status, zone)
    session.add(_history(request, actor, "assigned", old_status=old_status, new_status=request.status,
                         old_executor_id=old_executor, new_executor_id=executor.id, comment=comment))
    await session.flush()
    request = await reload(session, request)
    await events.record(session, events.ASSIGNED, request, actor, old_status=old_status,
                        old_executor_id=old_executor, comment=comment, automatic=automatic)
    if old_status != request.status:
        await events.record(session, events.STATUS_CHANGED, request, actor, old_status=old_status,
                            comment=comment, automatic=automatic)
    return request


async def assign(
    session: AsyncSession, actor: User, number: str, executor_id: int, comment: str | None, zone: str
) -> RepairRequest:
    """A manager gives the request to an executor (new -> in_progress, or reassigns)."""
    request = await queries.for_action(session, actor, number)
    if request.status != "new" and request.status not in lifecycle.REASSIGNABLE:
        raise _illegal(request, "in_progress")
    if (reason := lifecycle.may_assign(actor)) is not None:
        raise Forbidden(reason)
    executor = await _executor(session, actor.tenant_id, executor_id)
    if request.executor_id == executor.id:
        return request
    return await _set_executor(session, request, actor, executor, comment, zone)


async def take(session: AsyncSession, actor: User, number: str, zone: str) -> RepairRequest:
    """An executor of the matching specialization takes a new request."""
    request = await queries.for_action(session, actor, number)
    if request.status != "new":
        raise _illegal(request, "in_progress")
    if (reason := lifecycle.may_take(actor, request)) is not None:
        raise Forbidden(reason)
    return await _set_executor(session, request, actor, actor, None, zone)


async def _move(session: AsyncSession, request: RepairRequest, actor: User | None, status: str,
                note: str | None, zone: str) -> RepairRequest:
    """Set a legal, allowed `status`: clocks, the acceptance wait, history; the request reloaded."""
    old_status, request.status = request.status, status
    request.acceptance_due_at = None
    if status == "completed":
        request.completed_at = datetime.now(UTC)
        # The resident is reminded a day later, unless they accept or return it first.
        request.acceptance_due_at = request.completed_at + lifecycle.ACCEPTANCE_REMINDER
    await tracking.moved(session, request, old_status, zone)
    session.add(_history(request, actor, "status_changed", old_status=old_status, new_status=status,
                         comment=note))
    await session.flush()
    return await reload(session, request)


async def accept_automatically(session: AsyncSession, request: RepairRequest, days: int,
                               zone: str) -> RepairRequest:
    """Accept, with no actor and no rating, completed work its resident left unanswered `days` days."""
    if not lifecycle.is_transition(request.status, "accepted"):
        raise _illegal(request, "accepted")
    note = f"accepted automatically: the resident did not answer in {days} days"
    request = await _move(session, request, None, "accepted", note, zone)
    await events.record(session, events.STATUS_CHANGED, request, None, old_status="completed",
                        comment=note, reason=None, media=[], automatic=True)
    return request


def _require_fields(body: StatusBody) -> None:
    if body.status == "accepted" and body.rating is None:
        raise Invalid("rating", "accepting needs a rating from 1 to 5")
    if body.status in ("returned", "cancelled") and not (body.reason or "").strip():
        raise Invalid("reason", f"{body.status} needs a reason")


async def change_status(
    session: AsyncSession, actor: User, number: str, body: StatusBody, zone: str
) -> RepairRequest:
    """Move the request along the lifecycle table (409 illegal, 403 not yours, 422 missing field)."""
    request = await queries.for_action(session, actor, number)
    if not lifecycle.is_transition(request.status, body.status):
        raise _illegal(request, body.status)
    if (reason := lifecycle.refusal(actor, request, body.status)) is not None:
        raise Forbidden(reason)
    _require_fields(body)
    if request.status == "new" and body.status == "in_progress":  # an executor taking it
        return await _set_executor(session, request, actor, actor, body.comment, zone)
    old_status = request.status
    if body.status == "accepted":
        request.rating, request.review = body.rating, body.comment
    # e.g. photos proving the work is done, or of what is still wrong when returned
    added = media_list(body.media, body.status, actor)
    if added:
        request.media = [*request.media, *added]
    request = await _move(session, request, actor, body.status, body.reason or body.comment, zone)
    await events.record(session, events.STATUS_CHANGED, request, actor, old_status=old_status,
                        comment=body.comment, reason=body.reason, media=added)
    if body.status == "accepted":
        await events.record(session, events.RATED, request, actor, old_status=old_status,
                            review=body.comment)
    return request


async def comment(session: AsyncSession, actor: User, number: str, body: CommentIn) -> RequestComment:
    """Add a comment (text, photos or both) to a request the actor can see."""
    request = await queries.visible(session, actor, number)
    text, media = body.text, media_list(body.media, "comment", actor)
    row = RequestComment(tenant_id=request.tenant_id, request_id=request.id, author_id=actor.id, text=text,
                         media=media)
    session.add(row)
    session.add(_history(request, actor, "commented", comment=text))
    await session.flush()
    await session.refresh(row)
    row.author = actor
    await events.record(session, events.COMMENTED, request, actor, old_status=request.status,
                        comment=text, media=media, comment_id=row.id, comment_author_id=actor.id,
                        comment_author_telegram_id=actor.telegram_id, comment_author_name=actor.name)
    return row
