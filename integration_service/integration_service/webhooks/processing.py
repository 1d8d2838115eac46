"""Processing stored events: claim due ones, build envelopes, publish them, retry or give up.

`webhook_events` is its own outbox: a row is published straight from it (no outbox row, no relay),
so an event costs two row writes, its insert and the update marking it processed and published.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any, cast

import orjson
from redis.exceptions import RedisError
from sqlalchemy import Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_service.webhooks import metrics
from integration_service.webhooks.models import WebhookConfig, WebhookEvent
from integration_service.webhooks.sources import (
    GOOGLE_SHEETS,
    google_data,
    published_type,
    unsigned_type_hint,
)
from shared.events import Envelope, OncePublisher, Publication, sent_marker
from shared.events.metrics import OUTBOX_PUBLISH_ERRORS, OUTBOX_PUBLISH_LAG, OUTBOX_PUBLISHED
from shared.tracing import SpanKind, record_span

log = logging.getLogger("webhooks.processing")

STREAM = "stream:integration"
OUTBOX = "webhook_events"  # the `outbox` label of the shared outbox metrics
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


def publication(event: Any, envelope: Envelope) -> Publication:
    """The event's publication: its channel, the stream, and a marker unique to this queueing of the
    row (`next_attempt_at` changes when it is queued again, so a replay is published anew)."""
    identity = f"{event.id}:{event.next_attempt_at.timestamp():.6f}"
    return Publication(sent_marker(STREAM, OUTBOX, identity), f"integration.{envelope.event_type}",
                       envelope.to_json(), STREAM)


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
    sessionmaker: async_sessionmaker[AsyncSession], publisher: OncePublisher, batch: int = 200
) -> int:
    """Process and publish up to `batch` due events in one transaction; how many were claimed.

    The events are published to Redis while their rows are locked, then marked processed and
    published in the same transaction: other workers skip the locked rows, and a worker that dies
    between Redis and its commit leaves them due, to be published again under the same markers
    (so not twice). If Redis fails, the filtered and failed ones are still recorded, the rest stay
    due and the error propagates (the worker backs off and tries again).
    """
    async with sessionmaker() as session, session.begin():
        events = await _claim(session, batch)
        if not events:
            return 0
        globs = await _globs(session, events)
        now = datetime.now(UTC)
        ready: list[tuple[Any, Envelope]] = []
        filtered: list[Any] = []
        for event in events:
            if not wanted(event, globs.get(event.config_id or -1, [])):
                filtered.append(event.id)
                metrics.FILTERED.labels(event.source).inc()
                continue
            try:
                ready.append((event, envelope_for(event)))
            except Exception as exc:  # a processor's failure is retried later, never lost
                await _fail(session, event, exc, now)
        await _finish(session, "filtered", filtered, now)
        started_ns = time.time_ns()
        error = await _publish(publisher, ready)
        if error is None:
            await _finish(session, "processed", [event.id for event, _ in ready], datetime.now(UTC))
    if error is not None:
        raise error
    _observe(ready, started_ns)
    return len(events)


async def _publish(publisher: OncePublisher, ready: Sequence[tuple[Any, Envelope]]) -> RedisError | None:
    """Publish the envelopes; the Redis error that left them unpublished, if any."""
    if not ready:
        return None
    try:
        await publisher.publish([publication(event, envelope) for event, envelope in ready])
    except RedisError as exc:
        OUTBOX_PUBLISH_ERRORS.labels(OUTBOX).inc()
        return exc
    return None


async def _finish(session: AsyncSession, status: str, ids: list[Any], now: datetime) -> None:
    """Mark the events done: processed ones count an attempt and are published as of `now`."""
    if not ids:
        return
    values: dict[str, Any] = {"status": status, "processed_at": now, "next_attempt_at": None}
    if status == "processed":
        values.update(attempts=EVENTS.c.attempts + 1, published_at=now)
    await session.execute(update(EVENTS).where(EVENTS.c.id.in_(ids)).values(**values))


def _observe(published: Sequence[tuple[Any, Envelope]], started_ns: int) -> None:
    """Metrics and producer spans of the published events (receipt to publication)."""
    now = datetime.now(UTC)
    for event, envelope in published:
        lag = max(0.0, (now - event.received_at).total_seconds())
        metrics.PUBLISHED.labels(event.source).inc()
        metrics.PUBLISH_LAG.labels(event.source).observe(lag)
        OUTBOX_PUBLISH_LAG.labels(OUTBOX).observe(lag)
        record_span(f"publish integration.{envelope.event_type}", parent=envelope.traceparent,
                    start_ns=started_ns, kind=SpanKind.PRODUCER,
                    attributes={"messaging.system": "redis", "outbox": OUTBOX})
    if published:
        OUTBOX_PUBLISHED.labels(OUTBOX).inc(len(published))
