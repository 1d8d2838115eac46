"""Processing stored events: claim due ones, build envelopes, write the outbox, retry or give up."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any, cast

import orjson
from sqlalchemy import Table, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_service.webhooks import metrics
from integration_service.webhooks.models import OutboxEvent, WebhookConfig, WebhookEvent
from integration_service.webhooks.sources import (
    GOOGLE_SHEETS,
    google_data,
    published_type,
    unsigned_type_hint,
)
from shared.errors import is_transient_db_error
from shared.events import Envelope, emit_many

log = logging.getLogger("webhooks.processing")

STREAM = "stream:integration"
EVENTS = cast(Table, WebhookEvent.__table__)  # Core statements: the worker updates rows in bulk
# NOTIFY here when events are queued again (retry, replay): the worker processes them at once.
NOTIFY_CHANNEL = "webhook_events"
EVENT_SOURCE = "integration"
MAX_BACKOFF = timedelta(hours=24)
# Per-source transformation of a stored event into envelope data; the default keeps the payload.
# Processors get the claimed row (attribute access like a WebhookEvent: source, raw_body, ...).
Processor = Callable[[Any], dict[str, Any]]
PROCESSORS: dict[str, Processor] = {}


def default_data(event: Any) -> dict[str, Any]:
    """`{source, type, webhook_event_id, payload}` and, when an unsigned header named a type,
    `unsigned_type_hint`; a Drive notification's payload is its headers."""
    payload: Any = orjson.loads(event.raw_body) if event.raw_body.strip() else None
    if event.source == GOOGLE_SHEETS:
        payload = {**google_data(event.headers), **({"body": payload} if payload is not None else {})}
    data = {
        "source": event.source,
        "type": event.event_type,
        "webhook_event_id": str(event.id),
        "payload": payload,
    }
    hint = unsigned_type_hint(event.source, event.headers)
    return data if hint is None else {**data, "unsigned_type_hint": hint}


def envelope_for(event: Any) -> Envelope:
    """The contract's envelope of a webhook event (the provider's id is the event id)."""
    data = PROCESSORS.get(event.source, default_data)(event)
    return Envelope.new(
        event_type=published_type(event.source, event.event_type),
        source=EVENT_SOURCE,
        tenant_id=event.tenant_id,
        data=data,
        event_id=event.event_id,
        correlation_id=event.correlation_id or "",
        occurred_at=event.received_at,
        traceparent=event.traceparent,
    )


def wanted(event: Any, globs: Sequence[str]) -> bool:
    """Whether the event is published: Drive `sync` never is; otherwise any glob (none = all)."""
    if event.source == GOOGLE_SHEETS and event.event_type == "sync":
        return False
    return not globs or any(fnmatchcase(event.event_type, glob) for glob in globs)


def backoff(attempts: int) -> timedelta:
    """2^(n-1) minutes after the n-th failure, ±20 % jitter, at most a day."""
    delay = timedelta(minutes=2 ** min(attempts - 1, 20)) * random.uniform(0.8, 1.2)
    return min(delay, MAX_BACKOFF)


def _failure(event: Any, error: Exception, now: datetime) -> dict[str, Any]:
    """The row's new values after a failed attempt: retried later, or dead."""
    attempts = event.attempts + 1
    message = f"{type(error).__name__}: {error}"[:2000]
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_error": message,
        "errors": [*event.errors, {"at": now.isoformat(), "attempt": attempts, "error": message}],
    }
    if attempts >= event.max_attempts:
        metrics.DEAD.labels(event.source).inc()
        return {**values, "status": "dead", "next_attempt_at": None}
    metrics.FAILED.labels(event.source).inc()
    return {**values, "status": "failed", "next_attempt_at": now + backoff(attempts)}


async def _fail(session: AsyncSession, event: Any, error: Exception, now: datetime) -> None:
    await session.execute(update(EVENTS).where(EVENTS.c.id == event.id).values(**_failure(event, error, now)))


def _outgoing(envelope: Envelope) -> tuple[Envelope, str, str | None]:
    return envelope, f"integration.{envelope.event_type}", STREAM


