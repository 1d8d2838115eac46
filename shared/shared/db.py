"""Async SQLAlchemy: a naming convention, tenant/timestamp mixins, engine and session factories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, String, func
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapped, mapped_column

from shared.config import ServiceSettings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DEFAULT_TENANT = "default"


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
    """An engine tuned as the seed tuned it: 20+10 pool, pre-ping, 1 h recycle, JIT off."""
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_pre_ping": True,
        "pool_recycle": settings.db_pool_recycle_seconds,
        "pool_timeout": settings.db_pool_timeout_seconds,
        "connect_args": {
            "timeout": settings.db_connect_timeout_seconds,
            "server_settings": {
                "jit": "off",
                "statement_timeout": str(settings.db_statement_timeout_ms),
                "application_name": settings.service_name,
            },
        },
    }
    options.update(overrides)
    return create_async_engine(settings.database_url, **options)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block succeeds, rolled back when it raises."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise

