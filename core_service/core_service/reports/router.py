"""`/api/v1/reports`: the rows of the requests filed in a period, and its figures per group (managers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from core_service.auth.dependencies import StaffUser
from core_service.dependencies import SettingsDep
from core_service.errors import SIGNED_IN
from core_service.reports import service
from core_service.reports.schemas import MAX_PAGE_ROWS, PAGE_ROWS, GroupBy, RowsPage, Summary
from core_service.shifts.schemas import Day
from shared.app import SessionDep
from shared.schemas import Id

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=SIGNED_IN)
# The period: local days in the tenant's time zone, both included.
From = Annotated[Day, Query(alias="from")]


@router.get("/requests")
async def request_rows(
    staff: StaffUser, session: SessionDep, settings: SettingsDep, first: From, to: Day,
    after: Id | None = None, limit: Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS)] = PAGE_ROWS,
) -> RowsPage:
    """A row per request filed from `from` to `to` (local days), in filing order, a page at a time.

    Pass the answer's `next_after` as `after` for the next page; null means this was the last."""
    service.check_period(first, to)
    zone = await service.zone_of(session, staff.tenant_id, settings.timezone)
    start, end = service.bounds(first, to, zone)
    found, next_after = await service.rows(session, staff.tenant_id, start, end, after, limit)
    return RowsPage(from_=first, to=to, timezone=zone, rows=found, next_after=next_after)


@router.get("/summary")
async def summary(
    staff: StaffUser, session: SessionDep, settings: SettingsDep, first: From, to: Day,
    group_by: GroupBy = "category",
) -> Summary:
    """The period's figures, overall and per building, category, executor or local day.

    Requests filed and closed, median reaction and resolution minutes, the share within SLA (and
    per clock), the average rating and the returns."""
    service.check_period(first, to)
    zone = await service.zone_of(session, staff.tenant_id, settings.timezone)
    start, end = service.bounds(first, to, zone)
    total, groups = await service.summary(session, staff.tenant_id, start, end, group_by, zone)
    return Summary(from_=first, to=to, timezone=zone, group_by=group_by, total=total, groups=groups)
