"""`/api/v1/requests`: create, list, read, assign, take, change status, comment, history, stats."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from fastapi import APIRouter, Depends, Query
from pydantic import StringConstraints

from core_service.auth.dependencies import ActiveUser, StaffUser
from core_service.dependencies import CoreDep
from core_service.errors import CONFLICT, NOT_FOUND, SIGNED_IN
from core_service.requests import queries, service, stats, timeline
from core_service.requests.models import RepairRequest
from core_service.requests.schemas import (
    AssignBody,
    Category,
    CommentIn,
    CommentOut,
    CommentPage,
    HistoryPage,
    RequestIn,
    RequestOut,
    RequestPage,
    Status,
    StatusBody,
    Urgency,
)
from core_service.schemas import PageNumber, PageSize, RequestNumber, SearchText
from core_service.sla.clock import SlaStatus
from shared.app import SessionDep
from shared.schemas import Id, IsoDatetime

router = APIRouter(prefix="/api/v1/requests", tags=["requests"], responses=SIGNED_IN)


def _one_or_more(choices: Any) -> str:
    """A pattern of one or more comma-separated values of the Literal `choices`."""
    one = "|".join(get_args(choices))
    return f"^({one})(,({one}))*$"


def _flat(values: list[str] | None) -> list[str]:
    return [part for value in values or [] for part in value.split(",")]


# Repeated and/or comma-separated values: `?status=new&status=in_progress,returned`.
Statuses = Annotated[list[Annotated[str, StringConstraints(pattern=_one_or_more(Status))]] | None,
                     Query(max_length=50)]
Categories = Annotated[list[Annotated[str, StringConstraints(pattern=_one_or_more(Category))]] | None,
                       Query(max_length=50)]
Urgencies = Annotated[list[Annotated[str, StringConstraints(pattern=_one_or_more(Urgency))]] | None,
                      Query(max_length=50)]
# A sort key, `-` first for descending.
SortKey = Annotated[str, Query(pattern=f"^-?({'|'.join(queries.SORTS)})$")]


@router.post("", status_code=201)
async def create_request(
    body: RequestIn, user: ActiveUser, session: SessionDep, core: CoreDep
) -> RequestOut:
    """File a new request; it gets today's next number and status `new`.

    Where the tenant dispatches automatically and an executor is routed, it is assigned at once.

    Where the company approves residents, a resident files only for their approved apartments."""
    settings = core.settings
    created = await service.create(session, core.numbering_engine, user, body, settings.timezone,
                                   approval=settings.requires_approval(user.tenant_id))
    return RequestOut.model_validate(created)


@router.get("")
async def list_requests(
    user: ActiveUser, session: SessionDep, status: Statuses = None, category: Categories = None,
    urgency: Urgencies = None, building_id: Id | None = None, executor_id: Id | None = None,
    applicant_id: Id | None = None, unassigned: bool | None = None, created_from: IsoDatetime | None = None,
    created_to: IsoDatetime | None = None, q: SearchText | None = None, sort: SortKey | None = None,
    page: PageNumber = 1, page_size: PageSize = 20, overdue: bool | None = None,
    sla_status: SlaStatus | None = None,
) -> RequestPage:
    """The requests the caller may see, filtered, sorted and paginated.

    `overdue=true`: those past the due time of their running SLA clock (not paused, not done), by
    default the oldest due first; `sort` defaults to `-created_at` otherwise. `sla_status`: those in
    that SLA state now; `q` also finds the resident's phone."""
    filters = queries.Filters(
        statuses=_flat(status), categories=_flat(category), urgencies=_flat(urgency),
        building_id=building_id,
        executor_id=executor_id, applicant_id=applicant_id, unassigned=unassigned, created_from=created_from,
        created_to=created_to, q=q, overdue=overdue, sla_status=sla_status,
    )
    sort = sort or ("sla_due_at" if overdue else "-created_at")
    found, total = await queries.search(
        session, user, filters, sort=sort, page=page, page_size=page_size
    )
    return RequestPage.of(found, total, page, page_size)


@router.get("/stats")
async def request_stats(
    staff: StaffUser, session: SessionDep, created_from: IsoDatetime | None = None,
    created_to: IsoDatetime | None = None, building_id: Id | None = None,
) -> dict[str, Any]:
    """Counts by status and category, mean time to completion, per executor (managers)."""
    return await stats.summary(session, staff.tenant_id, created_from=created_from,
                               created_to=created_to, building_id=building_id)


@router.get("/{number}", responses=NOT_FOUND)
async def get_request(number: RequestNumber, user: ActiveUser, session: SessionDep) -> RequestOut:
    """One request by number; someone else's request is 404."""
    return RequestOut.model_validate(await queries.read_one(session, user, number))


@router.post("/{number}/assign", responses=CONFLICT)
async def assign(
    number: RequestNumber, body: AssignBody, user: ActiveUser, session: SessionDep, core: CoreDep
) -> RequestOut:
    """A manager assigns (new -> in_progress) or reassigns an executor."""
    zone = core.settings.timezone
    found = await service.assign(session, user, number, body.executor_id, body.comment, zone)
    return RequestOut.model_validate(found)


@router.post("/{number}/take", responses=CONFLICT)
async def take(number: RequestNumber, user: ActiveUser, session: SessionDep, core: CoreDep) -> RequestOut:
    """An executor of the request's specialization takes it (new -> in_progress)."""
    return RequestOut.model_validate(await service.take(session, user, number, core.settings.timezone))


@router.patch("/{number}/status", responses=CONFLICT)
async def change_status(
    number: RequestNumber, body: StatusBody, user: ActiveUser, session: SessionDep, core: CoreDep
) -> RequestOut:
    """Move the request along the lifecycle; 409 names the allowed transitions."""
    changed = await service.change_status(session, user, number, body, core.settings.timezone)
    return RequestOut.model_validate(changed)


async def visible_request(number: RequestNumber, user: ActiveUser, session: SessionDep) -> RepairRequest:
    """The request of the path's `number`, if the caller may see it (else 404)."""
    return await queries.visible(session, user, number)


VisibleRequest = Annotated[RepairRequest, Depends(visible_request)]


@router.get("/{number}/comments", responses=NOT_FOUND)
async def list_comments(
    found: VisibleRequest, session: SessionDep, page: PageNumber = 1, page_size: PageSize = 100
) -> CommentPage:
    """The request's comments, oldest first."""
    return CommentPage.of(*await timeline.comments(session, found, page, page_size), page, page_size)


@router.post("/{number}/comments", status_code=201, responses=NOT_FOUND)
async def add_comment(
    number: RequestNumber, body: CommentIn, user: ActiveUser, session: SessionDep
) -> CommentOut:
    """Comment on a request the caller can see: text, photos (`media`), or both."""
    return CommentOut.model_validate(await service.comment(session, user, number, body))


@router.get("/{number}/history", responses=NOT_FOUND)
async def history(
    found: VisibleRequest, session: SessionDep, page: PageNumber = 1, page_size: PageSize = 100
) -> HistoryPage:
    """Every change of the request with who and when, oldest first."""
    return HistoryPage.of(*await timeline.history(session, found, page, page_size), page, page_size)
