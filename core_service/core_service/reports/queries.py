"""The SQL of the reports: a request's measured times and SLA outcome, rows and grouped figures.

The SLA outcome follows the statistics' judgement (`core_service.sla.stats`): a request met it when
both clocks met theirs, missed it once one clock was judged and not met, and is unknown otherwise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, extract, false, func, not_, or_, select, tuple_
from sqlalchemy.orm import aliased

from core_service.buildings.models import Building
from core_service.requests.models import RepairRequest, RequestHistory
from core_service.requests.stats import COMPLETION_SECONDS, DONE
from core_service.sla import stats as sla_stats
from core_service.users.models import NAME_COLUMNS, User

R = RepairRequest
H = aliased(RequestHistory, name="h")
Executor = aliased(User, name="executor")

# Requests filed before the clocks were kept have no `reacted_at`: their history says when.
LEFT_NEW = (select(func.min(H.created_at))
            .where(H.request_id == R.id, H.old_status == "new", H.new_status != "new")
            .scalar_subquery())
RETURNS = (select(func.count()).where(H.request_id == R.id, H.new_status == "returned")
           .scalar_subquery())
REACTION_MINUTES = extract("epoch", func.coalesce(R.reacted_at, LEFT_NEW) - R.created_at) / 60
RESOLUTION_MINUTES = case((R.status.in_(DONE), COMPLETION_SECONDS / 60), else_=None)
MISSED = or_(
    and_(sla_stats.REACTION_JUDGED, not_(func.coalesce(sla_stats.REACTION_MET, false()))),
    and_(sla_stats.RESOLUTION_JUDGED, not_(func.coalesce(sla_stats.RESOLUTION_MET, false()))),
)
MET = and_(sla_stats.REACTION_MET, sla_stats.RESOLUTION_MET)
SLA_MET = case((R.reaction_due_at.is_(None), None), (MISSED, False), (MET, True), else_=None)
# A select of any columns.
AnyRows = Select[*tuple[Any, ...]]
EXECUTOR_NAMES = tuple(getattr(Executor, column) for column in NAME_COLUMNS)


def period(tenant: str, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """The tenant's requests filed from `start` (inclusive) to `end` (exclusive)."""
    return [R.tenant_id == tenant, R.created_at >= start, R.created_at < end]


def rows(where: list[ColumnElement[bool]], after: int | None, limit: int) -> AnyRows:
    """The rows matching `where` filed after request `after`, in filing order, at most `limit`."""
    if after is not None:
        # Keyset on (created_at, id): the period's index gives the order, however old the ids.
        since = select(R.created_at).where(R.id == after).scalar_subquery()
        where = [*where, tuple_(R.created_at, R.id) > tuple_(since, after)]
    return (
        select(R.id, R.number, R.created_at, R.building_id, Building.address.label("building"), R.apartment,
               R.category, R.urgency, R.status, R.executor_id, Executor.telegram_id.label("executor_tg"),
               *EXECUTOR_NAMES, REACTION_MINUTES.label("reaction_minutes"),
               RESOLUTION_MINUTES.label("resolution_minutes"), SLA_MET.label("sla_met"), R.rating,
               RETURNS.label("returns"))
        .join(Building, Building.id == R.building_id)
        .outerjoin(Executor, Executor.id == R.executor_id)
        .where(*where).order_by(R.created_at, R.id).limit(limit)
    )


def _median(minutes: Any) -> Any:
    return func.percentile_cont(0.5).within_group(minutes)


FIGURES = (
    func.count().label("filed"),
    func.count().filter(R.status.in_(DONE)).label("closed"),
    _median(REACTION_MINUTES).label("median_reaction"),
    _median(RESOLUTION_MINUTES).label("median_resolution"),
    func.count().filter(SLA_MET.is_not(None)).label("sla_judged"),
    func.count().filter(SLA_MET.is_(True)).label("sla_met"),
    *(count.label(f"clock_{index}") for index, count in enumerate(sla_stats.COUNTS)),
    func.avg(R.rating).label("average_rating"),
    func.coalesce(func.sum(RETURNS), 0).label("returns"),
)


def local_day(zone: str) -> ColumnElement[Any]:
    """The local day (in `zone`) a request was filed on."""
    return func.date(func.timezone(zone, R.created_at))


def figures(where: list[ColumnElement[bool]]) -> AnyRows:
    """The figures of every request matching `where`."""
    return select(*FIGURES).where(*where)


def grouped(where: list[ColumnElement[bool]], group_by: str, zone: str) -> AnyRows:
    """The figures per group of `group_by`: a key, the columns a label is made of, then FIGURES."""
    query: AnyRows
    if group_by == "building":
        query = (select(R.building_id.label("key"), Building.address, *FIGURES)
                 .join(Building, Building.id == R.building_id).group_by(R.building_id, Building.id)
                 .order_by(Building.address))
    elif group_by == "executor":
        query = (select(R.executor_id.label("key"), Executor.telegram_id, *EXECUTOR_NAMES, *FIGURES)
                 .outerjoin(Executor, Executor.id == R.executor_id).group_by(R.executor_id, Executor.id)
                 .order_by(func.count().desc(), R.executor_id))
    elif group_by == "category":
        query = select(R.category.label("key"), *FIGURES).group_by(R.category).order_by(R.category)
    else:
        day = local_day(zone)
        query = select(day.label("key"), *FIGURES).group_by(day).order_by(day)
    return query.where(*where)
