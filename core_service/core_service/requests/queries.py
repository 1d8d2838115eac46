"""Reading requests: the visibility rule, filters, sort and pagination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from core_service.buildings.models import Building
from core_service.errors import NotFound
from core_service.requests import lifecycle, listing
from core_service.requests.models import RepairRequest
from core_service.schemas import total_of_page
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


# A request read is built once per shape (who looks, which filters are set, the sort) and its values
# bound at execution: building a statement and computing its cache key cost more CPU than running it.
_TENANT: BindParameter[str] = bindparam("v_tenant")
_ME: BindParameter[int] = bindparam("v_user")
_RULES: dict[str, ColumnElement[bool]] = {
    "staff": RepairRequest.tenant_id == _TENANT,
    "applicant": and_(RepairRequest.tenant_id == _TENANT, RepairRequest.applicant_id == _ME),
    "executor": and_(
        RepairRequest.tenant_id == _TENANT,
        or_(RepairRequest.applicant_id == _ME, RepairRequest.executor_id == _ME,
            and_(RepairRequest.executor_id.is_(None),
                 RepairRequest.category.in_(bindparam("v_specs", expanding=True)))),
    ),
}


@dataclass(frozen=True, slots=True)
class Visibility:
    """Which requests a user sees: the kind of rule (see `visible_to`) and the values it binds."""

    kind: str
    params: dict[str, Any]


def _bound(user: User) -> dict[str, Any]:
    """The values the visibility rules bind for `user` (a rule ignores those it does not use)."""
    return {"v_tenant": user.tenant_id, "v_user": user.id, "v_specs": list(user.specializations or [])}


def visible_to(user: User) -> Visibility:
    """Applicants: their own; executors: also assigned and unassigned of their specializations."""
    kind = "staff" if user.is_staff else "executor" if user.has_role("executor") else "applicant"
    return Visibility(kind, _bound(user))


def with_people(query: Select[RepairRequest]) -> Select[RepairRequest]:
    """Load building, applicant and executor in the same query."""
    return query.options(
        joinedload(RepairRequest.building), joinedload(RepairRequest.applicant),
        joinedload(RepairRequest.executor),
    )


_QUERY: BindParameter[str] = bindparam("q")
_BY_SHAPE: dict[str, ColumnElement[bool]] = {
    "statuses": RepairRequest.status.in_(bindparam("statuses", expanding=True)),
    "categories": RepairRequest.category.in_(bindparam("categories", expanding=True)),
    "urgencies": RepairRequest.urgency.in_(bindparam("urgencies", expanding=True)),
    "building_id": RepairRequest.building_id == bindparam("building_id"),
    "executor_id": RepairRequest.executor_id == bindparam("executor_id"),
    "applicant_id": RepairRequest.applicant_id == bindparam("applicant_id"),
    "unassigned=True": RepairRequest.executor_id.is_(None),
    "unassigned=False": RepairRequest.executor_id.is_not(None),
    "created_from": RepairRequest.created_at >= bindparam("created_from"),
    "created_to": RepairRequest.created_at <= bindparam("created_to"),
    # The resident's phone too: a dispatcher searches by the number a caller gives.
    "q": or_(RepairRequest.description.ilike(_QUERY), RepairRequest.number.like(_QUERY),
             RepairRequest.apartment.ilike(_QUERY),
             exists().where(User.id == RepairRequest.applicant_id, User.phone.ilike(_QUERY))),
    "sla_status": sla_status() == bindparam("sla_status"),
    # What ix_requests_sla_due holds: a running clock past its due time.
    "overdue=True": and_(RepairRequest.sla_due_at <= func.now(), RepairRequest.sla_paused_at.is_(None)),
    "overdue=False": or_(RepairRequest.sla_due_at.is_(None), RepairRequest.sla_due_at > func.now(),
                         RepairRequest.sla_paused_at.is_not(None)),
}


def _shape(f: Filters) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The filters set in `f`, as keys of `_BY_SHAPE`, and the values they bind."""
    values: dict[str, Any] = {
        "statuses": list(f.statuses), "categories": list(f.categories), "urgencies": list(f.urgencies),
        "building_id": f.building_id, "executor_id": f.executor_id, "applicant_id": f.applicant_id,
        "created_from": f.created_from, "created_to": f.created_to, "sla_status": f.sla_status,
        "q": f"%{f.q.strip()}%" if f.q else None,
    }
    params = {name: value for name, value in values.items() if value not in (None, [])}
    shape = sorted(params)
    shape += [f"{name}={value}" for name, value in (("unassigned", f.unassigned), ("overdue", f.overdue))
              if value is not None]
    return tuple(shape), params


