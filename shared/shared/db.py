"""Async SQLAlchemy: a naming convention, tenant/timestamp mixins, engine and session factories."""

from __future__ import annotations

import time
import uuid
import weakref
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, Select, String, event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry

from shared.config import ServiceSettings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DEFAULT_TENANT = "default"

# A pooled connection idle this long is checked before use (a database restart, a failover or an
# idle timeout may have closed it). One in steady use is not: the check costs three round trips
# (BEGIN, `;`, ROLLBACK) on every checkout, and a connection that died under load fails its
# request once (503), after which SQLAlchemy replaces every connection of the pool.
PING_AFTER_IDLE_SECONDS = 5.0
# An exact total of an append-only table (webhook events, call logs) costs a scan of every
# matching row on every page; past this many, a page says "at least" instead.
COUNT_CAP = 10_000

# Where an engine's LISTEN connections go, when not to its own URL (None: nowhere, poll instead).
_LISTEN_URLS: weakref.WeakKeyDictionary[Engine, str | None] = weakref.WeakKeyDictionary()


def make_metadata() -> MetaData:
    """A MetaData with the project's constraint naming convention (one per service)."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class TenantMixin:
    """Every row belongs to one tenant."""

    tenant_id: Mapped[str] = mapped_column(String(64), default=DEFAULT_TENANT, index=True)


class TimestampMixin:
    """Creation and last-update times, set by the database."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


def create_engine(settings: ServiceSettings, **overrides: Any) -> AsyncEngine:
    """An engine tuned as the seed tuned it: 20+10 pool, a ping before use (of connections idle for
    `PING_AFTER_IDLE_SECONDS`), 1 h recycle, JIT off; through a PgBouncer (`DB_PGBOUNCER`) without
    prepared statements that outlive a transaction."""
    server_settings = {"application_name": settings.service_name}
    connect_args: dict[str, Any] = {"timeout": settings.db_connect_timeout_seconds}
    if settings.db_pgbouncer:
        connect_args.update(pgbouncer_connect_args())
    else:
        # PgBouncer refuses other startup parameters: behind it these are the role's or database's.
        server_settings.update(jit="off", statement_timeout=str(settings.db_statement_timeout_ms))
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_recycle": settings.db_pool_recycle_seconds,
        "pool_timeout": settings.db_pool_timeout_seconds,
        "connect_args": {**connect_args, "server_settings": server_settings},
    }
    options.update(overrides)
    engine = create_async_engine(settings.database_url, **options)
    _ping_when_idle(engine)
    if settings.db_pgbouncer:
        _LISTEN_URLS[engine.sync_engine] = settings.db_listen_url
    return engine


def _ping_when_idle(engine: AsyncEngine) -> None:
    """SQLAlchemy's pessimistic disconnect handling, for connections that sat idle in the pool."""
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _idle_from(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _ping(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:
            # The pool discards this connection and checks out another (a new one if need be).
            raise DisconnectionError("a pooled connection was closed while idle") from exc


def pgbouncer_connect_args() -> dict[str, Any]:
    """asyncpg's arguments for a PgBouncer in transaction mode: no statement cache, and every
    prepared statement uniquely named, so that none collides on a server connection another
    client used (SQLAlchemy still prepares each statement to learn its result's columns)."""
    return {
        "statement_cache_size": 0,  # asyncpg's
        "prepared_statement_cache_size": 0,  # SQLAlchemy's
        "prepared_statement_name_func": lambda: f"__asyncpg_{uuid.uuid4().hex}__",
    }


def behind_pgbouncer(engine: AsyncEngine) -> bool:
    """Whether `engine` was made for a PgBouncer (`DB_PGBOUNCER`): raw asyncpg connections to its
    URL then need `statement_cache_size=0` and no startup parameter but `application_name`."""
    return engine.sync_engine in _LISTEN_URLS


def listen_dsn(engine: AsyncEngine) -> str | None:
    """The plain DSN a LISTEN connection for `engine` uses: its own URL, `DB_LISTEN_URL` behind a
    PgBouncer, or None there without one (LISTEN does not survive transaction pooling)."""
    url = _LISTEN_URLS.get(engine.sync_engine, engine.url.render_as_string(hide_password=False))
    if url is None:
        return None
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class ReadSession(Session):
    """A read's session: it refuses to flush a change, so a write in a read fails loudly instead of
    committing statement by statement."""

    def flush(self, objects: Any = None) -> None:
        """Refuse pending changes; a flush with none is a no-op as usual."""
        if self.new or self.dirty or self.deleted:
            raise RuntimeError("a read (GET or HEAD) must not write: use POST, PUT, PATCH or DELETE")
        super().flush(objects)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession] | None:
    """Sessions for reads that run outside a transaction, or None behind a PgBouncer.

    Each statement commits on its own, which saves the `BEGIN` and `COMMIT` round trips of a read.
    At READ COMMITTED every statement takes its own snapshot inside a transaction too, so a read
    sees the same. Behind a PgBouncer in transaction mode a statement's prepare and execute could
    reach different server connections outside a transaction, so there reads keep theirs.
    """
    if behind_pgbouncer(engine):
        return None
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    return async_sessionmaker(autocommit, expire_on_commit=False, autoflush=False,
                              sync_session_class=ReadSession)


async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block succeeds, rolled back when it raises."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def capped_count(session: AsyncSession, query: Select[Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows `query` matches, counting no further than `cap`: (count, whether exact)."""
    limited = query.order_by(None).limit(cap + 1).subquery()
    found = int(await session.scalar(select(func.count()).select_from(limited)) or 0)
    return min(found, cap), found <= cap
