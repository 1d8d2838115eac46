"""Stored webhook events for operators: listing, lookup, retry, replay, and pruning old ones."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from integration_service.webhooks.exceptions import conflict, not_found
from integration_service.webhooks.models import WebhookEvent
from integration_service.webhooks.processing import NOTIFY_CHANNEL
from integration_service.webhooks.schemas import ReplayRequest
from shared.db import capped_count

REQUEUE = {"status": "received", "next_attempt_at": func.now(), "attempts": 0, "last_error": None}


def _filtered(query: Any, tenant: str, *, status: str | None = None, source: str | None = None,
              event_type: str | None = None, since: datetime | None = None,
              until: datetime | None = None) -> Any:
    query = query.where(WebhookEvent.tenant_id == tenant)
    if status:
        query = query.where(WebhookEvent.status == status)
    if source:
        query = query.where(WebhookEvent.source == source)
    if event_type:
        query = query.where(WebhookEvent.event_type == event_type)
    if since:
        query = query.where(WebhookEvent.received_at >= since)
    if until:
        query = query.where(WebhookEvent.received_at < until)
    return query


async def list_events(session: AsyncSession, tenant: str, *, limit: int, offset: int,
                      **filters: Any) -> tuple[Sequence[WebhookEvent], int, bool]:
    """One page of the tenant's events, newest first; how many match (at most `COUNT_CAP`) and
    whether that count is exact."""
    total, exact = await capped_count(session, _filtered(select(WebhookEvent.id), tenant, **filters))
    query = _filtered(select(WebhookEvent), tenant, **filters)
    query = query.order_by(WebhookEvent.received_at.desc(), WebhookEvent.id).limit(limit).offset(offset)
    return (await session.execute(query)).scalars().all(), total, exact


async def get_event(session: AsyncSession, tenant: str, key: str, source: str | None) -> WebhookEvent:
    """An event by its row id or by the provider's event id (`source` settles ambiguity)."""
    try:
        row_id: uuid.UUID | None = uuid.UUID(key)
    except ValueError:
        row_id = None
    query = select(WebhookEvent).where(WebhookEvent.tenant_id == tenant)
    if row_id is not None:
        event = (await session.execute(query.where(WebhookEvent.id == row_id))).scalar_one_or_none()
        if event is not None:
            return event
    query = query.where(WebhookEvent.event_id == key)
    if source:
        query = query.where(WebhookEvent.source == source)
    found = (await session.execute(query.limit(2))).scalars().all()
    if not found:
        raise not_found("webhook event")
    if len(found) > 1:
        raise conflict("several sources have this event id: add ?source=")
    return found[0]


async def retry(session: AsyncSession, tenant: str, key: str, source: str | None) -> WebhookEvent:
    """Queue an event for processing again; a processed one is published again (replay)."""
    event = await get_event(session, tenant, key, source)
    if event.status in ("received", "processing"):
        raise conflict(f"event is already queued ({event.status})")
    for name, value in REQUEUE.items():
        setattr(event, name, value)
    await session.flush()
    await session.execute(select(func.pg_notify(NOTIFY_CHANNEL, "")))
    await session.refresh(event)
    return event


async def replay(session: AsyncSession, tenant: str, body: ReplayRequest) -> int:
    """Queue every finished event of the range and filters again; how many."""
    query = _filtered(
        update(WebhookEvent), tenant, status=body.status, source=body.source, event_type=body.event_type,
        since=body.since, until=body.until,
    ).where(WebhookEvent.status.in_(("processed", "failed", "dead", "filtered"))).values(**REQUEUE)
    count = (await session.execute(query)).rowcount  # type: ignore[attr-defined]
    if count:
        await session.execute(select(func.pg_notify(NOTIFY_CHANNEL, "")))
    return int(count or 0)


# Finished rows only: dead events wait for an operator. A processed event was published by the
# transaction that marked it; `published_at` is checked all the same.
PRUNABLE = (
    ((WebhookEvent.status == "processed") & WebhookEvent.published_at.is_not(None))
    | (WebhookEvent.status == "filtered")
)


async def prune(session: AsyncSession, older_than_days: int, now: datetime | None = None,
                batch: int = 10_000) -> int:
    """Delete finished events (published or filtered) received more than `older_than_days` ago.

    Bounded batches, so no statement holds locks on a large table for long; how many were deleted.
    """
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    deleted = 0
    while True:
        ids = (select(WebhookEvent.id).where(PRUNABLE, WebhookEvent.received_at < cutoff)
               .limit(batch).scalar_subquery())
        result: Any = await session.execute(delete(WebhookEvent).where(WebhookEvent.id.in_(ids)))
        deleted += int(result.rowcount or 0)
        if not result.rowcount or result.rowcount < batch:
            return deleted
