"""The receivers' idempotent insert: one autocommit statement on a small asyncpg pool.

The hot path skips SQLAlchemy (BEGIN/INSERT/COMMIT and pool pre-ping were 4 round trips and most of
the request's CPU): a single `INSERT ... ON CONFLICT DO NOTHING RETURNING id` is atomic and
durable when it returns, which is exactly "accepted after the event is stored".
"""

from __future__ import annotations

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.errors import TRANSIENT_SQLSTATE_CLASSES
from shared.events.listener import asyncpg_dsn

INSERT = """
INSERT INTO webhook_events (id, tenant_id, source, event_id, event_type, status, raw_body, headers,
    source_ip, signature_valid, signature_scheme, config_id, max_attempts, next_attempt_at,
    ingest_ms, correlation_id)
VALUES (gen_random_uuid(), $1, $2, $3, $4, 'received', $5, $6::jsonb, $7, true, $8, $9, $10, now(), $11, $12)
ON CONFLICT ON CONSTRAINT uq_webhook_events_tenant_source_event DO NOTHING
RETURNING id
"""


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


async def create_pool(engine: AsyncEngine, size: int, connect_seconds: float) -> asyncpg.Pool:
    """A lazily filled pool (no connection at start-up, so the app starts while PostgreSQL is down)."""
    settings = {"jit": "off", "application_name": "integration-webhooks"}
    pool: asyncpg.Pool = await asyncpg.create_pool(
        asyncpg_dsn(engine),
        min_size=0,
        max_size=size,
        timeout=connect_seconds,
        command_timeout=30,
        server_settings=settings,
        max_inactive_connection_lifetime=300,
        reset=_keep_session,
    )
    return pool


async def insert_event(
    pool: asyncpg.Pool,
    *,
    tenant: str,
    source: str,
    event_id: str,
    event_type: str,
    raw: bytes,
    headers: dict[str, str],
    source_ip: str | None,
    scheme: str,
    config_id: int,
    max_attempts: int,
    ingest_ms: float,
    correlation_id: str | None,
    acquire_seconds: float,
) -> bool:
    """Store the event unless (tenant, source, event_id) is stored; True when it is new.

    Raises `DatabaseUnavailable` for a transient PostgreSQL refusal (also met while connecting).
    """
    try:
        async with pool.acquire(timeout=acquire_seconds) as connection:
            row_id = await connection.fetchval(
                INSERT,
                tenant,
                source,
                event_id,
                event_type,
                raw,
                orjson.dumps(headers).decode(),
                source_ip,
                scheme,
                config_id,
                max_attempts,
                ingest_ms,
                correlation_id,
            )
    except asyncpg.PostgresError as exc:
        if is_transient(exc):
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc
        raise
    return row_id is not None
