"""The real migrations go down to an empty database and back up to every table."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from shared import testing
from shared.migrations import downgrade, upgrade

MIGRATIONS = Path(__file__).resolve().parent.parent / "integration_service" / "migrations"
SEED_TABLES = {"external_services", "integration_logs", "webhook_configs", "webhook_events",
               "api_rate_limits"}


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ))
            return {r[0] for r in rows} - {"alembic_version"}
    finally:
        await engine.dispose()


async def _indexes(url: str, table: str) -> dict[str, str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t"), {"t": table}
            )
            return {r[0]: r[1] for r in rows}
    finally:
        await engine.dispose()


async def test_migrations_go_down_to_base_and_up_again() -> None:
    url = await testing.create_database("integration_mig")
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        assert await _tables(url) >= SEED_TABLES
        await asyncio.to_thread(downgrade, MIGRATIONS, url, "base")
        assert await _tables(url) == set()
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        assert await _tables(url) >= SEED_TABLES
    finally:
        await testing.drop_database(url)


async def test_webhook_events_are_unique_per_tenant_source_and_event_id(database_url: str) -> None:
    indexes = await _indexes(database_url, "webhook_events")
    unique = indexes["uq_webhook_events_tenant_source_event"]
    assert "UNIQUE" in unique and "(tenant_id, source, event_id)" in unique
    assert "(status, next_attempt_at)" in indexes["ix_webhook_events_claim"]
    assert "(tenant_id, received_at)" in indexes["ix_webhook_events_listing"]


async def test_names_are_unique_per_tenant_for_external_services(database_url: str) -> None:
    indexes = await _indexes(database_url, "external_services")
    assert "(tenant_id, name)" in indexes["uq_external_services_tenant_name"]
