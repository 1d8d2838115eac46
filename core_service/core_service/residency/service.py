"""Binding users to apartments: request, approve, reject, ask, answer, remove.

Each change writes its events (and the user's history where staff decide) in the caller's
transaction; a refused change raises before anything is written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, bindparam, case, cast, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from core_service.buildings import service as buildings_service
from core_service.buildings.models import Building
from core_service.errors import Conflict, Forbidden, Invalid, NotFound
from core_service.residency import events
from core_service.residency.models import Residency, ResidencyMessage
from core_service.residency.schemas import ResidencyIn
from core_service.schemas import total_of_page
from core_service.users import history
from core_service.users import service as users_service
from core_service.users.models import User

DUPLICATE = "you already have this apartment"


def acts_as_staff(user: User) -> bool:
    """An active manager or admin (a pending user acts only for themselves)."""
    return user.is_staff and user.status == "active"


def _with_people(query: Select[Residency]) -> Select[Residency]:
    return query.options(
        joinedload(Residency.user), joinedload(Residency.building), joinedload(Residency.decided_by),
        selectinload(Residency.messages).joinedload(ResidencyMessage.author),
    )


async def _load(session: AsyncSession, residency_id: int, *, lock: bool = False) -> Residency | None:
    if lock:
        # Decisions lock the row first: of two managers deciding at once, the second waits, and
        # the read below (a new snapshot) sees the first one's decision with who made it.
        await session.execute(select(Residency.id).where(Residency.id == residency_id).with_for_update())
    query = _with_people(select(Residency).where(Residency.id == residency_id))
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalars().unique().one_or_none()


async def visible(session: AsyncSession, caller: User, residency_id: int, *, lock: bool = False) -> Residency:
    """The residency if the caller is staff of its tenant or its owner; else 404."""
    residency = await _load(session, residency_id, lock=lock)
    if (residency is None or residency.tenant_id != caller.tenant_id
            or not (acts_as_staff(caller) or residency.user_id == caller.id)):
        raise NotFound(f"residency {residency_id} not found")
    return residency


def _check_range(building: Building, body: ResidencyIn) -> None:
    if body.apartment > building.apartments:
        raise Invalid("apartment", f"apartment must be between 1 and {building.apartments}")
    if body.entrance is not None and body.entrance > building.entrances:
        raise Invalid("entrance", f"entrance must be between 1 and {building.entrances}")


async def _owner(session: AsyncSession, caller: User, user_id: int | None) -> User:
    if user_id is None or user_id == caller.id:
        return caller
    if not acts_as_staff(caller):
        raise Forbidden("only managers and admins bind someone else to an apartment")
    return await users_service.get(session, caller.tenant_id, user_id)


async def create(session: AsyncSession, caller: User, body: ResidencyIn, approval: bool) -> Residency:
    """A binding of the caller (or, by staff, of `body.user_id`); `active` at once without `approval`
    or when staff add it, else `pending`."""
    building = await buildings_service.get(session, caller.tenant_id, body.building_id)
    _check_range(building, body)
    owner = await _owner(session, caller, body.user_id)
    active = not approval or acts_as_staff(caller)
    residency = Residency(
        tenant_id=caller.tenant_id, user_id=owner.id, building_id=building.id, apartment=body.apartment,
        entrance=body.entrance, document_file_id=body.document_file_id,
        status="active" if active else "pending", decided_at=datetime.now(UTC) if active else None,
    )
    try:
        # A savepoint: a concurrent duplicate is a 409, and the transaction stays usable.
        async with session.begin_nested():
            session.add(residency)
            await session.flush()
    except IntegrityError:
        raise Conflict(DUPLICATE) from None
    if active and owner.id != caller.id:
        residency.decided_by_id = caller.id
        await _activate_owner(session, owner, caller)
        history.add(session, owner, caller, "residency_approved", after=_where(residency, building))
    await session.flush()
    loaded = await visible(session, caller, residency.id)
    await events.record(session, events.APPROVED if active else events.REQUESTED, loaded, caller)
    return loaded


def _where(residency: Residency, building: Building) -> dict[str, object]:
    return {"residency_id": residency.id, "building_id": building.id, "building_address": building.address,
            "apartment": residency.apartment, "entrance": residency.entrance}


async def _activate_owner(session: AsyncSession, owner: User, actor: User) -> None:
    """A pending user whose apartment is approved is approved too."""
    if owner.status == "pending":
        owner.status = "active"
        history.add(session, owner, actor, "approved", before={"status": "pending"},
                    after={"status": "active"})


_FILTERS = {
    "user_id": Residency.user_id == bindparam("user_id"),
    "building_id": Residency.building_id == bindparam("building_id"),
    "status": Residency.status == bindparam("status"),
}


@lru_cache(maxsize=16)
def _listing(shape: tuple[str, ...]) -> tuple[Select[Residency], Select[int]]:
    """A page of residencies and their count, built once per set of filters (values bound later)."""
    query = select(Residency).where(Residency.tenant_id == bindparam("tenant"),
                                    *(_FILTERS[name] for name in shape))
    pending_first = case((Residency.status == "pending", 0), else_=1)
    # Pending ones wait longest at the top; the rest, newest first.
    age = case((Residency.status == "pending", Residency.id), else_=-Residency.id)
    page = (_with_people(query).order_by(pending_first, age)
            .offset(bindparam("offset")).limit(bindparam("limit")))
    return page, select(func.count()).select_from(query.subquery())


async def listing(
    session: AsyncSession, caller: User, *, status: str | None, user_id: int | None,
    building_id: int | None, page: int, page_size: int,
) -> tuple[list[Residency], int]:
    """Staff: the tenant's residencies (pending oldest first, others newest first); others: their own."""
    filters: dict[str, object] = {"user_id": caller.id, "status": status}
    if acts_as_staff(caller):
        filters.update(user_id=user_id, building_id=building_id)
    params = {name: value for name, value in filters.items() if value is not None}
    page_query, count_query = _listing(tuple(sorted(params)))
    params["tenant"] = caller.tenant_id
    rows = await session.execute(page_query, {**params, "offset": (page - 1) * page_size, "limit": page_size})
    found = list(rows.scalars().unique())
    total = total_of_page(len(found), page, page_size)
    if total is None:
        total = (await session.execute(count_query, params)).scalar_one()
    return found, total


