"""Reports over a period of local days: the rows of its requests and its figures per group."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.errors import Invalid
from core_service.reports import queries
from core_service.reports.schemas import MAX_DAYS, Clock, Clocks, Figures, Group, ReportRow
from core_service.sla import service as sla_service
from core_service.users.models import NAME_COLUMNS, display_name


def check_period(first: date, last: date) -> None:
    """422 naming `to` when the period is reversed or longer than MAX_DAYS."""
    if last < first:
        raise Invalid("to", "must not be before from", "query")
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid("to", f"at most {MAX_DAYS} days at once", "query")


async def zone_of(session: AsyncSession, tenant: str, default: str) -> str:
    """The tenant's time zone (its SLA calendar's), else the service's `default`."""
    return (await sla_service.read(session, tenant, default)).timezone


def bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """The instants the local days `first`..`last` begin and end with (the end excluded)."""
    local = ZoneInfo(zone)
    return (datetime.combine(first, time(), local), datetime.combine(last + timedelta(days=1), time(), local))


def _minutes(value: Any) -> float | None:
    return round(float(value), 1) if value is not None else None


def _name(row: RowMapping, telegram_column: str) -> str | None:
    telegram_id = row[telegram_column]
    return display_name([row[column] for column in NAME_COLUMNS], telegram_id) if telegram_id else None


async def rows(session: AsyncSession, tenant: str, start: datetime, end: datetime, after: int | None,
               limit: int) -> tuple[list[ReportRow], int | None]:
    """A page of the rows of requests filed from `start` to `end` after id `after`, and the next cursor."""
    query = queries.rows(queries.period(tenant, start, end), after, limit + 1)
    found = (await session.execute(query)).mappings().all()
    page = [
        ReportRow(id=row["id"], number=row["number"], created_at=row["created_at"],
                  building_id=row["building_id"], building=row["building"], apartment=row["apartment"],
                  category=row["category"], urgency=row["urgency"], status=row["status"],
                  executor_id=row["executor_id"], executor=_name(row, "executor_tg"),
                  reaction_minutes=_minutes(row["reaction_minutes"]),
                  resolution_minutes=_minutes(row["resolution_minutes"]), sla_met=row["sla_met"],
                  rating=row["rating"], returns=row["returns"])
        for row in found[:limit]
    ]
    return page, (page[-1].id if len(found) > limit else None)


def _share(met: int, judged: int) -> float | None:
    return round(met / judged, 3) if judged else None


def _figures(row: RowMapping) -> dict[str, Any]:
    reaction_judged, reaction_met, resolution_judged, resolution_met = (
        int(row[f"clock_{index}"]) for index in range(4))
    rating = row["average_rating"]
    return {
        "filed": row["filed"], "closed": row["closed"],
        "median_reaction_minutes": _minutes(row["median_reaction"]),
        "median_resolution_minutes": _minutes(row["median_resolution"]),
        "sla_judged": row["sla_judged"], "sla_met": row["sla_met"],
        "sla_share": _share(row["sla_met"], row["sla_judged"]),
        "sla": Clocks(reaction=Clock(judged=reaction_judged, met=reaction_met,
                                     share=_share(reaction_met, reaction_judged)),
                      resolution=Clock(judged=resolution_judged, met=resolution_met,
                                       share=_share(resolution_met, resolution_judged))),
        "average_rating": round(float(rating), 2) if rating is not None else None,
        "returns": int(row["returns"]),
    }


def _label(row: RowMapping, group_by: str) -> str | None:
    if group_by == "building":
        return str(row["address"])
    if group_by == "executor":
        return _name(row, "telegram_id")
    return None if row["key"] is None else str(row["key"])


async def summary(session: AsyncSession, tenant: str, start: datetime, end: datetime, group_by: str,
                  zone: str) -> tuple[Figures, list[Group]]:
    """The figures of the requests filed from `start` to `end`, overall and per group of `group_by`."""
    where = queries.period(tenant, start, end)
    total = Figures(**_figures((await session.execute(queries.figures(where))).mappings().one()))
    found = (await session.execute(queries.grouped(where, group_by, zone))).mappings().all()
    groups = [Group(key=None if row["key"] is None else str(row["key"]), label=_label(row, group_by),
                    **_figures(row)) for row in found]
    return total, groups
