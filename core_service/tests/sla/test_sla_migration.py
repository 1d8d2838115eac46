"""Migration 0006 keeps existing requests (their clocks null, no SLA status) and goes back cleanly."""

from __future__ import annotations

import asyncio

import asyncpg

from core_service import MIGRATIONS
from shared import testing
from shared.migrations import downgrade, upgrade

SEED = [
    "INSERT INTO users (tenant_id, telegram_id, first_name, language, roles, active_role, specializations,"
    " status, token_version)"
    " VALUES ('default', 1, 'Житель', 'ru', '{applicant}', 'applicant', '{}', 'active', 0)",
    "INSERT INTO buildings (tenant_id, address, entrances, floors, apartments, geocode_attempts)"
    " VALUES ('default', 'Ташкент, ул. Навои, 1', 1, 1, 1, 0)",
    "INSERT INTO requests (tenant_id, number, building_id, apartment, category, urgency, description, media,"
    " applicant_id, status)"
    " VALUES ('default', '261205-001', 1, '1', 'plumbing', 'normal', 'течёт', '[]', 1, 'new')",
]
INDEXES = ("SELECT indexname FROM pg_indexes"
           " WHERE tablename = 'requests' AND indexname LIKE 'ix_requests_sla%'")
CLOCKS = "SELECT number, reaction_due_at, sla_due_at, sla_alert_at FROM requests"


async def test_requests_filed_before_keep_null_clocks_and_the_migration_reverses():
    url = await testing.create_database("core_sla_migration")
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url, "0005")
        conn = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            for sql in SEED:
                await conn.execute(sql)
            await asyncio.to_thread(upgrade, MIGRATIONS, url)
            row = await conn.fetchrow(CLOCKS)
            assert tuple(row) == ("261205-001", None, None, None)
            assert sorted(r["indexname"] for r in await conn.fetch(INDEXES)) == [
                "ix_requests_sla_alert", "ix_requests_sla_due", "ix_requests_sla_risk_alert"]
            await asyncio.to_thread(downgrade, MIGRATIONS, url, "0005")
            assert await conn.fetch(INDEXES) == []
            assert await conn.fetchval("SELECT to_regclass('sla_settings')") is None
            assert await conn.fetchval("SELECT number FROM requests") == "261205-001"
        finally:
            await conn.close()
    finally:
        await testing.drop_database(url)