def _decided(residency: Residency, zone: str) -> str:
    """Who decided the residency and when, in plain words."""
    verb = "approved" if residency.status == "active" else "rejected"
    who = f" by {residency.decided_by.name}" if residency.decided_by is not None else ""
    when = ""
    if residency.decided_at is not None:
        when = f" at {residency.decided_at.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"
    return f"already {verb}{who}{when}"


async def _pending(session: AsyncSession, caller: User, residency_id: int, zone: str) -> Residency:
    residency = await visible(session, caller, residency_id, lock=True)
    if residency.status != "pending":
        raise Conflict(_decided(residency, zone))
    return residency


async def _decide(
    session: AsyncSession, staff: User, residency: Residency, status: str, reason: str | None = None
) -> Residency:
    """Record the decision and the owner's history entry; the residency re-read."""
    residency.status, residency.decided_by_id, residency.reason = status, staff.id, reason
    residency.decided_at = datetime.now(UTC)
    action = "residency_approved" if status == "active" else "residency_rejected"
    history.add(session, residency.user, staff, action, comment=reason,
                after=_where(residency, residency.building))
    await session.flush()
    return await visible(session, staff, residency.id)


async def approve(session: AsyncSession, staff: User, residency_id: int, zone: str) -> Residency:
    """Staff approve a pending residency (and its pending user); 409 names who decided before."""
    residency = await _pending(session, staff, residency_id, zone)
    await _activate_owner(session, residency.user, staff)
    residency = await _decide(session, staff, residency, "active")
    await events.record(session, events.APPROVED, residency, staff)
    return residency


async def reject(session: AsyncSession, staff: User, residency_id: int, reason: str, zone: str) -> Residency:
    """Staff refuse a pending residency with a reason the resident is told."""
    residency = await _decide(session, staff, await _pending(session, staff, residency_id, zone),
                              "rejected", reason)
    await events.record(session, events.REJECTED, residency, staff)
    return residency


async def _message(
    session: AsyncSession, residency: Residency, author: User, kind: str, text: str
) -> Residency:
    """Add a question or an answer; the residency re-read with it."""
    session.add(ResidencyMessage(tenant_id=residency.tenant_id, residency_id=residency.id,
                                 author_id=author.id, kind=kind, text=text))
    residency.updated_at = datetime.now(UTC)
    await session.flush()
    return await visible(session, author, residency.id)


async def ask(session: AsyncSession, staff: User, residency_id: int, text: str, zone: str) -> Residency:
    """Staff ask the owner of a pending residency a question."""
    residency = await _message(session, await _pending(session, staff, residency_id, zone), staff,
                               "question", text)
    await events.record(session, events.QUESTION_ASKED, residency, staff, question=text)
    return residency


async def answer(session: AsyncSession, owner: User, residency_id: int, text: str, zone: str) -> Residency:
    """The owner answers about their pending residency."""
    residency = await visible(session, owner, residency_id, lock=True)
    if residency.user_id != owner.id:
        raise Forbidden("only the resident answers about their apartment")
    if residency.status != "pending":
        raise Conflict(_decided(residency, zone))
    questions = [m.text for m in residency.messages if m.kind == "question"]
    residency = await _message(session, residency, owner, "answer", text)
    await events.record(session, events.ANSWERED, residency, owner, answer=text,
                        question=questions[-1] if questions else None)
    return residency


async def remove(session: AsyncSession, caller: User, residency_id: int) -> None:
    """The owner or staff remove a binding."""
    residency = await visible(session, caller, residency_id, lock=True)
    await events.record(session, events.REMOVED, residency, caller)
    await session.delete(residency)
    await session.flush()


async def holds_apartment(session: AsyncSession, user: User, building_id: int, apartment: str) -> bool:
    """Whether `user` has an approved residency in `apartment` (compared as the decimal string)."""
    query = select(exists().where(
        Residency.user_id == user.id, Residency.building_id == building_id, Residency.status == "active",
        cast(Residency.apartment, String) == apartment,
    ))
    return bool((await session.execute(query)).scalar_one())

