"""Reading requests: the visibility rule, filters, sort and pagination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core_service.buildings.models import Building
from core_service.errors import NotFound
from core_service.requests import lifecycle, listing
from core_service.requests.models import RepairRequest
from core_service.sla import clock
from core_service.users.models import User

URGENCY_ORDER = {"low": 0, "normal": 1, "high": 2, "critical": 3}
SORTS = ("created_at", "updated_at", "number", "status", "urgency", "sla_due_at")


@dataclass
class Filters:
    """What a list of requests is narrowed to."""

    statuses: Sequence[str] = ()
    categories: Sequence[str] = ()
    urgencies: Sequence[str] = ()
    building_id: int | None = None
    executor_id: int | None = None
    applicant_id: int | None = None
    unassigned: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = None
    overdue: bool | None = None
    sla_status: str | None = None


def sla_status() -> ColumnElement[str | None]:
    """`sla.clock.status_of` as SQL, so a list can be narrowed to one SLA state."""
    R = RepairRequest
    late_reaction = and_(R.reacted_at.is_not(None), R.reacted_at > R.reaction_due_at)
    finished = case((R.status == "cancelled", R.updated_at),
                    else_=func.coalesce(R.completed_at, R.updated_at))
    new = R.status == "new"
    due = case((new, R.reaction_due_at), else_=R.resolution_due_at)
    risk = case((new, R.reaction_risk_at), else_=R.resolution_risk_at)
    return case(
        (or_(R.reaction_due_at.is_(None), R.resolution_due_at.is_(None)), None),
        (R.status.in_(clock.DONE),
         case((or_(late_reaction, finished > R.resolution_due_at), "breached"), else_="met")),
        (R.sla_paused_at.is_not(None), "paused"),
        (or_(late_reaction, func.now() >= due), "breached"),
        (and_(risk.is_not(None), func.now() >= risk), "at_risk"),
        else_="on_time",
    )


def visible_to(user: User) -> ColumnElement[bool]:
    """Applicants: their own; executors: also assigned and unassigned of their specializations."""
    R = RepairRequest
    if user.is_staff:
        return R.tenant_id == user.tenant_id
    own = R.applicant_id == user.id
    if not user.has_role("executor"):
        return and_(R.tenant_id == user.tenant_id, own)
    specs = user.specializations or []
    open_to_me = and_(R.executor_id.is_(None), R.category.in_(specs)) if specs else false()
    return and_(R.tenant_id == user.tenant_id, or_(own, R.executor_id == user.id, open_to_me))


def with_people(query: Select[RepairRequest]) -> Select[RepairRequest]:
    """Load building, applicant and executor in the same query."""
    return query.options(
        joinedload(RepairRequest.building), joinedload(RepairRequest.applicant),
        joinedload(RepairRequest.executor),
    )


def _conditions(f: Filters) -> list[ColumnElement[bool]]:
    R = RepairRequest
    conditions: list[ColumnElement[bool]] = []
    if f.statuses:
        conditions.append(R.status.in_(f.statuses))
    if f.categories:
        conditions.append(R.category.in_(f.categories))
    if f.urgencies:
        conditions.append(R.urgency.in_(f.urgencies))
    for column, value in ((R.building_id, f.building_id), (R.executor_id, f.executor_id),
                          (R.applicant_id, f.applicant_id)):
        if value is not None:
            conditions.append(column == value)
    if f.unassigned is not None:
        conditions.append(R.executor_id.is_(None) if f.unassigned else R.executor_id.is_not(None))
    if f.created_from is not None:
        conditions.append(R.created_at >= f.created_from)
    if f.created_to is not None:
        conditions.append(R.created_at <= f.created_to)
    if f.q:
        like = f"%{f.q.strip()}%"
        # The resident's phone too: a dispatcher searches by the number a caller gives.
        phone = exists().where(User.id == R.applicant_id, User.phone.ilike(like))
        conditions.append(or_(R.description.ilike(like), R.number.like(like), R.apartment.ilike(like), phone))
    if f.sla_status is not None:
        conditions.append(sla_status() == f.sla_status)
    if f.overdue is not None:
        # What ix_requests_sla_due holds: a running clock past its due time.
        if f.overdue:
            conditions.append(and_(R.sla_due_at <= func.now(), R.sla_paused_at.is_(None)))
        else:
            conditions.append(or_(R.sla_due_at.is_(None), R.sla_due_at > func.now(),
                                  R.sla_paused_at.is_not(None)))
    return conditions


def _order(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    column: ColumnElement[object]
    if name == "urgency":
        column = case(URGENCY_ORDER, value=RepairRequest.urgency)
    else:
        column = getattr(RepairRequest, name)
    tie = RepairRequest.id.desc() if descending else RepairRequest.id.asc()
    return [column.desc() if descending else column.asc(), tie]


async def search(
    session: AsyncSession, user: User, f: Filters, *, sort: str, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """The page of requests `user` may see that match `f` (as RequestOut-shaped dicts) and the total."""
    where = and_(visible_to(user), *_conditions(f))
    offset = (page - 1) * page_size
    query = listing.ROWS.where(where).order_by(*_order(sort)).offset(offset).limit(page_size)
    rows = [listing.shape(row) for row in (await session.execute(query)).mappings()]
    # A page that is not full is the last one, so it tells the total without counting (a
    # resident's whole list, most of the time: one query instead of two).
    if 0 < len(rows) < page_size or (not rows and page == 1):
        return rows, offset + len(rows)
    total = (await session.execute(select(func.count()).select_from(RepairRequest).where(where))).scalar_one()
    return rows, total


async def read_one(session: AsyncSession, user: User, number: str) -> dict[str, Any]:
    """The request `number` shaped for the API if `user` may see it, else 404."""
    query = listing.ROWS.where(visible_to(user), RepairRequest.number == number)
    row = (await session.execute(query)).mappings().one_or_none()
    if row is None:
        raise NotFound(f"request {number} not found")
    return listing.shape(row)


async def visible(session: AsyncSession, user: User, number: str, *, lock: bool = False) -> RepairRequest:
    """The request `number` if `user` may see it, else 404 (another's request does not exist)."""
    query = with_people(select(RepairRequest).where(visible_to(user), RepairRequest.number == number))
    if lock:
        query = query.with_for_update(of=RepairRequest)
    found = (await session.execute(query)).scalars().unique().one_or_none()
    if found is None:
        raise NotFound(f"request {number} not found")
    return found


async def for_action(session: AsyncSession, user: User, number: str) -> RepairRequest:
    """The request locked for a change: staff and executors get it (403 comes later), others only theirs."""
    R = RepairRequest
    rule = R.tenant_id == user.tenant_id
    if not user.has_role("executor", "manager", "admin"):
        rule = and_(rule, R.applicant_id == user.id)
    query = with_people(select(R).where(rule, R.number == number)).with_for_update(of=R)
    found = (await session.execute(query)).scalars().unique().one_or_none()
    if found is None:
        raise NotFound(f"request {number} not found")
    return found


async def open_of(session: AsyncSession, tenant: str, executor_id: int) -> list[dict[str, Any]]:
    """The executor's open requests (work in hand), oldest first, as a hand-over list shows them."""
    R = RepairRequest
    query = (select(R.number, R.status, R.urgency, R.category, Building.address.label("building_address"),
                    R.apartment)
             .join(Building, Building.id == R.building_id)
             .where(R.tenant_id == tenant, R.executor_id == executor_id, R.status.in_(lifecycle.OPEN))
             .order_by(R.created_at, R.id))
    return [dict(row) for row in (await session.execute(query)).mappings()]
