"""The receivers' idempotent insert: batched autocommit statements on a small asyncpg pool.

The hot path skips SQLAlchemy (BEGIN/INSERT/COMMIT and pool pre-ping were 4 round trips and most of
the request's CPU): a single `INSERT ... ON CONFLICT DO NOTHING RETURNING id` is atomic and
durable when it returns, which is exactly "accepted after the event is stored". Concurrent
deliveries are coalesced into one multi-row statement (`EventWriter`), which also shares
one commit, and so one WAL flush, between them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.batching import Coalescer, Overloaded
from shared.db import behind_pgbouncer
from shared.errors import TRANSIENT_SQLSTATE_CLASSES
from shared.events.listener import asyncpg_dsn

WRITER_BATCHES_IN_FLIGHT = 4
# Deliveries arriving within 2 ms share a statement: at 1000/s that halved the insert's CPU share.
BATCH_LINGER_SECONDS = 0.002
# Beyond these, a delivery is answered 503 rather than held (each holds its body, up to 1 MiB).
MAX_WAITING_DELIVERIES = 1000
STORE_GRACE_SECONDS = 10.0  # on top of the pool's acquire timeout: the batches ahead of it
# Enough for one process at full speed (each insert holds a connection ~1 ms).
POOL_SIZE = 10

# One statement stores a whole batch of deliveries; the rows come back for those that were new.
INSERT = """
INSERT INTO webhook_events (id, tenant_id, source, event_id, event_type, status, raw_body, headers,
    source_ip, signature_valid, signature_scheme, config_id, max_attempts, next_attempt_at,
    ingest_ms, correlation_id, traceparent)
SELECT gen_random_uuid(), t.tenant_id, t.source, t.event_id, t.event_type, 'received', t.raw_body,
    t.headers::jsonb, t.source_ip, true, t.scheme, t.config_id, t.max_attempts, now(), t.ingest_ms,
    t.correlation_id, t.traceparent
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::text[],
    $8::text[], $9::int[], $10::int[], $11::float8[], $12::text[], $13::text[])
    AS t(tenant_id, source, event_id, event_type, raw_body, headers, source_ip, scheme, config_id,
         max_attempts, ingest_ms, correlation_id, traceparent)
