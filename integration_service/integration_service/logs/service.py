"""Queries over `integration_logs`: filtered pages and retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.logs.models import IntegrationLog
from integration_service.logs.schemas import Outcome
from shared.db import capped_count


@dataclass(frozen=True, slots=True)
class LogFilter:
    """What `GET /api/v1/logs` narrows by."""

    service: str | None = None
    status_code: int | None = None
    outcome: Outcome | None = None
    since: datetime | None = None
    until: datetime | None = None


def _ok() -> ColumnElement[bool]:
    return and_(IntegrationLog.error.is_(None), IntegrationLog.status_code < 400)


def _conditions(tenant: str, f: LogFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [IntegrationLog.tenant_id == tenant]
    if f.service is not None:
        conds.append(IntegrationLog.service == f.service)
    if f.status_code is not None:
        conds.append(IntegrationLog.status_code == f.status_code)
    if f.outcome == "ok":
        conds.append(_ok())
    elif f.outcome == "failed":
        conds.append(or_(IntegrationLog.error.is_not(None), IntegrationLog.status_code.is_(None),
                         IntegrationLog.status_code >= 400))
    if f.since is not None:
        conds.append(IntegrationLog.created_at >= f.since)
    if f.until is not None:
        conds.append(IntegrationLog.created_at < f.until)
    return conds


async def page(
    session: AsyncSession, tenant: str, f: LogFilter, limit: int, offset: int
) -> tuple[list[IntegrationLog], int, bool]:
    """The tenant's matching rows, newest first; how many match (at most `COUNT_CAP`) and whether
    that count is exact."""
    conds = _conditions(tenant, f)
    total, exact = await capped_count(session, select(IntegrationLog.id).where(*conds))
    rows = await session.scalars(
        select(IntegrationLog).where(*conds)
        .order_by(IntegrationLog.created_at.desc(), IntegrationLog.id.desc())
        .limit(limit).offset(offset)
    )
    return list(rows), total, exact


async def prune(session: AsyncSession, older_than_days: int, now: datetime | None = None) -> int:
    """Delete rows of every tenant older than `older_than_days`; how many were deleted."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    result: Any = await session.execute(delete(IntegrationLog).where(IntegrationLog.created_at < cutoff))
    return int(result.rowcount or 0)