async def _write_outbox(
    session: AsyncSession, ready: Sequence[tuple[Any, Envelope]], notify: bool
) -> list[tuple[Any, Exception]]:
    """Write the outbox rows of `ready`; the events PostgreSQL refused a row for, with the error.

    One bulk insert in a savepoint; if it is refused (say, a NUL in a JSONB string) the events are
    written one savepoint each, so one bad event fails alone instead of stalling the whole batch.
    An outage is no event's fault: it propagates and the worker retries the batch.
    """
    try:
        async with session.begin_nested():
            await emit_many(session, OutboxEvent, [_outgoing(e) for _, e in ready], notify=notify)
        return []
    except SQLAlchemyError as exc:
        _raise_if_outage(exc)
    refused: list[tuple[Any, Exception]] = []
    for event, envelope in ready:
        try:
            async with session.begin_nested():
                await emit_many(session, OutboxEvent, [_outgoing(envelope)], notify=notify)
        except SQLAlchemyError as exc:
            _raise_if_outage(exc)
            log.warning("outbox refused an event", extra={"event_id": event.event_id, "error": str(exc)})
            refused.append((event, exc))
    return refused


def _raise_if_outage(exc: SQLAlchemyError) -> None:
    if isinstance(exc, DBAPIError) and is_transient_db_error(exc):
        raise exc


async def _claim(session: AsyncSession, batch: int) -> Sequence[Any]:
    # Core rows, not ORM objects: the worker reads a few columns and updates in bulk.
    query = (
        select(EVENTS)
        .where(EVENTS.c.status.in_(("received", "failed")), EVENTS.c.next_attempt_at <= datetime.now(UTC))
        .order_by(EVENTS.c.next_attempt_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(query)).all()


async def _globs(session: AsyncSession, events: Sequence[Any]) -> dict[int, list[str]]:
    ids = {e.config_id for e in events if e.config_id is not None}
    if not ids:
        return {}
    rows = await session.execute(
        select(WebhookConfig.id, WebhookConfig.event_types).where(WebhookConfig.id.in_(ids))
    )
    return {config_id: list(types) for config_id, types in rows.all()}


async def process_batch(
    sessionmaker: async_sessionmaker[AsyncSession], batch: int = 200, *, notify: bool = True
) -> int:
    """Process up to `batch` due events in one transaction; how many were claimed.

    Outbox rows and the events' new statuses commit together, so an event is published iff it
    is marked processed; other workers skip the locked rows.
    """
    async with sessionmaker() as session, session.begin():
        events = await _claim(session, batch)
        if not events:
            return 0
        globs = await _globs(session, events)
        now = datetime.now(UTC)
        ready: list[tuple[Any, Envelope]] = []
        done: dict[str, list[Any]] = {"processed": [], "filtered": []}
        for event in events:
            if not wanted(event, globs.get(event.config_id or -1, [])):
                done["filtered"].append(event.id)
                metrics.FILTERED.labels(event.source).inc()
                continue
            try:
                ready.append((event, envelope_for(event)))
            except Exception as exc:  # a processor's failure is retried later, never lost
                await _fail(session, event, exc, now)
        refused = await _write_outbox(session, ready, notify)
        for event, error in refused:
            await _fail(session, event, error, now)
        refused_ids = {event.id for event, _ in refused}
        done["processed"] = [event.id for event, _ in ready if event.id not in refused_ids]
        await _finish(session, done, now)
    return len(events)


async def _finish(session: AsyncSession, done: dict[str, list[Any]], now: datetime) -> None:
    for status, ids in done.items():
        if ids:
            attempts = EVENTS.c.attempts + (1 if status == "processed" else 0)
            await session.execute(
                update(EVENTS)
                .where(EVENTS.c.id.in_(ids))
                .values(status=status, processed_at=now, next_attempt_at=None, attempts=attempts)
            )


async def mark_published(session: AsyncSession, rows: Sequence[Any]) -> None:
    """The relay's `after_publish`: stamp the webhook events and measure receipt→publish lag."""
    now = datetime.now(UTC)
    ids = []
    for row in rows:
        data = row.payload.get("data") or {}
        if "webhook_event_id" not in data:
            continue
        ids.append(data["webhook_event_id"])
        metrics.PUBLISHED.labels(data.get("source", "unknown")).inc()
        occurred = datetime.fromisoformat(row.payload["occurred_at"].replace("Z", "+00:00"))
        metrics.PUBLISH_LAG.labels(data.get("source", "unknown")).observe(
            max(0.0, (now - occurred).total_seconds())
        )
    if ids:
        await session.execute(update(EVENTS).where(EVENTS.c.id.in_(ids)).values(published_at=now))