ON CONFLICT ON CONSTRAINT uq_webhook_events_tenant_source_event DO NOTHING
RETURNING tenant_id, source, event_id
"""


Key = tuple[str, str, str]  # (tenant, source, event_id): what makes a delivery a duplicate


@dataclass(frozen=True, slots=True)
class NewEvent:
    """One verified delivery to store (the columns the receiver knows)."""

    tenant: str
    source: str
    event_id: str
    event_type: str
    raw: bytes
    headers: dict[str, str]
    source_ip: str | None
    scheme: str
    config_id: int
    max_attempts: int
    ingest_ms: float
    correlation_id: str | None
    traceparent: str | None = None

    @property
    def key(self) -> Key:
        """The idempotency key."""
        return self.tenant, self.source, self.event_id


class DatabaseUnavailable(Exception):
    """PostgreSQL answered "not now" (too many connections, read-only, shutting down, ...)."""


# What a receiver may meet when PostgreSQL is unreachable, restarting or overloaded: answered with 503.
DATABASE_ERRORS = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    DatabaseUnavailable,
)


def is_transient(exc: asyncpg.PostgresError) -> bool:
    """Whether an asyncpg error means "retry later" (what `shared.errors.is_transient_db_error`
    decides for SQLAlchemy's wrapped errors): SQLSTATE class 08/53/57/40, or 25006 read-only."""
    sqlstate = str(getattr(exc, "sqlstate", None) or "")
    return sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES or sqlstate == "25006"


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Nothing to reset: these connections only ever run single autocommit statements.

    The default reset (UNLISTEN *, RESET ALL, ...) is one more round trip per delivery.
    """


async def create_pool(engine: AsyncEngine, connect_seconds: float, size: int = POOL_SIZE) -> asyncpg.Pool:
    """A lazily filled pool (no connection at start-up, so the app starts while PostgreSQL is down)."""
    settings = {"application_name": "integration-webhooks"}
    options: dict[str, Any] = {"statement_cache_size": 0} if behind_pgbouncer(engine) else {}
    if not options:  # PgBouncer refuses other startup parameters
        settings["jit"] = "off"
    pool: asyncpg.Pool = await asyncpg.create_pool(
        asyncpg_dsn(engine),
        min_size=0,
        max_size=size,
        timeout=connect_seconds,
        command_timeout=30,
        server_settings=settings,
        max_inactive_connection_lifetime=300,
        reset=_keep_session,
        **options,
    )
    return pool


async def insert_events(
    pool: asyncpg.Pool, events: list[NewEvent], acquire_seconds: float
) -> list[bool | BaseException]:
    """Store the events whose (tenant, source, event_id) is not stored yet; per event, True if new.

    One autocommit statement for the batch: when it returns, every row is durable. A repeat of a
    key inside the batch is a duplicate of its first occurrence. A transient refusal raises
    `DatabaseUnavailable` for all; any other error is retried row by row, so one bad row fails alone.
    """
    first: dict[Key, NewEvent] = {}
    for event in events:
        first.setdefault(event.key, event)
    unique = list(first.values())
    try:
        stored = await _insert(pool, unique, acquire_seconds)
    except asyncpg.PostgresError:
        if len(unique) == 1:
            raise
        return await _one_by_one(pool, events, acquire_seconds)
    return [event.key in stored and first[event.key] is event for event in events]


async def _one_by_one(
    pool: asyncpg.Pool, events: list[NewEvent], acquire_seconds: float
) -> list[bool | BaseException]:
    """Each event alone; a repeat is a duplicate only once an earlier occurrence's row exists."""
    outcome: dict[Key, bool | BaseException] = {}
    results: list[bool | BaseException] = []
    for event in events:
        earlier = outcome.get(event.key)
        if earlier is None or isinstance(earlier, BaseException):
            outcome[event.key] = await _insert_alone(pool, event, acquire_seconds)
            results.append(outcome[event.key])
        else:
            results.append(False)
    return results


async def _insert_alone(pool: asyncpg.Pool, event: NewEvent, acquire_seconds: float) -> bool | BaseException:
    try:
        return event.key in await _insert(pool, [event], acquire_seconds)
    except asyncpg.PostgresError as exc:
        refused: BaseException = exc
        return refused


async def _insert(pool: asyncpg.Pool, events: list[NewEvent], acquire_seconds: float) -> set[Key]:
    columns = (
        [e.tenant for e in events], [e.source for e in events], [e.event_id for e in events],
        [e.event_type for e in events], [e.raw for e in events],
        [orjson.dumps(e.headers).decode() for e in events], [e.source_ip for e in events],
        [e.scheme for e in events], [e.config_id for e in events], [e.max_attempts for e in events],
        [e.ingest_ms for e in events], [e.correlation_id for e in events], [e.traceparent for e in events],
    )
    try:
        async with pool.acquire(timeout=acquire_seconds) as connection:
            rows = await connection.fetch(INSERT, *columns)
    except asyncpg.PostgresError as exc:
        if is_transient(exc):
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc
        raise
    return {(row["tenant_id"], row["source"], row["event_id"]) for row in rows}


class EventWriter:
    """Stores deliveries with the others arriving at the same time: one statement per batch.

    Several batches are in flight: while one waits for its commit's WAL flush, the next fills.
    """

    def __init__(self, pool: asyncpg.Pool, acquire_timeout: float) -> None:
        self.pool = pool
        self.acquire_timeout = acquire_timeout
        self.batches: Coalescer[NewEvent, bool] = Coalescer(
            self._insert, max_batch=200, concurrency=WRITER_BATCHES_IN_FLIGHT, linger=BATCH_LINGER_SECONDS,
            max_pending=MAX_WAITING_DELIVERIES,
        )

    async def store(self, event: NewEvent) -> bool:
        """Store one delivery; True if it is new.

        A database that cannot keep up answers "unavailable" (503, the sender retries) instead of
        letting deliveries queue without bound: too many waiting, or no answer within the deadline.
        """
        try:
            async with asyncio.timeout(self.acquire_timeout + STORE_GRACE_SECONDS):
                return await self.batches.submit(event)
        except Overloaded as exc:
            raise DatabaseUnavailable(f"deliveries are not being stored fast enough: {exc}") from exc

    async def close(self) -> None:
        """Close the pool."""
        await self.pool.close()

    async def _insert(self, events: list[NewEvent]) -> list[bool | BaseException]:
        # `self.pool` is read per batch, so a pool swapped in (a reconnect, tests) takes effect.
        return await insert_events(self.pool, events, self.acquire_timeout)