@lru_cache(maxsize=256)
def _where(kind: str, shape: tuple[str, ...]) -> ColumnElement[bool]:
    return and_(_RULES[kind], *(_BY_SHAPE[name] for name in shape))


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


@lru_cache(maxsize=256)
def _page(kind: str, shape: tuple[str, ...], sort: str) -> Select[Any]:
    return (listing.ROWS.where(_where(kind, shape)).order_by(*_order(sort))
            .offset(bindparam("offset")).limit(bindparam("limit")))


@lru_cache(maxsize=256)
def _count(kind: str, shape: tuple[str, ...]) -> Select[int]:
    return select(func.count()).select_from(RepairRequest).where(_where(kind, shape))


async def search(
    session: AsyncSession, user: User, f: Filters, *, sort: str, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """The page of requests `user` may see that match `f` (as RequestOut-shaped dicts) and the total."""
    seen = visible_to(user)
    shape, params = _shape(f)
    params.update(seen.params)
    offset = (page - 1) * page_size
    query = _page(seen.kind, shape, sort)
    page_params = {**params, "offset": offset, "limit": page_size}
    rows = [listing.shape(row) for row in (await session.execute(query, page_params)).mappings()]
    total = total_of_page(len(rows), page, page_size)
    if total is None:
        total = (await session.execute(_count(seen.kind, shape), params)).scalar_one()
    return rows, total


_NUMBER: BindParameter[str] = bindparam("number")


@lru_cache(maxsize=8)
def _one_row(kind: str) -> Select[Any]:
    return listing.ROWS.where(_RULES[kind], RepairRequest.number == _NUMBER)


@lru_cache(maxsize=8)
def _one(kind: str, lock: bool) -> Select[RepairRequest]:
    query = with_people(select(RepairRequest).where(_RULES[kind], RepairRequest.number == _NUMBER))
    return query.with_for_update(of=RepairRequest) if lock else query


async def read_one(session: AsyncSession, user: User, number: str) -> dict[str, Any]:
    """The request `number` shaped for the API if `user` may see it, else 404."""
    seen = visible_to(user)
    result = await session.execute(_one_row(seen.kind), {**seen.params, "number": number})
    row = result.mappings().one_or_none()
    if row is None:
        raise NotFound(f"request {number} not found")
    return listing.shape(row)


async def _found(session: AsyncSession, seen: Visibility, number: str, *, lock: bool) -> RepairRequest:
    result = await session.execute(_one(seen.kind, lock), {**seen.params, "number": number})
    found = result.scalars().unique().one_or_none()
    if found is None:
        raise NotFound(f"request {number} not found")
    return found


async def visible(session: AsyncSession, user: User, number: str, *, lock: bool = False) -> RepairRequest:
    """The request `number` if `user` may see it, else 404 (another's request does not exist)."""
    return await _found(session, visible_to(user), number, lock=lock)


async def for_action(session: AsyncSession, user: User, number: str) -> RepairRequest:
    """The request locked for a change: staff and executors get it (403 comes later), others only theirs."""
    kind = "staff" if user.has_role("executor", "manager", "admin") else "applicant"
    return await _found(session, Visibility(kind, _bound(user)), number, lock=True)


async def open_of(session: AsyncSession, tenant: str, executor_id: int) -> list[dict[str, Any]]:
    """The executor's open requests (work in hand), oldest first, as a hand-over list shows them."""
    R = RepairRequest
    query = (select(R.number, R.status, R.urgency, R.category, Building.address.label("building_address"),
                    R.apartment)
             .join(Building, Building.id == R.building_id)
             .where(R.tenant_id == tenant, R.executor_id == executor_id, R.status.in_(lifecycle.OPEN))
             .order_by(R.created_at, R.id))
    return [dict(row) for row in (await session.execute(query)).mappings()]
