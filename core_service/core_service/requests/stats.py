"""Request statistics for managers: by status and category, completion time, per executor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core_service.requests.models import RepairRequest
from core_service.sla import stats as sla_stats
from core_service.users.models import NAME_COLUMNS, User, display_name

R = RepairRequest
COMPLETION_SECONDS = extract("epoch", R.completed_at - R.created_at)
DONE = ("completed", "accepted")


def _where(tenant: str, created_from: datetime | None, created_to: datetime | None,
           building_id: int | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [R.tenant_id == tenant]
    if created_from is not None:
        conditions.append(R.created_at >= created_from)
    if created_to is not None:
        conditions.append(R.created_at <= created_to)
    if building_id is not None:
        conditions.append(R.building_id == building_id)
    return conditions


def _hours(seconds: Any) -> float | None:
    return round(float(seconds) / 3600, 2) if seconds is not None else None


async def _counts(session: AsyncSession, column: Any, where: list[ColumnElement[bool]]) -> dict[str, int]:
    rows = await session.execute(select(column, func.count()).where(*where).group_by(column))
    return {str(key): int(count) for key, count in rows.all()}


async def summary(
    session: AsyncSession, tenant: str, *, created_from: datetime | None = None,
    created_to: datetime | None = None, building_id: int | None = None,
) -> dict[str, Any]:
    """Totals by status and category, mean hours to completion and rating, per executor, and the
    share of requests that met their SLA (overall, per category, building and executor)."""
    where = _where(tenant, created_from, created_to, building_id)
    overall = (await session.execute(
        select(func.count(), func.avg(COMPLETION_SECONDS), func.avg(R.rating)).where(*where)
    )).one()
    per_executor = await session.execute(
        select(User.id, User.telegram_id, *(getattr(User, column) for column in NAME_COLUMNS),
               func.count(), func.count().filter(R.status.in_(DONE)),
               func.avg(COMPLETION_SECONDS), func.avg(R.rating))
        .join(User, User.id == R.executor_id).where(*where)
        .group_by(User.id).order_by(func.count().desc())
    )
    executors = []
    for uid, tg, *names, total, done, seconds, rating in per_executor.all():
        executors.append({
            "executor": {"id": uid, "telegram_id": tg, "name": display_name(names, tg)}, "total": total,
            "completed": done, "mean_completion_hours": _hours(seconds),
            "mean_rating": round(float(rating), 2) if rating is not None else None,
        })
    return {
        "total": overall[0],
        "by_status": await _counts(session, R.status, where),
        "by_category": await _counts(session, R.category, where),
        "mean_completion_hours": _hours(overall[1]),
        "mean_rating": round(float(overall[2]), 2) if overall[2] is not None else None,
        "per_executor": executors,
        "sla": await sla_stats.shares(session, where),
    }
